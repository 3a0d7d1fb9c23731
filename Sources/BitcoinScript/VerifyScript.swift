public import Primitives
public import Bitcoin
import Hashing
import Secp256k1

/// BIP341 constants.
public enum Taproot {
    public static let leafMask: UInt8 = 0xfe
    public static let leafTapscript: UInt8 = 0xc0
    public static let annexTag: UInt8 = 0x50
    public static let controlBaseSize = 33
    public static let controlNodeSize = 32
    public static let controlMaxNodeCount = 128
    public static let controlMaxSize = controlBaseSize + controlNodeSize * controlMaxNodeCount

    /// TapLeaf(leaf_version || compact_size(script) || script).
    public static func leafHash(leafVersion: UInt8, script: [UInt8]) -> Bytes32 {
        var w = ByteWriter(capacity: script.count + 10)
        w.write(leafVersion)
        w.writeVarBytes(script)
        return TaggedHash.tapLeaf.hash(w.bytes)
    }

    /// TapBranch of two nodes in lexicographic order.
    public static func branchHash(_ a: Bytes32, _ b: Bytes32) -> Bytes32 {
        var h = TaggedHash.tapBranch.hasher()
        if a < b {
            h.update(a)
            h.update(b)
        } else {
            h.update(b)
            h.update(a)
        }
        return h.finalize()
    }

    /// The merkle root from a leaf hash and a control block's path.
    public static func merkleRoot(control: [UInt8], leafHash: Bytes32) -> Bytes32 {
        let pathLength = (control.count - controlBaseSize) / controlNodeSize
        var k = leafHash
        for i in 0..<pathLength {
            let start = controlBaseSize + controlNodeSize * i
            let node = Bytes32(control[start..<(start + controlNodeSize)])
            k = branchHash(k, node)
        }
        return k
    }

    /// Core's `VerifyTaprootCommitment`.
    static func verifyCommitment(control: [UInt8], program: [UInt8], leafHash: Bytes32) -> Bool {
        let internalKey = Array(control[1..<controlBaseSize])
        let root = merkleRoot(control: control, leafHash: leafHash)
        var h = TaggedHash.tapTweak.hasher()
        h.update(internalKey)
        h.update(root)
        let tweak = h.finalize()
        return Secp256k1.checkTapTweak(
            internalKeyX: internalKey, tweak: tweak, outputKeyX: program, parity: control[0] & 1 == 1)
    }
}

/// Core's `VerifyScript`: scriptSig, then scriptPubKey, then P2SH redeem script and witness
/// program rules, then CLEANSTACK and unexpected-witness checks. Throws the exact Core error.
public func verifyScript<Checker: SignatureChecker>(
    scriptSig: [UInt8], scriptPubKey: [UInt8], witness: [[UInt8]], flags: ScriptFlags, checker: Checker
) throws(ScriptError) {
    if flags.contains(.sigPushOnly) && !Script.isPushOnly(scriptSig) { throw .sigPushOnly }

    var execData = ScriptExecutionData()
    var stack: [[UInt8]] = []
    try evalScript(stack: &stack, script: scriptSig, flags: flags, checker: checker, sigVersion: .base, execData: &execData)
    let stackCopy = flags.contains(.p2sh) ? stack : []
    try evalScript(stack: &stack, script: scriptPubKey, flags: flags, checker: checker, sigVersion: .base, execData: &execData)
    guard let top = stack.last, castToBool(top) else { throw .evalFalse }

    var hadWitness = false
    // Bare witness programs.
    if flags.contains(.witness), let wp = Script.witnessProgram(scriptPubKey) {
        hadWitness = true
        // The scriptSig must be exactly empty, or we reintroduce malleability.
        if !scriptSig.isEmpty { throw .witnessMalleated }
        try verifyWitnessProgram(
            witness: witness, version: wp.version, program: wp.program, flags: flags, checker: checker, isP2SH: false)
        // The stack is obviously not clean for witness programs: bypass CLEANSTACK.
        stack.removeSubrange(1...)
    }

    // BIP16 pay-to-script-hash.
    if flags.contains(.p2sh) && Script.isPayToScriptHash(scriptPubKey) {
        if !Script.isPushOnly(scriptSig) { throw .sigPushOnly }
        stack = stackCopy
        // Cannot be empty: HASH160 <h> EQUAL would have failed on an empty stack.
        guard let redeemScript = stack.popLast() else { throw .evalFalse }
        try evalScript(stack: &stack, script: redeemScript, flags: flags, checker: checker, sigVersion: .base, execData: &execData)
        guard let top = stack.last, castToBool(top) else { throw .evalFalse }

        // P2SH-wrapped witness program.
        if flags.contains(.witness), let wp = Script.witnessProgram(redeemScript) {
            hadWitness = true
            // The scriptSig must be exactly one push of the redeem script.
            if scriptSig != Script.pushData(redeemScript) { throw .witnessMalleatedP2SH }
            try verifyWitnessProgram(
                witness: witness, version: wp.version, program: wp.program, flags: flags, checker: checker, isP2SH: true)
            stack.removeSubrange(1...)
        }
    }

    // CLEANSTACK only after P2SH and witness evaluation (Core asserts P2SH and WITNESS are set).
    if flags.contains(.cleanStack) {
        if stack.count != 1 { throw .cleanStack }
    }

    if flags.contains(.witness) {
        if !hadWitness && !witness.isEmpty { throw .witnessUnexpected }
    }
}

