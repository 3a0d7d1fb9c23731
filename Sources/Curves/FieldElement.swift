/// The arithmetic the curve code needs from F_p and F_p2 (specialised at compile time; no
/// existentials on hot paths).
public protocol FieldElement: Hashable, Sendable {
    static var zero: Self { get }
    static var one: Self { get }
    var isZero: Bool { get }
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static prefix func - (a: Self) -> Self
    static func * (a: Self, b: Self) -> Self
    func squared() -> Self
    func doubled() -> Self
    func inverse() -> Self
}

extension Fp: FieldElement {}
extension Fp2: FieldElement {}

/// A short Weierstrass curve y² = x³ + b over `Field`.
public protocol WeierstrassCurve: Sendable {
    associatedtype Field: FieldElement
    static var b: Field { get }
}

/// bn254 G1: y² = x³ + 3 over F_p (EIP-196).
public enum G1Curve: WeierstrassCurve {
    public static let b = Fp(3)
}

/// bn254 G2: the D-type sextic twist y² = x³ + 3/ξ over F_p2, ξ = 9 + u (EIP-197).
public enum G2Curve: WeierstrassCurve {
    public static let b = Fp2(
        Fp(l0: 0x3bf9_38e3_77b8_02a8, l1: 0x020b_1b27_3633_535d, l2: 0x26b7_edf0_4975_5260, l3: 0x2514_c632_4384_a86d),
        Fp(l0: 0x38e7_eccc_d1dc_ff67, l1: 0x65f0_b37d_93ce_0d3e, l2: 0xd749_d0dd_22ac_00aa, l3: 0x0141_b9ce_4a68_8d4d))
}
