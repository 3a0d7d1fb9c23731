/// Precompiles that exist at some fork but whose cryptography lives in `Curves` and is still being
/// written. This file is the one place to fill in: each entry states its EIP, its input rule and
/// (where fixed by the EIP) its price. Until implemented, every entry fails with `.notImplemented`
/// and consumes all gas, so a node running them cannot silently diverge — it halts the callee.
///
/// | address | entry | EIP | fork |
/// |---|---|---|---|
/// | 0x0a | `kzgPointEvaluation` | 4844 | Cancun |
/// | 0x0b–0x11 | `bls12*` | 2537 | Prague |
public enum PendingPrecompiles {
    // MARK: KZG (EIP-4844)

    /// EIP-4844 POINT_EVALUATION_PRECOMPILE_GAS.
    public static let kzgPointEvaluationGas: UInt64 = 50_000

    public static func kzgPointEvaluation(input: [UInt8], gasLimit: UInt64) -> PrecompileResult {
        guard kzgPointEvaluationGas <= gasLimit else { return .failure(gasUsed: gasLimit, .outOfGas) }
        guard input.count == 192 else { return .failure(gasUsed: gasLimit, .invalidInput) }
        return notImplemented(gasLimit)  // TODO(curves): versioned hash check, BLS12-381 pairing, trusted setup
    }

    // MARK: BLS12-381 (EIP-2537) — pricing (including the MSM discount tables) belongs with the curves.

    public static func bls12G1Add(input: [UInt8], gasLimit: UInt64) -> PrecompileResult { notImplemented(gasLimit) }
    public static func bls12G1MSM(input: [UInt8], gasLimit: UInt64) -> PrecompileResult { notImplemented(gasLimit) }
    public static func bls12G2Add(input: [UInt8], gasLimit: UInt64) -> PrecompileResult { notImplemented(gasLimit) }
    public static func bls12G2MSM(input: [UInt8], gasLimit: UInt64) -> PrecompileResult { notImplemented(gasLimit) }
    public static func bls12PairingCheck(input: [UInt8], gasLimit: UInt64) -> PrecompileResult { notImplemented(gasLimit) }
    public static func bls12MapFpToG1(input: [UInt8], gasLimit: UInt64) -> PrecompileResult { notImplemented(gasLimit) }
    public static func bls12MapFp2ToG2(input: [UInt8], gasLimit: UInt64) -> PrecompileResult { notImplemented(gasLimit) }

    @inline(__always) static func notImplemented(_ gasLimit: UInt64) -> PrecompileResult {
        .failure(gasUsed: gasLimit, .notImplemented)
    }
}
