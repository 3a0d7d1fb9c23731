import Curves
import Foundation
import Primitives
import TestSupport
import Testing

/// Writes random precompile inputs and our outputs as JSON lines for
/// `tests/diff/bn254_vs_py_ecc.py check FILE` (py_ecc recomputes each). Runs only when
/// HEMI_BN254_DIFF_OUT names the output file; HEMI_BN254_DIFF_N sets the add/mul case count.
@Suite struct DifferentialDumpTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["HEMI_BN254_DIFF_OUT"] != nil))
    func dump() throws {
        let env = ProcessInfo.processInfo.environment
        let path = env["HEMI_BN254_DIFF_OUT"] ?? ""
        let n = Int(env["HEMI_BN254_DIFF_N"] ?? "") ?? 200
        var g = SplitMix64(seed: UInt64(env["HEMI_BN254_DIFF_SEED"] ?? "") ?? 7)
        var lines: [String] = []
        func emit(_ op: String, _ input: [UInt8], _ out: [UInt8]?) {
            let o = out.map { "\"\(H.hex($0))\"" } ?? "null"
            lines.append("{\"op\": \"\(op)\", \"input\": \"\(H.hex(input))\", \"output\": \(o)}")
        }
        func g1(_ p: G1) -> [UInt8] {
            guard let a = p.computeAffine() else { return [UInt8](repeating: 0, count: 64) }
            return a.x.value.bigEndianBytes + a.y.value.bigEndianBytes
        }
        func g2(_ q: G2) -> [UInt8] {
            guard let a = q.computeAffine() else { return [UInt8](repeating: 0, count: 128) }
            return a.x.c1.value.bigEndianBytes + a.x.c0.value.bigEndianBytes + a.y.c1.value.bigEndianBytes
                + a.y.c0.value.bigEndianBytes
        }
        func randomG1() -> [UInt8] {
            switch g.next() % 8 {
            case 0: return [UInt8](repeating: 0, count: 64)
            case 1: return H.randomU256(&g).bigEndianBytes + H.randomU256(&g).bigEndianBytes  // junk
            case 2: return UInt256(1).bigEndianBytes + (Fp.modulus &+ UInt256(2)).bigEndianBytes
            default: return g1(G1.generator.multiplied(by: H.randomScalar(&g)))
            }
        }
        for _ in 0..<n {
            let a = randomG1()
            let b = g.next() % 4 == 0 ? a : randomG1()
            var input = a + b
            if g.next() % 5 == 0 { input = Array(input.prefix(Int(g.next() % 140))) }
            emit("add", input, BN254.add(input: input))
        }
        for _ in 0..<n {
            let s: UInt256 = g.next() % 3 == 0 ? H.randomScalar(&g) : H.randomU256(&g)
            var input = randomG1() + s.bigEndianBytes
            if g.next() % 5 == 0 { input = Array(input.prefix(Int(g.next() % 100))) }
            emit("mul", input, BN254.mul(input: input))
        }
        for i in 0..<max(4, n / 25) {
            var input: [UInt8] = []
            let k = 1 + Int(g.next() % 3)
            if i % 2 == 0 {
                // A product that is 1: pairs (aP, bQ), (−abP, Q) and infinities.
                let a = H.randomScalar(&g)
                let b = H.randomScalar(&g)
                let ab = H.u256((H.big(a) * H.big(b)) % H.r)
                input = g1(G1.generator.multiplied(by: a)) + g2(G2.generator.multiplied(by: b))
                input += g1(G1.generator.multiplied(by: ab).negated()) + g2(G2.generator)
                if i % 4 == 0 { input += [UInt8](repeating: 0, count: 64) + g2(G2.generator) }
            } else {
                for _ in 0..<k {
                    input += g1(G1.generator.multiplied(by: H.randomScalar(&g)))
                    input +=
                        g.next() % 6 == 0
                        ? g2(H.twistPointOutsideSubgroup(&g)) : g2(G2.generator.multiplied(by: H.randomScalar(&g)))
                }
            }
            emit("pairing", input, BN254.pairing(input: input))
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        print("wrote \(lines.count) cases to \(path)")
    }
}
