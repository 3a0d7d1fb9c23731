internal import Curves

/// The bn254 (alt_bn128) precompiles 0x06–0x08 over `Curves.BN254`: EIP-196 ECADD and ECMUL,
/// EIP-197 pairing check, priced by EIP-1108 from Istanbul. Invalid input (coordinates ≥ p, points
/// off the curve or outside G2's subgroup, a pairing input length not a multiple of 192) fails and
/// consumes all gas, as in geth and revm.
public enum BN254Precompiles {
    /// EIP-196 ECADD: 500 gas (Byzantium), 150 (Istanbul, EIP-1108).
    public static func addGas(fork: PrecompileFork) -> UInt64 { fork >= .istanbul ? 150 : 500 }
    /// EIP-196 ECMUL: 40 000 gas (Byzantium), 6 000 (Istanbul, EIP-1108).
    public static func mulGas(fork: PrecompileFork) -> UInt64 { fork >= .istanbul ? 6_000 : 40_000 }
    /// EIP-197 pairing: 100 000 + 80 000·k (Byzantium), 45 000 + 34 000·k (Istanbul), k = len/192.
    public static func pairingGas(inputLength: Int, fork: PrecompileFork) -> UInt64 {
        let k = UInt64(inputLength / 192)
        let (base, perPair): (UInt64, UInt64) = fork >= .istanbul ? (45_000, 34_000) : (100_000, 80_000)
        let (mul, o1) = k.multipliedReportingOverflow(by: perPair)
        let (sum, o2) = mul.addingReportingOverflow(base)
        return o1 || o2 ? UInt64.max : sum
    }

    public static func add(input: [UInt8], gasLimit: UInt64, fork: PrecompileFork) -> PrecompileResult {
        let gas = addGas(fork: fork)
        guard gas <= gasLimit else { return .failure(gasUsed: gasLimit, .outOfGas) }
        guard let out = BN254.add(input: input) else { return .failure(gasUsed: gasLimit, .invalidInput) }
        return .success(gasUsed: gas, output: out)
    }

    public static func mul(input: [UInt8], gasLimit: UInt64, fork: PrecompileFork) -> PrecompileResult {
        let gas = mulGas(fork: fork)
        guard gas <= gasLimit else { return .failure(gasUsed: gasLimit, .outOfGas) }
        guard let out = BN254.mul(input: input) else { return .failure(gasUsed: gasLimit, .invalidInput) }
        return .success(gasUsed: gas, output: out)
    }

    public static func pairing(input: [UInt8], gasLimit: UInt64, fork: PrecompileFork) -> PrecompileResult {
        let gas = pairingGas(inputLength: input.count, fork: fork)
        guard gas <= gasLimit else { return .failure(gasUsed: gasLimit, .outOfGas) }
        guard input.count % 192 == 0, let out = BN254.pairing(input: input) else {
            return .failure(gasUsed: gasLimit, .invalidInput)
        }
        return .success(gasUsed: gas, output: out)
    }
}
