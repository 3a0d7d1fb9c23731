/// Signature-operation counting (Core's `GetSigOpCount`, `GetP2SHSigOpCount`, `CountWitnessSigOps`).
public enum SigOps {
    /// `CScript::GetSigOpCount(fAccurate)`: CHECKSIG(VERIFY) count 1; CHECKMULTISIG(VERIFY) counts
    /// the preceding OP_1..OP_16 when `accurate`, else 20. Stops at a truncated push.
    public static func legacyCount(_ script: [UInt8], accurate: Bool) -> Int {
        var n = 0
        var pc = 0
        var last: UInt8 = 0xff
        while pc < script.count {
            guard let ins = getScriptOp(script, &pc) else { break }
            let op = ins.opcode
            if op == 0xac || op == 0xad {
                n += 1
            } else if op == 0xae || op == 0xaf {
                if accurate && last >= 0x51 && last <= 0x60 {
                    n += Int(last) - 0x50
                } else {
                    n += ScriptLimits.maxPubkeysPerMultisig
                }
            }
            last = op
        }
        return n
    }

    /// Sigops of a P2SH redeem script: the last push of a push-only scriptSig, counted accurately.
    /// 0 when `scriptPubKey` is not P2SH or `scriptSig` is not push-only.
    public static func p2shCount(scriptSig: [UInt8], scriptPubKey: [UInt8]) -> Int {
        guard Script.isPayToScriptHash(scriptPubKey) else { return 0 }
        var pc = 0
        var last: ArraySlice<UInt8> = []
        while pc < scriptSig.count {
            guard let ins = getScriptOp(scriptSig, &pc) else { return 0 }
            if ins.opcode > 0x60 { return 0 }
            last = scriptSig[ins.dataStart..<(ins.dataStart + ins.dataCount)]
        }
        return legacyCount(Array(last), accurate: true)
    }

    /// `CountWitnessSigOps`: P2WPKH counts 1; P2WSH counts the witness script accurately; also
    /// through a P2SH wrapper. 0 without the WITNESS flag.
    public static func witnessCount(scriptSig: [UInt8], scriptPubKey: [UInt8], witness: [[UInt8]], flags: ScriptFlags) -> Int {
        guard flags.contains(.witness) else { return 0 }
        if let wp = Script.witnessProgram(scriptPubKey) {
            return witnessSigOps(version: wp.version, program: wp.program, witness: witness)
        }
        if Script.isPayToScriptHash(scriptPubKey) && Script.isPushOnly(scriptSig) {
            var pc = 0
            var last: ArraySlice<UInt8> = []
            while pc < scriptSig.count {
                guard let ins = getScriptOp(scriptSig, &pc) else { break }
                last = scriptSig[ins.dataStart..<(ins.dataStart + ins.dataCount)]
            }
            if let wp = Script.witnessProgram(Array(last)) {
                return witnessSigOps(version: wp.version, program: wp.program, witness: witness)
            }
        }
        return 0
    }

    static func witnessSigOps(version: Int, program: [UInt8], witness: [[UInt8]]) -> Int {
        if version == 0 {
            if program.count == 20 { return 1 }
            if program.count == 32, let script = witness.last { return legacyCount(script, accurate: true) }
        }
        return 0
    }
}
