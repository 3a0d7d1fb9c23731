import Foundation
import Testing
import Primitives
import Hashing
import Bitcoin
import BitcoinScript
import CSecp256k1

/// One parsed row of script_tests.json.
struct ScriptTestCase {
    var index: Int
    var witness: [[UInt8]]
    var amount: Int64
    var scriptSig: [UInt8]
    var scriptPubKey: [UInt8]
    var flags: ScriptFlags
    var expected: String
    var text: String
}

/// NUMS point H from BIP341 (Core's XOnlyPubKey::NUMS_H).
let numsH = [UInt8](hex: "50929b74c1a04954b78b4b6035e97a5e078a5a0f28ec96d547bfee9ace803ac0")!

/// x-only tweak of `internalKey` by `tweak` (test helper using libsecp256k1 directly).
func tweakXOnly(_ internalKey: [UInt8], _ tweak: Bytes32) -> (x: [UInt8], parity: UInt8)? {
    guard let ctx = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE)) else { return nil }
    defer { secp256k1_context_destroy(ctx) }
    var xpk = secp256k1_xonly_pubkey()
    guard secp256k1_xonly_pubkey_parse(ctx, &xpk, internalKey) == 1 else { return nil }
    var out = secp256k1_pubkey()
    guard secp256k1_xonly_pubkey_tweak_add(ctx, &out, &xpk, tweak.bytes) == 1 else { return nil }
    var outX = secp256k1_xonly_pubkey()
    var parity: Int32 = 0
    guard secp256k1_xonly_pubkey_from_pubkey(ctx, &outX, &parity, &out) == 1 else { return nil }
    var ser = [UInt8](repeating: 0, count: 32)
    guard secp256k1_xonly_pubkey_serialize(ctx, &ser, &outX) == 1 else { return nil }
    return (ser, UInt8(parity))
}

func loadScriptTests() throws -> [ScriptTestCase] {
    guard let rows = try loadJSON("bitcoin/core/script_tests.json") as? [[Any]] else {
        throw VectorError("script_tests.json: not an array of arrays")
    }
    var cases: [ScriptTestCase] = []
    for (index, row) in rows.enumerated() where row.count > 1 {
        var pos = 0
        var witness: [[UInt8]] = []
        var amount: Int64 = 0
        var tapscript: [UInt8]? = nil
        var outputKey: [UInt8]? = nil
        if let w = row[0] as? [Any] {
            for element in w.dropLast() {
                guard let s = element as? String else { throw VectorError("row \(index): bad witness element") }
                if s.hasPrefix("#SCRIPT#") {
                    let script = try asm(String(s.dropFirst("#SCRIPT#".count)))
                    tapscript = script
                    witness.append(script)
                } else if s == "#CONTROLBLOCK#" {
                    // TaprootBuilder().Add(0, script, 0xc0).Finalize(NUMS_H): a single leaf at the root.
                    let leaf = Taproot.leafHash(leafVersion: 0xc0, script: tapscript ?? [])
                    var h = TaggedHash.tapTweak.hasher()
                    h.update(numsH)
                    h.update(leaf)
                    guard let (x, parity) = tweakXOnly(numsH, h.finalize()) else { throw VectorError("tweak failed") }
                    outputKey = x
                    witness.append([0xc0 | parity] + numsH)
                } else {
                    guard let b = [UInt8](hex: s) else { throw VectorError("row \(index): bad witness hex") }
                    witness.append(b)
                }
            }
            amount = satoshis(w.last as Any)
            pos = 1
        }
        guard row.count >= pos + 4, let sigAsm = row[pos] as? String, var pubAsm = row[pos + 1] as? String,
            let flagText = row[pos + 2] as? String, let expected = row[pos + 3] as? String
        else { throw VectorError("row \(index): malformed") }
        if pubAsm.contains("#TAPROOTOUTPUT#") {
            guard let key = outputKey else { throw VectorError("row \(index): #TAPROOTOUTPUT# without control block") }
            pubAsm = pubAsm.replacingOccurrences(of: "#TAPROOTOUTPUT#", with: "0x" + key.hex)
        }
        guard let flags = ScriptFlags(coreNames: flagText) else { throw VectorError("row \(index): bad flags \(flagText)") }
        let text = row.map { "\($0)" }.joined(separator: " | ")
        cases.append(
            ScriptTestCase(
                index: index, witness: witness, amount: amount, scriptSig: try asm(sigAsm),
                scriptPubKey: try asm(pubAsm), flags: flags, expected: expected, text: text))
    }
    return cases
}

