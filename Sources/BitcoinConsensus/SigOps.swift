public import Bitcoin

/// Signature-operation counting (Bitcoin Core `CScript::GetSigOpCount`, `GetLegacySigOpCount`,
/// `GetP2SHSigOpCount`, `GetTransactionSigOpCost`, `WitnessSigOps`).
///
/// This is a small opcode walk of its own; the full interpreter lives in `BitcoinScript`.
public enum LegacySigOps {
    static let opPushData1: UInt8 = 0x4c, opPushData2: UInt8 = 0x4d, opPushData4: UInt8 = 0x4e
    static let op1: UInt8 = 0x51, op16: UInt8 = 0x60
    static let opCheckSig: UInt8 = 0xac, opCheckSigVerify: UInt8 = 0xad
    static let opCheckMultiSig: UInt8 = 0xae, opCheckMultiSigVerify: UInt8 = 0xaf
    /// `MAX_PUBKEYS_PER_MULTISIG`.
    public static let maxPubkeysPerMultisig = 20

    /// One step of Core's `GetScriptOp`: the opcode at `pc` and, for pushes, the pushed range.
    /// Returns nil when the script ends inside a push (Core stops counting there).
    @inline(__always)
    static func nextOp(_ s: [UInt8], _ pc: inout Int) -> (opcode: UInt8, data: Range<Int>)? {
        guard pc < s.count else { return nil }
        let op = s[pc]
        pc += 1
        var size = 0
        if op < opPushData1 {
            size = Int(op)
        } else if op == opPushData1 {
            guard s.count - pc >= 1 else { return nil }
            size = Int(s[pc])
            pc += 1
        } else if op == opPushData2 {
            guard s.count - pc >= 2 else { return nil }
            size = Int(s[pc]) | Int(s[pc + 1]) << 8
            pc += 2
        } else if op == opPushData4 {
            guard s.count - pc >= 4 else { return nil }
            size = Int(s[pc]) | Int(s[pc + 1]) << 8 | Int(s[pc + 2]) << 16 | Int(s[pc + 3]) << 24
            pc += 4
        } else {
            return (op, pc..<pc)
        }
        guard size >= 0, s.count - pc >= size else { return nil }
        let r = pc..<(pc + size)
        pc += size
        return (op, r)
    }

    /// Core's `CScript::GetSigOpCount(fAccurate)`: CHECKSIG(VERIFY) count 1; CHECKMULTISIG(VERIFY)
    /// counts 20, or n when `accurate` and preceded by OP_n (1...16). Counting stops at a truncated push.
    public static func count(script: [UInt8], accurate: Bool) -> Int {
        var n = 0
        var pc = 0
        var last: UInt8 = 0xff  // OP_INVALIDOPCODE
        while let (op, _) = nextOp(script, &pc) {
            if op == opCheckSig || op == opCheckSigVerify {
                n += 1
            } else if op == opCheckMultiSig || op == opCheckMultiSigVerify {
                if accurate && last >= op1 && last <= op16 { n += Int(last - op1) + 1 } else { n += maxPubkeysPerMultisig }
            }
            last = op
        }
        return n
    }

    /// Core's `GetLegacySigOpCount`: inaccurate counts over every scriptSig and scriptPubKey.
    public static func legacyCount(_ tx: Transaction) -> Int {
        var n = 0
        for i in tx.inputs { n += count(script: i.scriptSig, accurate: false) }
        for o in tx.outputs { n += count(script: o.scriptPubKey, accurate: false) }
        return n
    }

    /// Core's `IsPayToScriptHash`: `OP_HASH160 <20> OP_EQUAL`.
    public static func isP2SH(_ s: [UInt8]) -> Bool {
        s.count == 23 && s[0] == 0xa9 && s[1] == 0x14 && s[22] == 0x87
    }

