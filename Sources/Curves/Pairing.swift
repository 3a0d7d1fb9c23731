import Primitives

/// An affine G1 point known to be on the curve (never the point at infinity).
public struct G1Affine: Hashable, Sendable {
    public var x: Fp, y: Fp
    public init(x: Fp, y: Fp) {
        self.x = x
        self.y = y
    }
}

/// An affine G2 point known to be on the twist and in the order-r subgroup (never infinity).
public struct G2Affine: Hashable, Sendable {
    public var x: Fp2, y: Fp2
    public init(x: Fp2, y: Fp2) {
        self.x = x
        self.y = y
    }
}

/// The optimal-ate pairing on bn254: Miller loop over 6u + 2 (NAF) with homogeneous-projective
/// line formulas for the D-type twist (Costello–Lange–Naehrig; Aranha et al. 2010), then the
/// final exponentiation (easy part, then the Fuentes-Castañeda et al. hard part).
public enum Pairing {
    /// u, the BN parameter (p = 36u⁴ + 36u³ + 24u² + 6u + 1).
    public static let u: UInt64 = 0x44e9_92b4_4a69_09f1

    /// NAF digits of 6u + 2, most significant first.
    static let ateLoopNAF: [Int8] = [
        1, 0, -1, 0, 1, 0, 0, 0, -1, 0, -1, 0, 0, 0, -1, 0, 1, 0, -1, 0, 0, -1, 0, 0, 0, 0, 0, 1, 0, 0, -1, 0,
        1, 0, 0, -1, 0, 0, 0, 0, -1, 0, 1, 0, 0, 0, -1, 0, -1, 0, 0, 1, 0, 0, 0, -1, 0, 0, -1, 0, 1, 0, 1, 0,
        0, 0,
    ]

    /// 3·b' for the twist b' = 3/ξ.
    @usableFromInline static let threeB2 = Fp2(
        Fp(l0: 0x3baa_927c_b62e_0d6a, l1: 0xd71e_7c52_d1b6_64fd, l2: 0x0387_3e63_d95d_4664, l3: 0x0e75_b5b1_082a_b8f4),
        Fp(l0: 0xaab7_c666_7596_fe35, l1: 0x31d2_1a78_bb6a_27ba, l2: 0x85dd_7297_6804_01ff, l3: 0x03c5_2d6a_df39_a7e9))

    /// A homogeneous projective point (x = X/Z, y = Y/Z) on the twist, the Miller loop's T.
    @usableFromInline struct Projective {
        @usableFromInline var x: Fp2, y: Fp2, z: Fp2
        @inlinable init(x: Fp2, y: Fp2, z: Fp2) {
            self.x = x
            self.y = y
            self.z = z
        }
    }

    /// T ← 2T; returns the tangent line at T evaluated at P as (l0, l1, l3) for
    /// `Fp12.mulByLine` (l0 = −2YZ·yP, l1 = 3X²·xP, l3 = 3b'Z² − Y²).
    @inlinable @inline(__always)
    static func doublingStep(_ t: inout Projective, _ px: Fp, _ negPy: Fp) -> (Fp2, Fp2, Fp2) {
        let a = (t.x * t.y).halved()
        let b = t.y.squared()
        let c = t.z.squared()
        let e = c * threeB2
        let f = e.doubled() + e
        let g = (b + f).halved()
        let h = (t.y + t.z).squared() - (b + c)
        let j = t.x.squared()
        let e2 = e.squared()
        t.x = a * (b - f)
        t.y = g.squared() - (e2.doubled() + e2)
        t.z = b * h
        return (h.scaled(by: negPy), (j.doubled() + j).scaled(by: px), e - b)
    }

    /// T ← T + Q (Q affine); returns the chord line evaluated at P
    /// (l0 = λ·yP, l1 = −θ·xP, l3 = θ·xQ − λ·yQ with θ = Y − yQ·Z, λ = X − xQ·Z).
    @inlinable @inline(__always)
    static func additionStep(_ t: inout Projective, _ qx: Fp2, _ qy: Fp2, _ px: Fp, _ py: Fp) -> (Fp2, Fp2, Fp2) {
        let theta = t.y - qy * t.z
        let lambda = t.x - qx * t.z
        let c = theta.squared()
        let d = lambda.squared()
        let e = lambda * d
        let f = t.z * c
        let g = t.x * d
        let h = e + f - g.doubled()
        t.x = lambda * h
        t.y = theta * (g - h) - e * t.y
        t.z = t.z * e
        return (lambda.scaled(by: py), (-theta).scaled(by: px), theta * qx - lambda * qy)
    }

