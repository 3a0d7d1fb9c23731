internal import CSecp256k1
public import Primitives

// Public-key recovery for Ethereum sender recovery (Yellow Paper appendix F, ECDSARECOVER).
// Named distinctly from the `recoverPublicKey(signature64:recoveryID:message:)` being added on
// another branch so both can coexist until they are folded together.
extension Secp256k1 {
    /// Recovers the 65-byte uncompressed public key (`0x04 ‖ X ‖ Y`) from a compact signature
    /// `r ‖ s` (32 bytes each, big-endian), a recovery id in 0...3, and the signed 32-byte digest.
    ///
    /// Returns nil if the signature is not 64 bytes, r or s is zero or not below the group order,
    /// the recovery id is out of range, or no point recovers. High-S signatures are accepted here:
    /// whether they are valid (EIP-2) is the caller's rule.
    public static func recoverPublicKeyUncompressed(signature64: [UInt8], recoveryID: Int32, message: Bytes32)
        -> [UInt8]?
    {
        guard signature64.count == 64, (0...3).contains(recoveryID) else { return nil }
        var sig = secp256k1_ecdsa_recoverable_signature()
        guard secp256k1_ecdsa_recoverable_signature_parse_compact(context, &sig, signature64, recoveryID) == 1 else {
            return nil
        }
        var pk = secp256k1_pubkey()
        let msg = message.bytes
        guard secp256k1_ecdsa_recover(context, &pk, &sig, msg) == 1 else { return nil }
        return serialize(pk, compressed: false)
    }

    /// Signs a 32-byte digest with RFC 6979 nonces and returns the low-S compact signature
    /// `r ‖ s` with its recovery id (0 or 1 in practice), as Ethereum transactions carry them.
    /// (Named apart from any signing API added on other branches, to merge without clashes.)
    public static func signForRecovery(digest: Bytes32, privateKey: [UInt8]) -> (
        signature64: [UInt8], recoveryID: Int32
    )? {
        guard privateKey.count == 32 else { return nil }
        var sig = secp256k1_ecdsa_recoverable_signature()
        let msg = digest.bytes
        guard secp256k1_ecdsa_sign_recoverable(context, &sig, msg, privateKey, nil, nil) == 1 else { return nil }
        var out = [UInt8](repeating: 0, count: 64)
        var recid: Int32 = 0
        guard secp256k1_ecdsa_recoverable_signature_serialize_compact(context, &out, &recid, &sig) == 1 else {
            return nil
        }
        return (out, recid)
    }
}
