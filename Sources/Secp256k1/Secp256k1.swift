internal import CSecp256k1
public import Primitives

/// Swift API over Debian's libsecp256k1 (see docs/adr/0002-secp256k1.md).
///
/// Verification follows Bitcoin Core's `CPubKey::Verify`: the public key is parsed by the library
/// (compressed, uncompressed and hybrid encodings), the signature by a lax DER parser (as Core's
/// `ecdsa_signature_parse_der_lax`, needed for pre-BIP66 history), S is normalised to low-S, and
/// only then verified. Strict-DER and low-S *policy* checks are the script interpreter's job.
public enum Secp256k1 {
    /// One context for the process. After creation it is only read, which libsecp256k1 allows
    /// from any number of threads concurrently.
    nonisolated(unsafe) static let context: OpaquePointer = {
        // SAFETY: creation with CONTEXT_NONE cannot fail for valid flags; randomization only blinds
        // signing; verification is unaffected.
        guard let ctx = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE)) else {
            preconditionFailure("secp256k1_context_create failed")
        }
        var rng = SystemRandomNumberGenerator()
        let seed = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
        _ = secp256k1_context_randomize(ctx, seed)
        return ctx
    }()

    /// The group order n, big-endian.
    public static let order: [UInt8] = [UInt8](hex: "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")!

    // MARK: Public keys

    /// Core's `CPubKey::GetLen`-based size check: 0x02/0x03 → 33 bytes, 0x04/0x06/0x07 → 65.
    public static func hasValidPublicKeySize(_ key: [UInt8]) -> Bool {
        guard let first = key.first else { return false }
        switch first {
        case 2, 3: return key.count == 33
        case 4, 6, 7: return key.count == 65
        default: return false
        }
    }

    static func parsePublicKey(_ key: [UInt8]) -> secp256k1_pubkey? {
        guard hasValidPublicKeySize(key) else { return nil }
        var pk = secp256k1_pubkey()
        guard secp256k1_ec_pubkey_parse(context, &pk, key, key.count) == 1 else { return nil }
        return pk
    }

    static func serialize(_ pk: secp256k1_pubkey, compressed: Bool) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: compressed ? 33 : 65)
        var len = out.count
        var pk = pk
        _ = secp256k1_ec_pubkey_serialize(
            context, &out, &len, &pk, UInt32(compressed ? SECP256K1_EC_COMPRESSED : SECP256K1_EC_UNCOMPRESSED))
        return Array(out[0..<len])
    }

    /// True if the bytes are a valid point encoding.
    public static func isValidPublicKey(_ key: [UInt8]) -> Bool { parsePublicKey(key) != nil }

    /// Re-encodes a public key (nil if invalid).
    public static func normalizePublicKey(_ key: [UInt8], compressed: Bool) -> [UInt8]? {
        parsePublicKey(key).map { serialize($0, compressed: compressed) }
    }

    // MARK: ECDSA

    /// Parses a DER-ish signature exactly as Bitcoin Core's lax parser does (a port of
    /// `ecdsa_signature_parse_der_lax` in libsecp256k1's contrib, used by `pubkey.cpp`). Returns
    /// nil where that parser returns 0; overflowing R/S give an always-invalid signature.
    static func parseDERLax(_ input: [UInt8]) -> secp256k1_ecdsa_signature? {
        var sig = secp256k1_ecdsa_signature()
        var tmp = [UInt8](repeating: 0, count: 64)
        let n = input.count
        var pos = 0
        guard pos < n, input[pos] == 0x30 else { return nil }
        pos += 1
        guard pos < n else { return nil }
        var lenbyte = Int(input[pos])
        pos += 1
        if lenbyte & 0x80 != 0 {
            lenbyte -= 0x80
            guard lenbyte <= n - pos else { return nil }
            pos += lenbyte
        }
        func readInt(_ pos: inout Int) -> (start: Int, length: Int)? {
            guard pos < n, input[pos] == 0x02 else { return nil }
            pos += 1
            guard pos < n else { return nil }
            var lenbyte = Int(input[pos])
            pos += 1
            var len: Int
            if lenbyte & 0x80 != 0 {
                lenbyte -= 0x80
                guard lenbyte <= n - pos else { return nil }
                while lenbyte > 0 && input[pos] == 0 {
                    pos += 1
                    lenbyte -= 1
                }
                guard lenbyte < 4 else { return nil }
                len = 0
                while lenbyte > 0 {
                    len = (len << 8) + Int(input[pos])
                    pos += 1
                    lenbyte -= 1
                }
            } else {
                len = lenbyte
            }
            guard len <= n - pos else { return nil }
            return (pos, len)
        }
        guard let r = readInt(&pos) else { return nil }
        pos = r.start + r.length
        guard let s = readInt(&pos) else { return nil }
        var overflow = false
        var (rpos, rlen) = r
        while rlen > 0 && input[rpos] == 0 {
            rlen -= 1
            rpos += 1
        }
        if rlen > 32 { overflow = true } else { for i in 0..<rlen { tmp[32 - rlen + i] = input[rpos + i] } }
        var (spos, slen) = s
        while slen > 0 && input[spos] == 0 {
            slen -= 1
            spos += 1
        }
        if slen > 32 { overflow = true } else { for i in 0..<slen { tmp[64 - slen + i] = input[spos + i] } }
        if !overflow {
            overflow = secp256k1_ecdsa_signature_parse_compact(context, &sig, tmp) != 1
        }
        if overflow {
            let zero = [UInt8](repeating: 0, count: 64)
            _ = secp256k1_ecdsa_signature_parse_compact(context, &sig, zero)
        }
        return sig
    }

    /// Verifies an ECDSA signature (DER, without the sighash byte) as Bitcoin Core does:
    /// lax DER parse, normalise to low-S, verify.
    public static func verifyECDSA(signatureDER: [UInt8], publicKey: [UInt8], message: Bytes32) -> Bool {
        guard var pk = parsePublicKey(publicKey), var parsed = parseDERLax(signatureDER) else { return false }
        var sig = secp256k1_ecdsa_signature()
        _ = secp256k1_ecdsa_signature_normalize(context, &sig, &parsed)
        let msg = message.bytes
        return secp256k1_ecdsa_verify(context, &sig, msg, &pk) == 1
    }

    /// Core's `CPubKey::CheckLowS`: false if unparseable or S > n/2.
    public static func isLowS(signatureDER: [UInt8]) -> Bool {
        guard var sig = parseDERLax(signatureDER) else { return false }
        return secp256k1_ecdsa_signature_normalize(context, nil, &sig) == 0
    }

    /// Signs a 32-byte digest with RFC6979 nonces; returns a low-S DER signature.
    public static func signECDSA(message: Bytes32, privateKey: [UInt8]) -> [UInt8]? {
        guard privateKey.count == 32 else { return nil }
        var sig = secp256k1_ecdsa_signature()
        let msg = message.bytes
        guard secp256k1_ecdsa_sign(context, &sig, msg, privateKey, nil, nil) == 1 else { return nil }
        var out = [UInt8](repeating: 0, count: 72)
        var len = 72
        guard secp256k1_ecdsa_signature_serialize_der(context, &out, &len, &sig) == 1 else { return nil }
        return Array(out[0..<len])
    }

    /// Public key of a secret key (nil if the key is zero or ≥ n).
    public static func publicKey(privateKey: [UInt8], compressed: Bool = true) -> [UInt8]? {
        guard privateKey.count == 32 else { return nil }
        var pk = secp256k1_pubkey()
        guard secp256k1_ec_pubkey_create(context, &pk, privateKey) == 1 else { return nil }
        return serialize(pk, compressed: compressed)
    }

    /// True if 0 < key < n.
    public static func isValidPrivateKey(_ key: [UInt8]) -> Bool {
        key.count == 32 && secp256k1_ec_seckey_verify(context, key) == 1
    }

    // MARK: Schnorr (BIP340)

    /// Verifies a BIP340 signature over a message of any length against an x-only key.
    public static func verifySchnorr(signature: [UInt8], message: [UInt8], publicKeyX: [UInt8]) -> Bool {
        guard signature.count == 64, publicKeyX.count == 32 else { return false }
        var xpk = secp256k1_xonly_pubkey()
        guard secp256k1_xonly_pubkey_parse(context, &xpk, publicKeyX) == 1 else { return false }
        return secp256k1_schnorrsig_verify(context, signature, message, message.count, &xpk) == 1
    }

    /// BIP341: checks that `outputKeyX` (with `parity`) equals `internalKeyX` + tweak·G.
    public static func checkTapTweak(internalKeyX: [UInt8], tweak: Bytes32, outputKeyX: [UInt8], parity: Bool) -> Bool {
        guard internalKeyX.count == 32, outputKeyX.count == 32 else { return false }
        var ipk = secp256k1_xonly_pubkey()
        guard secp256k1_xonly_pubkey_parse(context, &ipk, internalKeyX) == 1 else { return false }
        return secp256k1_xonly_pubkey_tweak_add_check(context, outputKeyX, parity ? 1 : 0, &ipk, tweak.bytes) == 1
    }
}
