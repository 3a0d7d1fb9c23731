@preconcurrency internal import Crypto
internal import FoundationEssentials

/// P256VERIFY at 0x100 (EIP-7951, Osaka; the successor of RIP-7212 that OP Stack Fjord activated):
/// ECDSA verification over secp256r1 of a pre-hashed message, via swift-crypto (BoringSSL).
///
/// Input is exactly 160 bytes: h ‖ r ‖ s ‖ x ‖ y (32 bytes each, big-endian). The precompile never
/// fails for bad input: a wrong length, r or s outside [1, n), a public key that is not a point of
/// the curve (including the point at infinity and coordinates ≥ p) or a signature that does not
/// verify all return empty output and still cost the fixed price. A valid signature returns the
/// 32-byte word 1. Only running out of gas fails (consuming all gas).
public enum P256Verify {
    /// EIP-7951 price. (RIP-7212 as activated by OP Stack Fjord charged 3,450; a chain that needs
    /// that price passes it as `gasCost`.)
    public static let eip7951Gas: UInt64 = 6_900

    public static func run(input: [UInt8], gasLimit: UInt64, gasCost: UInt64 = eip7951Gas) -> PrecompileResult {
        guard gasCost <= gasLimit else { return .failure(gasUsed: gasLimit, .outOfGas) }
        var one = [UInt8](repeating: 0, count: 32)
        one[31] = 1
        return .success(gasUsed: gasCost, output: verify(input) ? one : [])
    }

    /// The verification itself (false for any malformed input).
    public static func verify(_ input: [UInt8]) -> Bool {
        guard input.count == 160 else { return false }
        let h = Array(input[0..<32])
        let rs = Array(input[32..<96])
        let key = [0x04] + Array(input[96..<160])
        guard let publicKey = try? P256.Signing.PublicKey(x963Representation: key),
            let signature = try? P256.Signing.ECDSASignature(rawRepresentation: rs)
        else { return false }
        return publicKey.isValidSignature(signature, for: PrehashedDigest(bytes: h))
    }
}

/// A 32-byte message hash given directly (swift-crypto verifies `Digest`s; the precompile receives
/// the hash, not the message).
struct PrehashedDigest: Digest {
    static let byteCount = 32
    let bytes: [UInt8]

    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes(body)
    }

    func makeIterator() -> IndexingIterator<[UInt8]> { bytes.makeIterator() }

    var description: String { "PrehashedDigest" }
}
