/// F_p12 = F_p6[w] / (w² − v); an element is `c0 + c1·w` (so w⁶ = ξ).
@frozen
public struct Fp12: Hashable, Sendable {
    public var c0: Fp6, c1: Fp6

    @inlinable public init(_ c0: Fp6, _ c1: Fp6) {
        self.c0 = c0
        self.c1 = c1
    }

    public static let zero = Fp12(.zero, .zero)
    public static let one = Fp12(.one, .zero)

    @inlinable public var isOne: Bool { self == .one }

    @inlinable public static func + (a: Fp12, b: Fp12) -> Fp12 { Fp12(a.c0 + b.c0, a.c1 + b.c1) }
    @inlinable public static func - (a: Fp12, b: Fp12) -> Fp12 { Fp12(a.c0 - b.c0, a.c1 - b.c1) }

    /// Karatsuba: 3 F_p6 multiplications.
    @inlinable public static func * (a: Fp12, b: Fp12) -> Fp12 {
        let t0 = a.c0 * b.c0
        let t1 = a.c1 * b.c1
        return Fp12(t0 + t1.mulByV(), (a.c0 + a.c1) * (b.c0 + b.c1) - t0 - t1)
    }

    @inlinable public static func *= (a: inout Fp12, b: Fp12) { a = a * b }

    /// Complex squaring: 2 F_p6 multiplications.
    @inlinable public func squared() -> Fp12 {
        let ab = c0 * c1
        let c0n = (c0 + c1) * (c0 + c1.mulByV()) - ab - ab.mulByV()
        return Fp12(c0n, ab.doubled())
    }

    /// The conjugate c0 − c1·w = self^(p^6); the inverse of a unitary (cyclotomic) element.
    @inlinable public func conjugate() -> Fp12 { Fp12(c0, -c1) }

    public func inverse() -> Fp12 {
        let t = (c0.squared() - c1.squared().mulByV()).inverse()
        return Fp12(c0 * t, -(c1 * t))
    }

    /// self · (l0 + (l1 + l3·v)·w): the sparse product with a line of the D-type twist.
    @inlinable func mulByLine(_ l0: Fp2, _ l1: Fp2, _ l3: Fp2) -> Fp12 {
        let t0 = c0.scaled(by: l0)
        let t1 = c1.mulBy01(l1, l3)
        let s = (c0 + c1).mulBy01(l0 + l1, l3)
        return Fp12(t0 + t1.mulByV(), s - t0 - t1)
    }

    /// Granger–Scott squaring, valid only in the cyclotomic subgroup (after the easy part of the
    /// final exponentiation).
    @inlinable public func cyclotomicSquared() -> Fp12 {
        var z0 = c0.c0
        var z4 = c0.c1
        var z3 = c0.c2
        var z2 = c1.c0
        var z1 = c1.c1
        var z5 = c1.c2
        @inline(__always) func sq4(_ a: Fp2, _ b: Fp2) -> (Fp2, Fp2) {
            let t = a * b
            return ((a + b) * (b.mulByXi() + a) - t - t.mulByXi(), t.doubled())
        }
        let (t0, t1) = sq4(z0, z1)
        let (t2, t3) = sq4(z2, z3)
        let (t4, t5) = sq4(z4, z5)
        z0 = (t0 - z0).doubled() + t0
        z1 = (t1 + z1).doubled() + t1
        let t5x = t5.mulByXi()
        z2 = (t5x + z2).doubled() + t5x
        z3 = (t4 - z3).doubled() + t4
        z4 = (t2 - z4).doubled() + t2
        z5 = (t3 + z5).doubled() + t3
        return Fp12(Fp6(z0, z4, z3), Fp6(z2, z1, z5))
    }

    /// The Frobenius map x ↦ x^(p^k) for k = 1, 2, 3.
    @inlinable public func frobenius(_ k: Int) -> Fp12 {
        switch k {
        case 1:
            return Fp12(
                Fp6(c0.c0.conjugate(), c0.c1.conjugate() * Fp12.g12, c0.c2.conjugate() * Fp12.g14),
                Fp6(c1.c0.conjugate() * Fp12.g11, c1.c1.conjugate() * Fp12.g13, c1.c2.conjugate() * Fp12.g15))
        case 2:
            return Fp12(
                Fp6(c0.c0, c0.c1 * Fp12.g22, c0.c2 * Fp12.g24),
                Fp6(c1.c0 * Fp12.g21, c1.c1 * Fp12.g23, c1.c2 * Fp12.g25))
        case 3:
            return Fp12(
                Fp6(c0.c0.conjugate(), c0.c1.conjugate() * Fp12.g32, c0.c2.conjugate() * Fp12.g34),
                Fp6(c1.c0.conjugate() * Fp12.g31, c1.c1.conjugate() * Fp12.g33, c1.c2.conjugate() * Fp12.g35))
        default:
            var r = self
            for _ in 0..<k { r = r.frobenius(1) }
            return r
        }
    }

