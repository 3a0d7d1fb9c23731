import Foundation
import Testing
import Primitives
import Bitcoin
import BitcoinScript
import TestSupport

@Suite struct MainnetBlockTests {
    /// Every input of mainnet block 277647 (btcd's script-validation block, 732 P2PKH inputs)
    /// verifies against its recorded previous output, under the rules of the time (P2SH) and
    /// also under today's consensus flags.
    @Test func block277647AllInputsVerify() throws {
        let raw = try TestData.bytes("bitcoin/blocks/block277647.dat")
        var r = ByteReader(raw, offset: 8 + 80)  // blk framing + header
        let count = try r.readCompactSize(limit: 100_000)
        var txs: [Transaction] = []
        for _ in 0..<count { txs.append(try Transaction.decode(from: &r)) }
        try r.expectEnd()
        guard let rows = try loadJSON("bitcoin/blocks/block277647.prevouts.json") as? [[String: Any]] else {
            throw VectorError("bad prevouts json")
        }
        var prevouts: [OutPoint: TxOut] = [:]
        for row in rows {
            guard let txid = TxID(displayHex: row["txid"] as? String ?? ""), let vout = (row["vout"] as? NSNumber)?.uint32Value,
                let value = (row["value"] as? NSNumber)?.int64Value, let spk = [UInt8](hex: row["scriptPubKey"] as? String ?? "")
            else { throw VectorError("bad prevout row") }
            prevouts[OutPoint(txid: txid, vout: vout)] = TxOut(value: value, scriptPubKey: spk)
        }
        var verified = 0
        var failures: [String] = []
        let clock = ContinuousClock()
        let start = clock.now
        for tx in txs.dropFirst() {
            let spent = tx.inputs.map { prevouts[$0.prevout] ?? TxOut(value: 0, scriptPubKey: []) }
            let pre = PrecomputedTransactionData(tx: tx, spentOutputs: spent)
            for i in 0..<tx.inputs.count {
                for flags: ScriptFlags in [[.p2sh], .mandatory] {
                    if let e = verifyScript(tx: tx, inputIndex: i, spentOutput: spent[i], precomputed: pre, flags: flags) {
                        failures.append("\(tx.computeTxID().displayHex):\(i) flags \(flags.coreNames): \(e.coreName)")
                    }
                }
                verified += 1
            }
        }
        let elapsed = clock.now - start
        print("block 277647: \(verified) inputs verified twice in \(elapsed)")
        for f in failures { print("FAIL block277647 \(f)") }
        #expect(verified == 732)
        #expect(failures.isEmpty)
    }
}
