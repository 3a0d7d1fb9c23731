/// Script-level limits and structural helpers (Core's script/script.h and script.cpp).
public enum ScriptLimits {
    /// Maximum bytes pushable to the stack.
    public static let maxElementSize = 520
    /// Maximum non-push operations per script (BASE and WITNESS_V0).
    public static let maxOpsPerScript = 201
    /// Maximum keys in CHECKMULTISIG.
    public static let maxPubkeysPerMultisig = 20
    /// Maximum script length in bytes (BASE and WITNESS_V0).
    public static let maxScriptSize = 10_000
    /// Maximum stack + altstack size.
    public static let maxStackSize = 1000
    /// nLockTime below this is a block height, above a UNIX time.
    public static let lockTimeThreshold: Int64 = 500_000_000
    /// Policy limit on P2WSH witness scripts (MAX_STANDARD_P2WSH_SCRIPT_SIZE); not a consensus rule.
    public static let maxStandardP2WSHScriptSize = 3600
    /// BIP342 validation weight.
    public static let validationWeightPerSigopPassed: Int64 = 50
    public static let validationWeightOffset: Int64 = 50
}

/// One decoded instruction: the opcode and, for pushes, the range of the pushed bytes.
public struct ScriptInstruction: Sendable, Equatable {
    public var opcode: UInt8
    public var dataStart: Int
    public var dataCount: Int

    @inlinable public init(opcode: UInt8, dataStart: Int, dataCount: Int) {
        self.opcode = opcode
        self.dataStart = dataStart
        self.dataCount = dataCount
    }
}

/// Core's `GetScriptOp`. Reads one instruction at `pc` and advances it. Returns nil when the script
/// ends or a push is truncated; as in Core, `pc` has then advanced past whatever was read.
@inlinable
public func getScriptOp(_ script: [UInt8], _ pc: inout Int) -> ScriptInstruction? {
    let end = script.count
    if pc >= end { return nil }
    let opcode = script[pc]
    pc += 1
    if opcode > 0x4e { return ScriptInstruction(opcode: opcode, dataStart: pc, dataCount: 0) }
    var size: Int
    if opcode < 0x4c {
        size = Int(opcode)
    } else if opcode == 0x4c {
        if end - pc < 1 { return nil }
        size = Int(script[pc])
        pc += 1
    } else if opcode == 0x4d {
        if end - pc < 2 { return nil }
        size = Int(script[pc]) | Int(script[pc + 1]) << 8
        pc += 2
    } else {
        if end - pc < 4 { return nil }
        size = Int(script[pc]) | Int(script[pc + 1]) << 8 | Int(script[pc + 2]) << 16 | Int(script[pc + 3]) << 24
        pc += 4
    }
    if end - pc < size { return nil }
    let start = pc
    pc += size
    return ScriptInstruction(opcode: opcode, dataStart: start, dataCount: size)
}

public enum Script {
    /// `CScript::IsPushOnly`: every instruction parses and is ≤ OP_16 (OP_RESERVED counts as a push).
    public static func isPushOnly(_ script: [UInt8]) -> Bool {
        var pc = 0
        while pc < script.count {
            guard let ins = getScriptOp(script, &pc) else { return false }
            if ins.opcode > 0x60 { return false }
        }
        return true
    }

    /// BIP16 pattern: OP_HASH160 <20 bytes> OP_EQUAL.
    @inlinable public static func isPayToScriptHash(_ s: [UInt8]) -> Bool {
        s.count == 23 && s[0] == 0xa9 && s[1] == 0x14 && s[22] == 0x87
    }

    /// BIP141 pattern: a version opcode (OP_0, OP_1..OP_16) then a single 2–40 byte direct push.
    public static func witnessProgram(_ s: [UInt8]) -> (version: Int, program: [UInt8])? {
        guard s.count >= 4, s.count <= 42 else { return nil }
        guard s[0] == 0 || (s[0] >= 0x51 && s[0] <= 0x60) else { return nil }
        guard Int(s[1]) + 2 == s.count else { return nil }
        let version = s[0] == 0 ? 0 : Int(s[0]) - 0x50
        return (version, Array(s[2...]))
    }

