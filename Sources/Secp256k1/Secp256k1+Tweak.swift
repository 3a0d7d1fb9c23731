internal import CSecp256k1
public import Primitives
internal import Hashing

/// Key tweaking: BIP32 child keys (additive tweaks) and BIP341 taproot output keys.
extension Secp256k1 {
    /// `(key + tweak) mod n` (BIP32 CKDpriv). Nil if the key is invalid, the tweak is ≥ n, or the
    /// result is zero.
    public static func privateKeyTweakAdd(_ privateKey: [UInt8], tweak: [UInt8]) -> [UInt8]? {
        guard privateKey.count == 32, tweak.count == 32 else { return nil }
        var key = privateKey
        guard secp256k1_ec_seckey_tweak_add(context, &key, tweak) == 1 else { return nil }
        return key
    }

    /// `n - key` (nil if the key is invalid).
    public static func privateKeyNegate(_ privateKey: [UInt8]) -> [UInt8]? {
        guard isValidPrivateKey(privateKey) else { return nil }
        var key = privateKey
        guard secp256k1_ec_seckey_negate(context, &key) == 1 else { return nil }
        return key
    }

    /// `P + tweak·G` (BIP32 CKDpub). Nil if the key does not parse, the tweak is ≥ n, or the result
    /// is the point at infinity.
    public static func publicKeyTweakAdd(_ publicKey: [UInt8], tweak: [UInt8], compressed: Bool = true) -> [UInt8]? {
        guard tweak.count == 32, var pk = parsePublicKey(publicKey) else { return nil }
        guard secp256k1_ec_pubkey_tweak_add(context, &pk, tweak) == 1 else { return nil }
        return serialize(pk, compressed: compressed)
    }

    /// BIP341 `taproot_tweak_pubkey`: t = hash_TapTweak(P || merkleRoot) (just P for a key-path-only
    /// output), Q = lift_x(P) + t·G. Returns Q's X coordinate and its Y parity (`true` = odd; this
    /// is the low bit of a control block's first byte). Nil if P is not on the curve or t ≥ n.
    public static func taprootOutputKey(internalKeyX: [UInt8], merkleRoot: Bytes32?) -> (outputKeyX: [UInt8], parity: Bool)? {
        guard internalKeyX.count == 32 else { return nil }
        var ipk = secp256k1_xonly_pubkey()
        guard secp256k1_xonly_pubkey_parse(context, &ipk, internalKeyX) == 1 else { return nil }
        let tweak = taprootTweak(internalKeyX: internalKeyX, merkleRoot: merkleRoot).bytes
        var out = secp256k1_pubkey()
        guard secp256k1_xonly_pubkey_tweak_add(context, &out, &ipk, tweak) == 1 else { return nil }
        var xq = secp256k1_xonly_pubkey()
        var parity: Int32 = 0
        guard secp256k1_xonly_pubkey_from_pubkey(context, &xq, &parity, &out) == 1 else { return nil }
        var x = [UInt8](repeating: 0, count: 32)
        _ = secp256k1_xonly_pubkey_serialize(context, &x, &xq)
        return (x, parity == 1)
    }

    /// BIP341 tweak t = hash_TapTweak(P || merkleRoot), or hash_TapTweak(P) without a script tree.
    public static func taprootTweak(internalKeyX: [UInt8], merkleRoot: Bytes32?) -> Bytes32 {
        var data = internalKeyX
        if let root = merkleRoot { data += root.bytes }
        return TaggedHash.tapTweak.hash(data)
    }

    /// BIP341 `taproot_tweak_seckey`: negates the key if its point has odd Y, then adds the
    /// TapTweak of its x-only public key and `merkleRoot`. The result signs for the output key.
    public static func taprootTweakPrivateKey(_ privateKey: [UInt8], merkleRoot: Bytes32?) -> [UInt8]? {
        guard privateKey.count == 32 else { return nil }
        var kp = secp256k1_keypair()
        guard secp256k1_keypair_create(context, &kp, privateKey) == 1 else { return nil }
        guard let xpk = xOnlyPublicKey(privateKey: privateKey) else { return nil }
        let tweak = taprootTweak(internalKeyX: xpk.x, merkleRoot: merkleRoot).bytes
        guard secp256k1_keypair_xonly_tweak_add(context, &kp, tweak) == 1 else { return nil }
        var out = [UInt8](repeating: 0, count: 32)
        guard secp256k1_keypair_sec(context, &out, &kp) == 1 else { return nil }
        return out
    }
}
