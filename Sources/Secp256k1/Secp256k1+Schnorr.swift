internal import CSecp256k1
public import Primitives

/// BIP340 Schnorr signing and x-only keys.
extension Secp256k1 {
    /// The BIP340 x-only public key of a secret key, and the parity of the full point's Y
    /// (`true` = odd). Nil if the key is zero or ≥ n.
    public static func xOnlyPublicKey(privateKey: [UInt8]) -> (x: [UInt8], parity: Bool)? {
        guard privateKey.count == 32 else { return nil }
        var kp = secp256k1_keypair()
        guard secp256k1_keypair_create(context, &kp, privateKey) == 1 else { return nil }
        var xpk = secp256k1_xonly_pubkey()
        var parity: Int32 = 0
        guard secp256k1_keypair_xonly_pub(context, &xpk, &parity, &kp) == 1 else { return nil }
        var out = [UInt8](repeating: 0, count: 32)
        _ = secp256k1_xonly_pubkey_serialize(context, &out, &xpk)
        return (out, parity == 1)
    }

    /// The x-only form of a full public key (any encoding libsecp256k1 parses): its X coordinate
    /// and Y parity (`true` = odd). Nil if the key is invalid.
    public static func xOnlyPublicKey(publicKey: [UInt8]) -> (x: [UInt8], parity: Bool)? {
        guard var pk = parsePublicKey(publicKey) else { return nil }
        var xpk = secp256k1_xonly_pubkey()
        var parity: Int32 = 0
        guard secp256k1_xonly_pubkey_from_pubkey(context, &xpk, &parity, &pk) == 1 else { return nil }
        var out = [UInt8](repeating: 0, count: 32)
        _ = secp256k1_xonly_pubkey_serialize(context, &out, &xpk)
        return (out, parity == 1)
    }

    /// True if the 32 bytes are the X coordinate of a point on the curve (BIP340 `lift_x` succeeds).
    public static func isValidXOnlyPublicKey(_ x: [UInt8]) -> Bool {
        guard x.count == 32 else { return false }
        var xpk = secp256k1_xonly_pubkey()
        return secp256k1_xonly_pubkey_parse(context, &xpk, x) == 1
    }

    /// BIP340 signature of `message` (any length; BIP341 sighashes are 32 bytes).
    ///
    /// `auxRandom` is BIP340's 32 bytes of auxiliary randomness; pass fresh random bytes in
    /// production. With fixed aux bytes the signature is deterministic and reproduces the BIP340
    /// and BIP341 vectors. `nil` makes libsecp256k1 skip the aux step entirely, which is *not* the
    /// same as 32 zero bytes. Nil for an invalid secret key or aux bytes of the wrong size.
    public static func signSchnorr(message: [UInt8], privateKey: [UInt8], auxRandom: [UInt8]?) -> [UInt8]? {
        guard privateKey.count == 32 else { return nil }
        if let aux = auxRandom, aux.count != 32 { return nil }
        var kp = secp256k1_keypair()
        guard secp256k1_keypair_create(context, &kp, privateKey) == 1 else { return nil }
        var sig = [UInt8](repeating: 0, count: 64)
        var aux = auxRandom ?? []
        // SAFETY: the aux pointer is only read by the nonce function during this call, and the
        // buffer outlives it; extraparams is built with the library's magic value.
        let ok: Int32 = aux.withUnsafeMutableBytes { auxPtr in
            var params = secp256k1_schnorrsig_extraparams(
                magic: (0xda, 0x6f, 0xb3, 0x8c), noncefp: nil,
                ndata: auxRandom == nil ? nil : auxPtr.baseAddress)
            return secp256k1_schnorrsig_sign_custom(context, &sig, message, message.count, &kp, &params)
        }
        guard ok == 1 else { return nil }
        // Sign-then-verify, as Bitcoin Core's CKey::SignSchnorr does, guards against faults.
        guard let xpk = xOnlyPublicKey(privateKey: privateKey),
              verifySchnorr(signature: sig, message: message, publicKeyX: xpk.x) else { return nil }
        return sig
    }

    /// BIP340 signature of a 32-byte message.
    public static func signSchnorr(message: Bytes32, privateKey: [UInt8], auxRandom: [UInt8]?) -> [UInt8]? {
        signSchnorr(message: message.bytes, privateKey: privateKey, auxRandom: auxRandom)
    }
}
