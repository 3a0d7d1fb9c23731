internal import Primitives

/// A streaming, sans-I/O message framer: feed it bytes as they arrive, take complete messages out.
///
/// - The header is checked (magic, command, per-command length limit) as soon as its 24 bytes are
///   buffered, before any payload byte is waited for, so an oversize length is rejected at once.
/// - The framer only ever holds bytes that were fed to it; it never reserves space for a declared length.
/// - Call `nextMessage()` until it returns nil after each `feed`; then the buffer never holds more than
///   one partial message plus one read's worth of bytes.
/// - There is no resynchronisation: after any error the framer is failed and rethrows that error;
///   the connection should be dropped (Core disconnects on bad magic or checksum as well).
public struct MessageFramer: Sendable {
    public let magic: NetworkMagic
    private var buffer: [UInt8] = []
    private var start = 0
    private var header: MessageHeader?
    /// The first error, sticky.
    public private(set) var failure: P2PError?

    public init(magic: NetworkMagic) { self.magic = magic }

    /// Bytes buffered and not yet returned in a message.
    public var bufferedByteCount: Int { buffer.count - start }

    /// Appends received bytes. Ignored once the framer has failed.
    public mutating func feed(_ bytes: some Sequence<UInt8>) {
        guard failure == nil else { return }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete, checksum-verified message, or nil if more bytes are needed.
    public mutating func nextRawMessage() throws(P2PError) -> RawMessage? {
        if let failure { throw failure }
        do throws(P2PError) {
            return try step()
        } catch {
            failure = error
            buffer = []
            start = 0
            throw error
        }
    }

    /// The next complete message, decoded; nil if more bytes are needed. A payload that does not decode
    /// fails the framer like a framing error.
    public mutating func nextMessage() throws(P2PError) -> Message? {
        guard let raw = try nextRawMessage() else { return nil }
        do throws(P2PError) {
            return try raw.decode()
        } catch {
            failure = error
            buffer = []
            start = 0
            throw error
        }
    }

    private mutating func step() throws(P2PError) -> RawMessage? {
        let available = buffer.count - start
        if header == nil {
            // Reject a wrong magic as soon as its first differing byte arrives.
            let m = min(4, available)
            if m > 0, !buffer[start..<start + m].elementsEqual(magic.bytes.prefix(m)) {
                throw .badMagic(expected: magic.bytes, got: Array(buffer[start..<start + m]))
            }
            guard available >= MessageHeader.size else { return nil }
            header = try MessageHeader.decode(buffer[start..<start + MessageHeader.size], expecting: magic)
            start += MessageHeader.size
        }
        guard let h = header else { return nil }
        let length = Int(h.length)  // bounded by MessageLimits (≤ 4,000,000) in MessageHeader.decode
        guard buffer.count - start >= length else { return nil }
        let payload = Array(buffer[start..<start + length])
        start += length
        header = nil
        compact()
        let sum = MessageHeader.computeChecksum(payload)
        guard sum == h.checksum else {
            throw .badChecksum(command: h.command.name, expected: sum, got: h.checksum)
        }
        return RawMessage(command: h.command, payload: payload)
    }

    private mutating func compact() {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 16)
            start = 0
        } else if start >= 1 << 16 && start * 2 >= buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
    }
}
