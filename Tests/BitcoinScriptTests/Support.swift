import Foundation
import Primitives
import Bitcoin
import BitcoinScript
import TestSupport

/// Loads a JSON vector file from the shared testdata (fails loudly if absent).
func loadJSON(_ relative: String) throws -> Any {
    let bytes = try TestData.bytes(relative)
    return try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
}

struct VectorError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

func asm(_ s: String) throws -> [UInt8] {
    do { return try ScriptAsm.parse(s) } catch { throw VectorError("asm parse failed: \(s): \(error)") }
}

/// Core's BuildCreditingTransaction.
func buildCreditingTransaction(scriptPubKey: [UInt8], amount: Int64) -> Transaction {
    Transaction(
        version: 1,
        inputs: [TxIn(prevout: .null, scriptSig: [0x00, 0x00], sequence: 0xffff_ffff)],
        outputs: [TxOut(value: amount, scriptPubKey: scriptPubKey)],
        lockTime: 0)
}

/// Core's BuildSpendingTransaction.
func buildSpendingTransaction(scriptSig: [UInt8], witness: [[UInt8]], credit: Transaction) -> Transaction {
    Transaction(
        version: 1,
        inputs: [
            TxIn(
                prevout: OutPoint(txid: credit.computeTxID(), vout: 0), scriptSig: scriptSig, sequence: 0xffff_ffff,
                witness: witness)
        ],
        outputs: [TxOut(value: credit.outputs[0].value, scriptPubKey: [])],
        lockTime: 0)
}

/// BTC amount (JSON number) to satoshis, as Core's AmountFromValue.
func satoshis(_ v: Any) -> Int64 {
    if let n = v as? NSNumber { return Int64((n.doubleValue * 1e8).rounded()) }
    return 0
}
