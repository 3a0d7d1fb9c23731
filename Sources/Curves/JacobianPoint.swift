import Primitives

/// A point of y² = x³ + b in Jacobian coordinates (x = X/Z², y = Y/Z³); Z = 0 is the point at
/// infinity.
@frozen
public struct JacobianPoint<C: WeierstrassCurve>: Sendable {
    public typealias F = C.Field
    public var x: F, y: F, z: F

    @inlinable public init(x: F, y: F, z: F) {
        self.x = x
        self.y = y
        self.z = z
    }

    /// The affine point (x, y); the caller has checked it is on the curve.
    @inlinable public init(affineX x: F, y: F) { self.init(x: x, y: y, z: .one) }

    public static var infinity: JacobianPoint { JacobianPoint(x: .one, y: .one, z: .zero) }

    @inlinable public var isInfinity: Bool { z.isZero }

    /// Whether the affine point (x, y) satisfies the curve equation.
    @inlinable public static func isOnCurve(x: F, y: F) -> Bool {
        y.squared() == x.squared() * x + C.b
    }

    /// The affine coordinates, or nil for the point at infinity.
    public func computeAffine() -> (x: F, y: F)? {
        if isInfinity { return nil }
        let zi = z.inverse()
        let zi2 = zi.squared()
        return (x * zi2, y * zi2 * zi)
    }

    @inlinable public func negated() -> JacobianPoint { JacobianPoint(x: x, y: -y, z: z) }

    /// dbl-2009-l (a = 0).
    @inlinable public func doubled() -> JacobianPoint {
        if isInfinity { return self }
        let a = x.squared()
        let b = y.squared()
        let c = b.squared()
        let d = ((x + b).squared() - a - c).doubled()
        let e = a.doubled() + a
        let f = e.squared()
        let x3 = f - d.doubled()
        let c8 = c.doubled().doubled().doubled()
        let y3 = e * (d - x3) - c8
        let z3 = (y * z).doubled()
        return JacobianPoint(x: x3, y: y3, z: z3)
    }

    /// add-2007-bl, with the exceptional cases (equal points, inverse points, infinity).
    @inlinable public static func + (p: JacobianPoint, q: JacobianPoint) -> JacobianPoint {
        if p.isInfinity { return q }
        if q.isInfinity { return p }
        let z1z1 = p.z.squared()
        let z2z2 = q.z.squared()
        let u1 = p.x * z2z2
        let u2 = q.x * z1z1
        let s1 = p.y * q.z * z2z2
        let s2 = q.y * p.z * z1z1
        let h = u2 - u1
        let rr = (s2 - s1).doubled()
        if h.isZero {
            return rr.isZero ? p.doubled() : .infinity
        }
        let i = h.doubled().squared()
        let j = h * i
        let v = u1 * i
        let x3 = rr.squared() - j - v.doubled()
        let y3 = rr * (v - x3) - (s1 * j).doubled()
        let z3 = ((p.z + q.z).squared() - z1z1 - z2z2) * h
        return JacobianPoint(x: x3, y: y3, z: z3)
    }

    @inlinable public static func - (p: JacobianPoint, q: JacobianPoint) -> JacobianPoint { p + q.negated() }

    /// Projective equality.
    @inlinable public static func == (p: JacobianPoint, q: JacobianPoint) -> Bool {
        if p.isInfinity || q.isInfinity { return p.isInfinity && q.isInfinity }
        let z1z1 = p.z.squared()
        let z2z2 = q.z.squared()
        return p.x * z2z2 == q.x * z1z1 && p.y * q.z * z2z2 == q.y * p.z * z1z1
    }

    /// k·P for any 256-bit k (not reduced), fixed 4-bit window.
    public func multiplied(by k: UInt256) -> JacobianPoint {
        if k.isZero || isInfinity { return .infinity }
        var table = [JacobianPoint](repeating: .infinity, count: 16)
        table[1] = self
        table[2] = doubled()
        for i in 3..<16 { table[i] = table[i - 1] + self }
        var acc = JacobianPoint.infinity
        let top = (k.bitLength + 3) / 4
        var w = top - 1
        while w >= 0 {
            if !acc.isInfinity {
                acc = acc.doubled().doubled().doubled().doubled()
            }
            let nib = Int(truncatingIfNeeded: (k[limb: w >> 4] >> UInt64((w & 15) * 4)) & 0xf)
            if nib != 0 { acc = acc + table[nib] }
            w -= 1
        }
        return acc
    }
}

extension JacobianPoint: Equatable {}

/// bn254 G1 (EIP-196).
public typealias G1 = JacobianPoint<G1Curve>
/// bn254 G2 on the twist (EIP-197).
public typealias G2 = JacobianPoint<G2Curve>

extension JacobianPoint where C == G1Curve {
    /// The generator (1, 2).
    public static var generator: G1 { G1(affineX: Fp(1), y: Fp(2)) }
}

/// The order r of G1, G2 and G_T (EIP-197).
public let bn254Order = UInt256(
    l0: 0x43e1_f593_f000_0001, l1: 0x2833_e848_79b9_7091, l2: 0xb850_45b6_8181_585d, l3: 0x3064_4e72_e131_a029)

extension JacobianPoint where C == G2Curve {
    /// The EIP-197 generator of G2.
    public static var generator: G2 {
        // x = 0x1800deef…ed (re) + 0x198e9393…c2 (im)·u, y = 0x12c85ea5…aa (re) + 0x090689d0…5b (im)·u
        let xr = UInt256(hex: "1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed")!
        let xi = UInt256(hex: "198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2")!
        let yr = UInt256(hex: "12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa")!
        let yi = UInt256(hex: "090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b")!
        return G2(affineX: Fp2(Fp(canonical: xr)!, Fp(canonical: xi)!), y: Fp2(Fp(canonical: yr)!, Fp(canonical: yi)!))
    }

    /// The untwist-Frobenius-twist endomorphism ψ(x, y) = (x̄·ξ^((p−1)/3), ȳ·ξ^((p−1)/2)), in
    /// Jacobian coordinates (Z is conjugated too).
    @inlinable public func psi() -> G2 {
        G2(x: x.conjugate() * Fp12.g12, y: y.conjugate() * Fp12.g13, z: z.conjugate())
    }

    /// ψ²(x, y) = (x·ξ^((p²−1)/3), y·ξ^((p²−1)/2)) (no conjugation).
    @inlinable public func psi2() -> G2 {
        G2(x: x * Fp12.g22, y: y * Fp12.g23, z: z)
    }

    /// Whether the point (on the twist) lies in the order-r subgroup, by the endomorphism test of
    /// El Housni, Guillevic, Piellard ("Co-factor clearing and subgroup membership testing on
    /// pairing-friendly curves", ePrint 2022/348, §3, §5.1):
    /// [r]Q = O ⇔ [u+1]Q + ψ([u]Q) + ψ²([u]Q) = ψ³([2u]Q). Costs one 63-bit multiplication
    /// instead of a 254-bit one; checked against `isInSubgroupSlow` in the tests.
    public func isInSubgroup() -> Bool {
        if isInfinity { return true }
        let uq = multiplied(by: UInt256(Pairing.u))
        let lhs = uq + self + uq.psi() + uq.psi2()
        let rhs = uq.doubled().psi2().psi()
        return lhs == rhs
    }

    /// The definition: r·Q = O.
    public func isInSubgroupSlow() -> Bool {
        multiplied(by: bn254Order).isInfinity
    }
}