    /// BIP341 P2TR: OP_1 <32 bytes>.
    @inlinable public static func isPayToTaproot(_ s: [UInt8]) -> Bool {
        s.count == 34 && s[0] == 0x51 && s[1] == 0x20
    }

    /// `CScript() << data`: the push encoding of `data` (OP_0 for empty; never OP_N).
    public static func pushData(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        appendPush(data, to: &out)
        return out
    }

    public static func appendPush(_ data: [UInt8], to out: inout [UInt8]) {
        let n = data.count
        if n < 0x4c {
            out.append(UInt8(n))
        } else if n <= 0xff {
            out.append(0x4c)
            out.append(UInt8(n))
        } else if n <= 0xffff {
            out.append(0x4d)
            out.append(UInt8(n & 0xff))
            out.append(UInt8(n >> 8))
        } else {
            out.append(0x4e)
            for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: n >> (8 * i))) }
        }
        out.append(contentsOf: data)
    }

    /// `CScript() << int64`: OP_0, OP_1NEGATE, OP_1..OP_16, else a push of the script number.
    public static func appendNumber(_ n: Int64, to out: inout [UInt8]) {
        if n == -1 || (n >= 1 && n <= 16) {
            out.append(UInt8(truncatingIfNeeded: n + 0x50))
        } else if n == 0 {
            out.append(0)
        } else {
            appendPush(ScriptNum.encode(n), to: &out)
        }
    }

    /// `CheckMinimalPush`: whether `data` was pushed with the smallest possible opcode.
    @inlinable public static func isMinimalPush(_ data: ArraySlice<UInt8>, opcode: UInt8) -> Bool {
        let n = data.count
        if n == 0 { return opcode == 0 }
        if n == 1 {
            let b = data[data.startIndex]
            if b >= 1 && b <= 16 { return false }
            if b == 0x81 { return false }
        }
        if n <= 75 { return Int(opcode) == n }
        if n <= 255 { return opcode == 0x4c }
        if n <= 65535 { return opcode == 0x4d }
        return true
    }

    /// Core's `FindAndDelete`: removes every occurrence of `pattern` that starts on an instruction
    /// boundary. Returns the number of matches removed.
    @discardableResult
    public static func findAndDelete(_ script: inout [UInt8], _ pattern: [UInt8]) -> Int {
        if pattern.isEmpty { return 0 }
        var found = 0
        var result: [UInt8] = []
        let end = script.count
        let m = pattern.count
        var pc = 0
        var pc2 = 0
        repeat {
            result.append(contentsOf: script[pc2..<pc])
            while end - pc >= m && script[pc..<(pc + m)].elementsEqual(pattern) {
                pc += m
                found += 1
            }
            pc2 = pc
        } while getScriptOp(script, &pc) != nil
        if found > 0 {
            result.append(contentsOf: script[pc2..<end])
            script = result
        }
        return found
    }

    /// The legacy sighash's scriptCode serialization (`CTransactionSignatureSerializer::SerializeScriptCode`):
    /// OP_CODESEPARATORs removed. Returns the declared length (script size minus separators) and the
    /// bytes Core writes, which stop where parsing stopped if the final push is truncated.
    static func legacyScriptCode(_ script: [UInt8]) -> (declaredLength: Int, bytes: [UInt8]) {
        var pc = 0
        var separators = 0
        while let ins = getScriptOp(script, &pc) {
            if ins.opcode == 0xab { separators += 1 }
        }
        if separators == 0 && pc == script.count { return (script.count, script) }
        var out: [UInt8] = []
        out.reserveCapacity(script.count)
        var begin = 0
        pc = 0
        while let ins = getScriptOp(script, &pc) {
            if ins.opcode == 0xab {
                out.append(contentsOf: script[begin..<(pc - 1)])
                begin = pc
            }
        }
        if begin != script.count { out.append(contentsOf: script[begin..<min(pc, script.count)]) }
        return (script.count - separators, out)
    }
}
