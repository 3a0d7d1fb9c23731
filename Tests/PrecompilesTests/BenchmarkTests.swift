import Foundation
import Precompiles
import TestSupport
import Testing

/// Throughput numbers, printed; run only with HEMI_BENCH=1, meant for release builds:
///   HEMI_BENCH=1 swift test -c release --filter PrecompilesTests.BenchmarkTests
@Suite(.enabled(if: ProcessInfo.processInfo.environment["HEMI_BENCH"] != nil))
struct BenchmarkTests {
    static func time(_ body: () -> Void) -> Double {
        var iterations = 0
        let clock = ContinuousClock()
        let start = clock.now
        repeat {
            body()
            iterations += 1
        } while clock.now - start < .seconds(2) || iterations < 3
        let d = clock.now - start
        return (Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18) / Double(iterations)
    }

    @Test func modexp() {
        var rng = SplitMix64(seed: 42)
        for (bits, odd) in [(2048, true), (2048, false), (1024, true), (4096, true)] {
            let n = bits / 8
            var m = ModExpOracleTests.bytes(n, &rng)
            m[0] |= 0x80
            if odd { m[n - 1] |= 1 } else { m[n - 1] &= 0xfe }
            var e = ModExpOracleTests.bytes(n, &rng)
            e[0] |= 0x80
            let input = modexpInput(base: ModExpOracleTests.bytes(n, &rng), exponent: e, modulus: m)
            let gas = ModExp.gas(input: input, pricing: .eip2565)
            let t = Self.time { _ = ModExp.run(input: input, gasLimit: .max, pricing: .eip2565) }
            print("modexp \(bits)-bit base/exp/mod (\(odd ? "odd" : "even") modulus): \(t * 1e3) ms, EIP-2565 gas \(gas) → \(Double(gas) / t / 1e6) Mgas/s")
        }
    }

    @Test func blake2f() {
        var input = [UInt8](repeating: 0x5a, count: 213)
        input[0] = 0; input[1] = 0x0f; input[2] = 0x42; input[3] = 0x40  // 1,000,000 rounds
        input[212] = 1
        let t = Self.time { _ = Blake2F.run(input: input, gasLimit: 1_000_000) }
        print("blake2f 1M rounds: \(t * 1e3) ms → \(1 / t) Mgas/s")
    }

    @Test func ecrecover() {
        let input = hex(
            """
            18c547e4f7b0f325ad1e56f57e26c745b09a3e503d86e00e5255ff7f715d3d1c
            000000000000000000000000000000000000000000000000000000000000001c
            73b1693892219d736caba55bdb67216e485557ea6b6af75f37096c9aa6a5a75f
            eeb940b1d03b21e36b0e47e79769f095fe2ab855bd91e3a38756b7d75a9c4549
            """)
        let t = Self.time { for _ in 0..<100 { _ = Ecrecover.run(input: input, gasLimit: 3000) } } / 100
        print("ecrecover: \(t * 1e6) µs → \(3000 / t / 1e6) Mgas/s")
    }
}
