import Primitives

/// An element of the BLS12-381 base field F_p (p = 0x1a0111ea…ffffaaab, 381 bits; EIP-2537), kept
/// in Montgomery form (a·R mod p, R = 2^384) on six inline limbs, `l0` least significant.
///
/// Multiplication is CIOS Montgomery with `multipliedFullWidth`; p's top limb is < 2^61, so every
/// round's carry fits in the top limb ("no-carry" variant). Nothing here allocates; values are
/// always fully reduced (< p). The code of `*` is unrolled (generated once from the CIOS loop).
@frozen
public struct BLS12381Fp: Hashable, Sendable {
    public var l0: UInt64, l1: UInt64, l2: UInt64, l3: UInt64, l4: UInt64, l5: UInt64

    /// Raw Montgomery limbs (no conversion). Use `init?(canonicalLimbs:)` for integers.
    @inlinable public init(l0: UInt64, l1: UInt64, l2: UInt64, l3: UInt64, l4: UInt64, l5: UInt64) {
        self.l0 = l0
        self.l1 = l1
        self.l2 = l2
        self.l3 = l3
        self.l4 = l4
        self.l5 = l5
    }

    @usableFromInline static let p0: UInt64 = 0xb9fe_ffff_ffff_aaab
    @usableFromInline static let p1: UInt64 = 0x1eab_fffe_b153_ffff
    @usableFromInline static let p2: UInt64 = 0x6730_d2a0_f6b0_f624
    @usableFromInline static let p3: UInt64 = 0x6477_4b84_f385_12bf
    @usableFromInline static let p4: UInt64 = 0x4b1b_a7b6_434b_acd7
    @usableFromInline static let p5: UInt64 = 0x1a01_11ea_397f_e69a
    /// -p^{-1} mod 2^64.
    @usableFromInline static let inv: UInt64 = 0x89f3_fffc_fffc_fffd
    /// p, little-endian limbs.
    public static let modulusLimbs: [UInt64] = [0xb9fe_ffff_ffff_aaab, 0x1eab_fffe_b153_ffff, 0x6730_d2a0_f6b0_f624, 0x6477_4b84_f385_12bf, 0x4b1b_a7b6_434b_acd7, 0x1a01_11ea_397f_e69a]
    public static let zero = BLS12381Fp(l0: 0, l1: 0, l2: 0, l3: 0, l4: 0, l5: 0)
    /// R mod p, the Montgomery form of 1.
    public static let one = BLS12381Fp(l0: 0x7609_0000_0002_fffd, l1: 0xebf4_000b_c40c_0002, l2: 0x5f48_9857_53c7_58ba, l3: 0x77ce_5853_7052_5745, l4: 0x5c07_1a97_a256_ec6d, l5: 0x15f6_5ec3_fa80_e493)
    /// R² mod p (to enter Montgomery form).
    @usableFromInline static let r2 = BLS12381Fp(l0: 0xf4df_1f34_1c34_1746, l1: 0x0a76_e6a6_09d1_04f1, l2: 0x8de5_476c_4c95_b6d5, l3: 0x67eb_88a9_939d_83c0, l4: 0x9a79_3e85_b519_952d, l5: 0x1198_8fe5_92ca_e3aa)
    /// p − 2 (Fermat inverse exponent).
    static let pMinus2: [UInt64] = [0xb9fe_ffff_ffff_aaa9, 0x1eab_fffe_b153_ffff, 0x6730_d2a0_f6b0_f624, 0x6477_4b84_f385_12bf, 0x4b1b_a7b6_434b_acd7, 0x1a01_11ea_397f_e69a]
    /// (p + 1) / 4 (square-root exponent, p ≡ 3 mod 4).
    static let sqrtExp: [UInt64] = [0xee7f_bfff_ffff_eaab, 0x07aa_ffff_ac54_ffff, 0xd9cc_34a8_3dac_3d89, 0xd91d_d2e1_3ce1_44af, 0x92c6_e9ed_90d2_eb35, 0x0680_447a_8e5f_f9a6]
    /// (p − 1) / 2 (Euler's criterion exponent).
    static let legendreExp: [UInt64] = [0xdcff_7fff_ffff_d555, 0x0f55_ffff_58a9_ffff, 0xb398_6950_7b58_7b12, 0xb23b_a5c2_79c2_895f, 0x258d_d3db_21a5_d66b, 0x0d00_88f5_1cbf_f34d]
    /// (p − 3) / 4 (for the F_p2 square root, Adj–Rodríguez-Henríquez Alg. 9).
    static let pMinus3Over4: [UInt64] = [0xee7f_bfff_ffff_eaaa, 0x07aa_ffff_ac54_ffff, 0xd9cc_34a8_3dac_3d89, 0xd91d_d2e1_3ce1_44af, 0x92c6_e9ed_90d2_eb35, 0x0680_447a_8e5f_f9a6]

