import Testing
import Primitives
import Hashing
import Bitcoin
import BitcoinScript

/// Deterministic SplitMix64 generator, so failures reproduce (local to this test target).
struct ScriptTestRNG: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random scripts, biased toward real opcodes and small valid pushes so execution goes deep.
func randomScript(_ rng: inout ScriptTestRNG, maxOps: Int) -> [UInt8] {
    var s: [UInt8] = []
    let n = Int.random(in: 0...maxOps, using: &rng)
    for _ in 0..<n {
        switch Int.random(in: 0..<10, using: &rng) {
        case 0:  // any byte, including truncated pushes
            s.append(UInt8.random(in: 0...255, using: &rng))
        case 1, 2:  // small push
            let len = Int.random(in: 0...6, using: &rng)
            Script.appendPush((0..<len).map { _ in UInt8.random(in: 0...255, using: &rng) }, to: &s)
        case 3:  // signature- or key-sized push
            let len = [33, 65, 71, 72, 32, 64, 65].randomElement(using: &rng)!
            var d = (0..<len).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if len == 33 { d[0] = 2 } else if len >= 70 { d[0] = 0x30 }
            Script.appendPush(d, to: &s)
        default:  // an opcode from the interesting range
            s.append(UInt8.random(in: 0x4f...0xba, using: &rng))
        }
    }
    return s
}

@Suite struct FuzzTests {
    /// Random scripts, witnesses and flag sets through every verification path must return a
    /// verdict, never trap. The shapes below wrap random scripts in P2SH, P2WSH, P2SH-P2WSH and
    /// tapscript leaves so the deeper paths run too.
    @Test func randomScriptsNeverCrash() {
        var rng = ScriptTestRNG(state: 0x5eed_1234)
        var outcomes: [String: Int] = [:]
        let base = Transaction(
            version: 2,
            inputs: [
                TxIn(prevout: OutPoint(txid: Bytes32(hex: String(repeating: "11", count: 32))!, vout: 0), sequence: 5),
                TxIn(prevout: OutPoint(txid: Bytes32(hex: String(repeating: "22", count: 32))!, vout: 1), sequence: 0xffff_fffe),
            ],
            outputs: [TxOut(value: 1000, scriptPubKey: [0x51])], lockTime: 100)
        let iterations = 24_000
        for i in 0..<iterations {
            var tx = base
            let inner = randomScript(&rng, maxOps: 24)
            var scriptSig: [UInt8] = randomScript(&rng, maxOps: 6)
            var witness: [[UInt8]] = []
            for _ in 0..<Int.random(in: 0...3, using: &rng) {
                witness.append((0..<Int.random(in: 0...40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) })
            }
            let scriptPubKey: [UInt8]
            switch i % 6 {
            case 0:
                scriptPubKey = inner
            case 1:  // P2SH
                scriptSig += Script.pushData(inner)
                scriptPubKey = [0xa9, 0x14] + hash160(inner).bytes + [0x87]
            case 2:  // P2WSH
                scriptSig = []
                witness.append(inner)
                scriptPubKey = [0x00, 0x20] + SHA256Hash.hash(inner).bytes
            case 3:  // P2SH-P2WSH
                let program = [0x00, 0x20] + SHA256Hash.hash(inner).bytes
                scriptSig = Script.pushData(program)
                witness.append(inner)
                scriptPubKey = [0xa9, 0x14] + hash160(program).bytes + [0x87]
            case 4:  // tapscript leaf with an arbitrary (usually non-matching) control block
                scriptSig = []
                let control: [UInt8] = [0xc0] + (0..<(32 + 32 * Int.random(in: 0...2, using: &rng))).map { _ in
                    UInt8.random(in: 0...255, using: &rng)
                }
                witness += [inner, control]
                scriptPubKey = [0x51, 0x20] + (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
            default:  // raw random bytes
                scriptPubKey = (0..<Int.random(in: 0...60, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            }
            tx.inputs[0].scriptSig = scriptSig
            tx.inputs[0].witness = witness
            let spent = TxOut(value: Int64.random(in: -1...5000, using: &rng), scriptPubKey: scriptPubKey)
            let other = TxOut(value: 1, scriptPubKey: [0x51])
            let pre = PrecomputedTransactionData(tx: tx, spentOutputs: Bool.random(using: &rng) ? [spent, other] : [])
            let flags = i % 3 == 0 ? ScriptFlags.all : ScriptFlags(rawValue: UInt32.random(in: 0...0x1f_ffff, using: &rng))
            let r = verifyScript(tx: tx, inputIndex: 0, spentOutput: spent, precomputed: pre, flags: flags)
            outcomes[r?.coreName ?? "OK", default: 0] += 1
            _ = SigOps.legacyCount(inner, accurate: true)
            _ = SigOps.p2shCount(scriptSig: scriptSig, scriptPubKey: scriptPubKey)
            _ = SigOps.witnessCount(scriptSig: scriptSig, scriptPubKey: scriptPubKey, witness: witness, flags: flags)
            _ = SigHash.legacy(tx: tx, inputIndex: 0, scriptCode: inner, hashType: Int32(bitPattern: UInt32(truncatingIfNeeded: rng.next())))
        }
        #expect(outcomes.values.reduce(0, +) == iterations)
        // The generator must actually reach success and a spread of failure modes.
        #expect(outcomes["OK", default: 0] > 0)
        #expect(outcomes.count > 15, "\(outcomes)")
    }

    /// Bit flips of the script_tests.json scripts: no crash, and a verdict every time.
    @Test func mutatedVectorsNeverCrash() throws {
        let cases = try loadScriptTests()
        var rng = ScriptTestRNG(state: 42)
        var count = 0
        for c in cases {
            for _ in 0..<4 {
                var sig = c.scriptSig
                var pub = c.scriptPubKey
                if !sig.isEmpty && Bool.random(using: &rng) {
                    sig[Int.random(in: 0..<sig.count, using: &rng)] ^= UInt8(1 << Int.random(in: 0..<8, using: &rng))
                }
                if !pub.isEmpty {
                    pub[Int.random(in: 0..<pub.count, using: &rng)] ^= UInt8(1 << Int.random(in: 0..<8, using: &rng))
                }
                let m = ScriptTestCase(
                    index: c.index, witness: c.witness, amount: c.amount, scriptSig: sig, scriptPubKey: pub,
                    flags: c.flags, expected: c.expected, text: c.text)
                _ = runScriptTest(m, flags: ScriptFlags.all)
                _ = runScriptTest(m, flags: c.flags)
                count += 1
            }
        }
        #expect(count == cases.count * 4)
    }
}
