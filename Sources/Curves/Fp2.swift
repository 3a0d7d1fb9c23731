/// F_p2 = F_p[u] / (u² + 1); an element is `c0 + c1·u`.
///
/// EIP-197 encodes an F_p2 element `c1·i + c0` as the two words `(c1, c0)` — imaginary part first.
@frozen
public struct Fp2: Hashable, Sendable {
    public var c0: Fp, c1: Fp

    @inlinable public init(_ c0: Fp, _ c1: Fp) {
        self.c0 = c0
        self.c1 = c1
    }

    public static let zero = Fp2(.zero, .zero)
    public static let one = Fp2(.one, .zero)

    @inlinable public var isZero: Bool { c0.isZero && c1.isZero }

    @inlinable @inline(__always) public static func + (a: Fp2, b: Fp2) -> Fp2 { Fp2(a.c0 + b.c0, a.c1 + b.c1) }
    @inlinable @inline(__always) public static func - (a: Fp2, b: Fp2) -> Fp2 { Fp2(a.c0 - b.c0, a.c1 - b.c1) }
    @inlinable @inline(__always) public static prefix func - (a: Fp2) -> Fp2 { Fp2(-a.c0, -a.c1) }
    @inlinable @inline(__always) public static func += (a: inout Fp2, b: Fp2) { a = a + b }
    @inlinable @inline(__always) public static func -= (a: inout Fp2, b: Fp2) { a = a - b }
    @inlinable @inline(__always) public static func *= (a: inout Fp2, b: Fp2) { a = a * b }

    @inlinable @inline(__always) public func doubled() -> Fp2 { Fp2(c0.doubled(), c1.doubled()) }
    @inlinable @inline(__always) public func halved() -> Fp2 { Fp2(c0.halved(), c1.halved()) }

    /// Karatsuba with lazy reduction: three 512-bit products and two Montgomery reductions.
    /// c0 = a0b0 − a1b1 (plus p·2^256 if negative) and c1 = (a0 + a1)(b0 + b1) − a0b0 − a1b1 =
    /// a0b1 + a1b0 < 2p² are both < p·2^256 (p < 2^254), the bound `Fp.reduce` needs; the sums
    /// a0 + a1 < 2p are left unreduced.
    @inlinable @inline(__always) public static func * (a: Fp2, b: Fp2) -> Fp2 {
        let v0 = Fp.mulWide(a.c0, b.c0)
        let v1 = Fp.mulWide(a.c1, b.c1)
        let v2 = Fp.mulWide(a.c0.addedUnreduced(a.c1), b.c0.addedUnreduced(b.c1))
        return Fp2(Fp.reduce(v0.subtractingModPR(v1)), Fp.reduce(v2 - v0 - v1))
    }

    /// Multiplication by a base-field scalar.
    @inlinable @inline(__always) public func scaled(by s: Fp) -> Fp2 { Fp2(c0 * s, c1 * s) }

    /// (a + bu)² = (a + b)(a − b) + 2ab·u.
    @inlinable @inline(__always) public func squared() -> Fp2 {
        let ab = c0 * c1
        return Fp2((c0 + c1) * (c0 - c1), ab.doubled())
    }

    /// Multiplication by ξ = 9 + u: (a + bu)(9 + u) = (9a − b) + (a + 9b)u.
    @inlinable @inline(__always) public func mulByXi() -> Fp2 {
        let a8 = c0.doubled().doubled().doubled()
        let b8 = c1.doubled().doubled().doubled()
        return Fp2(a8 + c0 - c1, b8 + c1 + c0)
    }

    /// The conjugate a − bu, which is also the p-power Frobenius (p ≡ 3 mod 4).
    @inlinable @inline(__always) public func conjugate() -> Fp2 { Fp2(c0, -c1) }

    public func inverse() -> Fp2 {
        let t = (c0.squared() + c1.squared()).inverse()
        return Fp2(c0 * t, -(c1 * t))
    }

    /// A square root if one exists (complex method for p ≡ 3 mod 4).
    public func squareRoot() -> Fp2? {
        if isZero { return .zero }
        if c1.isZero {
            if let s = c0.squareRoot() { return Fp2(s, .zero) }
            // c0 is a non-residue in F_p: sqrt = sqrt(−c0)·u.
            if let s = (-c0).squareRoot() { return Fp2(.zero, s) }
            return nil
        }
        // |a|² = c0² + c1²; alpha = sqrt(norm).
        guard let alpha = (c0.squared() + c1.squared()).squareRoot() else { return nil }
        var delta = (c0 + alpha).halved()
        if delta.squareRoot() == nil { delta = (c0 - alpha).halved() }
        guard let x0 = delta.squareRoot(), !x0.isZero else { return nil }
        let x1 = c1 * x0.doubled().inverse()
        let r = Fp2(x0, x1)
        return r.squared() == self ? r : nil
    }
}
