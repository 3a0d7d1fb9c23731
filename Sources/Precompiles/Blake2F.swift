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
    /// The ten message schedules are laid out once per call, so each round reads its 16 words
    /// sequentially; the working vector lives in locals.
    static func compress(rounds: UInt32, h: inout [UInt64], m: [UInt64], t0: UInt64, t1: UInt64, final: Bool) {
        var schedule = [UInt64](repeating: 0, count: 160)
        for r in 0..<10 {
            for k in 0..<16 { schedule[16 * r + k] = m[sigma[r][k]] }
        }
        var v0 = h[0], v1 = h[1], v2 = h[2], v3 = h[3], v4 = h[4], v5 = h[5], v6 = h[6], v7 = h[7]
        var v8 = iv[0], v9 = iv[1], v10 = iv[2], v11 = iv[3]
        var v12 = iv[4] ^ t0, v13 = iv[5] ^ t1, v14 = final ? ~iv[6] : iv[6], v15 = iv[7]
        @inline(__always) func g(
            _ a: inout UInt64, _ b: inout UInt64, _ c: inout UInt64, _ d: inout UInt64, _ x: UInt64, _ y: UInt64
        ) {
            a = a &+ b &+ x
            d = (d ^ a).rotatedRight(32)
            c = c &+ d
            b = (b ^ c).rotatedRight(24)
            a = a &+ b &+ y
            d = (d ^ a).rotatedRight(16)
            c = c &+ d
            b = (b ^ c).rotatedRight(63)
        }
        schedule.withUnsafeBufferPointer { sp in
            guard let base = sp.baseAddress else { return }
            var r: UInt32 = 0
            var row = 0  // r mod 10, kept incrementally
            while r < rounds {
                // SAFETY: row < 10, so s[0..<16] lies within the 160-word schedule.
                let s = base + 16 * row
                g(&v0, &v4, &v8, &v12, s[0], s[1])
                g(&v1, &v5, &v9, &v13, s[2], s[3])
                g(&v2, &v6, &v10, &v14, s[4], s[5])
                g(&v3, &v7, &v11, &v15, s[6], s[7])
                g(&v0, &v5, &v10, &v15, s[8], s[9])
                g(&v1, &v6, &v11, &v12, s[10], s[11])
                g(&v2, &v7, &v8, &v13, s[12], s[13])
                g(&v3, &v4, &v9, &v14, s[14], s[15])
                r += 1
                row = row == 9 ? 0 : row + 1
            }
        }
        h[0] ^= v0 ^ v8
        h[1] ^= v1 ^ v9
        h[2] ^= v2 ^ v10
        h[3] ^= v3 ^ v11
        h[4] ^= v4 ^ v12
        h[5] ^= v5 ^ v13
        h[6] ^= v6 ^ v14
        h[7] ^= v7 ^ v15
    }
}

extension UInt64 {
    @inline(__always) fileprivate func rotatedRight(_ n: UInt64) -> UInt64 { (self >> n) | (self << (64 - n)) }
}
