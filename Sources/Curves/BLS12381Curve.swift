public import Primitives

extension BLS12381Fp: FieldElement {}
extension BLS12381Fp2: FieldElement {}

/// BLS12-381 G1: y² = x³ + 4 over F_p (EIP-2537).
public enum BLS12381G1Curve: WeierstrassCurve {
    public static let b = BLS12381Fp(4)
}

/// BLS12-381 G2: the M-type sextic twist y² = x³ + 4(1 + u) over F_p2 (EIP-2537).
public enum BLS12381G2Curve: WeierstrassCurve {
    public static let b = BLS12381Fp2(BLS12381Fp(4), BLS12381Fp(4))
}

/// A BLS12-381 G1 point (Jacobian).
public typealias BLS12381G1 = JacobianPoint<BLS12381G1Curve>
/// A BLS12-381 G2 point on the twist (Jacobian).
public typealias BLS12381G2 = JacobianPoint<BLS12381G2Curve>

/// Parameters of BLS12-381.
public enum BLS12381 {
    /// |x| for the curve parameter x = −0xd201000000010000 (x is negative).
    public static let xAbs: UInt64 = 0xd201_0000_0001_0000
    /// The order r of G1, G2 and G_T (EIP-4844's BLS_MODULUS).
    public static let order = UInt256(hex: "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001")!
    /// h_eff for G1 (RFC 9380 §8.8.1): 1 − x.
    public static let g1EffectiveCofactor: UInt64 = 0xd201_0000_0001_0001
}

extension JacobianPoint {
    /// k·P for a scalar given as little-endian 64-bit limbs of any length (left-to-right binary).
    public func multiplied(byLimbs k: [UInt64]) -> JacobianPoint {
        var acc = JacobianPoint.infinity
        for i in stride(from: k.count * 64 - 1, through: 0, by: -1) {
            acc = acc.doubled()
            if (k[i >> 6] >> UInt64(i & 63)) & 1 == 1 { acc = acc + self }
        }
        return acc
    }

    /// k·P for a 64-bit k (left-to-right binary; k has few set bits for the BLS parameter).
    @inlinable public func multiplied(bySmall k: UInt64) -> JacobianPoint {
        if k == 0 || isInfinity { return .infinity }
        var acc = self
        var i = 63 - k.leadingZeroBitCount - 1
        while i >= 0 {
            acc = acc.doubled()
            if (k >> UInt64(i)) & 1 == 1 { acc = acc + self }
            i -= 1
        }
        return acc
    }
}

extension JacobianPoint where C == BLS12381G1Curve {
    /// The standard generator (EIP-2537 "H1").
    public static var blsGenerator: BLS12381G1 {
        let x = BLS12381Fp(
            hex48: "17f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb")!
        let y = BLS12381Fp(
            hex48: "08b3f481e3aaa0f1a09e30ed741d8ae4fcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946c5e7e1")!
        return BLS12381G1(affineX: x, y: y)
    }

    /// [x]P for the (negative) curve parameter x.
    @inlinable public func mulByX() -> BLS12381G1 { multiplied(bySmall: BLS12381.xAbs).negated() }

    /// σ(x, y) = (βx, y), the GLV endomorphism; acts as [−x²] on G1.
    @inlinable public func sigma() -> BLS12381G1 { BLS12381G1(x: x * BLS12381G1Curve.beta, y: y, z: z) }

    /// Whether P is in the order-r subgroup, by Scott's test (ePrint 2021/1130 §6):
    /// P ∈ G1 ⇔ σ(P) = [−x²]P. Checked against `isInSubgroupSlow` in the tests.
    public func isInSubgroup() -> Bool {
        if isInfinity { return true }
        let x2p = mulByX().mulByX()
        return sigma() == x2p.negated()
    }

    /// The definition: r·P = O.
    public func isInSubgroupSlow() -> Bool { multiplied(by: BLS12381.order).isInfinity }

    /// clear_cofactor for G1 (RFC 9380 §8.8.1): [h_eff]P with h_eff = 1 − x.
    public func clearCofactor() -> BLS12381G1 { multiplied(bySmall: BLS12381.g1EffectiveCofactor) }
}

extension JacobianPoint where C == BLS12381G2Curve {
    /// The standard generator (EIP-2537 "H2").
    public static var blsGenerator: BLS12381G2 {
        let x0 = BLS12381Fp(
            hex48: "024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8")!
        let x1 = BLS12381Fp(
            hex48: "13e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e")!
        let y0 = BLS12381Fp(
            hex48: "0ce5d527727d6e118cc9cdc6da2e351aadfd9baa8cbdd3a76d429a695160d12c923ac9cc3baca289e193548608b82801")!
        let y1 = BLS12381Fp(
            hex48: "0606c4a02ea734cc32acd2b02bc28b99cb3e287e85a763af267492ab572e99ab3f370d275cec1da1aaa9075ff05f79be")!
        return BLS12381G2(affineX: BLS12381Fp2(x0, x1), y: BLS12381Fp2(y0, y1))
    }

    /// [x]Q for the (negative) curve parameter x.
    @inlinable public func mulByX() -> BLS12381G2 { multiplied(bySmall: BLS12381.xAbs).negated() }

    /// The untwist-Frobenius-twist endomorphism ψ(x, y) = (x̄/ξ^((p−1)/3), ȳ/ξ^((p−1)/2)), in
    /// Jacobian coordinates (Z is conjugated too). On G2 it acts as [p] = [x].
    @inlinable public func psi() -> BLS12381G2 {
        BLS12381G2(
            x: x.conjugate() * BLS12381G2Curve.psiX, y: y.conjugate() * BLS12381G2Curve.psiY, z: z.conjugate())
    }

    /// Whether Q is in the order-r subgroup, by Scott's test (ePrint 2021/1130 §4):
    /// Q ∈ G2 ⇔ ψ(Q) = [x]Q. Checked against `isInSubgroupSlow` in the tests.
    public func isInSubgroup() -> Bool {
        if isInfinity { return true }
        return psi() == mulByX()
    }

    /// The definition: r·Q = O.
    public func isInSubgroupSlow() -> Bool { multiplied(by: BLS12381.order).isInfinity }

    /// clear_cofactor for G2 by the ψ method of RFC 9380 Appendix G.3 (Budroni–Pintore), equal to
    /// [h_eff]Q: [x² − x − 1]Q + [x − 1]ψ(Q) + ψ²(2Q).
    public func clearCofactor() -> BLS12381G2 {
        let t1 = mulByX()
        var t2 = psi()
        var t3 = doubled().psi().psi()
        t3 = t3 - t2
        t2 = (t1 + t2).mulByX()
        t3 = t3 + t2
        t3 = t3 - t1
        return t3 - self
    }
}

extension BLS12381Fp {
    /// Parses 96 hex digits (a 48-byte big-endian integer); nil if malformed or ≥ p.
    public init?(hex48 s: String) {
        guard let b = Hex.decode(s), b.count == 48 else { return nil }
        self.init(bigEndian: b, at: 0)
    }
}
