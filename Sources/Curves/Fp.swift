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

    /// a + b + carry → (sum, carry out); the UInt128 form compiles to an add-with-carry chain.
    @inlinable @inline(__always) static func adc(_ a: UInt64, _ b: UInt64, _ carry: UInt64) -> (UInt64, UInt64) {
        let t = UInt128(a) &+ UInt128(b) &+ UInt128(carry)
        return (UInt64(truncatingIfNeeded: t), UInt64(truncatingIfNeeded: t >> 64))
    }

    /// a − b − borrow → (difference, borrow out ∈ {0, 1}).
    @inlinable @inline(__always) static func sbb(_ a: UInt64, _ b: UInt64, _ borrow: UInt64) -> (UInt64, UInt64) {
        let t = UInt128(a) &- UInt128(b) &- UInt128(borrow)
        return (UInt64(truncatingIfNeeded: t), UInt64(truncatingIfNeeded: t >> 127))
    }

    /// Subtracts p if self ≥ p (input < 2p). Branch-free: sums of random field elements need the
    /// subtraction half of the time, which a branch would mispredict.
    @inlinable @inline(__always) mutating func reduceOnce() {
        let (s0, b0) = Fp.sbb(l0, Fp.p0, 0)
        let (s1, b1) = Fp.sbb(l1, Fp.p1, b0)
        let (s2, b2) = Fp.sbb(l2, Fp.p2, b1)
        let (s3, b3) = Fp.sbb(l3, Fp.p3, b2)
        // keep = all ones if the subtraction borrowed (self < p).
        let keep = 0 &- b3
        l0 = (l0 & keep) | (s0 & ~keep)
        l1 = (l1 & keep) | (s1 & ~keep)
        l2 = (l2 & keep) | (s2 & ~keep)
        l3 = (l3 & keep) | (s3 & ~keep)
    }

    @inlinable @inline(__always) public static func + (a: Fp, b: Fp) -> Fp {
        // a, b < p < 2^254, so the sum fits in 256 bits.
        var r = a.addedUnreduced(b)
        r.reduceOnce()
        return r
    }

    /// a + b without the reduction (< 2p < 2^255 for reduced inputs); only for the lazy-reduction
    /// paths, which accept inputs < 2p.
    @inlinable @inline(__always) func addedUnreduced(_ b: Fp) -> Fp {
        let (s0, c0) = Fp.adc(l0, b.l0, 0)
        let (s1, c1) = Fp.adc(l1, b.l1, c0)
        let (s2, c2) = Fp.adc(l2, b.l2, c1)
        return Fp(l0: s0, l1: s1, l2: s2, l3: l3 &+ b.l3 &+ c2)
    }

    @inlinable @inline(__always) public static func - (a: Fp, b: Fp) -> Fp {
        let (s0, b0) = Fp.sbb(a.l0, b.l0, 0)
        let (s1, b1) = Fp.sbb(a.l1, b.l1, b0)
        let (s2, b2) = Fp.sbb(a.l2, b.l2, b1)
        let (s3, b3) = Fp.sbb(a.l3, b.l3, b2)
        // Branch-free: add p back (wrapping) iff the subtraction borrowed.
        let mask = 0 &- b3
        let (r0, c0) = Fp.adc(s0, Fp.p0 & mask, 0)
        let (r1, c1) = Fp.adc(s1, Fp.p1 & mask, c0)
        let (r2, c2) = Fp.adc(s2, Fp.p2 & mask, c1)
        let r3 = s3 &+ (Fp.p3 & mask) &+ c2
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
            let (r0, c0) = Fp.adc(a0, Fp.p0, 0)
            let (r1, c1) = Fp.adc(a1, Fp.p1, c0)
            let (r2, c2) = Fp.adc(a2, Fp.p2, c1)
            a3 = a3 &+ Fp.p3 &+ c2
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
        let t = UInt128(a) &* UInt128(b) &+ UInt128(c) &+ UInt128(d)
        return (UInt64(truncatingIfNeeded: t >> 64), UInt64(truncatingIfNeeded: t))
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
        return finalSubtract(t0, t1, t2, t3)
    }

    /// (t0…t3) − p if that does not borrow, else (t0…t3); for Montgomery outputs < 2p, which are
    /// rarely ≥ p, so a (well-predicted) branch beats the masked select.
    @inlinable @inline(__always) static func finalSubtract(_ t0: UInt64, _ t1: UInt64, _ t2: UInt64, _ t3: UInt64)
        -> Fp
    {
        let (s0, b0) = sbb(t0, p0, 0)
        let (s1, b1) = sbb(t1, p1, b0)
        let (s2, b2) = sbb(t2, p2, b1)
        let (s3, b3) = sbb(t3, p3, b2)
        if b3 != 0 { return Fp(l0: t0, l1: t1, l2: t2, l3: t3) }
        return Fp(l0: s0, l1: s1, l2: s2, l3: s3)
    }

    /// The 512-bit product a·b of two 4-limb values (schoolbook), little-endian limbs.
    @inlinable @inline(__always) static func mulWide(_ a: Fp, _ b: Fp) -> Wide {
        var c: UInt64
        let r0: UInt64
        (c, r0) = madd(a.l0, b.l0, 0, 0)
        var r1: UInt64, r2: UInt64, r3: UInt64, r4: UInt64, r5: UInt64, r6: UInt64
        let r7: UInt64
        (c, r1) = madd(a.l1, b.l0, c, 0)
        (c, r2) = madd(a.l2, b.l0, c, 0)
        (r4, r3) = madd(a.l3, b.l0, c, 0)
        (c, r1) = madd(a.l0, b.l1, r1, 0)
        (c, r2) = madd(a.l1, b.l1, r2, c)
        (c, r3) = madd(a.l2, b.l1, r3, c)
        (r5, r4) = madd(a.l3, b.l1, r4, c)
        (c, r2) = madd(a.l0, b.l2, r2, 0)
        (c, r3) = madd(a.l1, b.l2, r3, c)
        (c, r4) = madd(a.l2, b.l2, r4, c)
        (r6, r5) = madd(a.l3, b.l2, r5, c)
        (c, r3) = madd(a.l0, b.l3, r3, 0)
        (c, r4) = madd(a.l1, b.l3, r4, c)
        (c, r5) = madd(a.l2, b.l3, r5, c)
        (r7, r6) = madd(a.l3, b.l3, r6, c)
        return Wide(r0, r1, r2, r3, r4, r5, r6, r7)
    }

    /// Montgomery reduction T·R^{-1} mod p of a 512-bit T < p·R (then the result, < 2p before the
    /// final subtraction, is fully reduced).
    @inlinable @inline(__always) static func reduce(_ t: Wide) -> Fp {
        let t0 = t.w0
        var t1 = t.w1, t2 = t.w2, t3 = t.w3, t4 = t.w4, t5 = t.w5, t6 = t.w6, t7 = t.w7
        var c: UInt64, k: UInt64, m: UInt64
        m = t0 &* inv
        (c, _) = madd(m, p0, t0, 0)
        (c, t1) = madd(m, p1, t1, c)
        (c, t2) = madd(m, p2, t2, c)
        (c, t3) = madd(m, p3, t3, c)
        (t4, k) = adc(t4, c, 0)
        m = t1 &* inv
        (c, _) = madd(m, p0, t1, 0)
        (c, t2) = madd(m, p1, t2, c)
        (c, t3) = madd(m, p2, t3, c)
        (c, t4) = madd(m, p3, t4, c)
        (t5, k) = adc(t5, c, k)
        m = t2 &* inv
        (c, _) = madd(m, p0, t2, 0)
        (c, t3) = madd(m, p1, t3, c)
        (c, t4) = madd(m, p2, t4, c)
        (c, t5) = madd(m, p3, t5, c)
        (t6, k) = adc(t6, c, k)
        m = t3 &* inv
        (c, _) = madd(m, p0, t3, 0)
        (c, t4) = madd(m, p1, t4, c)
        (c, t5) = madd(m, p2, t5, c)
        (c, t6) = madd(m, p3, t6, c)
        t7 = t7 &+ c &+ k  // no carry out: the result is < 2p < 2^255
        return finalSubtract(t4, t5, t6, t7)
    }

    /// a² in Montgomery form: the 512-bit square with each cross product computed once, then
    /// `reduce`.
    @inlinable @inline(__always) static func squareWide(_ a: Fp) -> Wide {
        var c: UInt64
        var r1: UInt64, r2: UInt64, r3: UInt64, r4: UInt64, r5: UInt64, r6: UInt64
        (c, r1) = madd(a.l0, a.l1, 0, 0)
        (c, r2) = madd(a.l0, a.l2, c, 0)
        (r4, r3) = madd(a.l0, a.l3, c, 0)
        (c, r3) = madd(a.l1, a.l2, r3, 0)
        (r5, r4) = madd(a.l1, a.l3, r4, c)
        (r6, r5) = madd(a.l2, a.l3, r5, 0)
        let r7 = r6 >> 63
        r6 = (r6 << 1) | (r5 >> 63)
        r5 = (r5 << 1) | (r4 >> 63)
        r4 = (r4 << 1) | (r3 >> 63)
        r3 = (r3 << 1) | (r2 >> 63)
        r2 = (r2 << 1) | (r1 >> 63)
        r1 = r1 << 1
        let (h0, r0) = madd(a.l0, a.l0, 0, 0)
        var k: UInt64
        (r1, k) = adc(r1, h0, 0)
        var (h, l) = madd(a.l1, a.l1, 0, 0)
        (r2, k) = adc(r2, l, k)
        (r3, k) = adc(r3, h, k)
        (h, l) = madd(a.l2, a.l2, 0, 0)
        (r4, k) = adc(r4, l, k)
        (r5, k) = adc(r5, h, k)
        (h, l) = madd(a.l3, a.l3, 0, 0)
        (r6, k) = adc(r6, l, k)
        return Wide(r0, r1, r2, r3, r4, r5, r6, r7 &+ h &+ k)
    }

    @inlinable @inline(__always) public func squared() -> Fp { Fp.reduce(Fp.squareWide(self)) }

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

