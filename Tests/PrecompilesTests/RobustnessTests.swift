import Precompiles
import TestSupport
import Testing

/// Random inputs across all precompiles of every fork: nothing traps, gas used never exceeds the
/// limit, failures use all gas, and successful outputs have the documented sizes.
@Suite struct RobustnessTests {
    @Test func randomInputsNeverCrash() {
        var rng = SplitMix64(seed: 0xf022)
        let sets = PrecompileFork.allCases.map { PrecompileSet(fork: $0) }
        var runs = 0, successes = 0
        let word: (UInt64) -> [UInt8] = { v in [UInt8](repeating: 0, count: 24) + (0..<8).map { UInt8(truncatingIfNeeded: v >> UInt64(56 - 8 * $0)) } }
        while runs < 100_000 {
            let set = sets[Int.random(in: 0..<sets.count, using: &rng)]
            let p = set.precompiles[Int.random(in: 0..<set.precompiles.count, using: &rng)]
            var input: [UInt8]
            switch Int.random(in: 0..<6, using: &rng) {
            case 0:
                input = (0..<Int.random(in: 0...300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            case 1:  // structured modexp-like header with small or huge lengths
                func len() -> [UInt8] {
                    switch Int.random(in: 0..<4, using: &rng) {
                    case 0: return word(UInt64.random(in: 0...40, using: &rng))
                    case 1: return word(UInt64.random(in: 0...(Int.random(in: 0..<32, using: &rng) == 0 ? 1100 : 200), using: &rng))
                    case 2: return (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
                    default: return word(UInt64.random(in: 0...UInt64.max, using: &rng))
                    }
                }
                input = len() + len() + len()
                input += (0..<Int.random(in: 0...120, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            case 2:  // blake2f-sized with few rounds and random flag
                input = (0..<213).map { _ in UInt8.random(in: 0...255, using: &rng) }
                input[0] = 0
                input[1] = 0
                input[2] = 0
                input[212] = UInt8.random(in: 0...2, using: &rng)
            case 3:  // ecrecover-shaped: v 27/28
                input = (0..<128).map { _ in UInt8.random(in: 0...255, using: &rng) }
                for i in 32..<63 { input[i] = 0 }
                input[63] = UInt8.random(in: 27...28, using: &rng)
            case 4:
                input = []
            default:
                input = [UInt8](repeating: 0xff, count: Int.random(in: 1...260, using: &rng))
            }
            let gasLimit: UInt64 = [0, 100, 3_000, 50_000, 1_000_000, 30_000_000][Int.random(in: 0..<6, using: &rng)]
            let r = p.run(input: input, gasLimit: gasLimit)
            #expect(r.gasUsed <= gasLimit)
            switch r {
            case let .failure(g, _):
                #expect(g == gasLimit)
            case let .success(gas, out):
                successes += 1
                switch p.kind {
                case .ecrecover: #expect(out.isEmpty || out.count == 32)
                case .sha256:
                    #expect(out.count == 32)
                    #expect(gas == SHA256Precompile.gas(inputLength: input.count))
                case .ripemd160:
                    #expect(out.count == 32)
                    #expect(gas == RIPEMD160Precompile.gas(inputLength: input.count))
                case .identity: #expect(out == input)
                case .blake2f:
                    #expect(out.count == 64)
                    #expect(gas == Blake2F.gas(input: input))
                case .modexp:
                    #expect(UInt64(out.count) == ModExp.Lengths(input: input).modulus)
                    let pricing: ModExp.Pricing = p.fork >= .osaka ? .eip7883 : p.fork >= .berlin ? .eip2565 : .eip198
                    #expect(gas == ModExp.gas(input: input, pricing: pricing))
                case .bn254Add, .bn254Mul:
                    #expect(out.count == 64)
                    #expect(gas == (p.kind == .bn254Add ? BN254Precompiles.addGas(fork: p.fork) : BN254Precompiles.mulGas(fork: p.fork)))
                case .p256Verify:
                    #expect(out.isEmpty || out == [UInt8](repeating: 0, count: 31) + [1])
                    #expect(gas == P256Verify.eip7951Gas)
                case .bn254Pairing:
                    #expect(out.count == 32 && input.count % 192 == 0)
                    #expect(gas == BN254Precompiles.pairingGas(inputLength: input.count, fork: p.fork))
                default: Issue.record("pending precompile \(p) succeeded")
                }
            }
            runs += 1
        }
        #expect(successes > 10_000)
    }
}
