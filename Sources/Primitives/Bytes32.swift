/// Thirty-two bytes held inline (no heap). Byte `i` is byte `i` of the wire encoding; hashes are
/// stored in internal (wire) order, and `displayHex` gives the reversed form explorers show.
public struct Bytes32: Hashable, Sendable, Comparable, CustomStringConvertible {
    // Four little-endian words, so the in-memory layout equals the byte order on little-endian hosts.
    public var w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64

    public static let zero = Bytes32(w0: 0, w1: 0, w2: 0, w3: 0)

    @inlinable public init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        self.w0 = w0
        self.w1 = w1
        self.w2 = w2
        self.w3 = w3
    }

    /// Builds from exactly 32 bytes; shorter input is zero-padded at the end, longer is truncated.
    /// Callers that take untrusted input check the length first (see `init?(exactly:)`).
    @inlinable public init(_ bytes: some Collection<UInt8>) {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var i = 0
        for b in bytes {
            if i >= 32 { break }
            let shift = UInt64((i & 7) * 8)
            switch i >> 3 {
            case 0: words.0 |= UInt64(b) << shift
            case 1: words.1 |= UInt64(b) << shift
            case 2: words.2 |= UInt64(b) << shift
            default: words.3 |= UInt64(b) << shift
            }
            i += 1
        }
        self.init(w0: words.0, w1: words.1, w2: words.2, w3: words.3)
    }

    /// Builds from exactly 32 bytes, nil otherwise.
    @inlinable public init?(exactly bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        self.init(bytes)
    }

    /// Parses 64 hex digits in wire order.
    public init?(hex: some StringProtocol) {
        guard let b = Hex.decode(hex), b.count == 32 else { return nil }
        self.init(b)
    }

    /// Parses 64 hex digits in display (byte-reversed) order.
    public init?(displayHex: some StringProtocol) {
        guard let b = Hex.decode(displayHex), b.count == 32 else { return nil }
        self.init(b.reversed())
    }

    @inlinable public subscript(i: Int) -> UInt8 {
        let w: UInt64
        switch i >> 3 {
        case 0: w = w0
        case 1: w = w1
        case 2: w = w2
        default: w = w3
        }
        return UInt8(truncatingIfNeeded: w >> UInt64((i & 7) * 8))
    }

    /// The 32 bytes in wire order.
    public var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        for i in 0..<32 { out[i] = self[i] }
        return out
    }

    @inlinable public func withBytes<R>(_ body: ([UInt8]) throws -> R) rethrows -> R { try body(bytes) }

    public var hex: String { Hex.encode(bytes) }
    /// Byte-reversed hex, as block explorers and RPC show txids and block hashes.
    public var displayHex: String { Hex.encode(bytes.reversed()) }
    public var description: String { hex }
    public var isZero: Bool { w0 | w1 | w2 | w3 == 0 }

    /// Lexicographic order of the wire bytes.
    public static func < (a: Bytes32, b: Bytes32) -> Bool {
        for i in 0..<32 where a[i] != b[i] { return a[i] < b[i] }
        return false
    }
}
