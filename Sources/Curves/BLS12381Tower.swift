/// F_p2 = F_p[u] / (u² + 1) over the BLS12-381 base field; an element is `c0 + c1·u`
/// (EIP-2537 encodes it as `c0 ‖ c1`).
@frozen
public struct BLS12381Fp2: Hashable, Sendable {
    public var c0: BLS12381Fp, c1: BLS12381Fp

    @inlinable public init(_ c0: BLS12381Fp, _ c1: BLS12381Fp) {
        self.c0 = c0
        self.c1 = c1
    }

    public static let zero = BLS12381Fp2(.zero, .zero)
    public static let one = BLS12381Fp2(.one, .zero)

    @inlinable public var isZero: Bool { c0.isZero && c1.isZero }

    @inlinable @inline(__always) public static func + (a: BLS12381Fp2, b: BLS12381Fp2) -> BLS12381Fp2 {
        BLS12381Fp2(a.c0 + b.c0, a.c1 + b.c1)
    }
    @inlinable @inline(__always) public static func - (a: BLS12381Fp2, b: BLS12381Fp2) -> BLS12381Fp2 {
        BLS12381Fp2(a.c0 - b.c0, a.c1 - b.c1)
    }
    @inlinable @inline(__always) public static prefix func - (a: BLS12381Fp2) -> BLS12381Fp2 { BLS12381Fp2(-a.c0, -a.c1) }
    @inlinable @inline(__always) public static func += (a: inout BLS12381Fp2, b: BLS12381Fp2) { a = a + b }
    @inlinable @inline(__always) public static func -= (a: inout BLS12381Fp2, b: BLS12381Fp2) { a = a - b }
    @inlinable @inline(__always) public static func *= (a: inout BLS12381Fp2, b: BLS12381Fp2) { a = a * b }
    @inlinable @inline(__always) public func doubled() -> BLS12381Fp2 { BLS12381Fp2(c0.doubled(), c1.doubled()) }

    /// Karatsuba: 3 base multiplications.
    @inlinable @inline(__always) public static func * (a: BLS12381Fp2, b: BLS12381Fp2) -> BLS12381Fp2 {
        let v0 = a.c0 * b.c0
        let v1 = a.c1 * b.c1
        return BLS12381Fp2(v0 - v1, (a.c0 + a.c1) * (b.c0 + b.c1) - v0 - v1)
    }

    /// Multiplication by a base-field scalar.
    @inlinable @inline(__always) public func scaled(by s: BLS12381Fp) -> BLS12381Fp2 { BLS12381Fp2(c0 * s, c1 * s) }

    /// (a + bu)² = (a + b)(a − b) + 2ab·u.
    @inlinable @inline(__always) public func squared() -> BLS12381Fp2 {
        let ab = c0 * c1
        return BLS12381Fp2((c0 + c1) * (c0 - c1), ab.doubled())
    }

    /// Multiplication by ξ = 1 + u: (a + bu)(1 + u) = (a − b) + (a + b)u.
    @inlinable @inline(__always) public func mulByXi() -> BLS12381Fp2 { BLS12381Fp2(c0 - c1, c0 + c1) }

    /// The conjugate a − bu, which is also the p-power Frobenius.
    @inlinable @inline(__always) public func conjugate() -> BLS12381Fp2 { BLS12381Fp2(c0, -c1) }

    /// The norm c0² + c1² ∈ F_p.
    @inlinable public var norm: BLS12381Fp { c0.squared() + c1.squared() }

    public func inverse() -> BLS12381Fp2 {
        let t = norm.inverse()
        return BLS12381Fp2(c0 * t, -(c1 * t))
    }

    /// Whether self is a square in F_p2 (iff its norm is a square in F_p).
    public var isSquare: Bool { norm.isSquare }

    /// sgn0 of RFC 9380 §4.1 for m = 2.
    public var sgn0: Bool {
        let s0 = c0.sgn0
        return s0 || (c0.isZero && c1.sgn0)
    }

    /// A square root if one exists (the "complex method" for p ≡ 3 mod 4).
    public func squareRoot() -> BLS12381Fp2? {
        if isZero { return .zero }
        if c1.isZero {
            if let s = c0.squareRoot() { return BLS12381Fp2(s, .zero) }
            if let s = (-c0).squareRoot() { return BLS12381Fp2(.zero, s) }
            return nil
        }
        guard let alpha = norm.squareRoot() else { return nil }
        let half = BLS12381Fp(2).inverse()
        var delta = (c0 + alpha) * half
        var x0 = delta.squareRoot()
        if x0 == nil {
            delta = (c0 - alpha) * half
            x0 = delta.squareRoot()
        }
        guard let x0, !x0.isZero else { return nil }
        let x1 = c1 * (x0.doubled()).inverse()
        let r = BLS12381Fp2(x0, x1)
        return r.squared() == self ? r : nil
    }
}

