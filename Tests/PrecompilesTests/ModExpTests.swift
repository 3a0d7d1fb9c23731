import Precompiles
import Primitives
import Testing

@Suite struct ModExpVectorTests {
    static let p = "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f"
    static let pMinus1 = "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2e"

    /// EIP-198 example 1: 3^(p−1) mod p = 1 (Fermat), secp256k1 field prime p.
    @Test func eip198Example1() {
        let input = hex(
            """
            0000000000000000000000000000000000000000000000000000000000000001
            0000000000000000000000000000000000000000000000000000000000000020
            0000000000000000000000000000000000000000000000000000000000000020
            03
            """ + Self.pMinus1 + Self.p)
        let one = word(1)
        #expect(ModExp.run(input: input, gasLimit: 13056, pricing: .eip198) == .success(gasUsed: 13056, output: one))
        #expect(ModExp.run(input: input, gasLimit: 13055, pricing: .eip198) == .failure(gasUsed: 13055, .outOfGas))
        #expect(ModExp.gas(input: input, pricing: .eip2565) == 1360)
        #expect(ModExp.gas(input: input, pricing: .eip7883) == 4080)
    }

    /// EIP-198 example 2: base length 0 reads as base 0; 0^(p−1) mod p = 0.
    @Test func eip198Example2() {
        let input = hex(
            """
            0000000000000000000000000000000000000000000000000000000000000000
            0000000000000000000000000000000000000000000000000000000000000020
            0000000000000000000000000000000000000000000000000000000000000020
            """ + Self.pMinus1 + Self.p)
        #expect(ModExp.run(input: input, gasLimit: 13056, pricing: .eip198) == .success(gasUsed: 13056, output: word(0)))
        #expect(ModExp.gas(input: input, pricing: .eip2565) == 1360)
    }

    /// EIP-198: huge lengths are priced without allocating and simply run out of gas.
    @Test func hugeLengths() {
        let ff = String(repeating: "f", count: 64)
        let inputs = [
            hex("00" + String(repeating: "0", count: 62) + ff + ff),  // base 0, exp 2^256−1, mod 2^256−1
            hex(ff + "00" + String(repeating: "0", count: 62) + ff),
            hex(word(1).hex + ff + word(1).hex + "0102"),  // tiny base/mod, huge exponent
            hex(word(0).hex + word(0).hex + "0000000000000000000000000000000000000000000000010000000000000000"),  // mod = 2^64
        ]
        for pricing in [ModExp.Pricing.eip198, .eip2565, .eip7883] {
            for input in inputs {
                #expect(ModExp.gas(input: input, pricing: pricing) == UInt64.max, "\(pricing)")
                #expect(ModExp.run(input: input, gasLimit: 30_000_000, pricing: pricing) == .failure(gasUsed: 30_000_000, .outOfGas))
            }
        }
        // Zero base and modulus lengths make any exponent length free before Berlin, 200 from Berlin
        // (EIP-2565's floor); the output is empty. Osaka prices the exponent and bounds it.
        let freeExp = hex(word(0).hex + ff + word(0).hex)
        #expect(ModExp.run(input: freeExp, gasLimit: 0, pricing: .eip198) == .success(gasUsed: 0, output: []))
        #expect(ModExp.run(input: freeExp, gasLimit: 200, pricing: .eip2565) == .success(gasUsed: 200, output: []))
        #expect(ModExp.run(input: freeExp, gasLimit: 1 << 40, pricing: .eip7883) == .failure(gasUsed: 1 << 40, .outOfGas))
    }

    @Test func zeroModulusAndEdgeValues() {
        // Modulus 0 → modLen zero bytes.
        let r = ModExp.run(input: modexpInput(base: [5], exponent: [3], modulus: [0, 0, 0]), gasLimit: 1000, pricing: .eip2565)
        #expect(r == .success(gasUsed: 200, output: [0, 0, 0]))
        // Modulus 1 → zero; 0^0 mod m = 1; x^0 = 1; base ≥ mod reduced.
        #expect(ModExp.run(input: modexpInput(base: [5], exponent: [3], modulus: [0, 1]), gasLimit: 1000, pricing: .eip2565).output == [0, 0])
        #expect(ModExp.run(input: modexpInput(base: [], exponent: [], modulus: [7]), gasLimit: 1000, pricing: .eip2565).output == [1])
        #expect(ModExp.run(input: modexpInput(base: [0], exponent: [0], modulus: [0, 7]), gasLimit: 1000, pricing: .eip2565).output == [0, 1])
        #expect(ModExp.run(input: modexpInput(base: [1, 0, 0], exponent: [1], modulus: [7]), gasLimit: 1000, pricing: .eip2565).output == [65536 % 7])
        // Even modulus.
        #expect(ModExp.run(input: modexpInput(base: [3], exponent: [5], modulus: [100]), gasLimit: 1000, pricing: .eip2565).output == [43])
        // Short input: missing bytes are zeros on the right (mod reads 0x0500 = 1280; 3^5 = 243).
        let short = Array(modexpInput(base: [3], exponent: [5], modulus: [5, 0]).dropLast())
        #expect(ModExp.run(input: short, gasLimit: 1000, pricing: .eip2565).output == [0, 243])
        // Exponent entirely beyond the input with a huge declared length: 2^(0x01 << 8·k) style
        // trailing zeros. base 3, exp bytes "01" then 3 missing bytes = 2^24, mod 2^61−1 (odd).
        let tailInput = word(1) + word(4) + word(8) + [3] + [1]
        let r2 = ModExp.run(input: tailInput, gasLimit: 100_000, pricing: .eip2565)
        // Exponent = 0x01000000 with the modulus bytes missing too → mod = 0 → zeros.
        #expect(r2.output == [UInt8](repeating: 0, count: 8))
    }

