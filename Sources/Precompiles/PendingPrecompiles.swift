/// Precompiles that exist at some fork but whose cryptography lives in `Curves` and is still being
/// written. This file is the one place to fill in: each entry states its EIP, its input rule and
/// (where fixed by the EIP) its price. Until implemented, every entry fails with `.notImplemented`
/// and consumes all gas, so a node running them cannot silently diverge — it halts the callee.
///
/// | address | entry | EIP | fork |
/// |---|---|---|---|
/// | 0x06 | `bn254Add` | 196, 1108 | Byzantium, repriced Istanbul |
/// | 0x07 | `bn254Mul` | 196, 1108 | Byzantium, repriced Istanbul |
/// | 0x08 | `bn254Pairing` | 197, 1108 | Byzantium, repriced Istanbul |
/// | 0x0a | `kzgPointEvaluation` | 4844 | Cancun |
/// | 0x0b–0x11 | `bls12*` | 2537 | Prague |
/// | 0x100 | `p256Verify` | 7951 | Osaka |
public enum PendingPrecompiles {
    // MARK: bn254 (alt_bn128) — gas is implemented here, the curve arithmetic is pending.

    /// EIP-196 ECADD: 500 gas (Byzantium), 150 (Istanbul, EIP-1108).
    public static func bn254AddGas(fork: PrecompileFork) -> UInt64 { fork >= .istanbul ? 150 : 500 }
    /// EIP-196 ECMUL: 40 000 gas (Byzantium), 6 000 (Istanbul, EIP-1108).
    public static func bn254MulGas(fork: PrecompileFork) -> UInt64 { fork >= .istanbul ? 6_000 : 40_000 }
    /// EIP-197 pairing: 100 000 + 80 000·k (Byzantium), 45 000 + 34 000·k (Istanbul), k = len/192.
    public static func bn254PairingGas(inputLength: Int, fork: PrecompileFork) -> UInt64 {
        let k = UInt64(inputLength / 192)
        let (base, perPair): (UInt64, UInt64) = fork >= .istanbul ? (45_000, 34_000) : (100_000, 80_000)
        let (mul, o1) = k.multipliedReportingOverflow(by: perPair)
        let (sum, o2) = mul.addingReportingOverflow(base)
        return o1 || o2 ? UInt64.max : sum
    }

    public static func bn254Add(input: [UInt8], gasLimit: UInt64, fork: PrecompileFork) -> PrecompileResult {
        guard bn254AddGas(fork: fork) <= gasLimit else { return .failure(gasUsed: gasLimit, .outOfGas) }
        return notImplemented(gasLimit)  // TODO(curves): Curves.BN254 G1 addition, 128-byte input zero-padded
    }

    public static func bn254Mul(input: [UInt8], gasLimit: UInt64, fork: PrecompileFork) -> PrecompileResult {
        guard bn254MulGas(fork: fork) <= gasLimit else { return .failure(gasUsed: gasLimit, .outOfGas) }
        return notImplemented(gasLimit)  // TODO(curves): Curves.BN254 G1 scalar multiplication, 96-byte input
    }

    public static func bn254Pairing(input: [UInt8], gasLimit: UInt64, fork: PrecompileFork) -> PrecompileResult {
        guard bn254PairingGas(inputLength: input.count, fork: fork) <= gasLimit else {
            return .failure(gasUsed: gasLimit, .outOfGas)
        }
        guard input.count % 192 == 0 else { return .failure(gasUsed: gasLimit, .invalidInput) }
        return notImplemented(gasLimit)  // TODO(curves): Curves.BN254 optimal-ate pairing product check
    }

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

    // MARK: P256VERIFY (EIP-7951)

    /// TODO(curves): secp256r1 verification over raw (h, r, s, x, y), 160-byte input; on an invalid
    /// signature it succeeds with empty output (it does not fail). Check the price against the final
    /// EIP-7951 text and the Osaka fixtures before enabling.
    public static func p256Verify(input: [UInt8], gasLimit: UInt64) -> PrecompileResult { notImplemented(gasLimit) }

    @inline(__always) static func notImplemented(_ gasLimit: UInt64) -> PrecompileResult {
        .failure(gasUsed: gasLimit, .notImplemented)
    }
}
