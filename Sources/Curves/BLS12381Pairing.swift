/// The optimal-ate pairing on BLS12-381: Miller loop over |x| = 0xd201000000010000 with
/// homogeneous-projective line formulas for the M-type twist (Costello–Lange–Naehrig; Aranha et al.
/// 2010), conjugated because x < 0, then the final exponentiation (easy part, then the hard part by
/// Hayashida–Hayasaka–Teruya, ePrint 2020/875, which computes the cube of the reduced pairing —
/// a fixed power coprime to r, so `== 1` tests and bilinearity are unaffected).
public enum BLS12381Pairing {
    /// An affine G1 point known to be on the curve (never infinity).
    public struct G1Affine: Hashable, Sendable {
        public var x: BLS12381Fp, y: BLS12381Fp
        public init(x: BLS12381Fp, y: BLS12381Fp) {
            self.x = x
            self.y = y
        }
    }

    /// An affine G2 point known to be on the twist (never infinity).
    public struct G2Affine: Hashable, Sendable {
        public var x: BLS12381Fp2, y: BLS12381Fp2
        public init(x: BLS12381Fp2, y: BLS12381Fp2) {
            self.x = x
            self.y = y
        }
    }

    /// 3·b' for the twist b' = 4(1 + u).
    @usableFromInline static let threeB2 = BLS12381Fp2(BLS12381Fp(12), BLS12381Fp(12))
    @usableFromInline static let halfOne = BLS12381Fp(2).inverse()

    /// A homogeneous projective point (x = X/Z, y = Y/Z) on the twist, the Miller loop's T.
    @usableFromInline struct Projective {
        @usableFromInline var x: BLS12381Fp2, y: BLS12381Fp2, z: BLS12381Fp2
        @inlinable init(x: BLS12381Fp2, y: BLS12381Fp2, z: BLS12381Fp2) {
            self.x = x
            self.y = y
            self.z = z
        }
    }

    /// T ← 2T; returns the tangent line at T evaluated at P, scaled by −2YZ, as the coefficients
    /// (w⁰, w², w³) = (3b'Z² − Y², 3X²·xP, −2YZ·yP) for `BLS12381Fp12.mulByLine`.
    @inlinable @inline(__always)
    static func doublingStep(_ t: inout Projective, _ px: BLS12381Fp, _ negPy: BLS12381Fp) -> (
        BLS12381Fp2, BLS12381Fp2, BLS12381Fp2
    ) {
        let a = (t.x * t.y).scaled(by: halfOne)
        let b = t.y.squared()
        let c = t.z.squared()
        let e = c * threeB2
        let f = e.doubled() + e
        let g = (b + f).scaled(by: halfOne)
        let h = (t.y + t.z).squared() - (b + c)
        let j = t.x.squared()
        let e2 = e.squared()
        t.x = a * (b - f)
        t.y = g.squared() - (e2.doubled() + e2)
        t.z = b * h
        return (e - b, (j.doubled() + j).scaled(by: px), h.scaled(by: negPy))
    }

    /// T ← T + Q (Q affine); returns the chord line evaluated at P, scaled by λ = X − xQ·Z, as
    /// (w⁰, w², w³) = (θ·xQ − λ·yQ, −θ·xP, λ·yP) with θ = Y − yQ·Z.
    @inlinable @inline(__always)
    static func additionStep(
        _ t: inout Projective, _ qx: BLS12381Fp2, _ qy: BLS12381Fp2, _ px: BLS12381Fp, _ py: BLS12381Fp
    ) -> (BLS12381Fp2, BLS12381Fp2, BLS12381Fp2) {
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
        return (theta * qx - lambda * qy, (-theta).scaled(by: px), lambda.scaled(by: py))
    }

    /// The product of the Miller functions f_{x,Q}(P) of all pairs, sharing the squarings
    /// (conjugated for x < 0).
    public static func millerLoop(_ pairs: [(G1Affine, G2Affine)]) -> BLS12381Fp12 {
        var f = BLS12381Fp12.one
        if pairs.isEmpty { return f }
        var ts = pairs.map { Projective(x: $0.1.x, y: $0.1.y, z: .one) }
        let negPy = pairs.map { -$0.0.y }
        let x = BLS12381.xAbs
        var i = 62  // bit 63 is the leading one
        while i >= 0 {
            if i != 62 { f = f.squared() }
            for j in 0..<pairs.count {
                let (l0, l2, l3) = doublingStep(&ts[j], pairs[j].0.x, negPy[j])
                f = f.mulByLine(l0, l2, l3)
            }
            if (x >> UInt64(i)) & 1 == 1 {
                for j in 0..<pairs.count {
                    let (l0, l2, l3) = additionStep(&ts[j], pairs[j].1.x, pairs[j].1.y, pairs[j].0.x, pairs[j].0.y)
                    f = f.mulByLine(l0, l2, l3)
                }
            }
            i -= 1
        }
        return f.conjugate()
    }

