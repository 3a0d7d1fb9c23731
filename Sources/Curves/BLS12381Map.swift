/// Hash-free map-to-curve for BLS12-381 exactly as RFC 9380 (§6.6.2 simplified SWU on the
/// isogenous curve, §6.6.3 isogeny map, §7 clear_cofactor): the suites
/// BLS12381G1_XMD:SHA-256_SSWU_RO_ and BLS12381G2_XMD:SHA-256_SSWU_RO_ without hash_to_field.
/// EIP-2537 MAP_FP_TO_G1 / MAP_FP2_TO_G2 are `mapToG1` / `mapToG2`.
public enum BLS12381Map {
    /// Simplified SWU (RFC 9380 §6.6.2, the straightforward form) on y² = x³ + A·x + B with
    /// non-square Z; returns affine (x, y) on that curve.
    @inlinable static func sswu<F: FieldElement>(
        _ u: F, a: F, b: F, z: F, isSquare: (F) -> Bool, sqrt: (F) -> F?, sgn0: (F) -> Bool
    ) -> (F, F) {
        let u2 = u.squared()
        let zu2 = z * u2
        let den = zu2.squared() + zu2
        // tv1 = inv0(Z²u⁴ + Zu²)
        let tv1 = den.isZero ? F.zero : den.inverse()
        var x1: F
        if tv1.isZero {
            // x1 = B / (Z·A)
            x1 = b * (z * a).inverse()
        } else {
            // x1 = (−B/A)·(1 + tv1)
            x1 = (-b) * a.inverse() * (F.one + tv1)
        }
        let gx1 = x1.squared() * x1 + a * x1 + b
        var x: F
        var y: F
        if isSquare(gx1), let s = sqrt(gx1) {
            x = x1
            y = s
        } else {
            let x2 = zu2 * x1
            let gx2 = x2.squared() * x2 + a * x2 + b
            // gx2 = Z³u⁶·gx1 is a square when gx1 is not (Z non-square).
            x = x2
            y = sqrt(gx2) ?? F.zero
        }
        x1 = x
        if sgn0(u) != sgn0(y) { y = -y }
        return (x1, y)
    }

    /// Horner evaluation of Σ kᵢ·xⁱ (coefficients lowest degree first).
    @inlinable static func horner<F: FieldElement>(_ k: [F], _ x: F) -> F {
        var acc = F.zero
        for c in k.reversed() { acc = acc * x + c }
        return acc
    }

    /// The isogeny map (x', y') ↦ (xNum/xDen, y'·yNum/yDen), returned in Jacobian coordinates
    /// without an inversion; a zero denominator gives the point at infinity (RFC 9380 §6.6.3).
    @inlinable static func isoMap<C: WeierstrassCurve>(
        _ x: C.Field, _ y: C.Field, xNum: [C.Field], xDen: [C.Field], yNum: [C.Field], yDen: [C.Field]
    ) -> JacobianPoint<C> {
        let xn = horner(xNum, x)
        let xd = horner(xDen, x)
        let yn = horner(yNum, x)
        let yd = horner(yDen, x)
        let z = xd * yd
        if z.isZero { return .infinity }
        // X/Z² = xn/xd, Y/Z³ = y·yn/yd.
        let yd2 = yd.squared()
        let xd2 = xd.squared()
        return JacobianPoint(x: xn * xd * yd2, y: y * yn * xd2 * xd * yd2, z: z)
    }

    /// map_to_curve for G1 (RFC 9380 §6.6.3): SSWU to E1' then the 11-isogeny to E1.
    public static func mapToCurveG1(_ u: BLS12381Fp) -> BLS12381G1 {
        let (x, y) = sswu(
            u, a: BLS12381G1Curve.isoA, b: BLS12381G1Curve.isoB, z: BLS12381G1Curve.isoZ,
            isSquare: { $0.isSquare }, sqrt: { $0.squareRoot() }, sgn0: { $0.sgn0 })
        return isoMap(
            x, y, xNum: BLS12381G1Curve.isoXNum, xDen: BLS12381G1Curve.isoXDen, yNum: BLS12381G1Curve.isoYNum,
            yDen: BLS12381G1Curve.isoYDen)
    }

    /// map_to_curve for G2: SSWU to E2' then the 3-isogeny to the twist.
    public static func mapToCurveG2(_ u: BLS12381Fp2) -> BLS12381G2 {
        let (x, y) = sswu(
            u, a: BLS12381G2Curve.isoA, b: BLS12381G2Curve.isoB, z: BLS12381G2Curve.isoZ,
            isSquare: { $0.isSquare }, sqrt: { $0.squareRoot() }, sgn0: { $0.sgn0 })
        return isoMap(
            x, y, xNum: BLS12381G2Curve.isoXNum, xDen: BLS12381G2Curve.isoXDen, yNum: BLS12381G2Curve.isoYNum,
            yDen: BLS12381G2Curve.isoYDen)
    }

    /// EIP-2537 MAP_FP_TO_G1: clear_cofactor(map_to_curve(u)).
    public static func mapToG1(_ u: BLS12381Fp) -> BLS12381G1 { mapToCurveG1(u).clearCofactor() }

    /// EIP-2537 MAP_FP2_TO_G2: clear_cofactor(map_to_curve(u)).
    public static func mapToG2(_ u: BLS12381Fp2) -> BLS12381G2 { mapToCurveG2(u).clearCofactor() }
}
