/// Appends encoded values to a growing byte array.
public struct ByteWriter: Sendable {
    public var bytes: [UInt8]

    public init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @inlinable public mutating func write(_ v: UInt8) { bytes.append(v) }
    @inlinable public mutating func write(_ b: some Sequence<UInt8>) { bytes.append(contentsOf: b) }
    @inlinable public mutating func write(_ b: Bytes32) { b.withBytes { bytes.append(contentsOf: $0) } }

    @inlinable public mutating func writeUInt16LE(_ v: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: v))
        bytes.append(UInt8(truncatingIfNeeded: v >> 8))
    }
    @inlinable public mutating func writeUInt32LE(_ v: UInt32) {
        for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) }
    }
    @inlinable public mutating func writeUInt32BE(_ v: UInt32) {
        for i in (0..<4).reversed() { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) }
    }
    @inlinable public mutating func writeUInt64LE(_ v: UInt64) {
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
    }
    @inlinable public mutating func writeUInt64BE(_ v: UInt64) {
        for i in (0..<8).reversed() { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
    }
    @inlinable public mutating func writeInt32LE(_ v: Int32) { writeUInt32LE(UInt32(bitPattern: v)) }
    @inlinable public mutating func writeInt64LE(_ v: Int64) { writeUInt64LE(UInt64(bitPattern: v)) }

    /// Bitcoin's CompactSize (var_int), minimally encoded.
    public mutating func writeCompactSize(_ v: UInt64) {
        switch v {
        case 0..<0xfd: bytes.append(UInt8(v))
        case 0xfd...0xffff:
            bytes.append(0xfd)
            writeUInt16LE(UInt16(v))
        case 0x1_0000...0xffff_ffff:
            bytes.append(0xfe)
            writeUInt32LE(UInt32(v))
        default:
            bytes.append(0xff)
            writeUInt64LE(v)
        }
    }

    @inlinable public mutating func writeCompactSize(_ v: Int) { writeCompactSize(UInt64(v)) }

    /// CompactSize length followed by the bytes.
    public mutating func writeVarBytes(_ b: some Collection<UInt8>) {
        writeCompactSize(UInt64(b.count))
        bytes.append(contentsOf: b)
    }

    /// Size of a CompactSize encoding of `v`.
    public static func compactSizeLength(_ v: UInt64) -> Int {
        switch v {
        case 0..<0xfd: return 1
        case 0xfd...0xffff: return 3
        case 0x1_0000...0xffff_ffff: return 5
        default: return 9
        }
    }
}