/// Core's DoTest: CLEANSTACK implies P2SH and WITNESS.
func runScriptTest(_ c: ScriptTestCase, flags: ScriptFlags) -> ScriptError? {
    var flags = flags
    if flags.contains(.cleanStack) { flags.formUnion([.p2sh, .witness]) }
    let credit = buildCreditingTransaction(scriptPubKey: c.scriptPubKey, amount: c.amount)
    let spend = buildSpendingTransaction(scriptSig: c.scriptSig, witness: c.witness, credit: credit)
    let pre = PrecomputedTransactionData(tx: spend, spentOutputs: credit.outputs)
    return verifyScript(tx: spend, inputIndex: 0, spentOutput: credit.outputs[0], precomputed: pre, flags: flags)
}

@Suite struct ScriptTestsJSON {
    @Test func allCasesGiveCoresResult() throws {
        let cases = try loadScriptTests()
        #expect(cases.count == 1212)
        var passed = 0
        var failures: [String] = []
        for c in cases {
            let got = runScriptTest(c, flags: c.flags)?.coreName ?? "OK"
            if got == c.expected {
                passed += 1
            } else {
                failures.append("#\(c.index): got \(got), expected \(c.expected): \(c.text)")
            }
        }
        print("script_tests.json: \(passed)/\(cases.count) pass")
        for f in failures { print("FAIL script_tests \(f)") }
        #expect(failures.isEmpty, "\(failures.count) script_tests.json cases failed")
    }

    /// Core's DoTest also checks that removing flags from a passing case, or adding flags to a
    /// failing one, leaves the verdict unchanged. Done here one flag at a time, deterministically.
    @Test func verdictIsMonotoneInFlags() throws {
        let cases = try loadScriptTests()
        var failures: [String] = []
        for c in cases {
            let expectOK = c.expected == "OK"
            for (name, flag) in ScriptFlags.namedFlags {
                var f = c.flags
                if c.flags.contains(.cleanStack) { f.formUnion([.p2sh, .witness]) }
                if expectOK { f.remove(flag) } else { f.insert(flag) }
                if f.contains(.cleanStack) && !f.isSuperset(of: [.p2sh, .witness]) { continue }
                if f.contains(.witness) && !f.contains(.p2sh) { continue }
                let ok = runScriptTest(c, flags: f) == nil
                if ok != expectOK { failures.append("#\(c.index) \(expectOK ? "-" : "+")\(name): \(c.text)") }
            }
            // And 16 random combinations of the low 16 flags, as DoTest does.
            var rng = ScriptTestRNG(state: UInt64(c.index) &* 0x1234_5678)
            var base = c.flags
            if base.contains(.cleanStack) { base.formUnion([.p2sh, .witness]) }
            for _ in 0..<16 {
                let extra = ScriptFlags(rawValue: UInt32(truncatingIfNeeded: rng.next()) & 0xffff)
                let f = expectOK ? base.subtracting(extra) : base.union(extra)
                if f.contains(.cleanStack) && !f.isSuperset(of: [.p2sh, .witness]) { continue }
                if f.contains(.witness) && !f.contains(.p2sh) { continue }
                let ok = runScriptTest(c, flags: f) == nil
                if ok != expectOK { failures.append("#\(c.index) flags \(f.coreNames): \(c.text)") }
            }
        }
        for f in failures { print("FAIL flag-monotonicity \(f)") }
        #expect(failures.isEmpty)
    }
}