    /// A G2 point with its Miller-loop line coefficients precomputed (the P-independent parts), for
    /// fixed second arguments such as KZG's −G2 and [τ]₂.
    public struct G2Prepared: Sendable {
        /// Per step: (w⁰ coefficient, factor of xP, factor of yP).
        let lines: [(BLS12381Fp2, BLS12381Fp2, BLS12381Fp2)]

        public init(_ q: G2Affine) {
            var lines: [(BLS12381Fp2, BLS12381Fp2, BLS12381Fp2)] = []
            lines.reserveCapacity(70)
            var t = Projective(x: q.x, y: q.y, z: .one)
            let one = BLS12381Fp.one
            let minusOne = -BLS12381Fp.one
            var i = 62
            while i >= 0 {
                // doublingStep with xP = 1, −yP = −1 gives the factors themselves (up to sign).
                let (a, b, c) = doublingStep(&t, one, minusOne)
                lines.append((a, b, -c))
                if (BLS12381.xAbs >> UInt64(i)) & 1 == 1 {
                    let (d, e, f) = additionStep(&t, q.x, q.y, one, one)
                    lines.append((d, e, f))
                }
                i -= 1
            }
            self.lines = lines
        }
    }

    /// The Miller loop with precomputed G2 lines; equals `millerLoop` on the same points.
    public static func millerLoop(prepared pairs: [(G1Affine, G2Prepared)]) -> BLS12381Fp12 {
        var f = BLS12381Fp12.one
        if pairs.isEmpty { return f }
        let negPy = pairs.map { -$0.0.y }
        var idx = 0
        var i = 62
        while i >= 0 {
            if i != 62 { f = f.squared() }
            for j in 0..<pairs.count {
                let (a, b, c) = pairs[j].1.lines[idx]
                f = f.mulByLine(a, b.scaled(by: pairs[j].0.x), c.scaled(by: negPy[j]))
            }
            idx += 1
            if (BLS12381.xAbs >> UInt64(i)) & 1 == 1 {
                for j in 0..<pairs.count {
                    let (a, b, c) = pairs[j].1.lines[idx]
                    f = f.mulByLine(a, b.scaled(by: pairs[j].0.x), c.scaled(by: pairs[j].0.y))
                }
                idx += 1
            }
            i -= 1
        }
        return f.conjugate()
    }

    /// Whether ∏ e(Pᵢ, Qᵢ) = 1 for prepared Qᵢ (infinity pairs left out by the caller).
    public static func check(prepared pairs: [(G1Affine, G2Prepared)]) -> Bool {
        if pairs.isEmpty { return true }
        return finalExponentiation(millerLoop(prepared: pairs)).isOne
    }

    /// a^|x| in the cyclotomic subgroup.
    static func cyclotomicPowXAbs(_ a: BLS12381Fp12) -> BLS12381Fp12 {
        let x = BLS12381.xAbs
        var r = a
        var i = 62
        while i >= 0 {
            r = r.cyclotomicSquared()
            if (x >> UInt64(i)) & 1 == 1 { r = r * a }
            i -= 1
        }
        return r
    }

    /// a^x (x < 0) in the cyclotomic subgroup, where the inverse is the conjugate.
    static func expByX(_ a: BLS12381Fp12) -> BLS12381Fp12 { cyclotomicPowXAbs(a).conjugate() }

    /// f^(3·(p^12 − 1)/r): easy part f^((p^6 − 1)(p^2 + 1)), then the hard part via
    /// 3·(p^4 − p^2 + 1)/r = (x − 1)²(x + p)(x² + p² − 1) + 3.
    public static func finalExponentiation(_ f: BLS12381Fp12) -> BLS12381Fp12 {
        var m = f.conjugate() * f.inverse()
        m = m.frobenius(2) * m
        // t = m^((x−1)²)
        var t = expByX(m) * m.conjugate()
        t = expByX(t) * t.conjugate()
        // t = t^(x + p)
        t = expByX(t) * t.frobenius()
        // t = t^(x² + p² − 1)
        t = expByX(expByX(t)) * t.frobenius(2) * t.conjugate()
        // · m³
        return t * m.cyclotomicSquared() * m
    }

    /// The (fixed-power) reduced pairing e(P, Q)³.
    public static func pairing(_ p: G1Affine, _ q: G2Affine) -> BLS12381Fp12 {
        finalExponentiation(millerLoop([(p, q)]))
    }

    /// Whether ∏ e(Pᵢ, Qᵢ) = 1, with one shared final exponentiation. Pairs with a point at
    /// infinity must be left out by the caller (they contribute 1).
    public static func check(_ pairs: [(G1Affine, G2Affine)]) -> Bool {
        if pairs.isEmpty { return true }
        return finalExponentiation(millerLoop(pairs)).isOne
    }
}
