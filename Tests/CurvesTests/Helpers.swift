import BigInt
import Curves
import Primitives
import TestSupport

/// Shared helpers: conversions to the BigUInt oracle, hex, random field elements.
enum H {
    static let p = big(Fp.modulus)
    static let r = big(bn254Order)

    static func big(_ v: UInt256) -> BigUInt { BigUInt(words: [UInt(v.l0), UInt(v.l1), UInt(v.l2), UInt(v.l3)]) }

    static func u256(_ b: BigUInt) -> UInt256 {
        let w = b.words
        func at(_ i: Int) -> UInt64 { i < w.count ? UInt64(w[i]) : 0 }
        return UInt256(l0: at(0), l1: at(1), l2: at(2), l3: at(3))
    }

    static func randomU256(_ g: inout SplitMix64) -> UInt256 {
        UInt256(l0: g.next(), l1: g.next(), l2: g.next(), l3: g.next())
    }

    /// A uniformly-ish random element below p (rejection on the top limb mask).
    static func randomFp(_ g: inout SplitMix64) -> Fp {
        while true {
            var v = randomU256(&g)
            v.l3 &= 0x3fff_ffff_ffff_ffff
            if let f = Fp(canonical: v) { return f }
        }
    }

    static func randomScalar(_ g: inout SplitMix64) -> UInt256 { u256(big(randomU256(&g)) % r) }

    static func randomFp2(_ g: inout SplitMix64) -> Fp2 { Fp2(randomFp(&g), randomFp(&g)) }
    static func randomFp6(_ g: inout SplitMix64) -> Fp6 { Fp6(randomFp2(&g), randomFp2(&g), randomFp2(&g)) }
    static func randomFp12(_ g: inout SplitMix64) -> Fp12 { Fp12(randomFp6(&g), randomFp6(&g)) }

    static func hex(_ s: String) -> [UInt8] { Hex.decode(s) ?? [] }
    static func hex(_ b: [UInt8]) -> String { Hex.encode(b) }

    /// x^e in F_p12 for a big exponent (square-and-multiply, test only).
    static func pow(_ x: Fp12, _ e: BigUInt) -> Fp12 {
        var r = Fp12.one
        var i = e.bitWidth - 1
        while i >= 0 {
            r = r.squared()
            if e[bitAt: i] { r = r * x }
            i -= 1
        }
        return r
    }

    static func pow(_ x: Fp2, _ e: BigUInt) -> Fp2 {
        var r = Fp2.one
        var i = e.bitWidth - 1
        while i >= 0 {
            r = r.squared()
            if e[bitAt: i] { r = r * x }
            i -= 1
        }
        return r
    }

    static func affine(_ p: G1) -> G1Affine {
        let a = p.computeAffine()!
        return G1Affine(x: a.x, y: a.y)
    }

    static func affine(_ q: G2) -> G2Affine {
        let a = q.computeAffine()!
        return G2Affine(x: a.x, y: a.y)
    }

    /// A point on the twist that is (with overwhelming probability) outside the order-r subgroup.
    static func twistPointOutsideSubgroup(_ g: inout SplitMix64) -> G2 {
        while true {
            let x = randomFp2(&g)
            if let y = (x.squared() * x + G2Curve.b).squareRoot() { return G2(affineX: x, y: y) }
        }
    }
}
