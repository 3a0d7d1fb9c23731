import Curves
import Foundation
import Primitives
import TestSupport
import Testing

/// Timings, only with HEMI_BENCH=1. Run alone (other suites run in parallel with it) and in release
/// without testable imports, which otherwise cost ~40% on the pairing:
///
///     HEMI_BENCH=1 swift test -c release --disable-testable-imports --filter CurvesTests.BenchTests
///
/// Prints the median of 7 runs in µs. Wall time on shared machines is noisy; for before/after
/// comparisons prefer instruction counts (`valgrind --tool=callgrind`).
@Suite struct BenchTests {
    static let enabled = ProcessInfo.processInfo.environment["HEMI_BENCH"] == "1"

    func median(_ label: String, iterations: Int, _ body: () -> Void) {
        var samples: [Double] = []
        for _ in 0..<7 {
            let clock = ContinuousClock()
            let start = clock.now
            for _ in 0..<iterations { body() }
            let d = clock.now - start
            let us = Double(d.components.seconds) * 1e6 + Double(d.components.attoseconds) / 1e12
            samples.append(us / Double(iterations))
        }
        samples.sort()
        print(
            "bench \(label): \(String(format: "%.2f", samples[samples.count / 2])) µs (median of 7, \(iterations) iterations each)"
        )
    }

    @Test(.enabled(if: BenchTests.enabled)) func precompiles() {
        var g = SplitMix64(seed: 99)
        func g1(_ p: G1) -> [UInt8] {
            let a = p.computeAffine()!
            return a.x.value.bigEndianBytes + a.y.value.bigEndianBytes
        }
        func g2(_ q: G2) -> [UInt8] {
            let a = q.computeAffine()!
            return a.x.c1.value.bigEndianBytes + a.x.c0.value.bigEndianBytes + a.y.c1.value.bigEndianBytes
                + a.y.c0.value.bigEndianBytes
        }
        let p1 = G1.generator.multiplied(by: H.randomScalar(&g))
        let p2 = G1.generator.multiplied(by: H.randomScalar(&g))
        let addIn = g1(p1) + g1(p2)
        let mulIn = g1(p1) + H.randomU256(&g).bigEndianBytes
        let a = H.randomScalar(&g)
        let b = H.randomScalar(&g)
        let ab = H.u256((H.big(a) * H.big(b)) % H.r)
        let pairIn =
            g1(G1.generator.multiplied(by: a)) + g2(G2.generator.multiplied(by: b))
            + g1(G1.generator.multiplied(by: ab).negated()) + g2(G2.generator)
        #expect(BN254.pairing(input: pairIn)?.last == 1)
        var sink = 0
        median("fp mul ×1000", iterations: 200) {
            var x = H.randomFp(&g)
            let y = x
            for _ in 0..<1000 { x = x * y }
            sink &+= Int(x.l0 & 1)
        }
        median("ecAdd", iterations: 2000) { sink &+= BN254.add(input: addIn)?.count ?? 0 }
        median("ecMul", iterations: 200) { sink &+= BN254.mul(input: mulIn)?.count ?? 0 }
        median("ecPairing 2 pairs", iterations: 5) { sink &+= BN254.pairing(input: pairIn)?.count ?? 0 }
        let pa = G1Affine(x: p1.computeAffine()!.x, y: p1.computeAffine()!.y)
        let qa = G2.generator.computeAffine()!
        let q = G2Affine(x: qa.x, y: qa.y)
        median("miller loop 1 pair", iterations: 10) { sink &+= Pairing.millerLoop([(pa, q)]).isOne ? 1 : 0 }
        let f = Pairing.millerLoop([(pa, q)])
        median("final exponentiation", iterations: 10) { sink &+= Pairing.finalExponentiation(f).isOne ? 1 : 0 }
        median("G2 subgroup check", iterations: 10) { sink &+= G2.generator.isInSubgroup() ? 1 : 0 }
        #expect(sink != 0)
    }
}
