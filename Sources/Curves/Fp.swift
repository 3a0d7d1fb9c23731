import Primitives

/// An element of the bn254 (alt_bn128) base field F_p, p = 0x30644e72…d87cfd47 (EIP-196),
/// kept in Montgomery form (a·R mod p, R = 2^256) on four inline limbs, `l0` least significant.
///
/// Multiplication is CIOS Montgomery with `multipliedFullWidth`; because p < 2^254 the final carry
/// of every round fits in the top limb (the "no-carry" variant), so no fifth limb is needed.
/// Nothing here allocates. Values are always fully reduced (< p).
@frozen
public struct Fp: Hashable, Sendable {
    public var l0: UInt64, l1: UInt64, l2: UInt64, l3: UInt64

    /// Raw Montgomery limbs (no conversion). Use `init?(canonical:)` for integers.
    @inlinable public init(l0: UInt64, l1: UInt64, l2: UInt64, l3: UInt64) {
        self.l0 = l0
        self.l1 = l1
        self.l2 = l2
        self.l3 = l3
    }

    // p, little-endian limbs.
    @usableFromInline static let p0: UInt64 = 0x3c20_8c16_d87c_fd47
    @usableFromInline static let p1: UInt64 = 0x9781_6a91_6871_ca8d
    @usableFromInline static let p2: UInt64 = 0xb850_45b6_8181_585d
    @usableFromInline static let p3: UInt64 = 0x3064_4e72_e131_a029
    /// -p^{-1} mod 2^64.
    @usableFromInline static let inv: UInt64 = 0x87d2_0782_e486_6389

    /// The modulus p as an integer (EIP-196).
    public static let modulus = UInt256(l0: p0, l1: p1, l2: p2, l3: p3)

    public static let zero = Fp(l0: 0, l1: 0, l2: 0, l3: 0)
    /// R mod p, the Montgomery form of 1.
    public static let one = Fp(
        l0: 0xd35d_438d_c58f_0d9d, l1: 0x0a78_eb28_f5c7_0b3d, l2: 0x666e_a36f_7879_462c, l3: 0x0e0a_77c1_9a07_df2f)
    /// R^2 mod p (to enter Montgomery form).
    @usableFromInline static let r2 = Fp(
        l0: 0xf32c_fc5b_538a_fa89, l1: 0xb5e7_1911_d445_01fb, l2: 0x47ab_1eff_0a41_7ff6, l3: 0x06d8_9f71_cab8_351f)
    /// R^3 mod p (to fix up the binary inverse).
    @usableFromInline static let r3 = Fp(
        l0: 0xb1cd_6daf_da15_30df, l1: 0x62f2_10e6_a728_3db6, l2: 0xef7f_0b0c_0ada_0afb, l3: 0x20fd_6e90_2d59_2544)

    /// The element with integer value `v`, or nil if v ≥ p (EIP-196: such encodings are invalid).
    @inlinable public init?(canonical v: UInt256) {
        guard v < Fp.modulus else { return nil }
        self = Fp(l0: v.l0, l1: v.l1, l2: v.l2, l3: v.l3) * Fp.r2
    }

    /// The element with small integer value `v`.
    @inlinable public init(_ v: UInt64) {
        self = Fp(l0: v, l1: 0, l2: 0, l3: 0) * Fp.r2
    }

    /// Reads a 32-byte big-endian integer at `offset`; nil if it is ≥ p.
    /// Callers guarantee `offset + 32 <= bytes.count`.
    init?(bigEndian bytes: [UInt8], at offset: Int) {
        self.init(canonical: readWord(bytes, offset))
    }

    /// The canonical integer value (out of Montgomery form).
    @inlinable public var value: UInt256 {
        let t = self * Fp(l0: 1, l1: 0, l2: 0, l3: 0)
        return UInt256(l0: t.l0, l1: t.l1, l2: t.l2, l3: t.l3)
    }

