public import Primitives

/// Errors from framing or decoding peer messages. Every one means "the peer sent bad bytes"; the
/// connection policy (disconnect, ban score) is the caller's.
public enum P2PError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The first bytes of a message header are not this network's magic. There is no resync: garbage
    /// between messages is a protocol violation.
    case badMagic(expected: [UInt8], got: [UInt8])
    /// The 12-byte command field is not printable ASCII followed by NUL padding.
    case invalidCommand(bytes: [UInt8])
    /// The declared payload length exceeds the limit for the command (rejected before buffering).
    case payloadTooLarge(command: String, length: UInt32, limit: Int)
    /// The header's checksum does not match the first four bytes of SHA256d(payload).
    case badChecksum(command: String, expected: [UInt8], got: [UInt8])
    /// The payload does not decode as the command's message.
    case malformedPayload(command: String, DecodeError)

    public var description: String {
        switch self {
        case .badMagic(let e, let g): return "bad network magic \(g.hex) (expected \(e.hex))"
        case .invalidCommand(let b): return "invalid command field \(b.hex)"
        case .payloadTooLarge(let c, let l, let lim): return "\(c) payload of \(l) bytes exceeds limit \(lim)"
        case .badChecksum(let c, let e, let g): return "\(c) checksum \(g.hex) does not match \(e.hex)"
        case .malformedPayload(let c, let e): return "malformed \(c) payload: \(e)"
        }
    }
}
