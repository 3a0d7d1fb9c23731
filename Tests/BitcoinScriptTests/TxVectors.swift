import Foundation
import Testing
import Primitives
import Bitcoin
import BitcoinScript

/// Core's transaction_tests.cpp helpers.
func trimFlags(_ f: ScriptFlags) -> ScriptFlags {
    var f = f
    // WITNESS requires P2SH; CLEANSTACK requires WITNESS (Core's order).
    if !f.contains(.p2sh) { f.remove(.witness) }
    if !f.contains(.witness) { f.remove(.cleanStack) }
    return f
}

func fillFlags(_ f: ScriptFlags) -> ScriptFlags {
    var f = f
    if f.contains(.cleanStack) { f.insert(.witness) }
    if f.contains(.witness) { f.insert(.p2sh) }
    return f
}

/// `ExcludeIndividualFlags`: every distinct trimmed set with one named flag removed.
func excludeIndividualFlags(_ f: ScriptFlags) -> [ScriptFlags] {
    var out: [ScriptFlags] = []
    for (_, flag) in ScriptFlags.namedFlags {
        let g = trimFlags(f.subtracting(flag))
        if g != f && !out.contains(g) { out.append(g) }
    }
    return out
}

struct TxTestCase {
    var index: Int
    var prevouts: [OutPoint: TxOut]
    var tx: Transaction
    var flagsText: String
    var text: String
}

func loadTxTests(_ file: String) throws -> [TxTestCase] {
    guard let rows = try loadJSON(file) as? [[Any]] else { throw VectorError("\(file): bad json") }
    var out: [TxTestCase] = []
    for (index, row) in rows.enumerated() {
        guard let inputs = row.first as? [[Any]] else { continue }  // comment row
        var prevouts: [OutPoint: TxOut] = [:]
        for p in inputs {
            guard p.count >= 3, let txid = TxID(displayHex: p[0] as? String ?? ""),
                let n = (p[1] as? NSNumber)?.int64Value, let spkAsm = p[2] as? String
            else { throw VectorError("\(file) row \(index): bad prevout") }
            let amount = p.count >= 4 ? ((p[3] as? NSNumber)?.int64Value ?? 0) : 0
            let vout = UInt32(truncatingIfNeeded: n)
            prevouts[OutPoint(txid: txid, vout: vout)] = TxOut(value: amount, scriptPubKey: try asm(spkAsm))
        }
        guard let hex = row[1] as? String, let bytes = [UInt8](hex: hex), let flags = row[2] as? String else {
            throw VectorError("\(file) row \(index): malformed")
        }
        let tx = try Transaction(bytes: bytes)
        out.append(
            TxTestCase(index: index, prevouts: prevouts, tx: tx, flagsText: flags, text: "\(row)"))
    }
    return out
}

/// Core's CheckTxScripts: true when every input's verdict equals `expectValid` (stopping at the
/// first invalid input, as Core does).
func checkTxScripts(_ c: TxTestCase, flags: ScriptFlags, expectValid: Bool) -> Bool {
    let spent = c.tx.inputs.map { c.prevouts[$0.prevout] ?? TxOut(value: 0, scriptPubKey: []) }
    let pre = PrecomputedTransactionData(tx: c.tx, spentOutputs: spent)
    var valid = true
    for i in 0..<c.tx.inputs.count where valid {
        guard let prev = c.prevouts[c.tx.inputs[i].prevout] else { return false }
        valid = verifyScript(tx: c.tx, inputIndex: i, spentOutput: prev, precomputed: pre, flags: flags) == nil
    }
    return valid == expectValid
}

