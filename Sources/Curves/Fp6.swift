/// F_p6 = F_p2[v] / (v³ − ξ), ξ = 9 + u; an element is `c0 + c1·v + c2·v²`.
@frozen
public struct Fp6: Hashable, Sendable {
    public var c0: Fp2, c1: Fp2, c2: Fp2

    @inlinable public init(_ c0: Fp2, _ c1: Fp2, _ c2: Fp2) {
        self.c0 = c0
        self.c1 = c1
        self.c2 = c2
    }

    public static let zero = Fp6(.zero, .zero, .zero)
    public static let one = Fp6(.one, .zero, .zero)

    @inlinable public var isZero: Bool { c0.isZero && c1.isZero && c2.isZero }

    @inlinable @inline(__always) public static func + (a: Fp6, b: Fp6) -> Fp6 {
        Fp6(a.c0 + b.c0, a.c1 + b.c1, a.c2 + b.c2)
    }
    @inlinable @inline(__always) public static func - (a: Fp6, b: Fp6) -> Fp6 {
        Fp6(a.c0 - b.c0, a.c1 - b.c1, a.c2 - b.c2)
    }
    @inlinable @inline(__always) public static prefix func - (a: Fp6) -> Fp6 { Fp6(-a.c0, -a.c1, -a.c2) }
    @inlinable @inline(__always) public func doubled() -> Fp6 { Fp6(c0.doubled(), c1.doubled(), c2.doubled()) }

    /// Karatsuba-style product: 6 F_p2 multiplications.
    @inlinable public static func * (a: Fp6, b: Fp6) -> Fp6 {
        let t0 = a.c0 * b.c0
        let t1 = a.c1 * b.c1
        let t2 = a.c2 * b.c2
        let c0 = ((a.c1 + a.c2) * (b.c1 + b.c2) - t1 - t2).mulByXi() + t0
        let c1 = (a.c0 + a.c1) * (b.c0 + b.c1) - t0 - t1 + t2.mulByXi()
        let c2 = (a.c0 + a.c2) * (b.c0 + b.c2) - t0 - t2 + t1
        return Fp6(c0, c1, c2)
    }

    /// Chung–Hasan SQR2.
    @inlinable public func squared() -> Fp6 {
        let s0 = c0.squared()
        let s1 = (c0 * c1).doubled()
        let s2 = (c0 - c1 + c2).squared()
        let s3 = (c1 * c2).doubled()
        let s4 = c2.squared()
        return Fp6(s3.mulByXi() + s0, s4.mulByXi() + s1, s1 + s2 + s3 - s0 - s4)
    }

    /// Multiplication by v: (c0, c1, c2)·v = (ξ·c2, c0, c1).
    @inlinable @inline(__always) public func mulByV() -> Fp6 { Fp6(c2.mulByXi(), c0, c1) }

    /// Multiplication by an F_p2 scalar.
    @inlinable @inline(__always) public func scaled(by s: Fp2) -> Fp6 { Fp6(c0 * s, c1 * s, c2 * s) }

    /// Multiplication by the sparse element b0 + b1·v.
    @inlinable @inline(__always) public func mulBy01(_ b0: Fp2, _ b1: Fp2) -> Fp6 {
        let t0 = c0 * b0
        let t1 = c1 * b1
        let r0 = (c2 * b1).mulByXi() + t0
        let r1 = (c0 + c1) * (b0 + b1) - t0 - t1
        let r2 = c2 * b0 + t1
        return Fp6(r0, r1, r2)
    }

    public func inverse() -> Fp6 {
        let a = c0.squared() - (c1 * c2).mulByXi()
        let b = c2.squared().mulByXi() - c0 * c1
        let c = c1.squared() - c0 * c2
        let f = (c0 * a + (c2 * b).mulByXi() + (c1 * c).mulByXi()).inverse()
        return Fp6(a * f, b * f, c * f)
    }
}