/// Core's `VerifyWitnessProgram` (BIP141 v0, BIP341 v1, P2A, and future versions).
func verifyWitnessProgram<Checker: SignatureChecker>(
    witness: [[UInt8]], version: Int, program: [UInt8], flags: ScriptFlags, checker: Checker, isP2SH: Bool
) throws(ScriptError) {
    var stack = witness
    var execData = ScriptExecutionData()
    if version == 0 {
        if program.count == 32 {
            // P2WSH: the last item is the script, committed by SHA256.
            guard let script = stack.popLast() else { throw .witnessProgramWitnessEmpty }
            if SHA256Hash.hash(script).bytes != program { throw .witnessProgramMismatch }
            try executeWitnessScript(
                stack: stack, script: script, flags: flags, sigVersion: .witnessV0, checker: checker, execData: &execData)
        } else if program.count == 20 {
            // P2WPKH: exactly signature and key, run as DUP HASH160 <program> EQUALVERIFY CHECKSIG.
            if stack.count != 2 { throw .witnessProgramMismatch }
            var script: [UInt8] = [0x76, 0xa9, 0x14]
            script.append(contentsOf: program)
            script.append(contentsOf: [0x88, 0xac])
            try executeWitnessScript(
                stack: stack, script: script, flags: flags, sigVersion: .witnessV0, checker: checker, execData: &execData)
        } else {
            throw .witnessProgramWrongLength
        }
    } else if version == 1 && program.count == 32 && !isP2SH {
        // BIP341 taproot.
        if !flags.contains(.taproot) { return }
        if stack.isEmpty { throw .witnessProgramWitnessEmpty }
        if stack.count >= 2, let first = stack[stack.count - 1].first, first == Taproot.annexTag {
            let annex = stack.removeLast()
            var w = ByteWriter(capacity: annex.count + 9)
            w.writeVarBytes(annex)
            execData.annexHash = SHA256Hash.hash(w.bytes)
        }
        if stack.count == 1 {
            // Key path.
            try checker.checkSchnorrSignature(stack[0], publicKey: program, sigVersion: .taproot, execData: &execData)
            return
        }
        // Script path.
        let control = stack.removeLast()
        let script = stack.removeLast()
        if control.count < Taproot.controlBaseSize || control.count > Taproot.controlMaxSize
            || (control.count - Taproot.controlBaseSize) % Taproot.controlNodeSize != 0
        {
            throw .taprootWrongControlSize
        }
        let leafVersion = control[0] & Taproot.leafMask
        let leafHash = Taproot.leafHash(leafVersion: leafVersion, script: script)
        if !Taproot.verifyCommitment(control: control, program: program, leafHash: leafHash) {
            throw .witnessProgramMismatch
        }
        execData.tapleafHash = leafHash
        if leafVersion == Taproot.leafTapscript {
            // BIP342 budget: 50 + the serialized size of the whole witness stack.
            var size = ByteWriter.compactSizeLength(UInt64(witness.count))
            for item in witness { size += ByteWriter.compactSizeLength(UInt64(item.count)) + item.count }
            execData.validationWeightLeft = Int64(size) + ScriptLimits.validationWeightOffset
            try executeWitnessScript(
                stack: stack, script: script, flags: flags, sigVersion: .tapscript, checker: checker, execData: &execData)
            return
        }
        if flags.contains(.discourageUpgradableTaprootVersion) { throw .discourageUpgradableTaprootVersion }
        return
    } else if !isP2SH && version == 1 && program == [0x4e, 0x73] {
        // Pay-to-anchor: anyone can spend.
        return
    } else {
        if flags.contains(.discourageUpgradableWitnessProgram) { throw .discourageUpgradableWitnessProgram }
        // Other version/size/P2SH combinations succeed, for future soft forks.
        return
    }
}

/// Core's `ExecuteWitnessScript`.
func executeWitnessScript<Checker: SignatureChecker>(
    stack initial: [[UInt8]], script: [UInt8], flags: ScriptFlags, sigVersion: SigVersion, checker: Checker,
    execData: inout ScriptExecutionData
) throws(ScriptError) {
    var stack = initial
    if sigVersion == .tapscript {
        // OP_SUCCESSx overrides everything, including the element size limits.
        var pc = 0
        while pc < script.count {
            guard let ins = getScriptOp(script, &pc) else { throw .badOpcode }
            if Opcode.isOpSuccess(ins.opcode) {
                if flags.contains(.discourageOpSuccess) { throw .discourageOpSuccess }
                return
            }
        }
        if stack.count > ScriptLimits.maxStackSize { throw .stackSize }
    }
    for item in stack where item.count > ScriptLimits.maxElementSize { throw .pushSize }
    try evalScript(stack: &stack, script: script, flags: flags, checker: checker, sigVersion: sigVersion, execData: &execData)
    // Witness scripts implicitly require a clean stack.
    if stack.count != 1 { throw .cleanStack }
    if !castToBool(stack[0]) { throw .evalFalse }
}

/// Verifies input `inputIndex` of `tx` spending `spentOutput` under `flags`.
/// Returns nil on success, else the error Bitcoin Core reports.
public func verifyScript(
    tx: Transaction, inputIndex: Int, spentOutput: TxOut, precomputed: PrecomputedTransactionData, flags: ScriptFlags
) -> ScriptError? {
    guard inputIndex >= 0, inputIndex < tx.inputs.count else { return .unknownError }
    let input = tx.inputs[inputIndex]
    let checker = TransactionSignatureChecker(
        tx: tx, inputIndex: inputIndex, amount: spentOutput.value, precomputed: precomputed)
    do {
        try verifyScript(
            scriptSig: input.scriptSig, scriptPubKey: spentOutput.scriptPubKey, witness: input.witness, flags: flags,
            checker: checker)
        return nil
    } catch {
        return error
    }
}
