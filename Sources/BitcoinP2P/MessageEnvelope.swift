public import Bitcoin
internal import Hashing
public import Primitives

/// The 4-byte network magic that starts every message (`pchMessageStart`).
public struct NetworkMagic: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    /// nil unless exactly four bytes.
    public init?(_ bytes: [UInt8]) {
        guard bytes.count == 4 else { return nil }
        self.bytes = bytes
    }

    /// The magic of `params`' network.
    public init(_ params: ChainParams) {
        // ChainParams' magics are four-byte constants.
        bytes = Array((params.magic + [0, 0, 0, 0]).prefix(4))
    }

    public static let mainnet = NetworkMagic(.mainnet)
    public static let testnet3 = NetworkMagic(.testnet3)
    public static let testnet4 = NetworkMagic(.testnet4)
    public static let signet = NetworkMagic(.signet)
    public static let regtest = NetworkMagic(.regtest)

    public var description: String { bytes.hex }
}

/// The 24-byte message header: magic, NUL-padded command, payload length (u32 LE), checksum
/// (first four bytes of SHA256d(payload)).
public struct MessageHeader: Hashable, Sendable {
    public static let size = 24

    public var magic: NetworkMagic
    public var command: Command
    public var length: UInt32
    public var checksum: [UInt8]

    public init(magic: NetworkMagic, command: Command, length: UInt32, checksum: [UInt8]) {
        self.magic = magic
        self.command = command
        self.length = length
        self.checksum = checksum
    }

    /// The checksum of `payload`: the first four bytes of SHA256d.
    public static func computeChecksum(_ payload: some Collection<UInt8>) -> [UInt8] {
        let h = SHA256Hash.double(payload)
        return [h[0], h[1], h[2], h[3]]
    }

    public func encode(into w: inout ByteWriter) {
        w.write(magic.bytes)
        w.write(command.field)
        w.writeUInt32LE(length)
        w.write(checksum)
    }

    /// Parses 24 header bytes, checking magic, command and the per-command length limit, in that order.
    public static func decode(_ raw: some Collection<UInt8>, expecting magic: NetworkMagic) throws(P2PError)
        -> MessageHeader
    {
        let b = Array(raw)
        guard b.count == size else {
            throw .malformedPayload(command: "", .truncated(offset: 0, needed: size, remaining: b.count))
        }
        guard Array(b[0..<4]) == magic.bytes else { throw .badMagic(expected: magic.bytes, got: Array(b[0..<4])) }
        let command = try Command(field: b[4..<16])
        let length = UInt32(b[16]) | UInt32(b[17]) << 8 | UInt32(b[18]) << 16 | UInt32(b[19]) << 24
        let limit = MessageLimits.maxPayload(for: command)
        guard UInt64(length) <= UInt64(limit) else {
            throw .payloadTooLarge(command: command.name, length: length, limit: limit)
        }
        return MessageHeader(magic: magic, command: command, length: length, checksum: Array(b[20..<24]))
    }
}

/// A framed message whose checksum has been verified but whose payload is not yet decoded.
public struct RawMessage: Hashable, Sendable {
    public var command: Command
    public var payload: [UInt8]

    public init(command: Command, payload: [UInt8]) {
        self.command = command
        self.payload = payload
    }

    /// Decodes the payload.
    public func decode() throws(P2PError) -> Message { try Message.decode(command: command, payload: payload) }
}

/// Encodes whole messages (header + payload).
public enum MessageEnvelope {
    /// The wire bytes of `message` on the network with `magic`.
    public static func encode(_ message: Message, magic: NetworkMagic) -> [UInt8] {
        encode(command: message.command, payload: message.encodePayload(), magic: magic)
    }

    /// The wire bytes of an already-encoded payload.
    public static func encode(command: Command, payload: [UInt8], magic: NetworkMagic) -> [UInt8] {
        var w = ByteWriter(capacity: MessageHeader.size + payload.count)
        let header = MessageHeader(
            magic: magic, command: command, length: UInt32(truncatingIfNeeded: payload.count),
            checksum: MessageHeader.computeChecksum(payload))
        header.encode(into: &w)
        w.write(payload)
        return w.bytes
    }
}
