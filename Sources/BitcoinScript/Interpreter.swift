import Primitives
import Hashing
import Secp256k1

/// Core's `ConditionStack`: the IF/ELSE nesting as a size plus the position of the first false.
@usableFromInline
struct ConditionStack {
    @usableFromInline var size = 0
    @usableFromInline var firstFalse = -1

    @inlinable var isEmpty: Bool { size == 0 }
    @inlinable var allTrue: Bool { firstFalse == -1 }
    @inlinable mutating func push(_ v: Bool) {
        if firstFalse == -1 && !v { firstFalse = size }
        size += 1
    }
    @inlinable mutating func pop() {
        size -= 1
        if firstFalse == size { firstFalse = -1 }
    }
    @inlinable mutating func toggleTop() {
        if firstFalse == -1 {
            firstFalse = size - 1
        } else if firstFalse == size - 1 {
            firstFalse = -1
        }
        // Otherwise a false below the top keeps everything unexecuted.
    }
}

@usableFromInline let vchTrue: [UInt8] = [1]
@usableFromInline let vchFalse: [UInt8] = []

/// BIP66 strict DER (`IsValidSignatureEncoding`), on a signature including its hash-type byte.
public func isValidSignatureEncoding(_ sig: [UInt8]) -> Bool {
    let n = sig.count
    if n < 9 || n > 73 { return false }
    if sig[0] != 0x30 { return false }
    if Int(sig[1]) != n - 3 { return false }
    let lenR = Int(sig[3])
    if 5 + lenR >= n { return false }
    let lenS = Int(sig[5 + lenR])
    if lenR + lenS + 7 != n { return false }
    if sig[2] != 0x02 { return false }
    if lenR == 0 { return false }
    if sig[4] & 0x80 != 0 { return false }
    if lenR > 1 && sig[4] == 0x00 && sig[5] & 0x80 == 0 { return false }
    if sig[lenR + 4] != 0x02 { return false }
    if lenS == 0 { return false }
    if sig[lenR + 6] & 0x80 != 0 { return false }
    if lenS > 1 && sig[lenR + 6] == 0x00 && sig[lenR + 7] & 0x80 == 0 { return false }
    return true
}

/// Core's `CheckSignatureEncoding` (DER, low-S and defined hash type, depending on flags).
func checkSignatureEncoding(_ sig: [UInt8], flags: ScriptFlags) throws(ScriptError) {
    if sig.isEmpty { return }
    if !flags.isDisjoint(with: [.derSig, .lowS, .strictEnc]) && !isValidSignatureEncoding(sig) {
        throw .sigDER
    } else if flags.contains(.lowS) && !Secp256k1.isLowS(signatureDER: Array(sig.dropLast())) {
        // IsLowDERSignature (the encoding was checked just above).
        throw .sigHighS
    } else if flags.contains(.strictEnc) {
        // IsDefinedHashtypeSignature
        let base = sig[sig.count - 1] & ~SigHash.anyoneCanPay
        if base < SigHash.all || base > SigHash.single { throw .sigHashtype }
    }
}

/// Core's `CheckPubKeyEncoding`.
func checkPubKeyEncoding(_ key: [UInt8], flags: ScriptFlags, sigVersion: SigVersion) throws(ScriptError) {
    if flags.contains(.strictEnc) {
        // IsCompressedOrUncompressedPubKey
        var ok = false
        if key.count >= 33 {
            if key[0] == 0x04 { ok = key.count == 65 } else if key[0] == 0x02 || key[0] == 0x03 { ok = key.count == 33 }
        }
        if !ok { throw .pubkeyType }
    }
    if flags.contains(.witnessPubkeyType) && sigVersion == .witnessV0 {
        if !(key.count == 33 && (key[0] == 0x02 || key[0] == 0x03)) { throw .witnessPubkeyType }
    }
}

