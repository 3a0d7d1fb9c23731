internal import CSecp256k1
public import Primitives

/// Recoverable ECDSA (compact 64-byte signature + recovery id), as used by Bitcoin's signed
/// messages and Ethereum's `ecrecover`.
extension Secp256k1 {
    /// Signs with RFC6979 nonces; returns the low-S compact signature R‖S and the recovery id (0…3).
    public static func signRecoverable(message: Bytes32, privateKey: [UInt8]) -> (signature64: [UInt8], recoveryID: Int)? {
        guard privateKey.count == 32 else { return nil }
        var sig = secp256k1_ecdsa_recoverable_signature()
        let msg = message.bytes
        guard secp256k1_ecdsa_sign_recoverable(context, &sig, msg, privateKey, nil, nil) == 1 else { return nil }
        var out = [UInt8](repeating: 0, count: 64)
        var recid: Int32 = 0
        guard secp256k1_ecdsa_recoverable_signature_serialize_compact(context, &out, &recid, &sig) == 1 else { return nil }
        return (out, Int(recid))
    }

    /// Recovers the signer's public key from a compact signature R‖S, a recovery id (0…3) and the
    /// 32-byte message hash. Returns the 65-byte uncompressed key (`04‖X‖Y`), or nil if R or S is
    /// zero or ≥ n, the id is out of range, or no key recovers. High-S signatures are accepted
    /// (callers that need EIP-2's low-S rule check `isLowS(compactSignature:)` themselves).
    public static func recoverPublicKey(signature64: [UInt8], recoveryID: Int, message: Bytes32) -> [UInt8]? {
        recoverPublicKey(signature64: signature64, recoveryID: recoveryID, message: message, compressed: false)
    }

    /// As `recoverPublicKey(signature64:recoveryID:message:)`, choosing the output encoding.
    public static func recoverPublicKey(signature64: [UInt8], recoveryID: Int, message: Bytes32, compressed: Bool) -> [UInt8]? {
        guard signature64.count == 64, (0...3).contains(recoveryID) else { return nil }
        var sig = secp256k1_ecdsa_recoverable_signature()
        guard secp256k1_ecdsa_recoverable_signature_parse_compact(context, &sig, signature64, Int32(recoveryID)) == 1
        else { return nil }
        var pk = secp256k1_pubkey()
        let msg = message.bytes
        guard secp256k1_ecdsa_recover(context, &pk, &sig, msg) == 1 else { return nil }
        return serialize(pk, compressed: compressed)
    }
}