/// F_p6 = F_p2[v] / (v³ − ξ), ξ = 1 + u; an element is `c0 + c1·v + c2·v²`.
@frozen
public struct BLS12381Fp6: Hashable, Sendable {
    public var c0: BLS12381Fp2, c1: BLS12381Fp2, c2: BLS12381Fp2

    @inlinable public init(_ c0: BLS12381Fp2, _ c1: BLS12381Fp2, _ c2: BLS12381Fp2) {
        self.c0 = c0
        self.c1 = c1
        self.c2 = c2
    }

    public static let zero = BLS12381Fp6(.zero, .zero, .zero)
    public static let one = BLS12381Fp6(.one, .zero, .zero)

    @inlinable public var isZero: Bool { c0.isZero && c1.isZero && c2.isZero }

    @inlinable @inline(__always) public static func + (a: BLS12381Fp6, b: BLS12381Fp6) -> BLS12381Fp6 {
        BLS12381Fp6(a.c0 + b.c0, a.c1 + b.c1, a.c2 + b.c2)
    }
    @inlinable @inline(__always) public static func - (a: BLS12381Fp6, b: BLS12381Fp6) -> BLS12381Fp6 {
        BLS12381Fp6(a.c0 - b.c0, a.c1 - b.c1, a.c2 - b.c2)
    }
    @inlinable @inline(__always) public static prefix func - (a: BLS12381Fp6) -> BLS12381Fp6 { BLS12381Fp6(-a.c0, -a.c1, -a.c2) }
    @inlinable @inline(__always) public func doubled() -> BLS12381Fp6 {
        BLS12381Fp6(c0.doubled(), c1.doubled(), c2.doubled())
    }

    /// Karatsuba-style product: 6 F_p2 multiplications.
    @inlinable public static func * (a: BLS12381Fp6, b: BLS12381Fp6) -> BLS12381Fp6 {
        let t0 = a.c0 * b.c0
        let t1 = a.c1 * b.c1
        let t2 = a.c2 * b.c2
        let c0 = ((a.c1 + a.c2) * (b.c1 + b.c2) - t1 - t2).mulByXi() + t0
        let c1 = (a.c0 + a.c1) * (b.c0 + b.c1) - t0 - t1 + t2.mulByXi()
        let c2 = (a.c0 + a.c2) * (b.c0 + b.c2) - t0 - t2 + t1
        return BLS12381Fp6(c0, c1, c2)
    }

    /// Chung–Hasan SQR2.
    @inlinable public func squared() -> BLS12381Fp6 {
        let s0 = c0.squared()
        let s1 = (c0 * c1).doubled()
        let s2 = (c0 - c1 + c2).squared()
        let s3 = (c1 * c2).doubled()
        let s4 = c2.squared()
        return BLS12381Fp6(s3.mulByXi() + s0, s4.mulByXi() + s1, s1 + s2 + s3 - s0 - s4)
    }

    /// Multiplication by v: (c0, c1, c2)·v = (ξ·c2, c0, c1).
    @inlinable @inline(__always) public func mulByV() -> BLS12381Fp6 { BLS12381Fp6(c2.mulByXi(), c0, c1) }

    /// Multiplication by the sparse element b0 + b1·v.
    @inlinable @inline(__always) public func mulBy01(_ b0: BLS12381Fp2, _ b1: BLS12381Fp2) -> BLS12381Fp6 {
        let t0 = c0 * b0
        let t1 = c1 * b1
        let r0 = (c2 * b1).mulByXi() + t0
        let r1 = (c0 + c1) * (b0 + b1) - t0 - t1
        let r2 = c2 * b0 + t1
        return BLS12381Fp6(r0, r1, r2)
    }

    /// Multiplication by the sparse element b1·v.
    @inlinable @inline(__always) public func mulBy1(_ b1: BLS12381Fp2) -> BLS12381Fp6 {
        BLS12381Fp6((c2 * b1).mulByXi(), c0 * b1, c1 * b1)
    }

    public func inverse() -> BLS12381Fp6 {
        let a = c0.squared() - (c1 * c2).mulByXi()
        let b = c2.squared().mulByXi() - c0 * c1
        let c = c1.squared() - c0 * c2
        let f = (c0 * a + (c2 * b).mulByXi() + (c1 * c).mulByXi()).inverse()
        return BLS12381Fp6(a * f, b * f, c * f)
    }
}