/// Core's `EvalScript`: runs `script` on `stack` under `flags` and `sigVersion`.
/// Throws the exact error Core reports; on success the stack holds the result.
public func evalScript<Checker: SignatureChecker>(
    stack: inout [[UInt8]], script: [UInt8], flags: ScriptFlags, checker: Checker, sigVersion: SigVersion,
    execData: inout ScriptExecutionData
) throws(ScriptError) {
    let end = script.count
    if (sigVersion == .base || sigVersion == .witnessV0) && end > ScriptLimits.maxScriptSize {
        throw .scriptSize
    }
    var pc = 0
    var beginCodeHash = 0
    var vfExec = ConditionStack()
    var altstack: [[UInt8]] = []
    var opCount = 0
    let requireMinimal = flags.contains(.minimalData)
    let legacyLimits = sigVersion == .base || sigVersion == .witnessV0
    var opcodePos: UInt32 = 0
    execData.codeSeparatorPosition = 0xffff_ffff

    @inline(__always) func num(_ v: [UInt8]) throws(ScriptError) -> Int64 {
        try ScriptNum.decode(v, requireMinimal: requireMinimal)
    }

    while pc < end {
        defer { opcodePos &+= 1 }
        let fExec = vfExec.allTrue

        guard let ins = getScriptOp(script, &pc) else { throw .badOpcode }
        let opcode = ins.opcode
        if ins.dataCount > ScriptLimits.maxElementSize { throw .pushSize }

        if legacyLimits && opcode > 0x60 {
            opCount += 1
            if opCount > ScriptLimits.maxOpsPerScript { throw .opCount }
        }

        switch opcode {
        case 0x7e, 0x7f, 0x80, 0x81,  // CAT SUBSTR LEFT RIGHT
            0x83, 0x84, 0x85, 0x86,  // INVERT AND OR XOR
            0x8d, 0x8e, 0x95, 0x96, 0x97, 0x98, 0x99:  // 2MUL 2DIV MUL DIV MOD LSHIFT RSHIFT
            throw .disabledOpcode  // CVE-2010-5137
        default: break
        }

        if opcode == 0xab && sigVersion == .base && flags.contains(.constScriptCode) {
            throw .opCodeseparator
        }

        if fExec && opcode <= 0x4e {
            let data = script[ins.dataStart..<(ins.dataStart + ins.dataCount)]
            if requireMinimal && !Script.isMinimalPush(data, opcode: opcode) { throw .minimalData }
            stack.append(Array(data))
        } else if fExec || (opcode >= 0x63 && opcode <= 0x68) {
            let n = stack.count
            switch opcode {
            // MARK: Push value
            case 0x4f, 0x51...0x60:  // OP_1NEGATE, OP_1..OP_16 ( -- value)
                stack.append(ScriptNum.encode(Int64(opcode) - 0x50))

            // MARK: Control
            case 0x61:  // OP_NOP
                break

            case 0xb1:  // OP_CHECKLOCKTIMEVERIFY (x -- x)
                if !flags.contains(.checkLockTimeVerify) { break }  // NOP2
                if n < 1 { throw .invalidStackOperation }
                // 5-byte operands: nLockTime is a uint32 (see BIP65).
                let lockTime = try ScriptNum.decode(stack[n - 1], requireMinimal: requireMinimal, maxSize: 5)
                if lockTime < 0 { throw .negativeLocktime }
                if !checker.checkLockTime(lockTime) { throw .unsatisfiedLocktime }

            case 0xb2:  // OP_CHECKSEQUENCEVERIFY (x -- x)
                if !flags.contains(.checkSequenceVerify) { break }  // NOP3
                if n < 1 { throw .invalidStackOperation }
                let sequence = try ScriptNum.decode(stack[n - 1], requireMinimal: requireMinimal, maxSize: 5)
                if sequence < 0 { throw .negativeLocktime }
                // BIP112: the disable flag makes it a NOP, for future soft forks.
                if sequence & Int64(1 << 31) != 0 { break }
                if !checker.checkSequence(sequence) { throw .unsatisfiedLocktime }

            case 0xb0, 0xb3...0xb9:  // OP_NOP1, OP_NOP4..OP_NOP10
                if flags.contains(.discourageUpgradableNops) { throw .discourageUpgradableNops }

            case 0x63, 0x64:  // OP_IF, OP_NOTIF
                var value = false
                if fExec {
                    if n < 1 { throw .unbalancedConditional }
                    let top = stack[n - 1]
                    if sigVersion == .tapscript {
                        // BIP342: MINIMALIF is consensus in tapscript.
                        if top.count > 1 || (top.count == 1 && top[0] != 1) { throw .tapscriptMinimalIf }
                    }
                    if sigVersion == .witnessV0 && flags.contains(.minimalIf) {
                        if top.count > 1 { throw .minimalIf }
                        if top.count == 1 && top[0] != 1 { throw .minimalIf }
                    }
                    value = castToBool(top)
                    if opcode == 0x64 { value = !value }
                    stack.removeLast()
                }
                vfExec.push(value)

            case 0x67:  // OP_ELSE
                if vfExec.isEmpty { throw .unbalancedConditional }
                vfExec.toggleTop()

            case 0x68:  // OP_ENDIF
                if vfExec.isEmpty { throw .unbalancedConditional }
                vfExec.pop()

            case 0x69:  // OP_VERIFY (true -- ) or (false -- false) and fail
                if n < 1 { throw .invalidStackOperation }
                if castToBool(stack[n - 1]) { stack.removeLast() } else { throw .verify }

            case 0x6a:  // OP_RETURN
                throw .opReturn

            // MARK: Stack ops
            case 0x6b:  // OP_TOALTSTACK
                if n < 1 { throw .invalidStackOperation }
                altstack.append(stack.removeLast())

            case 0x6c:  // OP_FROMALTSTACK
                if altstack.isEmpty { throw .invalidAltstackOperation }
                stack.append(altstack.removeLast())

            case 0x6d:  // OP_2DROP (x1 x2 -- )
                if n < 2 { throw .invalidStackOperation }
                stack.removeLast(2)

            case 0x6e:  // OP_2DUP (x1 x2 -- x1 x2 x1 x2)
                if n < 2 { throw .invalidStackOperation }
                stack.append(stack[n - 2])
                stack.append(stack[n - 1])

            case 0x6f:  // OP_3DUP (x1 x2 x3 -- x1 x2 x3 x1 x2 x3)
                if n < 3 { throw .invalidStackOperation }
                stack.append(stack[n - 3])
                stack.append(stack[n - 2])
                stack.append(stack[n - 1])

            case 0x70:  // OP_2OVER (x1 x2 x3 x4 -- x1 x2 x3 x4 x1 x2)
                if n < 4 { throw .invalidStackOperation }
                stack.append(stack[n - 4])
                stack.append(stack[n - 3])

            case 0x71:  // OP_2ROT (x1 x2 x3 x4 x5 x6 -- x3 x4 x5 x6 x1 x2)
                if n < 6 { throw .invalidStackOperation }
                let a = stack[n - 6]
                let b = stack[n - 5]
                stack.removeSubrange((n - 6)..<(n - 4))
                stack.append(a)
                stack.append(b)

            case 0x72:  // OP_2SWAP (x1 x2 x3 x4 -- x3 x4 x1 x2)
                if n < 4 { throw .invalidStackOperation }
                stack.swapAt(n - 4, n - 2)
                stack.swapAt(n - 3, n - 1)

            case 0x73:  // OP_IFDUP (x -- 0 | x x)
                if n < 1 { throw .invalidStackOperation }
                if castToBool(stack[n - 1]) { stack.append(stack[n - 1]) }

            case 0x74:  // OP_DEPTH ( -- stacksize)
                stack.append(ScriptNum.encode(Int64(n)))

            case 0x75:  // OP_DROP (x -- )
                if n < 1 { throw .invalidStackOperation }
                stack.removeLast()

            case 0x76:  // OP_DUP (x -- x x)
                if n < 1 { throw .invalidStackOperation }
                stack.append(stack[n - 1])

            case 0x77:  // OP_NIP (x1 x2 -- x2)
                if n < 2 { throw .invalidStackOperation }
                stack.remove(at: n - 2)

            case 0x78:  // OP_OVER (x1 x2 -- x1 x2 x1)
                if n < 2 { throw .invalidStackOperation }
                stack.append(stack[n - 2])

            case 0x79, 0x7a:  // OP_PICK, OP_ROLL (xn ... x0 n -- xn ... x0 xn) / (... x0 xn)
                if n < 2 { throw .invalidStackOperation }
                let k = ScriptNum.clampToInt32(try num(stack[n - 1]))
                stack.removeLast()
                if k < 0 || k >= stack.count { throw .invalidStackOperation }
                let idx = stack.count - k - 1
                let v = stack[idx]
                if opcode == 0x7a { stack.remove(at: idx) }
                stack.append(v)

            case 0x7b:  // OP_ROT (x1 x2 x3 -- x2 x3 x1)
                if n < 3 { throw .invalidStackOperation }
                stack.swapAt(n - 3, n - 2)
                stack.swapAt(n - 2, n - 1)

            case 0x7c:  // OP_SWAP (x1 x2 -- x2 x1)
                if n < 2 { throw .invalidStackOperation }
                stack.swapAt(n - 2, n - 1)

            case 0x7d:  // OP_TUCK (x1 x2 -- x2 x1 x2)
                if n < 2 { throw .invalidStackOperation }
                stack.insert(stack[n - 1], at: n - 2)

            case 0x82:  // OP_SIZE (in -- in size)
                if n < 1 { throw .invalidStackOperation }
                stack.append(ScriptNum.encode(Int64(stack[n - 1].count)))

            // MARK: Bitwise logic
            case 0x87, 0x88:  // OP_EQUAL, OP_EQUALVERIFY (x1 x2 -- bool)
                if n < 2 { throw .invalidStackOperation }
                let equal = stack[n - 2] == stack[n - 1]
                stack.removeLast(2)
                if opcode == 0x88 {
                    if !equal {
                        stack.append(vchFalse)
                        throw .equalVerify
                    }
                } else {
                    stack.append(equal ? vchTrue : vchFalse)
                }

            // MARK: Numeric
            case 0x8b, 0x8c, 0x8f, 0x90, 0x91, 0x92:  // 1ADD 1SUB NEGATE ABS NOT 0NOTEQUAL (in -- out)
                if n < 1 { throw .invalidStackOperation }
                var bn = try num(stack[n - 1])
                switch opcode {
                case 0x8b: bn += 1
                case 0x8c: bn -= 1
                case 0x8f: bn = -bn
                case 0x90: if bn < 0 { bn = -bn }
                case 0x91: bn = bn == 0 ? 1 : 0
                default: bn = bn != 0 ? 1 : 0
                }
                stack[n - 1] = ScriptNum.encode(bn)

            case 0x93, 0x94, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4:  // (x1 x2 -- out)
                if n < 2 { throw .invalidStackOperation }
                let a = try num(stack[n - 2])
                let b = try num(stack[n - 1])
                let r: Int64
                switch opcode {
                case 0x93: r = a + b
                case 0x94: r = a - b
                case 0x9a: r = (a != 0 && b != 0) ? 1 : 0
                case 0x9b: r = (a != 0 || b != 0) ? 1 : 0
                case 0x9c, 0x9d: r = a == b ? 1 : 0
                case 0x9e: r = a != b ? 1 : 0
                case 0x9f: r = a < b ? 1 : 0
                case 0xa0: r = a > b ? 1 : 0
                case 0xa1: r = a <= b ? 1 : 0
                case 0xa2: r = a >= b ? 1 : 0
                case 0xa3: r = a < b ? a : b
                default: r = a > b ? a : b
                }
                stack.removeLast(2)
                if opcode == 0x9d {
                    if r == 0 {
                        stack.append(vchFalse)
                        throw .numEqualVerify
                    }
                } else {
                    stack.append(ScriptNum.encode(r))
                }

            case 0xa5:  // OP_WITHIN (x min max -- out)
                if n < 3 { throw .invalidStackOperation }
                let x = try num(stack[n - 3])
                let lo = try num(stack[n - 2])
                let hi = try num(stack[n - 1])
                stack.removeLast(3)
                stack.append(lo <= x && x < hi ? vchTrue : vchFalse)

            // MARK: Crypto
            case 0xa6:  // OP_RIPEMD160
                if n < 1 { throw .invalidStackOperation }
                stack[n - 1] = RIPEMD160.hash(stack[n - 1]).bytes
            case 0xa7:  // OP_SHA1
                if n < 1 { throw .invalidStackOperation }
                stack[n - 1] = SHA1.hash(stack[n - 1])
            case 0xa8:  // OP_SHA256
                if n < 1 { throw .invalidStackOperation }
                stack[n - 1] = SHA256Hash.hash(stack[n - 1]).bytes
            case 0xa9:  // OP_HASH160
                if n < 1 { throw .invalidStackOperation }
                stack[n - 1] = hash160(stack[n - 1]).bytes
            case 0xaa:  // OP_HASH256
                if n < 1 { throw .invalidStackOperation }
                stack[n - 1] = SHA256Hash.double(stack[n - 1]).bytes

            case 0xab:  // OP_CODESEPARATOR
                // With CONST_SCRIPTCODE this was rejected above for BASE scripts.
                beginCodeHash = pc
                execData.codeSeparatorPosition = opcodePos

            case 0xac, 0xad:  // OP_CHECKSIG, OP_CHECKSIGVERIFY (sig pubkey -- bool)
                if n < 2 { throw .invalidStackOperation }
                let success = try evalCheckSig(
                    sig: stack[n - 2], pubKey: stack[n - 1], script: script, beginCodeHash: beginCodeHash,
                    execData: &execData, flags: flags, checker: checker, sigVersion: sigVersion)
                stack.removeLast(2)
                if opcode == 0xad {
                    if !success {
                        stack.append(vchFalse)
                        throw .checkSigVerify
                    }
                } else {
                    stack.append(success ? vchTrue : vchFalse)
                }

            case 0xba:  // OP_CHECKSIGADD (sig num pubkey -- num), tapscript only
                if sigVersion == .base || sigVersion == .witnessV0 { throw .badOpcode }
                if n < 3 { throw .invalidStackOperation }
                let value = try num(stack[n - 2])
                let success = try evalCheckSig(
                    sig: stack[n - 3], pubKey: stack[n - 1], script: script, beginCodeHash: beginCodeHash,
                    execData: &execData, flags: flags, checker: checker, sigVersion: sigVersion)
                stack.removeLast(3)
                stack.append(ScriptNum.encode(value + (success ? 1 : 0)))

            case 0xae, 0xaf:  // OP_CHECKMULTISIG, OP_CHECKMULTISIGVERIFY
                if sigVersion == .tapscript { throw .tapscriptCheckMultisig }
                // ([sig ...] num_of_signatures [pubkey ...] num_of_pubkeys -- bool)
                var i = 1
                if n < i { throw .invalidStackOperation }
                var keysCount = ScriptNum.clampToInt32(try num(stack[n - i]))
                if keysCount < 0 || keysCount > ScriptLimits.maxPubkeysPerMultisig { throw .pubkeyCount }
                opCount += keysCount
                if opCount > ScriptLimits.maxOpsPerScript { throw .opCount }
                i += 1
                var ikey = i
                // Position of the last non-signature item (top = 1), for NULLFAIL cleanup.
                var ikey2 = keysCount + 2
                i += keysCount
                if n < i { throw .invalidStackOperation }
                var sigsCount = ScriptNum.clampToInt32(try num(stack[n - i]))
                if sigsCount < 0 || sigsCount > keysCount { throw .sigCount }
                i += 1
                var isig = i
                i += sigsCount
                if n < i { throw .invalidStackOperation }

                var scriptCode = Array(script[beginCodeHash..<end])
                if sigVersion == .base {
                    for k in 0..<sigsCount {
                        let found = Script.findAndDelete(&scriptCode, Script.pushData(stack[n - isig - k]))
                        if found > 0 && flags.contains(.constScriptCode) { throw .sigFindAndDelete }
                    }
                }

                var success = true
                while success && sigsCount > 0 {
                    let sig = stack[n - isig]
                    let key = stack[n - ikey]
                    try checkSignatureEncoding(sig, flags: flags)
                    try checkPubKeyEncoding(key, flags: flags, sigVersion: sigVersion)
                    if checker.checkECDSASignature(sig, publicKey: key, scriptCode: scriptCode, sigVersion: sigVersion) {
                        isig += 1
                        sigsCount -= 1
                    }
                    ikey += 1
                    keysCount -= 1
                    // More signatures left than keys: too many failed.
                    if sigsCount > keysCount { success = false }
                }

                // Clean up the arguments.
                while i > 1 {
                    i -= 1
                    if !success && flags.contains(.nullFail) && ikey2 == 0 && !stack[stack.count - 1].isEmpty {
                        throw .sigNullFail
                    }
                    if ikey2 > 0 { ikey2 -= 1 }
                    stack.removeLast()
                }
                // The extra argument consumed by the historical off-by-one bug (BIP147: must be empty).
                if stack.isEmpty { throw .invalidStackOperation }
                if flags.contains(.nullDummy) && !stack[stack.count - 1].isEmpty { throw .sigNullDummy }
                stack.removeLast()
                if opcode == 0xaf {
                    if !success {
                        stack.append(vchFalse)
                        throw .checkMultisigVerify
                    }
                } else {
                    stack.append(success ? vchTrue : vchFalse)
                }

            default:
                throw .badOpcode
            }
        }

        if stack.count + altstack.count > ScriptLimits.maxStackSize { throw .stackSize }
    }

    if !vfExec.isEmpty { throw .unbalancedConditional }
}

