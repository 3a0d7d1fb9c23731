/// A bounds-checked cursor over a byte array. Every read checks the remaining length first, so
/// hostile input produces a `DecodeError`, never a trap.
public struct ByteReader: Sendable {
    public let bytes: [UInt8]
    public private(set) var offset: Int
    public let end: Int

    public init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = min(max(0, offset), bytes.count)
        self.end = bytes.count
    }

    @inlinable public var remaining: Int { end - offset }
    @inlinable public var isAtEnd: Bool { offset >= end }

    @inlinable mutating func need(_ n: Int) throws(DecodeError) {
        guard n >= 0, n <= remaining else {
            throw .truncated(offset: offset, needed: n, remaining: remaining)
        }
    }

    public mutating func readUInt8() throws(DecodeError) -> UInt8 {
        try need(1)
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func readUInt16LE() throws(DecodeError) -> UInt16 {
        try need(2)
        defer { offset += 2 }
        return UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    public mutating func readUInt16BE() throws(DecodeError) -> UInt16 {
        try need(2)
        defer { offset += 2 }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    public mutating func readUInt32LE() throws(DecodeError) -> UInt32 {
        try need(4)
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(bytes[offset + i]) << (8 * UInt32(i)) }
        offset += 4
        return v
    }

    public mutating func readUInt32BE() throws(DecodeError) -> UInt32 {
        try need(4)
        var v: UInt32 = 0
        for i in 0..<4 { v = v << 8 | UInt32(bytes[offset + i]) }
        offset += 4
        return v
    }

    public mutating func readUInt64LE() throws(DecodeError) -> UInt64 {
        try need(8)
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
        offset += 8
        return v
    }

    public mutating func readUInt64BE() throws(DecodeError) -> UInt64 {
        try need(8)
        var v: UInt64 = 0
        for i in 0..<8 { v = v << 8 | UInt64(bytes[offset + i]) }
        offset += 8
        return v
    }

    public mutating func readInt32LE() throws(DecodeError) -> Int32 { Int32(bitPattern: try readUInt32LE()) }
    public mutating func readInt64LE() throws(DecodeError) -> Int64 { Int64(bitPattern: try readUInt64LE()) }

    /// Reads `count` bytes.
    public mutating func readBytes(_ count: Int) throws(DecodeError) -> [UInt8] {
        try need(count)
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    /// Reads `count` bytes as a slice sharing storage.
    public mutating func readSlice(_ count: Int) throws(DecodeError) -> ArraySlice<UInt8> {
        try need(count)
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    public mutating func skip(_ count: Int) throws(DecodeError) {
        try need(count)
        offset += count
    }

    public mutating func readBytes32() throws(DecodeError) -> Bytes32 {
        try need(32)
        defer { offset += 32 }
        return Bytes32(bytes[offset..<offset + 32])
    }

    /// Bitcoin's CompactSize (var_int). Rejects non-minimal encodings, as Bitcoin Core does.
    public mutating func readCompactSize() throws(DecodeError) -> UInt64 {
        let start = offset
        let first = try readUInt8()
        switch first {
        case 0xfd:
            let v = UInt64(try readUInt16LE())
            guard v >= 0xfd else { throw .nonCanonicalCompactSize(offset: start) }
            return v
        case 0xfe:
            let v = UInt64(try readUInt32LE())
            guard v > 0xffff else { throw .nonCanonicalCompactSize(offset: start) }
            return v
        case 0xff:
            let v = try readUInt64LE()
            guard v > 0xffff_ffff else { throw .nonCanonicalCompactSize(offset: start) }
            return v
        default:
            return UInt64(first)
        }
    }

    /// A CompactSize that must not exceed `limit` (checked before anything is allocated).
    public mutating func readCompactSize(limit: UInt64) throws(DecodeError) -> Int {
        let start = offset
        let v = try readCompactSize()
        guard v <= limit else { throw .tooLarge(offset: start, value: v, limit: limit) }
        return Int(v)
    }

    /// A CompactSize-prefixed byte string; its length is checked against the bytes that remain.
    public mutating func readVarBytes(limit: UInt64 = 0x0200_0000) throws(DecodeError) -> [UInt8] {
        let n = try readCompactSize(limit: limit)
        return try readBytes(n)
    }

    public func expectEnd() throws(DecodeError) {
        if offset != end { throw .trailingBytes(offset: offset, count: end - offset) }
    }
}