    /// The element with integer value given by little-endian limbs `v` (6 limbs), or nil if v ≥ p.
    @inlinable public init?(canonicalLimbs v: [UInt64]) {
        guard v.count == 6 else { return nil }
        let raw = BLS12381Fp(l0: v[0], l1: v[1], l2: v[2], l3: v[3], l4: v[4], l5: v[5])
        guard raw.isBelowModulus else { return nil }
        self = raw * BLS12381Fp.r2
    }

    /// The element with small integer value `v`.
    @inlinable public init(_ v: UInt64) {
        self = BLS12381Fp(l0: v, l1: 0, l2: 0, l3: 0, l4: 0, l5: 0) * BLS12381Fp.r2
    }

    /// Reads a 48-byte big-endian integer at `offset`; nil if it is ≥ p. Callers guarantee
    /// `offset + 48 <= bytes.count`.
    @inlinable public init?(bigEndian bytes: [UInt8], at offset: Int) {
        @inline(__always) func limb(_ o: Int) -> UInt64 {
            var w: UInt64 = 0
            for i in 0..<8 { w = (w << 8) | UInt64(bytes[o + i]) }
            return w
        }
        let raw = BLS12381Fp(
            l0: limb(offset + 40), l1: limb(offset + 32), l2: limb(offset + 24), l3: limb(offset + 16),
            l4: limb(offset + 8), l5: limb(offset))
        guard raw.isBelowModulus else { return nil }
        self = raw * BLS12381Fp.r2
    }

    /// Whether the raw limbs, read as an integer, are < p.
    @inlinable var isBelowModulus: Bool {
        let a = [l5, l4, l3, l2, l1, l0]
        let m = [BLS12381Fp.p5, BLS12381Fp.p4, BLS12381Fp.p3, BLS12381Fp.p2, BLS12381Fp.p1, BLS12381Fp.p0]
        for i in 0..<6 where a[i] != m[i] { return a[i] < m[i] }
        return false
    }

    /// The canonical integer value as little-endian limbs (out of Montgomery form).
    @inlinable public var canonicalLimbs: [UInt64] {
        let t = self * BLS12381Fp(l0: 1, l1: 0, l2: 0, l3: 0, l4: 0, l5: 0)
        return [t.l0, t.l1, t.l2, t.l3, t.l4, t.l5]
    }