/// Core's `EvalChecksig` (pre-tapscript and tapscript variants). Returns whether the signature
/// checked out; throws where Core aborts the script.
@inline(__always)
func evalCheckSig<Checker: SignatureChecker>(
    sig: [UInt8], pubKey: [UInt8], script: [UInt8], beginCodeHash: Int, execData: inout ScriptExecutionData,
    flags: ScriptFlags, checker: Checker, sigVersion: SigVersion
) throws(ScriptError) -> Bool {
    switch sigVersion {
    case .base, .witnessV0:
        var scriptCode = Array(script[beginCodeHash...])
        if sigVersion == .base {
            let found = Script.findAndDelete(&scriptCode, Script.pushData(sig))
            if found > 0 && flags.contains(.constScriptCode) { throw .sigFindAndDelete }
        }
        try checkSignatureEncoding(sig, flags: flags)
        try checkPubKeyEncoding(pubKey, flags: flags, sigVersion: sigVersion)
        let success = checker.checkECDSASignature(sig, publicKey: pubKey, scriptCode: scriptCode, sigVersion: sigVersion)
        if !success && flags.contains(.nullFail) && !sig.isEmpty { throw .sigNullFail }
        return success
    case .tapscript, .taproot:
        // BIP342 order: upgradable key types first; empty signature with an invalid key still fails;
        // a non-empty invalid signature fails the script.
        let success = !sig.isEmpty
        if success {
            let left = (execData.validationWeightLeft ?? 0) - ScriptLimits.validationWeightPerSigopPassed
            execData.validationWeightLeft = left
            if left < 0 { throw .tapscriptValidationWeight }
        }
        if pubKey.isEmpty {
            throw .tapscriptEmptyPubkey
        } else if pubKey.count == 32 {
            if success {
                try checker.checkSchnorrSignature(sig, publicKey: pubKey, sigVersion: sigVersion, execData: &execData)
            }
        } else {
            if flags.contains(.discourageUpgradablePubkeyType) { throw .discourageUpgradablePubkeyType }
        }
        return success
    }
}
