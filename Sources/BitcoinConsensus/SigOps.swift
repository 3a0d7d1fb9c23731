public import Bitcoin
import BitcoinScript

/// Transaction-level signature-operation counts (Bitcoin Core `GetLegacySigOpCount`,
/// `GetP2SHSigOpCount`, `GetTransactionSigOpCost`) over the script-level counters of
/// `BitcoinScript.SigOps` (`CScript::GetSigOpCount`, `CountWitnessSigOps`).
public enum LegacySigOps {
    /// Core's `CScript::GetSigOpCount(fAccurate)`.
    public static func count(script: [UInt8], accurate: Bool) -> Int {
        SigOps.legacyCount(script, accurate: accurate)
    }

    /// Core's `GetLegacySigOpCount`: inaccurate counts over every scriptSig and scriptPubKey.
    public static func legacyCount(_ tx: Transaction) -> Int {
        var n = 0
        for i in tx.inputs { n += SigOps.legacyCount(i.scriptSig, accurate: false) }
        for o in tx.outputs { n += SigOps.legacyCount(o.scriptPubKey, accurate: false) }
        return n
    }

    /// Core's `IsPayToScriptHash`: `OP_HASH160 <20> OP_EQUAL`.
    public static func isP2SH(_ s: [UInt8]) -> Bool {
        s.count == 23 && s[0] == 0xa9 && s[1] == 0x14 && s[22] == 0x87
    }

    /// Core's `GetTransactionSigOpCost`: legacy × 4, plus P2SH × 4 (with `SCRIPT_VERIFY_P2SH`), plus
    /// witness sigops. `spent` are the outputs the inputs spend, in order.
    public static func transactionCost(_ tx: Transaction, spent: [TxOut], flags: UInt32) -> Int {
        var cost = legacyCount(tx) * BlockLimits.witnessScaleFactor
        if tx.isCoinbase { return cost }
        let scriptFlags = ScriptFlags(rawValue: flags)
        if scriptFlags.contains(.p2sh) {
            for (i, input) in tx.inputs.enumerated() where i < spent.count && isP2SH(spent[i].scriptPubKey) {
                cost += SigOps.p2shCount(scriptSig: input.scriptSig, scriptPubKey: spent[i].scriptPubKey)
                    * BlockLimits.witnessScaleFactor
            }
        }
        for (i, input) in tx.inputs.enumerated() where i < spent.count {
            cost += SigOps.witnessCount(
                scriptSig: input.scriptSig, scriptPubKey: spent[i].scriptPubKey, witness: input.witness, flags: scriptFlags)
        }
        return cost
    }
}