    /// EIP-2565's table: nagydani vectors priced under EIP-198 and EIP-2565. Modulus and base of
    /// 64·2^k bytes, exponent 2, 3 or 0x010001.
    @Test func eip2565GasTable() {
        let table: [(Int, [UInt8], UInt64, UInt64)] = [
            (64, [2], 204, 200), (64, [3], 204, 200), (64, [1, 0, 1], 3276, 341),
            (128, [2], 665, 200), (128, [3], 665, 200), (128, [1, 0, 1], 10649, 1365),
            (256, [2], 1894, 341), (256, [3], 1894, 341), (256, [1, 0, 1], 30310, 5461),
            (512, [2], 5580, 1365), (512, [3], 5580, 1365), (512, [1, 0, 1], 89292, 21845),
            (1024, [2], 17868, 5461), (1024, [3], 17868, 5461), (1024, [1, 0, 1], 285900, 87381),
        ]
        for (size, exp, byzantium, berlin) in table {
            let input = modexpInput(
                base: [UInt8](repeating: 0xab, count: size), exponent: exp, modulus: [UInt8](repeating: 0xcd, count: size))
            #expect(ModExp.gas(input: input, pricing: .eip198) == byzantium, "\(size) \(exp)")
            #expect(ModExp.gas(input: input, pricing: .eip2565) == berlin, "\(size) \(exp)")
        }
    }

    /// EIP-7883 formula points, and EIP-7823's 1024-byte bound on each length (Osaka only).
    @Test func osakaPricingAndBounds() {
        let l = ModExp.Lengths.self
        // ≤ 32 bytes: complexity 16; iterations from the exponent.
        #expect(ModExp.gas(lengths: l.init(base: 32, exponent: 1, modulus: 32), exponentHeadBitLength: 2, pricing: .eip7883) == 500)
        #expect(ModExp.gas(lengths: l.init(base: 32, exponent: 32, modulus: 32), exponentHeadBitLength: 256, pricing: .eip7883) == 16 * 255)
        // 33 bytes: 2·5² = 50.
        #expect(ModExp.gas(lengths: l.init(base: 33, exponent: 32, modulus: 1), exponentHeadBitLength: 256, pricing: .eip7883) == 50 * 255)
        // Exponent over 32 bytes: 16 per extra byte.
        #expect(ModExp.gas(lengths: l.init(base: 64, exponent: 64, modulus: 64), exponentHeadBitLength: 0, pricing: .eip7883) == 128 * 512)
        #expect(ModExp.gas(lengths: l.init(base: 64, exponent: 64, modulus: 64), exponentHeadBitLength: 0, pricing: .eip2565) == 64 * 256 / 3)
        // Bounds.
        for (b, e, m) in [(1025, 1, 1), (1, 1025, 1), (1, 1, 1025)] {
            let input = word(UInt64(b)) + word(UInt64(e)) + word(UInt64(m))
            let osaka = ModExp.run(input: input, gasLimit: 100_000_000, pricing: .eip7883)
            #expect(osaka == .failure(gasUsed: 100_000_000, .invalidInput), "\(b) \(e) \(m)")
            #expect(ModExp.run(input: input, gasLimit: 100_000_000, pricing: .eip2565).isSuccess)
        }
        let atBound = word(1024) + word(1024) + word(1024)
        #expect(ModExp.gas(input: atBound, pricing: .eip7883) == 2 * 128 * 128 * (16 * 992))
        #expect(ModExp.run(input: atBound, gasLimit: 1_000_000_000, pricing: .eip7883).output == [UInt8](repeating: 0, count: 1024))
        let shortExp = word(1024) + word(0) + word(1024) + [UInt8](repeating: 0, count: 2047) + [7]
        #expect(ModExp.run(input: shortExp, gasLimit: 32768, pricing: .eip7883).output == [UInt8](repeating: 0, count: 1023) + [1])
    }
}
