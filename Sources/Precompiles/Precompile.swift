public import Primitives

/// One precompiled contract as active at one fork: which one (`kind`), where (`address`) and under
/// which pricing (`fork`). A plain value; `run` dispatches with a `switch`, no closures or
/// existentials.
public struct Precompile: Sendable, Hashable, CustomStringConvertible {
    /// Every precompile this node knows, with its address as a small integer.
    public enum Kind: UInt16, Sendable, Hashable, CaseIterable {
        case ecrecover = 0x01
        case sha256 = 0x02
        case ripemd160 = 0x03
        case identity = 0x04
        case modexp = 0x05
        case bn254Add = 0x06
        case bn254Mul = 0x07
        case bn254Pairing = 0x08
        case blake2f = 0x09
        case kzgPointEvaluation = 0x0a
        case bls12G1Add = 0x0b
        case bls12G1MSM = 0x0c
        case bls12G2Add = 0x0d
        case bls12G2MSM = 0x0e
        case bls12PairingCheck = 0x0f
        case bls12MapFpToG1 = 0x10
        case bls12MapFp2ToG2 = 0x11
        case p256Verify = 0x100

        /// The first fork at which the precompile exists.
        public var introducedIn: PrecompileFork {
            switch self {
            case .ecrecover, .sha256, .ripemd160, .identity: return .frontier
            case .modexp, .bn254Add, .bn254Mul, .bn254Pairing: return .byzantium
            case .blake2f: return .istanbul
            case .kzgPointEvaluation: return .cancun
            case .bls12G1Add, .bls12G1MSM, .bls12G2Add, .bls12G2MSM, .bls12PairingCheck, .bls12MapFpToG1,
                .bls12MapFp2ToG2:
                return .prague
            case .p256Verify: return .osaka
            }
        }

        /// The 20-byte address: the small integer, big-endian, left-padded with zeros.
        public var address: Bytes20 { Precompile.address(rawValue) }
    }

    public let kind: Kind
    /// The fork whose pricing and rules apply.
    public let fork: PrecompileFork

    public init(kind: Kind, fork: PrecompileFork) {
        self.kind = kind
        self.fork = fork
    }

    public var address: Bytes20 { kind.address }
    public var description: String { "\(kind)@0x\(String(kind.rawValue, radix: 16))" }

    /// Executes the precompile. Never traps on any input; on failure all of `gasLimit` is used.
    public func run(input: [UInt8], gasLimit: UInt64) -> PrecompileResult {
        switch kind {
        case .ecrecover: return Ecrecover.run(input: input, gasLimit: gasLimit)
        case .sha256: return SHA256Precompile.run(input: input, gasLimit: gasLimit)
        case .ripemd160: return RIPEMD160Precompile.run(input: input, gasLimit: gasLimit)
        case .identity: return Identity.run(input: input, gasLimit: gasLimit)
        case .modexp: return ModExp.run(input: input, gasLimit: gasLimit, pricing: .forFork(fork))
        case .blake2f: return Blake2F.run(input: input, gasLimit: gasLimit)
        case .bn254Add: return BN254Precompiles.add(input: input, gasLimit: gasLimit, fork: fork)
        case .bn254Mul: return BN254Precompiles.mul(input: input, gasLimit: gasLimit, fork: fork)
        case .bn254Pairing: return BN254Precompiles.pairing(input: input, gasLimit: gasLimit, fork: fork)
        case .kzgPointEvaluation: return KZGPointEvaluation.run(input: input, gasLimit: gasLimit)
        case .bls12G1Add: return BLS12381Precompiles.g1Add(input: input, gasLimit: gasLimit)
        case .bls12G1MSM: return BLS12381Precompiles.g1MSM(input: input, gasLimit: gasLimit)
        case .bls12G2Add: return BLS12381Precompiles.g2Add(input: input, gasLimit: gasLimit)
        case .bls12G2MSM: return BLS12381Precompiles.g2MSM(input: input, gasLimit: gasLimit)
        case .bls12PairingCheck: return BLS12381Precompiles.pairingCheck(input: input, gasLimit: gasLimit)
        case .bls12MapFpToG1: return BLS12381Precompiles.mapFpToG1(input: input, gasLimit: gasLimit)
        case .bls12MapFp2ToG2: return BLS12381Precompiles.mapFp2ToG2(input: input, gasLimit: gasLimit)
        case .p256Verify: return P256Verify.run(input: input, gasLimit: gasLimit)
        }
    }

    /// The address whose last two bytes are `id` (big-endian) and all others zero.
    @inlinable public static func address(_ id: UInt16) -> Bytes20 {
        // Bytes20 keeps byte 16 in the low bits of `c`, byte 19 in the high bits.
        Bytes20(a: 0, b: 0, c: UInt32(id).byteSwapped)
    }

    /// The small integer of an address of the form 0x00…00XXXX, or nil.
    @inlinable public static func smallID(of address: Bytes20) -> UInt16? {
        guard address.a == 0, address.b == 0 else { return nil }
        let v = address.c.byteSwapped
        return v <= UInt32(UInt16.max) ? UInt16(v) : nil
    }
}

/// Linear "base + perWord · ⌈len/32⌉" pricing shared by sha256, ripemd160 and identity.
enum WordGas {
    @inline(__always)
    static func cost(base: UInt64, perWord: UInt64, length: Int) -> UInt64 {
        let words = UInt64(length / 32 + (length % 32 == 0 ? 0 : 1))
        let (mul, o1) = words.multipliedReportingOverflow(by: perWord)
        let (sum, o2) = mul.addingReportingOverflow(base)
        return o1 || o2 ? UInt64.max : sum
    }
}