    /// Frobenius constants γ_{k,i} = ξ^(i·(p^k − 1)/6) in Montgomery form (computed with Python
    /// integers; coefficient i multiplies w^i).
    @usableFromInline static let g11 = Fp2(
        Fp(l0: 0xaf9ba69633144907, l1: 0xca6b1d7387afb78a, l2: 0x11bded5ef08a2087, l3: 0x02f34d751a1f3a7c),
        Fp(l0: 0xa222ae234c492d72, l1: 0xd00f02a4565de15b, l2: 0xdc2ff3a253dfc926, l3: 0x10a75716b3899551))
    @usableFromInline static let g12 = Fp2(
        Fp(l0: 0xb5773b104563ab30, l1: 0x347f91c8a9aa6454, l2: 0x7a007127242e0991, l3: 0x1956bcd8118214ec),
        Fp(l0: 0x6e849f1ea0aa4757, l1: 0xaa1c7b6d89f89141, l2: 0xb6e713cdfae0ca3a, l3: 0x26694fbb4e82ebc3))
    @usableFromInline static let g13 = Fp2(
        Fp(l0: 0xe4bbdd0c2936b629, l1: 0xbb30f162e133bacb, l2: 0x31a9d1b6f9645366, l3: 0x253570bea500f8dd),
        Fp(l0: 0xa1d77ce45ffe77c7, l1: 0x07affd117826d1db, l2: 0x6d16bd27bb7edc6b, l3: 0x2c87200285defecc))
    @usableFromInline static let g14 = Fp2(
        Fp(l0: 0x7361d77f843abe92, l1: 0xa5bb2bd3273411fb, l2: 0x9c941f314b3e2399, l3: 0x15df9cddbb9fd3ec),
        Fp(l0: 0x5dddfd154bd8c949, l1: 0x62cb29a5a4445b60, l2: 0x37bc870a0c7dd2b9, l3: 0x24830a9d3171f0fd))
    @usableFromInline static let g15 = Fp2(
        Fp(l0: 0xc970692f41690fe7, l1: 0xe240342127694b0b, l2: 0x32bee66b83c459e8, l3: 0x12aabced0ab08841),
        Fp(l0: 0x0d485d2340aebfa9, l1: 0x05193418ab2fcc57, l2: 0xd3b0a40b8a4910f5, l3: 0x2f21ebb535d2925a))
    @usableFromInline static let g21 = Fp2(
        Fp(l0: 0xca8d800500fa1bf2, l1: 0xf0c5d61468b39769, l2: 0x0e201271ad0d4418, l3: 0x04290f65bad856e6),
        Fp(l0: 0x0000000000000000, l1: 0x0000000000000000, l2: 0x0000000000000000, l3: 0x0000000000000000))
    @usableFromInline static let g22 = Fp2(
        Fp(l0: 0x3350c88e13e80b9c, l1: 0x7dce557cdb5e56b9, l2: 0x6001b4b8b615564a, l3: 0x2682e617020217e0),
        Fp(l0: 0x0000000000000000, l1: 0x0000000000000000, l2: 0x0000000000000000, l3: 0x0000000000000000))
    @usableFromInline static let g23 = Fp2(
        Fp(l0: 0x68c3488912edefaa, l1: 0x8d087f6872aabf4f, l2: 0x51e1a24709081231, l3: 0x2259d6b14729c0fa),
        Fp(l0: 0x0000000000000000, l1: 0x0000000000000000, l2: 0x0000000000000000, l3: 0x0000000000000000))
    @usableFromInline static let g24 = Fp2(
        Fp(l0: 0x71930c11d782e155, l1: 0xa6bb947cffbe3323, l2: 0xaa303344d4741444, l3: 0x2c3b3f0d26594943),
        Fp(l0: 0x0000000000000000, l1: 0x0000000000000000, l2: 0x0000000000000000, l3: 0x0000000000000000))
    @usableFromInline static let g25 = Fp2(
        Fp(l0: 0x08cfc388c494f1ab, l1: 0x19b315148d1373d4, l2: 0x584e90fdcb6c0213, l3: 0x09e1685bdf2f8849),
        Fp(l0: 0x0000000000000000, l1: 0x0000000000000000, l2: 0x0000000000000000, l3: 0x0000000000000000))
    @usableFromInline static let g31 = Fp2(
        Fp(l0: 0x365316184e46d97d, l1: 0x0af7129ed4c96d9f, l2: 0x659da72fca1009b5, l3: 0x08116d8983a20d23),
        Fp(l0: 0xb1df4af7c39c1939, l1: 0x3d9f02878a73bf7f, l2: 0x9b2220928caf0ae0, l3: 0x26684515eff054a6))
    @usableFromInline static let g32 = Fp2(
        Fp(l0: 0xc9af22f716ad6bad, l1: 0xb311782a4aa662b2, l2: 0x19eeaf64e248c7f4, l3: 0x20273e77e3439f82),
        Fp(l0: 0xacc02860f7ce93ac, l1: 0x3933d5817ba76b4c, l2: 0x69e6188b446c8467, l3: 0x0a46036d4417cc55))
    @usableFromInline static let g33 = Fp2(
        Fp(l0: 0x5764af0aaf46471e, l1: 0xdc50792e873e0fc1, l2: 0x86a673ff881d04f6, l3: 0x0b2eddb43c30a74c),
        Fp(l0: 0x9a490f32787e8580, l1: 0x8fd16d7ff04af8b1, l2: 0x4b39888ec6027bf2, l3: 0x03dd2e705b52a15d))
    @usableFromInline static let g34 = Fp2(
        Fp(l0: 0x448a93a57b6762df, l1: 0xbfd62df528fdeadf, l2: 0xd858f5d00e9bd47a, l3: 0x06b03d4d3476ec58),
        Fp(l0: 0x2b19daf4bcc936d1, l1: 0xa1a54e7a56f4299f, l2: 0xb533eee05adeaef1, l3: 0x170c812b84dda0b2))
    @usableFromInline static let g35 = Fp2(
        Fp(l0: 0xe0bc4b2275cf559f, l1: 0xc238b945c154e60f, l2: 0x803982a5929a7d5e, l3: 0x15ce052df7e4a37e),
        Fp(l0: 0x2d28efbdbf3799a7, l1: 0x9b097e3c1ad60773, l2: 0x982d4113af4a535b, l3: 0x24e18991e3056063))
}
