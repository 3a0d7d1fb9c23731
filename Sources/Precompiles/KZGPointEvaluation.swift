internal import Crypto
internal import Curves
internal import Primitives

/// The EIP-4844 point evaluation precompile (0x0a, Cancun): verifies a KZG proof that the blob
/// polynomial committed to by `commitment` takes the value `y` at `z`.
///
/// Input (exactly 192 bytes): versioned_hash(32) ‖ z(32) ‖ y(32) ‖ commitment(48) ‖ proof(48).
/// Rules: versioned_hash = 0x01 ‖ sha256(commitment)[1:]; z, y < BLS_MODULUS; commitment and proof
/// are compressed G1 points in G1 (infinity allowed); e(C − [y]G1, G2) = e(π, [τ]₂ − [z]G2).
/// Output: FIELD_ELEMENTS_PER_BLOB ‖ BLS_MODULUS as two 32-byte words. Gas 50 000; every failure
/// consumes all gas.
public enum KZGPointEvaluation {
    /// POINT_EVALUATION_PRECOMPILE_GAS.
    public static let gas: UInt64 = 50_000
    /// FIELD_ELEMENTS_PER_BLOB.
    public static let fieldElementsPerBlob: UInt64 = 4096
    /// VERSIONED_HASH_VERSION_KZG.
    public static let versionedHashVersion: UInt8 = 0x01

    /// [τ]₂ = g2_monomial[1] of the mainnet KZG ceremony, compressed: line 4100 of c-kzg-4844's
    /// `src/trusted_setup.txt` (4096 G1 points, then the 65 G2 monomials; index 1). Cross-checked
    /// against ckzg's verification in `tests/diff/bls_vs_reference.py`.
    public static let tauG2Hex =
        "b5bfd7dd8cdeb128843bc287230af38926187075cbfbefa81009a2ce615ac53d2914e5870cb452d2afaaab24f3499f72"
        + "185cbfee53492714734429b7b38608e23926c911cceceac9a36851477ba4c60b087041de621000edc98edada20c1def2"

    /// [τ]₂ with its Miller-loop lines precomputed.
    static let tauG2: BLS12381Pairing.G2Prepared = {
        guard let b = Hex.decode(tauG2Hex), case let .success(q) = BLS12381Compressed.decodeG2(b),
            let a = q.computeAffine()
        else { preconditionFailure("the built-in [τ]₂ constant does not decode") }
        return .init(.init(x: a.x, y: a.y))
    }()

    /// −G2 with its Miller-loop lines precomputed.
    static let negG2: BLS12381Pairing.G2Prepared = {
        guard let a = BLS12381G2.blsGenerator.negated().computeAffine() else {
            preconditionFailure("the G2 generator is not infinity")
        }
        return .init(.init(x: a.x, y: a.y))
    }()

    /// The 64-byte success output: FIELD_ELEMENTS_PER_BLOB ‖ BLS_MODULUS, big-endian words.
    public static let successOutput: [UInt8] = {
        var out = [UInt8](repeating: 0, count: 32)
        out[30] = 0x10  // 4096 = 0x1000
        let r = BLS12381.order
        for w in [r.l3, r.l2, r.l1, r.l0] {
            for i in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: w >> UInt64(i))) }
        }
        return out
    }()

    public static func run(input: [UInt8], gasLimit: UInt64) -> PrecompileResult {
        guard gas <= gasLimit else { return .failure(gasUsed: gasLimit, .outOfGas) }
        guard verify(input: input) else { return .failure(gasUsed: gasLimit, .invalidInput) }
        return .success(gasUsed: gas, output: successOutput)
    }

    /// Whether the input is well-formed and the proof verifies.
    public static func verify(input: [UInt8]) -> Bool {
        guard input.count == 192 else { return false }
        let commitmentBytes = Array(input[96..<144])
        var digest = Array(SHA256.hash(data: commitmentBytes))
        digest[0] = versionedHashVersion
        guard digest[...] == input[0..<32] else { return false }
        let z = BLS12381Precompiles.readScalar(input, 32)
        let y = BLS12381Precompiles.readScalar(input, 64)
        guard z < BLS12381.order, y < BLS12381.order else { return false }
        guard case let .success(c) = BLS12381Compressed.decodeG1(commitmentBytes),
            case let .success(proof) = BLS12381Compressed.decodeG1(Array(input[144..<192]))
        else { return false }
        // e(C − [y]G1, G2) = e(π, [τ]₂ − [z]G2)  ⇔  e(C − [y]G1 + [z]π, −G2) · e(π, [τ]₂) = 1.
        let lhs = c + MultiScalarMultiplication.straus([BLS12381G1.blsGenerator.negated(), proof], [y, z])
        var pairs: [(BLS12381Pairing.G1Affine, BLS12381Pairing.G2Prepared)] = []
        if let a = lhs.computeAffine() { pairs.append((.init(x: a.x, y: a.y), negG2)) }
        if let a = proof.computeAffine() { pairs.append((.init(x: a.x, y: a.y), tauG2)) }
        return BLS12381Pairing.check(prepared: pairs)
    }
}
