import BigInt
import Foundation
import Precompiles
import Primitives
import TestSupport
import Testing

/// MODEXP against attaswift BigInt's `power(_:modulus:)` on random operands of many shapes.
@Suite struct ModExpOracleTests {
    static func big(_ b: [UInt8]) -> BigUInt { BigUInt(Data(b)) }

    static func expected(base: [UInt8], exponent: [UInt8], modulus: [UInt8]) -> [UInt8] {
        let m = big(modulus)
        guard !m.isZero else { return [UInt8](repeating: 0, count: modulus.count) }
        let r = [UInt8](big(base).power(big(exponent), modulus: m).serialize())
        return [UInt8](repeating: 0, count: modulus.count - r.count) + r
    }

    static func bytes(_ n: Int, _ rng: inout SplitMix64) -> [UInt8] { (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) } }

    /// 5,000 cases in 10 shards of 500 (shards run in parallel; debug-mode BigInt dominates the time).
    @Test(arguments: 0..<10) func randomAgainstBigInt(shard: Int) {
        var rng = SplitMix64(seed: 198 &+ UInt64(shard) &* 0x9e37)
        var even = 0, zeroExp = 0, modOne = 0, baseGE = 0
        for i in (shard * 500)..<((shard + 1) * 500) {
            let shape = i % 10
            // Debug-mode BigInt is the slow side; keep most operands small, a few up to 256 bytes.
            let large = i % 250 == 0
            let maxLen = large ? 256 : 40
            var modulus = Self.bytes(Int.random(in: 1...maxLen, using: &rng), &rng)
            var base = Self.bytes(Int.random(in: 0...(maxLen + 16), using: &rng), &rng)
            var exponent = Self.bytes(Int.random(in: 0...8, using: &rng), &rng)
            switch shape {
            case 0: modulus[modulus.count - 1] &= 0xfe  // even
            case 1: exponent = [UInt8](repeating: 0, count: exponent.count)  // zero exponent
            case 2: modulus = [UInt8](repeating: 0, count: modulus.count - 1) + [1]  // mod 1
            case 3: modulus[0] = 0; if modulus.count > 2 { modulus[1] = 0 }  // leading zero bytes
            case 4: base = modulus + Self.bytes(Int.random(in: 0...8, using: &rng), &rng)  // base ≥ mod
            case 5:  // even modulus with many trailing zero bits
                let k = Int.random(in: 0..<modulus.count, using: &rng)
                for j in (modulus.count - k)..<modulus.count { modulus[j] = 0 }
                if Self.big(modulus).isZero { modulus[0] = 0x80 }
            case 6: base = [UInt8](repeating: 0, count: base.count)  // base 0
            case 7: modulus = [UInt8](repeating: 0xff, count: modulus.count)  // all ones (odd)
            default: break
            }
            let m = Self.big(modulus)
            if !m.isZero && m.words[0] & 1 == 0 { even += 1 }
            if Self.big(exponent).isZero { zeroExp += 1 }
            if m == 1 { modOne += 1 }
            if Self.big(base) >= m { baseGE += 1 }
            let input = modexpInput(base: base, exponent: exponent, modulus: modulus)
            let got = ModExp.run(input: input, gasLimit: .max, pricing: .eip2565)
            let want = Self.expected(base: base, exponent: exponent, modulus: modulus)
            #expect(got.output == want, "case \(i): \(input.hex)")
            if got.output != want { return }
            // A truncated copy of the same call must equal the zero-padded one.
            if i % 7 == 0 && input.count > 96 {
                let cut = Int.random(in: 96..<input.count, using: &rng)
                let truncated = Array(input[0..<cut])
                let padded = truncated + [UInt8](repeating: 0, count: input.count - cut)
                let b = Array(padded[96..<(96 + base.count)])
                let e = Array(padded[(96 + base.count)..<(96 + base.count + exponent.count)])
                let mm = Array(padded[(96 + base.count + exponent.count)...])
                #expect(ModExp.run(input: truncated, gasLimit: .max, pricing: .eip2565).output
                    == Self.expected(base: b, exponent: e, modulus: mm), "truncated case \(i)")
            }
        }
        #expect(even >= 50 && zeroExp >= 50 && modOne >= 50 && baseGE >= 50)
    }

    /// One-limb odd moduli (the dedicated 64-bit Montgomery engine), including the extremes.
    @Test func singleLimbModuli() {
        var rng = SplitMix64(seed: 64)
        let fixed: [[UInt8]] = [[3], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], [0x80, 0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 5]]
        for i in 0..<300 {
            var modulus = i < fixed.count * 10 ? fixed[i % fixed.count] : ModExpOracleTests.bytes(Int.random(in: 1...8, using: &rng), &rng)
            modulus[modulus.count - 1] |= 1
            let base = Self.bytes(Int.random(in: 0...20, using: &rng), &rng)
            let exponent = Self.bytes(Int.random(in: 0...40, using: &rng), &rng)
            let input = modexpInput(base: base, exponent: exponent, modulus: modulus)
            #expect(ModExp.run(input: input, gasLimit: .max, pricing: .eip2565).output
                == Self.expected(base: base, exponent: exponent, modulus: modulus), "case \(i)")
        }
    }

    /// Long exponents with small moduli (many squarings, both engines).
    @Test func longExponents() {
        var rng = SplitMix64(seed: 2565)
        for i in 0..<24 {
            var modulus = Self.bytes(Int.random(in: 1...24, using: &rng), &rng)
            if i % 2 == 0 { modulus[modulus.count - 1] &= 0xfe }
            let base = Self.bytes(24, &rng)
            let exponent = Self.bytes(Int.random(in: 40...128, using: &rng), &rng)
            let input = modexpInput(base: base, exponent: exponent, modulus: modulus)
            #expect(ModExp.run(input: input, gasLimit: .max, pricing: .eip198).output
                == Self.expected(base: base, exponent: exponent, modulus: modulus), "case \(i)")
        }
    }
}

/// Even moduli of every shape the CRT path distinguishes: pure powers of two (q = 1), k a multiple
/// of 64, k just below/above a limb boundary, even bases (b^e ≡ 0 mod 2^k once e ≥ k).
@Suite struct ModExpEvenModulusTests {
    @Test func evenModulusShapes() {
        var rng = SplitMix64(seed: 7823)
        let oddParts: [[UInt8]] = [[1], [3], [0xff, 0xff], ModExpOracleTests.bytes(17, &rng).map { $0 | 1 }]
        var n = 0
        for k in [1, 7, 8, 63, 64, 65, 127, 128, 129, 200] {
            for q in oddParts {
                var q = q
                q[q.count - 1] |= 1
                let m = ModExpOracleTests.big(q) << k
                let modulus = [UInt8](m.serialize())
                for base in [[2], [4, 0], ModExpOracleTests.bytes(20, &rng), [UInt8](repeating: 0xff, count: 40)] {
                    for exponent in [[1], [2], [0xff], [1, 0], ModExpOracleTests.bytes(9, &rng)] {
                        let input = modexpInput(base: base, exponent: exponent, modulus: modulus)
                        #expect(ModExp.run(input: input, gasLimit: .max, pricing: .eip2565).output
                            == ModExpOracleTests.expected(base: base, exponent: exponent, modulus: modulus), "k=\(k) q=\(q.hex)")
                        n += 1
                    }
                }
            }
        }
        #expect(n == 800)
    }
}
