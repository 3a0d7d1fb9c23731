internal import CSecp256k1
public import Primitives

/// ECDSA signature encodings: compact (R‖S, 64 bytes), strict DER and Core's lax DER.
extension Secp256k1 {
    /// Parses with Bitcoin Core's lax (pre-BIP66) rules and returns R‖S as 64 bytes. Overflowing
    /// R or S (more than 32 significant bytes, or ≥ n) yield an all-zero signature, which parses but
    /// never verifies — matching `ecdsa_signature_parse_der_lax`. Nil where that parser fails.
    public static func parseDERLaxToCompact(_ der: [UInt8]) -> [UInt8]? {
        guard var sig = parseDERLax(der) else { return nil }
        return serializeCompact(&sig)
    }

    /// Strict DER (BIP66-shaped, as libsecp256k1's `secp256k1_ecdsa_signature_parse_der`) to R‖S.
    /// Nil on any encoding deviation, or if R or S is zero or ≥ n (libsecp256k1 itself maps an
    /// overflowing integer to zero and reports success; such a signature can never verify).
    public static func parseDERStrictToCompact(_ der: [UInt8]) -> [UInt8]? {
        guard isStrictDEREncoding(der) else { return nil }
        var sig = secp256k1_ecdsa_signature()
        guard secp256k1_ecdsa_signature_parse_der(context, &sig, der, der.count) == 1 else { return nil }
        let compact = serializeCompact(&sig)
        guard compact[0..<32].contains(where: { $0 != 0 }), compact[32...].contains(where: { $0 != 0 }) else { return nil }
        return compact
    }

    /// BIP66's `IsValidSignatureEncoding` applied to a bare DER signature (no sighash byte):
    /// minimal lengths, positive integers without superfluous leading zeros, no trailing bytes.
    public static func isStrictDEREncoding(_ sig: [UInt8]) -> Bool {
        let n = sig.count
        guard n >= 8, n <= 72 else { return false }
        guard sig[0] == 0x30, Int(sig[1]) == n - 2 else { return false }
        let lenR = Int(sig[3])
        guard 5 + lenR < n else { return false }
        let lenS = Int(sig[5 + lenR])
        guard lenR + lenS + 6 == n else { return false }
        guard sig[2] == 0x02, lenR != 0, sig[4] & 0x80 == 0 else { return false }
        if lenR > 1 && sig[4] == 0 && sig[5] & 0x80 == 0 { return false }
        guard sig[lenR + 4] == 0x02, lenS != 0, sig[lenR + 6] & 0x80 == 0 else { return false }
        if lenS > 1 && sig[lenR + 6] == 0 && sig[lenR + 7] & 0x80 == 0 { return false }
        return true
    }

    /// Encodes a compact R‖S signature as strict DER. Nil if R or S is ≥ n.
    public static func derFromCompact(_ compact: [UInt8]) -> [UInt8]? {
        guard compact.count == 64 else { return nil }
        var sig = secp256k1_ecdsa_signature()
        guard secp256k1_ecdsa_signature_parse_compact(context, &sig, compact) == 1 else { return nil }
        var out = [UInt8](repeating: 0, count: 72)
        var len = 72
        guard secp256k1_ecdsa_signature_serialize_der(context, &out, &len, &sig) == 1 else { return nil }
        return Array(out[0..<len])
    }

    /// Signs with RFC6979 nonces; returns the low-S compact signature R‖S.
    public static func signECDSACompact(message: Bytes32, privateKey: [UInt8]) -> [UInt8]? {
        guard privateKey.count == 32 else { return nil }
        var sig = secp256k1_ecdsa_signature()
        let msg = message.bytes
        guard secp256k1_ecdsa_sign(context, &sig, msg, privateKey, nil, nil) == 1 else { return nil }
        return serializeCompact(&sig)
    }

    /// Verifies a compact R‖S signature. Unlike `verifyECDSA(signatureDER:…)` this does not
    /// normalise S: high-S signatures fail, as libsecp256k1 requires.
    public static func verifyECDSA(compactSignature: [UInt8], publicKey: [UInt8], message: Bytes32) -> Bool {
        guard compactSignature.count == 64, var pk = parsePublicKey(publicKey) else { return false }
        var sig = secp256k1_ecdsa_signature()
        guard secp256k1_ecdsa_signature_parse_compact(context, &sig, compactSignature) == 1 else { return false }
        let msg = message.bytes
        return secp256k1_ecdsa_verify(context, &sig, msg, &pk) == 1
    }

    /// True if S ≤ n/2 in a compact signature (false if it does not parse).
    public static func isLowS(compactSignature: [UInt8]) -> Bool {
        guard compactSignature.count == 64 else { return false }
        var sig = secp256k1_ecdsa_signature()
        guard secp256k1_ecdsa_signature_parse_compact(context, &sig, compactSignature) == 1 else { return false }
        return secp256k1_ecdsa_signature_normalize(context, nil, &sig) == 0
    }

    /// Replaces S by n − S when S > n/2 (compact form). Nil if the signature does not parse.
    public static func normalizeS(compactSignature: [UInt8]) -> [UInt8]? {
        guard compactSignature.count == 64 else { return nil }
        var sig = secp256k1_ecdsa_signature()
        guard secp256k1_ecdsa_signature_parse_compact(context, &sig, compactSignature) == 1 else { return nil }
        var out = secp256k1_ecdsa_signature()
        _ = secp256k1_ecdsa_signature_normalize(context, &out, &sig)
        return serializeCompact(&out)
    }

    static func serializeCompact(_ sig: inout secp256k1_ecdsa_signature) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 64)
        _ = secp256k1_ecdsa_signature_serialize_compact(context, &out, &sig)
        return out
    }
}
