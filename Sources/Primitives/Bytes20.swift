/// Twenty bytes (HASH160, RIPEMD-160 results, Ethereum addresses), held inline.
public struct Bytes20: Hashable, Sendable, CustomStringConvertible {
    public var a: UInt64, b: UInt64, c: UInt32

    public static let zero = Bytes20(a: 0, b: 0, c: 0)

    @inlinable public init(a: UInt64, b: UInt64, c: UInt32) {
        self.a = a
        self.b = b
        self.c = c
    }

    /// Builds from the first 20 bytes (zero-padded if shorter).
    public init(_ bytes: some Collection<UInt8>) {
        var a: UInt64 = 0, b: UInt64 = 0, c: UInt32 = 0
        var i = 0
        for x in bytes {
            if i >= 20 { break }
            if i < 8 { a |= UInt64(x) << UInt64(i * 8) }
            else if i < 16 { b |= UInt64(x) << UInt64((i - 8) * 8) }
            else { c |= UInt32(x) << UInt32((i - 16) * 8) }
            i += 1
        }
        self.init(a: a, b: b, c: c)
    }

    public init?(exactly bytes: some Collection<UInt8>) {
        guard bytes.count == 20 else { return nil }
        self.init(bytes)
    }

    public init?(hex: some StringProtocol) {
        guard let b = Hex.decode(hex), b.count == 20 else { return nil }
        self.init(b)
    }

    public subscript(i: Int) -> UInt8 {
        if i < 8 { return UInt8(truncatingIfNeeded: a >> UInt64(i * 8)) }
        if i < 16 { return UInt8(truncatingIfNeeded: b >> UInt64((i - 8) * 8)) }
        return UInt8(truncatingIfNeeded: c >> UInt32((i - 16) * 8))
    }

    public var bytes: [UInt8] { (0..<20).map { self[$0] } }
    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }
}
