import Primitives

/// The alt_bn128 precompiles, byte-exact with EIP-196 (ECADD 0x06, ECMUL 0x07) and EIP-197
/// (ECPAIRING 0x08). Every function returns nil for invalid input (the precompile fails and
/// consumes all its gas); gas itself (EIP-1108) is charged by the caller.
public enum BN254 {
    /// ECADD: input (x1, y1, x2, y2), 32-byte big-endian words, right-padded with zeros if short,
    /// extra bytes ignored. Output: the 64-byte affine sum, (0, 0) for infinity.
    public static func add(input: [UInt8]) -> [UInt8]? {
        let b = padded(input, to: 128)
        guard let p = decodeG1(b, at: 0), let q = decodeG1(b, at: 64) else { return nil }
        return encodeG1(p + q)
    }

    /// ECMUL: input (x, y, s); s is any 256-bit integer (not reduced). Output: s·(x, y).
    public static func mul(input: [UInt8]) -> [UInt8]? {
        let b = padded(input, to: 96)
        guard let p = decodeG1(b, at: 0) else { return nil }
        let s = readWord(b, 64)
        return encodeG1(p.multiplied(by: s))
    }

    /// ECPAIRING: input k × 192 bytes of (G1 x, y, G2 x_im, x_re, y_im, y_re); length not a multiple
    /// of 192, a coordinate ≥ p, a point off its curve or a G2 point outside the order-r subgroup
    /// fails. Output: the 32-byte word 1 if ∏ e(Pᵢ, Qᵢ) = 1 (true for k = 0), else 0.
    public static func pairing(input: [UInt8]) -> [UInt8]? {
        guard let ok = pairingCheck(input: input) else { return nil }
        var out = [UInt8](repeating: 0, count: 32)
        if ok { out[31] = 1 }
        return out
    }

    /// The boolean behind `pairing(input:)`; nil for invalid input.
    public static func pairingCheck(input: [UInt8]) -> Bool? {
        guard input.count % 192 == 0 else { return nil }
        let k = input.count / 192
        var pairs: [(G1Affine, G2Affine)] = []
        pairs.reserveCapacity(k)
        for i in 0..<k {
            let o = i * 192
            guard let p = decodeG1(input, at: o), let q = decodeG2(input, at: o + 64) else { return nil }
            // A pair with either point at infinity contributes 1 to the product. Decoded points
            // are affine (Z = 1).
            if p.isInfinity || q.isInfinity { continue }
            pairs.append((G1Affine(x: p.x, y: p.y), G2Affine(x: q.x, y: q.y)))
        }
        return Pairing.check(pairs)
    }

    /// Whether ∏ e(Pᵢ, Qᵢ) = 1 for already-validated points (infinity pairs must be left out).
    public static func pairingCheck(_ pairs: [(G1Affine, G2Affine)]) -> Bool { Pairing.check(pairs) }

    // MARK: Encoding

    static func padded(_ input: [UInt8], to n: Int) -> [UInt8] {
        if input.count >= n { return input }
        return input + [UInt8](repeating: 0, count: n - input.count)
    }

    /// (x, y) at `offset`: both < p, and on the curve unless both are zero (infinity).
    static func decodeG1(_ b: [UInt8], at offset: Int) -> G1? {
        guard let x = Fp(bigEndian: b, at: offset), let y = Fp(bigEndian: b, at: offset + 32) else { return nil }
        if x.isZero && y.isZero { return .infinity }
        guard G1.isOnCurve(x: x, y: y) else { return nil }
        return G1(affineX: x, y: y)
    }

    /// (x_im, x_re, y_im, y_re) at `offset`: all < p; on the twist and in the order-r subgroup
    /// unless all are zero (infinity).
    static func decodeG2(_ b: [UInt8], at offset: Int) -> G2? {
        guard let xi = Fp(bigEndian: b, at: offset), let xr = Fp(bigEndian: b, at: offset + 32),
            let yi = Fp(bigEndian: b, at: offset + 64), let yr = Fp(bigEndian: b, at: offset + 96)
        else { return nil }
        let x = Fp2(xr, xi)
        let y = Fp2(yr, yi)
        if x.isZero && y.isZero { return .infinity }
        guard G2.isOnCurve(x: x, y: y) else { return nil }
        let q = G2(affineX: x, y: y)
        guard q.isInSubgroup() else { return nil }
        return q
    }

    static func encodeG1(_ p: G1) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        if let a = p.computeAffine() {
            a.x.write(to: &out)
            a.y.write(to: &out)
        } else {
            out = [UInt8](repeating: 0, count: 64)
        }
        return out
    }
}