    /// The product of the Miller functions f_{6u+2,Q}(P) (with the two Frobenius additions) of all
    /// pairs, sharing the squarings.
    public static func millerLoop(_ pairs: [(G1Affine, G2Affine)]) -> Fp12 {
        var f = Fp12.one
        if pairs.isEmpty { return f }
        var ts = pairs.map { Projective(x: $0.1.x, y: $0.1.y, z: .one) }
        let negPy = pairs.map { -$0.0.y }
        let negQy = pairs.map { -$0.1.y }
        let naf = ateLoopNAF
        for i in 1..<naf.count {
            if i != 1 { f = f.squared() }
            for j in 0..<pairs.count {
                let (l0, l1, l3) = doublingStep(&ts[j], pairs[j].0.x, negPy[j])
                f = f.mulByLine(l0, l1, l3)
            }
            let d = naf[i]
            if d != 0 {
                for j in 0..<pairs.count {
                    let qy = d > 0 ? pairs[j].1.y : negQy[j]
                    let (l0, l1, l3) = additionStep(&ts[j], pairs[j].1.x, qy, pairs[j].0.x, pairs[j].0.y)
                    f = f.mulByLine(l0, l1, l3)
                }
            }
        }
        for j in 0..<pairs.count {
            let q = pairs[j].1
            // Q1 = π(Q), Q2 = −π²(Q).
            let q1x = q.x.conjugate() * Fp12.g12
            let q1y = q.y.conjugate() * Fp12.g13
            let q2x = q.x * Fp12.g22
            let q2y = -(q.y * Fp12.g23)
            let (a0, a1, a3) = additionStep(&ts[j], q1x, q1y, pairs[j].0.x, pairs[j].0.y)
            f = f.mulByLine(a0, a1, a3)
            let (b0, b1, b3) = additionStep(&ts[j], q2x, q2y, pairs[j].0.x, pairs[j].0.y)
            f = f.mulByLine(b0, b1, b3)
        }
        return f
    }

    /// NAF digits of u, most significant first (weight 24 instead of 29 set bits).
    static let uNAF: [Int8] = [
        1, 0, 0, 0, 1, 0, 1, 0, 0, -1, 0, 1, 0, 1, 0, -1, 0, 0, 1, 0, 1, 0, -1, 0, -1, 0, -1, 0, 1, 0, 0, 0,
        1, 0, 0, 1, 0, 1, 0, 1, 0, -1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, -1, 0, 0, 0, 1,
    ]

    /// x^u in the cyclotomic subgroup (where the inverse is the conjugate), by the NAF of u.
    static func cyclotomicPowU(_ x: Fp12) -> Fp12 {
        let xInv = x.conjugate()
        var r = x
        for d in uNAF.dropFirst() {
            r = r.cyclotomicSquared()
            if d > 0 {
                r = r * x
            } else if d < 0 {
                r = r * xInv
            }
        }
        return r
    }

    /// x^(−u) in the cyclotomic subgroup.
    static func expByNegU(_ x: Fp12) -> Fp12 { cyclotomicPowU(x).conjugate() }

    /// f^((p^12 − 1)/r · m) with m = 2u(6u² + 3u + 1) coprime to r (Fuentes-Castañeda, Knapp,
    /// Rodríguez-Henríquez, "Faster hashing to G2"): a fixed power of the reduced pairing, so
    /// `== 1` tests agree with the textbook pairing.
    public static func finalExponentiation(_ f: Fp12) -> Fp12 {
        // Easy part: f^((p^6 − 1)(p^2 + 1)).
        var r = f.conjugate() * f.inverse()
        r = r.frobenius(2) * r
        // Hard part.
        let y0 = expByNegU(r)
        let y1 = y0.cyclotomicSquared()
        let y2 = y1.cyclotomicSquared()
        var y3 = y2 * y1
        let y4 = expByNegU(y3)
        let y5 = y4.cyclotomicSquared()
        var y6 = expByNegU(y5)
        y3 = y3.conjugate()
        y6 = y6.conjugate()
        let y7 = y6 * y4
        var y8 = y7 * y3
        let y9 = y8 * y1
        let y10 = y8 * y4
        let y11 = y10 * r
        let y12 = y9.frobenius(1)
        let y13 = y12 * y11
        y8 = y8.frobenius(2)
        let y14 = y8 * y13
        r = r.conjugate()
        let y15 = (r * y9).frobenius(3)
        return y15 * y14
    }

    /// The (fixed-power) reduced pairing e(P, Q).
    public static func pairing(_ p: G1Affine, _ q: G2Affine) -> Fp12 {
        finalExponentiation(millerLoop([(p, q)]))
    }

    /// Whether ∏ e(Pᵢ, Qᵢ) = 1, with one shared final exponentiation.
    public static func check(_ pairs: [(G1Affine, G2Affine)]) -> Bool {
        if pairs.isEmpty { return true }
        return finalExponentiation(millerLoop(pairs)).isOne
    }
}