/// A 512-bit intermediate (a product before Montgomery reduction), little-endian limbs.
@frozen @usableFromInline
struct Wide {
    @usableFromInline var w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64, w4: UInt64, w5: UInt64, w6: UInt64, w7: UInt64

    @inlinable @inline(__always) init(
        _ w0: UInt64, _ w1: UInt64, _ w2: UInt64, _ w3: UInt64, _ w4: UInt64, _ w5: UInt64, _ w6: UInt64, _ w7: UInt64
    ) {
        self.w0 = w0
        self.w1 = w1
        self.w2 = w2
        self.w3 = w3
        self.w4 = w4
        self.w5 = w5
        self.w6 = w6
        self.w7 = w7
    }

    /// a + b (no overflow for the sums used here, all < 2^511).
    @inlinable @inline(__always) static func + (a: Wide, b: Wide) -> Wide {
        let (r0, c0) = Fp.adc(a.w0, b.w0, 0)
        let (r1, c1) = Fp.adc(a.w1, b.w1, c0)
        let (r2, c2) = Fp.adc(a.w2, b.w2, c1)
        let (r3, c3) = Fp.adc(a.w3, b.w3, c2)
        let (r4, c4) = Fp.adc(a.w4, b.w4, c3)
        let (r5, c5) = Fp.adc(a.w5, b.w5, c4)
        let (r6, c6) = Fp.adc(a.w6, b.w6, c5)
        return Wide(r0, r1, r2, r3, r4, r5, r6, a.w7 &+ b.w7 &+ c6)
    }

