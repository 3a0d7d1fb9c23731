/// BLAKE2F at 0x09 (EIP-152): the BLAKE2b compression function F.
/// Input is exactly 213 bytes: rounds (4, big-endian) ‖ h (64) ‖ m (128) ‖ t (16) ‖ f (1), with the
/// words of h, m and t little-endian and f ∈ {0, 1}. Gas = rounds. Output is the new h (64 bytes).
public enum Blake2F {
    public static let inputLength = 213

    /// Gas for `input`: the rounds field, or 0 when the length is wrong (the call then fails).
    public static func gas(input: [UInt8]) -> UInt64 {
        guard input.count == inputLength else { return 0 }
        return UInt64(input[0]) << 24 | UInt64(input[1]) << 16 | UInt64(input[2]) << 8 | UInt64(input[3])
    }

    public static func run(input: [UInt8], gasLimit: UInt64) -> PrecompileResult {
        guard input.count == inputLength else { return .failure(gasUsed: gasLimit, .invalidInput) }
        let rounds = gas(input: input)
        guard rounds <= gasLimit else { return .failure(gasUsed: gasLimit, .outOfGas) }
        let f = input[212]
        guard f <= 1 else { return .failure(gasUsed: gasLimit, .invalidInput) }
        @inline(__always) func le64(_ at: Int) -> UInt64 {
            var v: UInt64 = 0
            for i in 0..<8 { v |= UInt64(input[at + i]) << UInt64(8 * i) }
            return v
        }
        var h = (0..<8).map { le64(4 + 8 * $0) }
        let m = (0..<16).map { le64(68 + 8 * $0) }
        compress(rounds: UInt32(rounds), h: &h, m: m, t0: le64(196), t1: le64(204), final: f == 1)
        var out = [UInt8](repeating: 0, count: 64)
        for i in 0..<8 {
            for j in 0..<8 { out[8 * i + j] = UInt8(truncatingIfNeeded: h[i] >> UInt64(8 * j)) }
        }
        return .success(gasUsed: rounds, output: out)
    }

    static let iv: [UInt64] = [
        0x6a09_e667_f3bc_c908, 0xbb67_ae85_84ca_a73b, 0x3c6e_f372_fe94_f82b, 0xa54f_f53a_5f1d_36f1,
        0x510e_527f_ade6_82d1, 0x9b05_688c_2b3e_6c1f, 0x1f83_d9ab_fb41_bd6b, 0x5be0_cd19_137e_2179,
    ]

    static let sigma: [[Int]] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
        [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
        [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
        [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
        [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
        [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
        [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
        [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
        [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
        [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
    ]

    /// RFC 7693 section 3.2 F with a caller-chosen round count. `h` has 8 words, `m` 16.
    static func compress(rounds: UInt32, h: inout [UInt64], m: [UInt64], t0: UInt64, t1: UInt64, final: Bool) {
        var v = h + iv
        v[12] ^= t0
        v[13] ^= t1
        if final { v[14] = ~v[14] }
        v.withUnsafeMutableBufferPointer { vp in
            @inline(__always) func g(_ a: Int, _ b: Int, _ c: Int, _ d: Int, _ x: UInt64, _ y: UInt64) {
                vp[a] = vp[a] &+ vp[b] &+ x
                vp[d] = (vp[d] ^ vp[a]).rotatedRight(32)
                vp[c] = vp[c] &+ vp[d]
                vp[b] = (vp[b] ^ vp[c]).rotatedRight(24)
                vp[a] = vp[a] &+ vp[b] &+ y
                vp[d] = (vp[d] ^ vp[a]).rotatedRight(16)
                vp[c] = vp[c] &+ vp[d]
                vp[b] = (vp[b] ^ vp[c]).rotatedRight(63)
            }
            var r: UInt32 = 0
            while r < rounds {
                let s = sigma[Int(r % 10)]
                g(0, 4, 8, 12, m[s[0]], m[s[1]])
                g(1, 5, 9, 13, m[s[2]], m[s[3]])
                g(2, 6, 10, 14, m[s[4]], m[s[5]])
                g(3, 7, 11, 15, m[s[6]], m[s[7]])
                g(0, 5, 10, 15, m[s[8]], m[s[9]])
                g(1, 6, 11, 12, m[s[10]], m[s[11]])
                g(2, 7, 8, 13, m[s[12]], m[s[13]])
                g(3, 4, 9, 14, m[s[14]], m[s[15]])
                r += 1
            }
        }
        for i in 0..<8 { h[i] ^= v[i] ^ v[i + 8] }
    }
}

extension UInt64 {
    @inline(__always) fileprivate func rotatedRight(_ n: UInt64) -> UInt64 { (self >> n) | (self << (64 - n)) }
}
