internal import Hashing
internal import Primitives

/// A 2048-bit log bloom filter (Yellow Paper §4.3.1, `M3:2048`): for each address and topic,
/// three bits are set, chosen by the low 11 bits of the first three big-endian byte pairs of its
/// Keccak-256 hash. Bit `b` lives in byte `255 - b / 8` (the filter is one big-endian number).
public struct Bloom: Hashable, Sendable, CustomStringConvertible {
    /// Size in bytes (EIP: 256 bytes, 2048 bits).
    public static let byteCount = 256

    /// The 256 filter bytes in header (big-endian) order.
    public private(set) var bytes: [UInt8]

    /// The empty filter.
    public static let empty = Bloom()

    /// An empty filter.
    public init() { bytes = [UInt8](repeating: 0, count: Bloom.byteCount) }

    /// A filter from its 256 bytes; nil for any other length.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == Bloom.byteCount else { return nil }
        self.bytes = Array(bytes)
    }

    /// The filter of a set of logs: each log's address and every topic.
    public init(logs: some Sequence<Log>) {
        self.init()
        for l in logs { add(log: l) }
    }

    /// Adds a log's address and topics.
    public mutating func add(log: Log) {
        add(log.address.bytes)
        for t in log.topics { add(t.bytes) }
    }

    /// Adds one entry (an address's or topic's bytes, hashed with Keccak-256).
    public mutating func add(_ entry: some Collection<UInt8>) {
        let h = Keccak256.hash(entry)
        for i in stride(from: 0, to: 6, by: 2) {
            let bit = (Int(h[i]) << 8 | Int(h[i + 1])) & 2047
            bytes[Bloom.byteCount - 1 - bit >> 3] |= UInt8(1) << UInt8(bit & 7)
        }
    }

    /// True if all three bits of `entry` are set (false positives are possible, negatives are not).
    public func mightContain(_ entry: some Collection<UInt8>) -> Bool {
        let h = Keccak256.hash(entry)
        for i in stride(from: 0, to: 6, by: 2) {
            let bit = (Int(h[i]) << 8 | Int(h[i + 1])) & 2047
            if bytes[Bloom.byteCount - 1 - bit >> 3] & (UInt8(1) << UInt8(bit & 7)) == 0 { return false }
        }
        return true
    }

    /// Sets every bit that is set in `other` (a block's bloom is the union of its receipts' blooms).
    public mutating func formUnion(_ other: Bloom) {
        for i in 0..<Bloom.byteCount { bytes[i] |= other.bytes[i] }
    }

    public var description: String { "0x" + bytes.hex }
}

extension Bloom: RLPCodable {
    /// A 256-byte string.
    public func appendRLP(to out: inout [UInt8]) { RLP.append(bytes: bytes, to: &out) }

    public init(rlp r: inout RLPReader) throws(RLPError) {
        let start = r.offset
        let range = try r.readBytesRange()
        guard range.count == Bloom.byteCount else {
            throw .wrongLength(offset: start, expected: Bloom.byteCount, got: range.count)
        }
        self.bytes = Array(r.bytes[range])
    }
}