    /// a − b for a ≥ b.
    @inlinable @inline(__always) static func - (a: Wide, b: Wide) -> Wide {
        let (r, borrow) = a.subtractingReportingBorrow(b)
        _ = borrow
        return r
    }

    /// a − b mod 2^512 and whether it borrowed.
    @inlinable @inline(__always) func subtractingReportingBorrow(_ b: Wide) -> (Wide, UInt64) {
        let (r0, c0) = Fp.sbb(w0, b.w0, 0)
        let (r1, c1) = Fp.sbb(w1, b.w1, c0)
        let (r2, c2) = Fp.sbb(w2, b.w2, c1)
        let (r3, c3) = Fp.sbb(w3, b.w3, c2)
        let (r4, c4) = Fp.sbb(w4, b.w4, c3)
        let (r5, c5) = Fp.sbb(w5, b.w5, c4)
        let (r6, c6) = Fp.sbb(w6, b.w6, c5)
        let (r7, c7) = Fp.sbb(w7, b.w7, c6)
        return (Wide(r0, r1, r2, r3, r4, r5, r6, r7), c7)
    }

    /// a − b + p·2^256 if a < b, else a − b: for a, b < p·2^256 the result is < p·2^256 and
    /// congruent to a − b mod p (after reduction).
    @inlinable @inline(__always) func subtractingModPR(_ b: Wide) -> Wide {
        let (r, borrow) = subtractingReportingBorrow(b)
        let mask = 0 &- borrow
        let (u4, k4) = Fp.adc(r.w4, Fp.p0 & mask, 0)
        let (u5, k5) = Fp.adc(r.w5, Fp.p1 & mask, k4)
        let (u6, k6) = Fp.adc(r.w6, Fp.p2 & mask, k5)
        return Wide(r.w0, r.w1, r.w2, r.w3, u4, u5, u6, r.w7 &+ (Fp.p3 & mask) &+ k6)
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