/// F_p12 = F_p6[w] / (w² − v); an element is `c0 + c1·w` (so w⁶ = ξ = 1 + u).
@frozen
public struct BLS12381Fp12: Hashable, Sendable {
    public var c0: BLS12381Fp6, c1: BLS12381Fp6

    @inlinable public init(_ c0: BLS12381Fp6, _ c1: BLS12381Fp6) {
        self.c0 = c0
        self.c1 = c1
    }

    public static let zero = BLS12381Fp12(.zero, .zero)
    public static let one = BLS12381Fp12(.one, .zero)

    @inlinable public var isOne: Bool { self == .one }

    @inlinable public static func + (a: BLS12381Fp12, b: BLS12381Fp12) -> BLS12381Fp12 {
        BLS12381Fp12(a.c0 + b.c0, a.c1 + b.c1)
    }
    @inlinable public static func - (a: BLS12381Fp12, b: BLS12381Fp12) -> BLS12381Fp12 {
        BLS12381Fp12(a.c0 - b.c0, a.c1 - b.c1)
    }

    /// Karatsuba: 3 F_p6 multiplications.
    @inlinable public static func * (a: BLS12381Fp12, b: BLS12381Fp12) -> BLS12381Fp12 {
        let t0 = a.c0 * b.c0
        let t1 = a.c1 * b.c1
        return BLS12381Fp12(t0 + t1.mulByV(), (a.c0 + a.c1) * (b.c0 + b.c1) - t0 - t1)
    }

    @inlinable public static func *= (a: inout BLS12381Fp12, b: BLS12381Fp12) { a = a * b }

    /// Complex squaring: 2 F_p6 multiplications.
    @inlinable public func squared() -> BLS12381Fp12 {
        let ab = c0 * c1
        let c0n = (c0 + c1) * (c0 + c1.mulByV()) - ab - ab.mulByV()
        return BLS12381Fp12(c0n, ab.doubled())
    }

    /// The conjugate c0 − c1·w = self^(p^6); the inverse of a unitary (cyclotomic) element.
    @inlinable public func conjugate() -> BLS12381Fp12 { BLS12381Fp12(c0, -c1) }

    public func inverse() -> BLS12381Fp12 {
        let t = (c0.squared() - c1.squared().mulByV()).inverse()
        return BLS12381Fp12(c0 * t, -(c1 * t))
    }

    /// self · ((a + b·v) + (c·v)·w): the sparse product with a line of the M-type twist (the
    /// coefficients of w⁰, w² and w³).
    @inlinable public func mulByLine(_ a: BLS12381Fp2, _ b: BLS12381Fp2, _ c: BLS12381Fp2) -> BLS12381Fp12 {
        let t0 = c0.mulBy01(a, b)
        let t1 = c1.mulBy1(c)
        let s = (c0 + c1).mulBy01(a, b + c)
        return BLS12381Fp12(t0 + t1.mulByV(), s - t0 - t1)
    }

    /// Granger–Scott squaring, valid only in the cyclotomic subgroup (after the easy part of the
    /// final exponentiation).
    @inlinable public func cyclotomicSquared() -> BLS12381Fp12 {
        var z0 = c0.c0
        var z4 = c0.c1
        var z3 = c0.c2
        var z2 = c1.c0
        var z1 = c1.c1
        var z5 = c1.c2
        @inline(__always) func sq4(_ a: BLS12381Fp2, _ b: BLS12381Fp2) -> (BLS12381Fp2, BLS12381Fp2) {
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
        return BLS12381Fp12(BLS12381Fp6(z0, z4, z3), BLS12381Fp6(z2, z1, z5))
    }

    /// The p-power Frobenius: conjugate each F_p2 coefficient of w^k and multiply it by
    /// γ_k = ξ^(k(p−1)/6).
    @inlinable public func frobenius() -> BLS12381Fp12 {
        BLS12381Fp12(
            BLS12381Fp6(
                c0.c0.conjugate(), c0.c1.conjugate() * BLS12381Fp12.frobGamma2,
                c0.c2.conjugate() * BLS12381Fp12.frobGamma4),
            BLS12381Fp6(
                c1.c0.conjugate() * BLS12381Fp12.frobGamma1, c1.c1.conjugate() * BLS12381Fp12.frobGamma3,
                c1.c2.conjugate() * BLS12381Fp12.frobGamma5))
    }

    /// The p^k-power Frobenius.
    @inlinable public func frobenius(_ k: Int) -> BLS12381Fp12 {
        var r = self
        for _ in 0..<k { r = r.frobenius() }
        return r
    }
}
