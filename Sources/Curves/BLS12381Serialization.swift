/// Why a compressed (ZCash-format) point encoding is rejected.
public enum BLS12381DecodingError: Error, Sendable, Hashable {
    /// Wrong byte count.
    case badLength
    /// The compression flag is clear, or the infinity flag is set with other bits set.
    case badFlags
    /// The x coordinate is ≥ p.
    case nonCanonical
    /// No point of the curve has this x.
    case notOnCurve
    /// The point is on the curve but outside the order-r subgroup.
    case notInSubgroup
}

/// The compressed point encodings of the ZCash BLS12-381 serialization (used by EIP-4844 for KZG
/// commitments and proofs, and by the trusted setup): the top three bits of the first byte are
/// the compression flag (must be 1), the infinity flag and the sign flag (y is the
/// lexicographically larger root); the rest is x big-endian (for G2, x.c1 then x.c0).
public enum BLS12381Compressed {
    /// Decodes a 48-byte compressed G1 point and checks it is in G1 (KeyValidate without the
    /// identity exclusion: the point at infinity is accepted, as EIP-4844's `validate_kzg_g1`).
    public static func decodeG1(_ bytes: [UInt8]) -> Result<BLS12381G1, BLS12381DecodingError> {
        guard bytes.count == 48 else { return .failure(.badLength) }
        let flags = bytes[0] & 0xe0
        guard flags & 0x80 != 0 else { return .failure(.badFlags) }
        var xb = bytes
        xb[0] &= 0x1f
        if flags & 0x40 != 0 {
            // Infinity: sign flag clear and all other bits zero.
            guard flags & 0x20 == 0, xb.allSatisfy({ $0 == 0 }) else { return .failure(.badFlags) }
            return .success(.infinity)
        }
        guard let x = BLS12381Fp(bigEndian: xb, at: 0) else { return .failure(.nonCanonical) }
        guard var y = (x.squared() * x + BLS12381G1Curve.b).squareRoot() else { return .failure(.notOnCurve) }
        if y.isLexicographicallyLargest != (flags & 0x20 != 0) { y = -y }
        let p = BLS12381G1(affineX: x, y: y)
        guard p.isInSubgroup() else { return .failure(.notInSubgroup) }
        return .success(p)
    }

    /// Decodes a 96-byte compressed G2 point and checks it is in G2 (infinity accepted).
    public static func decodeG2(_ bytes: [UInt8]) -> Result<BLS12381G2, BLS12381DecodingError> {
        guard bytes.count == 96 else { return .failure(.badLength) }
        let flags = bytes[0] & 0xe0
        guard flags & 0x80 != 0 else { return .failure(.badFlags) }
        var xb = bytes
        xb[0] &= 0x1f
        if flags & 0x40 != 0 {
            guard flags & 0x20 == 0, xb.allSatisfy({ $0 == 0 }) else { return .failure(.badFlags) }
            return .success(.infinity)
        }
        guard let x1 = BLS12381Fp(bigEndian: xb, at: 0), let x0 = BLS12381Fp(bigEndian: xb, at: 48) else {
            return .failure(.nonCanonical)
        }
        let x = BLS12381Fp2(x0, x1)
        guard var y = (x.squared() * x + BLS12381G2Curve.b).squareRoot() else { return .failure(.notOnCurve) }
        // Lexicographic order on F_p2 compares c1 first, then c0.
        let largest = y.c1.isZero ? y.c0.isLexicographicallyLargest : y.c1.isLexicographicallyLargest
        if largest != (flags & 0x20 != 0) { y = -y }
        let q = BLS12381G2(affineX: x, y: y)
        guard q.isInSubgroup() else { return .failure(.notInSubgroup) }
        return .success(q)
    }

    /// The 48-byte compressed encoding of a G1 point.
    public static func encodeG1(_ p: BLS12381G1) -> [UInt8] {
        guard let a = p.computeAffine() else { return [0xc0] + [UInt8](repeating: 0, count: 47) }
        var out = a.x.bigEndianBytes
        out[0] |= 0x80
        if a.y.isLexicographicallyLargest { out[0] |= 0x20 }
        return out
    }
}