@Suite struct TxVectors {
    @Test func txValid() throws {
        let cases = try loadTxTests("bitcoin/core/tx_valid.json")
        var passed = 0
        var failures: [String] = []
        for c in cases {
            guard let excluded = ScriptFlags(coreNames: c.flagsText) else {
                failures.append("#\(c.index): bad flags"); continue
            }
            var problems: [String] = []
            let verify = ScriptFlags.all.subtracting(excluded)
            if verify != fillFlags(verify) { problems.append("bad test flags") }
            if let f = TransactionChecks.checkTransaction(c.tx) { problems.append("CheckTransaction: \(f)") }
            if !checkTxScripts(c, flags: verify, expectValid: true) { problems.append("unexpectedly failed") }
            // Removing any flag, or a random combination, must not invalidate a valid transaction.
            var rng = ScriptTestRNG(state: UInt64(c.index))
            for (name, flag) in ScriptFlags.namedFlags {
                let f = trimFlags(ScriptFlags.all.subtracting(excluded.union(flag)))
                if !checkTxScripts(c, flags: f, expectValid: true) { problems.append("failed with \(name) unset") }
                let random = ScriptFlags(rawValue: UInt32(truncatingIfNeeded: rng.next()) & ScriptFlags.all.rawValue)
                let g = trimFlags(ScriptFlags.all.subtracting(excluded.union(random)))
                if !checkTxScripts(c, flags: g, expectValid: true) { problems.append("failed with \(random.coreNames) unset") }
            }
            // Flags are maximal: adding back any excluded flag makes it fail.
            for e in excludeIndividualFlags(excluded) {
                if !checkTxScripts(c, flags: ScriptFlags.all.subtracting(e), expectValid: false) {
                    problems.append("too many flags unset (\(ScriptFlags.all.subtracting(e).coreNames))")
                }
            }
            if problems.isEmpty { passed += 1 } else { failures.append("#\(c.index): \(problems): \(c.text)") }
        }
        print("tx_valid.json: \(passed)/\(cases.count) pass")
        for f in failures { print("FAIL tx_valid \(f)") }
        #expect(cases.count == 121)
        #expect(failures.isEmpty)
    }

    @Test func txInvalid() throws {
        let cases = try loadTxTests("bitcoin/core/tx_invalid.json")
        var passed = 0
        var failures: [String] = []
        for c in cases {
            var problems: [String] = []
            if c.flagsText == "BADTX" {
                if TransactionChecks.checkTransaction(c.tx) == nil { problems.append("CheckTransaction passed") }
            } else if let failure = TransactionChecks.checkTransaction(c.tx) {
                problems.append("CheckTransaction failed (\(failure)) but test is not BADTX")
            } else {
                guard let verify = ScriptFlags(coreNames: c.flagsText) else {
                    failures.append("#\(c.index): bad flags"); continue
                }
                if verify != fillFlags(verify) { problems.append("bad test flags") }
                if !checkTxScripts(c, flags: verify, expectValid: false) { problems.append("unexpectedly passed") }
                // Adding any flag, or a random combination, must not validate an invalid transaction.
                var rng = ScriptTestRNG(state: UInt64(c.index))
                for (name, flag) in ScriptFlags.namedFlags {
                    if !checkTxScripts(c, flags: fillFlags(verify.union(flag)), expectValid: false) {
                        problems.append("passed with \(name) set")
                    }
                    let random = ScriptFlags(rawValue: UInt32(truncatingIfNeeded: rng.next()) & ScriptFlags.all.rawValue)
                    if !checkTxScripts(c, flags: fillFlags(verify.union(random)), expectValid: false) {
                        problems.append("passed with \(random.coreNames) set")
                    }
                }
                // Flags are minimal: removing any one makes it pass.
                for e in excludeIndividualFlags(verify) {
                    if !checkTxScripts(c, flags: e, expectValid: true) { problems.append("too many flags set (\(e.coreNames))") }
                }
            }
            if problems.isEmpty { passed += 1 } else { failures.append("#\(c.index): \(problems): \(c.text)") }
        }
        print("tx_invalid.json: \(passed)/\(cases.count) pass")
        for f in failures { print("FAIL tx_invalid \(f)") }
        #expect(cases.count == 93)
        #expect(failures.isEmpty)
    }
}
