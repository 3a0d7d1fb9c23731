/// An unsigned 256-bit integer of four inline `UInt64` limbs (`l0` least significant).
/// Arithmetic operators wrap modulo 2^256 (`+`, `-`, `*` are wrapping, as in the EVM); use the
/// `…ReportingOverflow` forms where overflow matters.
@frozen
public struct UInt256: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var l0: UInt64, l1: UInt64, l2: UInt64, l3: UInt64

    public static let zero = UInt256(0)
    public static let one = UInt256(1)
    public static let max = UInt256(l0: .max, l1: .max, l2: .max, l3: .max)

    @inlinable public init(l0: UInt64, l1: UInt64, l2: UInt64, l3: UInt64) {
        self.l0 = l0
        self.l1 = l1
        self.l2 = l2
        self.l3 = l3
    }

    @inlinable public init(_ v: UInt64) { self.init(l0: v, l1: 0, l2: 0, l3: 0) }

    /// Reads up to 32 big-endian bytes (shorter input is left-padded with zeros); nil if longer.
    public init?(bigEndian bytes: some Collection<UInt8>) {
        guard bytes.count <= 32 else { return nil }
        var limbs: [UInt64] = [0, 0, 0, 0]
        var i = 0
        for b in bytes.reversed() {
            limbs[i >> 3] |= UInt64(b) << UInt64((i & 7) * 8)
            i += 1
        }
        self.init(l0: limbs[0], l1: limbs[1], l2: limbs[2], l3: limbs[3])
    }

    /// Reads up to 32 little-endian bytes; nil if longer.
    public init?(littleEndian bytes: some Collection<UInt8>) {
        guard bytes.count <= 32 else { return nil }
        self.init(bigEndian: Array(bytes.reversed()))
    }

    /// Interprets 32 bytes as a little-endian number (Bitcoin's uint256 for hashes).
    @inlinable public init(littleEndian b: Bytes32) { self.init(l0: b.w0, l1: b.w1, l2: b.w2, l3: b.w3) }

    /// Parses hex with an optional 0x prefix (up to 64 digits).
    public init?(hex: some StringProtocol) {
        var s = Substring(hex)
        if s.hasPrefix("0x") || s.hasPrefix("0X") { s = s.dropFirst(2) }
        guard !s.isEmpty, s.count <= 64 else { return nil }
        let padded = s.count % 2 == 1 ? "0" + s : String(s)
        guard let b = Hex.decode(padded) else { return nil }
        self.init(bigEndian: b)
    }

    /// Parses a non-negative decimal number; nil on overflow or bad digit.
    public init?(decimal: some StringProtocol) {
        guard !decimal.isEmpty else { return nil }
        var v = UInt256.zero
        for c in decimal.utf8 {
            guard c >= 0x30, c <= 0x39 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: UInt256(10))
            let (s, o2) = m.addingReportingOverflow(UInt256(UInt64(c - 0x30)))
            if o1 || o2 { return nil }
            v = s
        }
        self = v
    }

    @inlinable public subscript(limb i: Int) -> UInt64 {
        get {
            switch i {
            case 0: return l0
            case 1: return l1
            case 2: return l2
            default: return l3
            }
        }
        set {
            switch i {
            case 0: l0 = newValue
            case 1: l1 = newValue
            case 2: l2 = newValue
            default: l3 = newValue
            }
        }
    }

    /// 32 big-endian bytes.
    public var bigEndianBytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        for i in 0..<32 { out[31 - i] = UInt8(truncatingIfNeeded: self[limb: i >> 3] >> UInt64((i & 7) * 8)) }
        return out
    }

    /// 32 little-endian bytes as `Bytes32`.
    @inlinable public var littleEndianBytes32: Bytes32 { Bytes32(w0: l0, w1: l1, w2: l2, w3: l3) }

    @inlinable public var isZero: Bool { (l0 | l1 | l2 | l3) == 0 }

    public var leadingZeroBitCount: Int {
        if l3 != 0 { return l3.leadingZeroBitCount }
        if l2 != 0 { return 64 + l2.leadingZeroBitCount }
        if l1 != 0 { return 128 + l1.leadingZeroBitCount }
        return 192 + l0.leadingZeroBitCount
    }

    /// Number of significant bits.
    public var bitLength: Int { 256 - leadingZeroBitCount }

    public var trailingZeroBitCount: Int {
        if l0 != 0 { return l0.trailingZeroBitCount }
        if l1 != 0 { return 64 + l1.trailingZeroBitCount }
        if l2 != 0 { return 128 + l2.trailingZeroBitCount }
        if l3 != 0 { return 192 + l3.trailingZeroBitCount }
        return 256
    }

    /// The value if it fits in a UInt64.
    public var uint64IfFits: UInt64? { (l1 | l2 | l3) == 0 ? l0 : nil }

    // MARK: Comparison

    @inlinable public static func < (a: UInt256, b: UInt256) -> Bool {
        if a.l3 != b.l3 { return a.l3 < b.l3 }
        if a.l2 != b.l2 { return a.l2 < b.l2 }
        if a.l1 != b.l1 { return a.l1 < b.l1 }
        return a.l0 < b.l0
    }

    // MARK: Addition and subtraction

    @inlinable public func addingReportingOverflow(_ o: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let (r0, c0) = l0.addingReportingOverflow(o.l0)
        var (r1, c1) = l1.addingReportingOverflow(o.l1)
        if c0 { let (t, c) = r1.addingReportingOverflow(1); r1 = t; c1 = c1 || c }
        var (r2, c2) = l2.addingReportingOverflow(o.l2)
        if c1 { let (t, c) = r2.addingReportingOverflow(1); r2 = t; c2 = c2 || c }
        var (r3, c3) = l3.addingReportingOverflow(o.l3)
        if c2 { let (t, c) = r3.addingReportingOverflow(1); r3 = t; c3 = c3 || c }
        return (UInt256(l0: r0, l1: r1, l2: r2, l3: r3), c3)
    }

    @inlinable public func subtractingReportingOverflow(_ o: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let (r0, b0) = l0.subtractingReportingOverflow(o.l0)
        var (r1, b1) = l1.subtractingReportingOverflow(o.l1)
        if b0 { let (t, b) = r1.subtractingReportingOverflow(1); r1 = t; b1 = b1 || b }
        var (r2, b2) = l2.subtractingReportingOverflow(o.l2)
        if b1 { let (t, b) = r2.subtractingReportingOverflow(1); r2 = t; b2 = b2 || b }
        var (r3, b3) = l3.subtractingReportingOverflow(o.l3)
        if b2 { let (t, b) = r3.subtractingReportingOverflow(1); r3 = t; b3 = b3 || b }
        return (UInt256(l0: r0, l1: r1, l2: r2, l3: r3), b3)
    }

    @inlinable public static func &+ (a: UInt256, b: UInt256) -> UInt256 { a.addingReportingOverflow(b).partialValue }
    @inlinable public static func &- (a: UInt256, b: UInt256) -> UInt256 { a.subtractingReportingOverflow(b).partialValue }
    @inlinable public static func &* (a: UInt256, b: UInt256) -> UInt256 { a.multipliedReportingOverflow(by: b).partialValue }

    // MARK: Multiplication

    /// The full 512-bit product as (high, low).
    public func multipliedFullWidth(by o: UInt256) -> (high: UInt256, low: UInt256) {
        var r = [UInt64](repeating: 0, count: 8)
        for i in 0..<4 {
            var carry: UInt64 = 0
            let a = self[limb: i]
            for j in 0..<4 {
                let (hi, lo) = a.multipliedFullWidth(by: o[limb: j])
                let (s1, c1) = lo.addingReportingOverflow(r[i + j])
                let (s2, c2) = s1.addingReportingOverflow(carry)
                r[i + j] = s2
                carry = hi &+ (c1 ? 1 : 0) &+ (c2 ? 1 : 0)
            }
            r[i + 4] = carry
        }
        return (UInt256(l0: r[4], l1: r[5], l2: r[6], l3: r[7]), UInt256(l0: r[0], l1: r[1], l2: r[2], l3: r[3]))
    }

    public func multipliedReportingOverflow(by o: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let (h, l) = multipliedFullWidth(by: o)
        return (l, !h.isZero)
    }

    // MARK: Division

    /// Quotient and remainder; the divisor must be non-zero (checked with a precondition: callers
    /// with untrusted divisors test for zero first, as the EVM's DIV does).
    public func quotientAndRemainder(dividingBy d: UInt256) -> (quotient: UInt256, remainder: UInt256) {
        precondition(!d.isZero, "UInt256 division by zero")
        if self < d { return (.zero, self) }
        if let small = d.uint64IfFits {
            var q = UInt256.zero
            var rem: UInt64 = 0
            for i in (0..<4).reversed() {
                let (qi, ri) = small.dividingFullWidth((rem, self[limb: i]))
                q[limb: i] = qi
                rem = ri
            }
            return (q, UInt256(rem))
        }
        // Binary long division, starting at the highest set bit of the dividend.
        var q = UInt256.zero
        var r = UInt256.zero
        var i = bitLength - 1
        while i >= 0 {
            r = r << 1
            if self.bit(i) { r.l0 |= 1 }
            if r >= d {
                r = r &- d
                q.setBit(i)
            }
            i -= 1
        }
        return (q, r)
    }

    @inlinable public func bit(_ i: Int) -> Bool { (self[limb: i >> 6] >> UInt64(i & 63)) & 1 == 1 }
    @inlinable public mutating func setBit(_ i: Int) { self[limb: i >> 6] |= 1 << UInt64(i & 63) }

    public static func / (a: UInt256, b: UInt256) -> UInt256 { a.quotientAndRemainder(dividingBy: b).quotient }
    public static func % (a: UInt256, b: UInt256) -> UInt256 { a.quotientAndRemainder(dividingBy: b).remainder }

    // MARK: Bitwise

    @inlinable public static func & (a: UInt256, b: UInt256) -> UInt256 {
        UInt256(l0: a.l0 & b.l0, l1: a.l1 & b.l1, l2: a.l2 & b.l2, l3: a.l3 & b.l3)
    }
    @inlinable public static func | (a: UInt256, b: UInt256) -> UInt256 {
        UInt256(l0: a.l0 | b.l0, l1: a.l1 | b.l1, l2: a.l2 | b.l2, l3: a.l3 | b.l3)
    }
    @inlinable public static func ^ (a: UInt256, b: UInt256) -> UInt256 {
        UInt256(l0: a.l0 ^ b.l0, l1: a.l1 ^ b.l1, l2: a.l2 ^ b.l2, l3: a.l3 ^ b.l3)
    }
    @inlinable public static prefix func ~ (a: UInt256) -> UInt256 { UInt256(l0: ~a.l0, l1: ~a.l1, l2: ~a.l2, l3: ~a.l3) }

    /// Left shift; shifts of 256 or more give zero.
    public static func << (a: UInt256, n: Int) -> UInt256 {
        if n <= 0 { return n == 0 ? a : a >> -n }
        if n >= 256 { return .zero }
        let limbShift = n >> 6, bitShift = UInt64(n & 63)
        var r = UInt256.zero
        for i in (limbShift..<4).reversed() {
            var v = a[limb: i - limbShift] << bitShift
            if bitShift != 0, i - limbShift - 1 >= 0 { v |= a[limb: i - limbShift - 1] >> (64 - bitShift) }
            r[limb: i] = v
        }
        return r
    }

    /// Logical right shift; shifts of 256 or more give zero.
    public static func >> (a: UInt256, n: Int) -> UInt256 {
        if n <= 0 { return n == 0 ? a : a << -n }
        if n >= 256 { return .zero }
        let limbShift = n >> 6, bitShift = UInt64(n & 63)
        var r = UInt256.zero
        for i in 0..<(4 - limbShift) {
            var v = a[limb: i + limbShift] >> bitShift
            if bitShift != 0, i + limbShift + 1 < 4 { v |= a[limb: i + limbShift + 1] << (64 - bitShift) }
            r[limb: i] = v
        }
        return r
    }

    // MARK: Text

    /// Minimal 0x-prefixed hex.
    public var hexString: String {
        let b = bigEndianBytes
        let h = Hex.encode(b)
        let trimmed = h.drop { $0 == "0" }
        return "0x" + (trimmed.isEmpty ? "0" : String(trimmed))
    }

    public var description: String {
        if isZero { return "0" }
        var digits: [UInt8] = []
        var v = self
        let ten19 = UInt256(10_000_000_000_000_000_000)
        while !v.isZero {
            let (q, r) = v.quotientAndRemainder(dividingBy: ten19)
            var chunk = r.l0
            for _ in 0..<19 {
                digits.append(UInt8(chunk % 10) + 0x30)
                chunk /= 10
                if q.isZero && chunk == 0 { break }
            }
            v = q
        }
        return String(decoding: digits.reversed(), as: UTF8.self)
    }
}
