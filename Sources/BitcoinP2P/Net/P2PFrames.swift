/// A message received from a peer, after framing, checksum and payload decoding.
///
/// For `block` and `tx` the checksum-verified payload bytes are kept as well, so that the chain can
/// store the exact bytes the peer sent (raw block store with transaction offsets) without
/// re-serializing. For every other command `rawPayload` is empty.
public struct ReceivedMessage: Sendable {
    public let message: Message
    /// The payload bytes of a `block` or `tx`; empty for other commands.
    public let rawPayload: [UInt8]

    public init(message: Message, rawPayload: [UInt8] = []) {
        self.message = message
        self.rawPayload = rawPayload
    }
}

/// What the encoder writes: a modelled message, or a payload that is already serialized (a raw block
/// from the block store, a transaction serialized without witness for a non-witness `getdata`).
public enum OutboundFrame: Sendable {
    case message(Message)
    case raw(command: Command, payload: [UInt8])

    /// The command in the header.
    public var command: Command {
        switch self {
        case .message(let m): return m.command
        case .raw(let c, _): return c
        }
    }

    /// The wire bytes (24-byte header and payload).
    public func encode(magic: NetworkMagic) -> [UInt8] {
        switch self {
        case .message(let m): return MessageEnvelope.encode(m, magic: magic)
        case .raw(let c, let p): return MessageEnvelope.encode(command: c, payload: p, magic: magic)
        }
    }
}