    /// Core's `IsPushOnly` (OP_RESERVED counts as a push) plus the last pushed data, or nil if the
    /// script is not push-only or is malformed.
    static func pushOnlyLastData(_ s: [UInt8]) -> (ok: Bool, last: ArraySlice<UInt8>) {
        var pc = 0
        var last: ArraySlice<UInt8> = []
        while pc < s.count {
            guard let (op, data) = nextOp(s, &pc) else { return (false, []) }
            if op > op16 { return (false, []) }
            last = s[data]
        }
        return (true, last)
    }

    /// Core's `CScript::GetSigOpCount(const CScript& scriptSig)` for a P2SH scriptPubKey: the accurate
    /// count of the redeem script (the last push of the scriptSig); 0 if the scriptSig is not push-only.
    public static func p2shCount(scriptPubKey: [UInt8], scriptSig: [UInt8]) -> Int {
        guard isP2SH(scriptPubKey) else { return count(script: scriptPubKey, accurate: true) }
        // Core walks the scriptSig: any opcode > OP_16 returns 0; the last push is the redeem script.
        let (ok, last) = pushOnlyLastData(scriptSig)
        guard ok else { return 0 }
        return count(script: Array(last), accurate: true)
    }

    /// Core's `IsWitnessProgram`: version opcode (OP_0 or OP_1...OP_16) then one push of 2...40 bytes,
    /// the whole script 4...42 bytes.
    public static func witnessProgram(_ s: [UInt8]) -> (version: Int, program: ArraySlice<UInt8>)? {
        guard s.count >= 4, s.count <= 42 else { return nil }
        guard s[0] == 0 || (s[0] >= op1 && s[0] <= op16) else { return nil }
        guard Int(s[1]) + 2 == s.count else { return nil }
        let v = s[0] == 0 ? 0 : Int(s[0] - op1) + 1
        return (v, s[2...])
    }

    /// Core's `WitnessSigOps`: v0 20-byte → 1; v0 32-byte → accurate count of the witness script (last
    /// stack item); other versions → 0.
    static func witnessSigOps(version: Int, program: ArraySlice<UInt8>, witness: [[UInt8]]) -> Int {
        guard version == 0 else { return 0 }
        if program.count == 20 { return 1 }
        if program.count == 32, let script = witness.last { return count(script: script, accurate: true) }
        return 0
    }

    /// Core's `CountWitnessSigOps` (requires `SCRIPT_VERIFY_WITNESS` in `flags`).
    public static func witnessCount(scriptSig: [UInt8], scriptPubKey: [UInt8], witness: [[UInt8]], flags: UInt32) -> Int {
        guard flags & ScriptFlagBits.witness != 0 else { return 0 }
        if let (v, p) = witnessProgram(scriptPubKey) { return witnessSigOps(version: v, program: p, witness: witness) }
        if isP2SH(scriptPubKey) && flags & ScriptFlagBits.p2sh != 0 {
            let (ok, last) = pushOnlyLastData(scriptSig)
            if ok, let (v, p) = witnessProgram(Array(last)) { return witnessSigOps(version: v, program: p, witness: witness) }
        }
        return 0
    }

    /// Core's `GetTransactionSigOpCost`: legacy × 4, plus P2SH × 4 (with `SCRIPT_VERIFY_P2SH`), plus
    /// witness sigops. `spent` are the outputs the inputs spend, in order.
    public static func transactionCost(_ tx: Transaction, spent: [TxOut], flags: UInt32) -> Int {
        var cost = legacyCount(tx) * BlockLimits.witnessScaleFactor
        if tx.isCoinbase { return cost }
        if flags & ScriptFlagBits.p2sh != 0 {
            for (i, input) in tx.inputs.enumerated() where i < spent.count && isP2SH(spent[i].scriptPubKey) {
                cost += p2shCount(scriptPubKey: spent[i].scriptPubKey, scriptSig: input.scriptSig) * BlockLimits.witnessScaleFactor
            }
        }
        for (i, input) in tx.inputs.enumerated() where i < spent.count {
            cost += witnessCount(scriptSig: input.scriptSig, scriptPubKey: spent[i].scriptPubKey, witness: input.witness, flags: flags)
        }
        return cost
    }
}