    /// Appends the 32-byte big-endian canonical encoding.
    func write(to out: inout [UInt8]) {
        let v = value
        for w in [v.l3, v.l2, v.l1, v.l0] {
            for i in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: w >> UInt64(i))) }
        }
    }

    @inlinable public var isZero: Bool { (l0 | l1 | l2 | l3) == 0 }

    // MARK: Arithmetic

    /// Subtracts p if self ≥ p (input < 2p). Branch-free: sums of random field elements need the
    /// subtraction half of the time, which a branch would mispredict.
    @inlinable @inline(__always) mutating func reduceOnce() {
        let (s0, b0) = l0.subtractingReportingOverflow(Fp.p0)
        let (t1, b1a) = l1.subtractingReportingOverflow(Fp.p1)
        let (s1, b1b) = t1.subtractingReportingOverflow(b0 ? 1 : 0)
        let (t2, b2a) = l2.subtractingReportingOverflow(Fp.p2)
        let (s2, b2b) = t2.subtractingReportingOverflow((b1a || b1b) ? 1 : 0)
        let (t3, b3a) = l3.subtractingReportingOverflow(Fp.p3)
        let (s3, b3b) = t3.subtractingReportingOverflow((b2a || b2b) ? 1 : 0)
        // keep = all ones if the subtraction borrowed (self < p).
        let keep = 0 &- UInt64((b3a || b3b) ? 1 : 0)
        l0 = (l0 & keep) | (s0 & ~keep)
        l1 = (l1 & keep) | (s1 & ~keep)
        l2 = (l2 & keep) | (s2 & ~keep)
        l3 = (l3 & keep) | (s3 & ~keep)
    }

    @inlinable @inline(__always) public static func + (a: Fp, b: Fp) -> Fp {
        // a, b < p < 2^254, so the sum fits in 256 bits.
        let (s0, c0) = a.l0.addingReportingOverflow(b.l0)
        let (t1, c1a) = a.l1.addingReportingOverflow(b.l1)
        let (s1, c1b) = t1.addingReportingOverflow(c0 ? 1 : 0)
        let (t2, c2a) = a.l2.addingReportingOverflow(b.l2)
        let (s2, c2b) = t2.addingReportingOverflow((c1a || c1b) ? 1 : 0)
        let s3 = a.l3 &+ b.l3 &+ ((c2a || c2b) ? 1 : 0)
        var r = Fp(l0: s0, l1: s1, l2: s2, l3: s3)
        r.reduceOnce()
        return r
    }

    @inlinable @inline(__always) public static func - (a: Fp, b: Fp) -> Fp {
        let (s0, b0) = a.l0.subtractingReportingOverflow(b.l0)
        let (t1, b1a) = a.l1.subtractingReportingOverflow(b.l1)
        let (s1, b1b) = t1.subtractingReportingOverflow(b0 ? 1 : 0)
        let (t2, b2a) = a.l2.subtractingReportingOverflow(b.l2)
        let (s2, b2b) = t2.subtractingReportingOverflow((b1a || b1b) ? 1 : 0)
        let (t3, b3a) = a.l3.subtractingReportingOverflow(b.l3)
        let (s3, b3b) = t3.subtractingReportingOverflow((b2a || b2b) ? 1 : 0)
        // Branch-free: add p back (wrapping) iff the subtraction borrowed.
        let mask = 0 &- UInt64((b3a || b3b) ? 1 : 0)
        let (r0, c0) = s0.addingReportingOverflow(Fp.p0 & mask)
        let (u1, c1a) = s1.addingReportingOverflow(Fp.p1 & mask)
        let (r1, c1b) = u1.addingReportingOverflow(c0 ? 1 : 0)
        let (u2, c2a) = s2.addingReportingOverflow(Fp.p2 & mask)
        let (r2, c2b) = u2.addingReportingOverflow((c1a || c1b) ? 1 : 0)
        let r3 = s3 &+ (Fp.p3 & mask) &+ ((c2a || c2b) ? 1 : 0)
        return Fp(l0: r0, l1: r1, l2: r2, l3: r3)
    }

    @inlinable @inline(__always) public static prefix func - (a: Fp) -> Fp { Fp.zero - a }

    @inlinable @inline(__always) public static func += (a: inout Fp, b: Fp) { a = a + b }
    @inlinable @inline(__always) public static func -= (a: inout Fp, b: Fp) { a = a - b }
    @inlinable @inline(__always) public static func *= (a: inout Fp, b: Fp) { a = a * b }

    @inlinable @inline(__always) public func doubled() -> Fp { self + self }

    /// self / 2.
    @inlinable public func halved() -> Fp {
        var a0 = l0
        var a1 = l1
        var a2 = l2
        var a3 = l3
        if l0 & 1 == 1 {
            // a + p < 2^255: no overflow.
            let (r0, c0) = a0.addingReportingOverflow(Fp.p0)
            let (u1, c1a) = a1.addingReportingOverflow(Fp.p1)
            let (r1, c1b) = u1.addingReportingOverflow(c0 ? 1 : 0)
            let (u2, c2a) = a2.addingReportingOverflow(Fp.p2)
            let (r2, c2b) = u2.addingReportingOverflow((c1a || c1b) ? 1 : 0)
            a3 = a3 &+ Fp.p3 &+ ((c2a || c2b) ? 1 : 0)
            a0 = r0
            a1 = r1
            a2 = r2
        }
        return Fp(l0: (a0 >> 1) | (a1 << 63), l1: (a1 >> 1) | (a2 << 63), l2: (a2 >> 1) | (a3 << 63), l3: a3 >> 1)
    }

    /// (hi, lo) = a·b + c + d; never overflows 128 bits.
    @inlinable @inline(__always) static func madd(_ a: UInt64, _ b: UInt64, _ c: UInt64, _ d: UInt64) -> (
        UInt64, UInt64
    ) {
        let (h, l) = a.multipliedFullWidth(by: b)
        let (l1, o1) = l.addingReportingOverflow(c)
        let (l2, o2) = l1.addingReportingOverflow(d)
        return (h &+ (o1 ? 1 : 0) &+ (o2 ? 1 : 0), l2)
    }

    /// Montgomery product a·b·R^{-1} mod p (CIOS, no-carry variant: p's top limb < 2^62, so each
    /// round's carry fits in the top limb). Fully unrolled.
    @inlinable @inline(__always) public static func * (a: Fp, b: Fp) -> Fp {
        // round 0
        var (A, t0) = a.l0.multipliedFullWidth(by: b.l0)
        var m = t0 &* inv
        var (C, _) = madd(m, p0, t0, 0)
        var t1: UInt64
        var t2: UInt64
        var t3: UInt64
        (A, t1) = madd(a.l1, b.l0, A, 0)
        (C, t0) = madd(m, p1, t1, C)
        (A, t2) = madd(a.l2, b.l0, A, 0)
        (C, t1) = madd(m, p2, t2, C)
        (A, t3) = madd(a.l3, b.l0, A, 0)
        (C, t2) = madd(m, p3, t3, C)
        t3 = C &+ A
        // round 1
        (A, t0) = madd(a.l0, b.l1, t0, 0)
        m = t0 &* inv
        (C, _) = madd(m, p0, t0, 0)
        (A, t1) = madd(a.l1, b.l1, t1, A)
        (C, t0) = madd(m, p1, t1, C)
        (A, t2) = madd(a.l2, b.l1, t2, A)
        (C, t1) = madd(m, p2, t2, C)
        (A, t3) = madd(a.l3, b.l1, t3, A)
        (C, t2) = madd(m, p3, t3, C)
        t3 = C &+ A
        // round 2
        (A, t0) = madd(a.l0, b.l2, t0, 0)
        m = t0 &* inv
        (C, _) = madd(m, p0, t0, 0)
        (A, t1) = madd(a.l1, b.l2, t1, A)
        (C, t0) = madd(m, p1, t1, C)
        (A, t2) = madd(a.l2, b.l2, t2, A)
        (C, t1) = madd(m, p2, t2, C)
        (A, t3) = madd(a.l3, b.l2, t3, A)
        (C, t2) = madd(m, p3, t3, C)
        t3 = C &+ A
        // round 3
        (A, t0) = madd(a.l0, b.l3, t0, 0)
        m = t0 &* inv
        (C, _) = madd(m, p0, t0, 0)
        (A, t1) = madd(a.l1, b.l3, t1, A)
        (C, t0) = madd(m, p1, t1, C)
        (A, t2) = madd(a.l2, b.l3, t2, A)
        (C, t1) = madd(m, p2, t2, C)
        (A, t3) = madd(a.l3, b.l3, t3, A)
        (C, t2) = madd(m, p3, t3, C)
        t3 = C &+ A
        // The result is < 2p and rarely ≥ p: a (well-predicted) branch beats the masked select.
        let (s0, b0) = t0.subtractingReportingOverflow(p0)
        let (u1, b1a) = t1.subtractingReportingOverflow(p1)
        let (s1, b1b) = u1.subtractingReportingOverflow(b0 ? 1 : 0)
        let (u2, b2a) = t2.subtractingReportingOverflow(p2)
        let (s2, b2b) = u2.subtractingReportingOverflow((b1a || b1b) ? 1 : 0)
        let (u3, b3a) = t3.subtractingReportingOverflow(p3)
        let (s3, b3b) = u3.subtractingReportingOverflow((b2a || b2b) ? 1 : 0)
        if b3a || b3b { return Fp(l0: t0, l1: t1, l2: t2, l3: t3) }
        return Fp(l0: s0, l1: s1, l2: s2, l3: s3)
    }

    @inlinable @inline(__always) public func squared() -> Fp { self * self }

    /// The multiplicative inverse (0 maps to 0). Binary extended Euclid on the Montgomery
    /// representative — variable time, which is fine: every input here is public.
    public func inverse() -> Fp {
        if isZero { return .zero }
        let p = Fp.modulus
        var u = UInt256(l0: l0, l1: l1, l2: l2, l3: l3)
        var v = p
        var x1 = UInt256.one
        var x2 = UInt256.zero
        @inline(__always) func half(_ x: inout UInt256) {
            if x.l0 & 1 == 1 { x = x.addingReportingOverflow(p).partialValue }  // x + p < 2^255
            x = Fp.shr1(x)
        }
        @inline(__always) func subMod(_ a: UInt256, _ b: UInt256) -> UInt256 {
            let (d, borrow) = a.subtractingReportingOverflow(b)
            return borrow ? d.addingReportingOverflow(p).partialValue : d
        }
        while u != .one && v != .one {
            while u.l0 & 1 == 0 {
                u = Fp.shr1(u)
                half(&x1)
            }
            while v.l0 & 1 == 0 {
                v = Fp.shr1(v)
                half(&x2)
            }
            if u >= v {
                u = u.subtractingReportingOverflow(v).partialValue
                x1 = subMod(x1, x2)
            } else {
                v = v.subtractingReportingOverflow(u).partialValue
                x2 = subMod(x2, x1)
            }
        }
        let x = u == .one ? x1 : x2
        // x = (aR)^{-1} = a^{-1} R^{-1}; a Montgomery product with R^3 gives a^{-1} R.
        return Fp(l0: x.l0, l1: x.l1, l2: x.l2, l3: x.l3) * Fp.r3
    }

    @inlinable @inline(__always) static func shr1(_ x: UInt256) -> UInt256 {
        UInt256(
            l0: (x.l0 >> 1) | (x.l1 << 63), l1: (x.l1 >> 1) | (x.l2 << 63), l2: (x.l2 >> 1) | (x.l3 << 63),
            l3: x.l3 >> 1)
    }

    /// self^e.
    public func power(_ e: UInt256) -> Fp {
        var r = Fp.one
        var i = e.bitLength - 1
        while i >= 0 {
            r = r.squared()
            if (e[limb: i >> 6] >> UInt64(i & 63)) & 1 == 1 { r = r * self }
            i -= 1
        }
        return r
    }

    /// A square root if one exists (p ≡ 3 mod 4: a^((p+1)/4)).
    public func squareRoot() -> Fp? {
        let e = UInt256(
            l0: 0x4f08_2305_b61f_3f52, l1: 0x65e0_5aa4_5a1c_72a3, l2: 0x6e14_116d_a060_5617, l3: 0x0c19_139c_b84c_680a)
        let s = power(e)
        return s.squared() == self ? s : nil
    }
}

/// The 32-byte big-endian word at `offset` (callers guarantee `offset + 32 <= bytes.count`).
@inline(__always) func readWord(_ bytes: [UInt8], _ offset: Int) -> UInt256 {
    @inline(__always) func limb(_ o: Int) -> UInt64 {
        var w: UInt64 = 0
        for i in 0..<8 { w = (w << 8) | UInt64(bytes[o + i]) }
        return w
    }
    return UInt256(l0: limb(offset + 24), l1: limb(offset + 16), l2: limb(offset + 8), l3: limb(offset))
}
