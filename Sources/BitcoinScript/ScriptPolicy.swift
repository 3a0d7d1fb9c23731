public import Bitcoin

/// Relay-policy rules on witnesses (Core's `IsWitnessStandard`, policy/policy.cpp). These are not
/// consensus rules; the interpreter never applies them.
public enum ScriptPolicy {
    /// Largest standard P2WSH witness script.
    public static let maxStandardP2WSHScriptSize = 3600
    /// Most standard P2WSH stack items, excluding the witness script.
    public static let maxStandardP2WSHStackItems = 100
    /// Largest standard P2WSH stack item, excluding the witness script.
    public static let maxStandardP2WSHStackItemSize = 80
    /// Largest standard tapscript stack item, excluding the script and control block.
    public static let maxStandardTapscriptStackItemSize = 80

    /// False if any input's witness breaks Core's standardness limits. `spentOutputs` has one
    /// entry per input (inputs without a witness are not inspected).
    public static func isWitnessStandard(tx: Transaction, spentOutputs: [TxOut]) -> Bool {
        if tx.isCoinbase { return true }
        for (i, input) in tx.inputs.enumerated() where !input.witness.isEmpty {
            guard i < spentOutputs.count else { return false }
            var prevScript = spentOutputs[i].scriptPubKey
            // Witness stuffing on pay-to-anchor.
            if prevScript == [0x51, 0x02, 0x4e, 0x73] { return false }
            var p2sh = false
            if Script.isPayToScriptHash(prevScript) {
                // Take the redeem script casually from the scriptSig's resulting stack.
                var stack: [[UInt8]] = []
                var exec = ScriptExecutionData()
                do {
                    try evalScript(
                        stack: &stack, script: input.scriptSig, flags: [], checker: NullSignatureChecker(),
                        sigVersion: .base, execData: &exec)
                } catch { return false }
                guard let last = stack.last else { return false }
                prevScript = last
                p2sh = true
            }
            guard let wp = Script.witnessProgram(prevScript) else { return false }
            let witness = input.witness
            if wp.version == 0 && wp.program.count == 32 {
                if witness[witness.count - 1].count > maxStandardP2WSHScriptSize { return false }
                let items = witness.count - 1
                if items > maxStandardP2WSHStackItems { return false }
                for j in 0..<items where witness[j].count > maxStandardP2WSHStackItemSize { return false }
            }
            if wp.version == 1 && wp.program.count == 32 && !p2sh {
                var stack = witness[...]
                if stack.count >= 2, let first = stack.last?.first, first == Taproot.annexTag {
                    return false  // annexes are non-standard until given meaning
                }
                if stack.count >= 2 {
                    let control = stack.removeLast()
                    stack.removeLast()  // the script
                    guard let leaf = control.first else { return false }
                    if leaf & Taproot.leafMask == Taproot.leafTapscript {
                        for item in stack where item.count > maxStandardTapscriptStackItemSize { return false }
                    }
                } else if stack.count != 1 {
                    return false
                }
            }
        }
        return true
    }
}