    /// The 48-byte big-endian canonical encoding.
    public var bigEndianBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(48)
        for w in canonicalLimbs.reversed() {
            for i in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: w >> UInt64(i))) }
        }
        return out
    }

    @inlinable public var isZero: Bool { (l0 | l1 | l2 | l3 | l4 | l5) == 0 }

    /// sgn0 of RFC 9380 §4.1: the parity of the canonical integer.
    @inlinable public var sgn0: Bool { canonicalLimbs[0] & 1 == 1 }

    /// Whether the canonical integer is > (p − 1)/2 (the "lexicographically largest" flag of the
    /// ZCash compressed encoding).
    public var isLexicographicallyLargest: Bool {
        let v = canonicalLimbs
        let h = BLS12381Fp.legendreExp
        for i in stride(from: 5, through: 0, by: -1) where v[i] != h[i] { return v[i] > h[i] }
        return false
    }

    /// Subtracts p if self ≥ p (input < 2p).
    @inlinable @inline(__always) func reducedOnce() -> BLS12381Fp {
        var t: UInt128 = 0
        t = UInt128(l0) &- UInt128(BLS12381Fp.p0)
        let s0 = UInt64(truncatingIfNeeded: t)
        t = UInt128(l1) &- UInt128(BLS12381Fp.p1) &- (t >> 127)
        let s1 = UInt64(truncatingIfNeeded: t)
        t = UInt128(l2) &- UInt128(BLS12381Fp.p2) &- (t >> 127)
        let s2 = UInt64(truncatingIfNeeded: t)
        t = UInt128(l3) &- UInt128(BLS12381Fp.p3) &- (t >> 127)
        let s3 = UInt64(truncatingIfNeeded: t)
        t = UInt128(l4) &- UInt128(BLS12381Fp.p4) &- (t >> 127)
        let s4 = UInt64(truncatingIfNeeded: t)
        t = UInt128(l5) &- UInt128(BLS12381Fp.p5) &- (t >> 127)
        let s5 = UInt64(truncatingIfNeeded: t)
        // t >> 127 is the final borrow: self < p, keep self.
        if t >> 127 != 0 { return self }
        return BLS12381Fp(l0: s0, l1: s1, l2: s2, l3: s3, l4: s4, l5: s5)
    }

    @inlinable @inline(__always) public static func + (a: BLS12381Fp, b: BLS12381Fp) -> BLS12381Fp {
        // a, b < p < 2^381: the sum fits in 384 bits. Carries via UInt128 (adc chains).
        var t: UInt128 = 0
        t = UInt128(a.l0) &+ UInt128(b.l0)
        let s0 = UInt64(truncatingIfNeeded: t)
        t = UInt128(a.l1) &+ UInt128(b.l1) &+ (t >> 64)
        let s1 = UInt64(truncatingIfNeeded: t)
        t = UInt128(a.l2) &+ UInt128(b.l2) &+ (t >> 64)
        let s2 = UInt64(truncatingIfNeeded: t)
        t = UInt128(a.l3) &+ UInt128(b.l3) &+ (t >> 64)
        let s3 = UInt64(truncatingIfNeeded: t)
        t = UInt128(a.l4) &+ UInt128(b.l4) &+ (t >> 64)
        let s4 = UInt64(truncatingIfNeeded: t)
        t = UInt128(a.l5) &+ UInt128(b.l5) &+ (t >> 64)
        let s5 = UInt64(truncatingIfNeeded: t)
        return BLS12381Fp(l0: s0, l1: s1, l2: s2, l3: s3, l4: s4, l5: s5).reducedOnce()
    }

    @inlinable @inline(__always) public static func - (a: BLS12381Fp, b: BLS12381Fp) -> BLS12381Fp {
        var t: UInt128 = 0
        t = UInt128(a.l0) &- UInt128(b.l0)
        let s0 = UInt64(truncatingIfNeeded: t)
        t = UInt128(a.l1) &- UInt128(b.l1) &- (t >> 127)
        let s1 = UInt64(truncatingIfNeeded: t)
        t = UInt128(a.l2) &- UInt128(b.l2) &- (t >> 127)
        let s2 = UInt64(truncatingIfNeeded: t)
        t = UInt128(a.l3) &- UInt128(b.l3) &- (t >> 127)
        let s3 = UInt64(truncatingIfNeeded: t)
        t = UInt128(a.l4) &- UInt128(b.l4) &- (t >> 127)
        let s4 = UInt64(truncatingIfNeeded: t)
        t = UInt128(a.l5) &- UInt128(b.l5) &- (t >> 127)
        let s5 = UInt64(truncatingIfNeeded: t)
        // Add p back (wrapping) iff the subtraction borrowed.
        let mask = 0 &- UInt64(truncatingIfNeeded: t >> 127)
        var u: UInt128 = 0
        u = UInt128(s0) &+ UInt128(BLS12381Fp.p0 & mask)
        let r0 = UInt64(truncatingIfNeeded: u)
        u = UInt128(s1) &+ UInt128(BLS12381Fp.p1 & mask) &+ (u >> 64)
        let r1 = UInt64(truncatingIfNeeded: u)
        u = UInt128(s2) &+ UInt128(BLS12381Fp.p2 & mask) &+ (u >> 64)
        let r2 = UInt64(truncatingIfNeeded: u)
        u = UInt128(s3) &+ UInt128(BLS12381Fp.p3 & mask) &+ (u >> 64)
        let r3 = UInt64(truncatingIfNeeded: u)
        u = UInt128(s4) &+ UInt128(BLS12381Fp.p4 & mask) &+ (u >> 64)
        let r4 = UInt64(truncatingIfNeeded: u)
        u = UInt128(s5) &+ UInt128(BLS12381Fp.p5 & mask) &+ (u >> 64)
        let r5 = UInt64(truncatingIfNeeded: u)
        return BLS12381Fp(l0: r0, l1: r1, l2: r2, l3: r3, l4: r4, l5: r5)
    }

    @inlinable @inline(__always) public static prefix func - (a: BLS12381Fp) -> BLS12381Fp { BLS12381Fp.zero - a }
    @inlinable @inline(__always) public static func += (a: inout BLS12381Fp, b: BLS12381Fp) { a = a + b }
    @inlinable @inline(__always) public static func -= (a: inout BLS12381Fp, b: BLS12381Fp) { a = a - b }
    @inlinable @inline(__always) public static func *= (a: inout BLS12381Fp, b: BLS12381Fp) { a = a * b }
    @inlinable @inline(__always) public func doubled() -> BLS12381Fp { self + self }

    /// (hi, lo) = a·b + c + d; never overflows 128 bits.
    @inlinable @inline(__always) static func madd(_ a: UInt64, _ b: UInt64, _ c: UInt64, _ d: UInt64) -> (
        UInt64, UInt64
    ) {
        let t = UInt128(a) &* UInt128(b) &+ UInt128(c) &+ UInt128(d)
        return (UInt64(truncatingIfNeeded: t >> 64), UInt64(truncatingIfNeeded: t))
    }

    /// Montgomery product a·b·R^{-1} mod p (CIOS, no-carry variant), fully unrolled.
    @inlinable @inline(__always) public static func * (a: BLS12381Fp, b: BLS12381Fp) -> BLS12381Fp {
        var t0: UInt64 = 0, t1: UInt64 = 0, t2: UInt64 = 0, t3: UInt64 = 0, t4: UInt64 = 0, t5: UInt64 = 0
        var A: UInt64 = 0, C: UInt64 = 0, m: UInt64 = 0, lo: UInt64 = 0
        // round 0
        (A, t0) = madd(a.l0, b.l0, t0, 0)
        m = t0 &* inv
        (C, lo) = madd(m, p0, t0, 0)
        (A, t1) = madd(a.l1, b.l0, t1, A)
        (C, t0) = madd(m, p1, t1, C)
        (A, t2) = madd(a.l2, b.l0, t2, A)
        (C, t1) = madd(m, p2, t2, C)
        (A, t3) = madd(a.l3, b.l0, t3, A)
        (C, t2) = madd(m, p3, t3, C)
        (A, t4) = madd(a.l4, b.l0, t4, A)
        (C, t3) = madd(m, p4, t4, C)
        (A, t5) = madd(a.l5, b.l0, t5, A)
        (C, t4) = madd(m, p5, t5, C)
        t5 = C &+ A
        // round 1
        (A, t0) = madd(a.l0, b.l1, t0, 0)
        m = t0 &* inv
        (C, lo) = madd(m, p0, t0, 0)
        (A, t1) = madd(a.l1, b.l1, t1, A)
        (C, t0) = madd(m, p1, t1, C)
        (A, t2) = madd(a.l2, b.l1, t2, A)
        (C, t1) = madd(m, p2, t2, C)
        (A, t3) = madd(a.l3, b.l1, t3, A)
        (C, t2) = madd(m, p3, t3, C)
        (A, t4) = madd(a.l4, b.l1, t4, A)
        (C, t3) = madd(m, p4, t4, C)
        (A, t5) = madd(a.l5, b.l1, t5, A)
        (C, t4) = madd(m, p5, t5, C)
        t5 = C &+ A
        // round 2
        (A, t0) = madd(a.l0, b.l2, t0, 0)
        m = t0 &* inv
        (C, lo) = madd(m, p0, t0, 0)
        (A, t1) = madd(a.l1, b.l2, t1, A)
        (C, t0) = madd(m, p1, t1, C)
        (A, t2) = madd(a.l2, b.l2, t2, A)
        (C, t1) = madd(m, p2, t2, C)
        (A, t3) = madd(a.l3, b.l2, t3, A)
        (C, t2) = madd(m, p3, t3, C)
        (A, t4) = madd(a.l4, b.l2, t4, A)
        (C, t3) = madd(m, p4, t4, C)
        (A, t5) = madd(a.l5, b.l2, t5, A)
        (C, t4) = madd(m, p5, t5, C)
        t5 = C &+ A
        // round 3
        (A, t0) = madd(a.l0, b.l3, t0, 0)
        m = t0 &* inv
        (C, lo) = madd(m, p0, t0, 0)
        (A, t1) = madd(a.l1, b.l3, t1, A)
        (C, t0) = madd(m, p1, t1, C)
        (A, t2) = madd(a.l2, b.l3, t2, A)
        (C, t1) = madd(m, p2, t2, C)
        (A, t3) = madd(a.l3, b.l3, t3, A)
        (C, t2) = madd(m, p3, t3, C)
        (A, t4) = madd(a.l4, b.l3, t4, A)
        (C, t3) = madd(m, p4, t4, C)
        (A, t5) = madd(a.l5, b.l3, t5, A)
        (C, t4) = madd(m, p5, t5, C)
        t5 = C &+ A
        // round 4
        (A, t0) = madd(a.l0, b.l4, t0, 0)
        m = t0 &* inv
        (C, lo) = madd(m, p0, t0, 0)
        (A, t1) = madd(a.l1, b.l4, t1, A)
        (C, t0) = madd(m, p1, t1, C)
        (A, t2) = madd(a.l2, b.l4, t2, A)
        (C, t1) = madd(m, p2, t2, C)
        (A, t3) = madd(a.l3, b.l4, t3, A)
        (C, t2) = madd(m, p3, t3, C)
        (A, t4) = madd(a.l4, b.l4, t4, A)
        (C, t3) = madd(m, p4, t4, C)
        (A, t5) = madd(a.l5, b.l4, t5, A)
        (C, t4) = madd(m, p5, t5, C)
        t5 = C &+ A
        // round 5
        (A, t0) = madd(a.l0, b.l5, t0, 0)
        m = t0 &* inv
        (C, lo) = madd(m, p0, t0, 0)
        (A, t1) = madd(a.l1, b.l5, t1, A)
        (C, t0) = madd(m, p1, t1, C)
        (A, t2) = madd(a.l2, b.l5, t2, A)
        (C, t1) = madd(m, p2, t2, C)
        (A, t3) = madd(a.l3, b.l5, t3, A)
        (C, t2) = madd(m, p3, t3, C)
        (A, t4) = madd(a.l4, b.l5, t4, A)
        (C, t3) = madd(m, p4, t4, C)
        (A, t5) = madd(a.l5, b.l5, t5, A)
        (C, t4) = madd(m, p5, t5, C)
        t5 = C &+ A
        _ = lo
        return BLS12381Fp(l0: t0, l1: t1, l2: t2, l3: t3, l4: t4, l5: t5).reducedOnce()
    }

    @inlinable @inline(__always) public func squared() -> BLS12381Fp { self * self }

    /// self^e for an exponent given as little-endian limbs (left-to-right binary).
    public func power(_ e: [UInt64]) -> BLS12381Fp {
        var r = BLS12381Fp.one
        var started = false
        for i in stride(from: e.count * 64 - 1, through: 0, by: -1) {
            if started { r = r.squared() }
            if (e[i >> 6] >> UInt64(i & 63)) & 1 == 1 {
                r = started ? r * self : self
                started = true
            }
        }
        return r
    }

    /// The multiplicative inverse (0 maps to 0), by Fermat: self^(p−2).
    public func inverse() -> BLS12381Fp { power(BLS12381Fp.pMinus2) }

    /// Whether self is a square in F_p (0 counts as a square).
    public var isSquare: Bool {
        let e = power(BLS12381Fp.legendreExp)
        return e.isZero || e == .one
    }

    /// A square root if one exists (p ≡ 3 mod 4: a^((p+1)/4)).
    public func squareRoot() -> BLS12381Fp? {
        let s = power(BLS12381Fp.sqrtExp)
        return s.squared() == self ? s : nil
    }
}
