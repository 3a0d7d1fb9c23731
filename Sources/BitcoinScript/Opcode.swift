/// A script opcode byte with Bitcoin Core's names (`opcodetype`, script/script.h).
public struct Opcode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }
    @inlinable public init(_ rawValue: UInt8) { self.rawValue = rawValue }

    // push value
    public static let op0 = Opcode(0x00)
    public static let opFalse = op0
    public static let opPushData1 = Opcode(0x4c)
    public static let opPushData2 = Opcode(0x4d)
    public static let opPushData4 = Opcode(0x4e)
    public static let op1Negate = Opcode(0x4f)
    public static let opReserved = Opcode(0x50)
    public static let op1 = Opcode(0x51)
    public static let opTrue = op1
    public static let op16 = Opcode(0x60)
    // control
    public static let opNop = Opcode(0x61)
    public static let opVer = Opcode(0x62)
    public static let opIf = Opcode(0x63)
    public static let opNotIf = Opcode(0x64)
    public static let opVerIf = Opcode(0x65)
    public static let opVerNotIf = Opcode(0x66)
    public static let opElse = Opcode(0x67)
    public static let opEndIf = Opcode(0x68)
    public static let opVerify = Opcode(0x69)
    public static let opReturn = Opcode(0x6a)
    // stack
    public static let opToAltStack = Opcode(0x6b)
    public static let opFromAltStack = Opcode(0x6c)
    public static let op2Drop = Opcode(0x6d)
    public static let op2Dup = Opcode(0x6e)
    public static let op3Dup = Opcode(0x6f)
    public static let op2Over = Opcode(0x70)
    public static let op2Rot = Opcode(0x71)
    public static let op2Swap = Opcode(0x72)
    public static let opIfDup = Opcode(0x73)
    public static let opDepth = Opcode(0x74)
    public static let opDrop = Opcode(0x75)
    public static let opDup = Opcode(0x76)
    public static let opNip = Opcode(0x77)
    public static let opOver = Opcode(0x78)
    public static let opPick = Opcode(0x79)
    public static let opRoll = Opcode(0x7a)
    public static let opRot = Opcode(0x7b)
    public static let opSwap = Opcode(0x7c)
    public static let opTuck = Opcode(0x7d)
    // splice
    public static let opCat = Opcode(0x7e)
    public static let opSubstr = Opcode(0x7f)
    public static let opLeft = Opcode(0x80)
    public static let opRight = Opcode(0x81)
    public static let opSize = Opcode(0x82)
    // bit logic
    public static let opInvert = Opcode(0x83)
    public static let opAnd = Opcode(0x84)
    public static let opOr = Opcode(0x85)
    public static let opXor = Opcode(0x86)
    public static let opEqual = Opcode(0x87)
    public static let opEqualVerify = Opcode(0x88)
    public static let opReserved1 = Opcode(0x89)
    public static let opReserved2 = Opcode(0x8a)
    // numeric
    public static let op1Add = Opcode(0x8b)
    public static let op1Sub = Opcode(0x8c)
    public static let op2Mul = Opcode(0x8d)
    public static let op2Div = Opcode(0x8e)
    public static let opNegate = Opcode(0x8f)
    public static let opAbs = Opcode(0x90)
    public static let opNot = Opcode(0x91)
    public static let op0NotEqual = Opcode(0x92)
    public static let opAdd = Opcode(0x93)
    public static let opSub = Opcode(0x94)
    public static let opMul = Opcode(0x95)
    public static let opDiv = Opcode(0x96)
    public static let opMod = Opcode(0x97)
    public static let opLShift = Opcode(0x98)
    public static let opRShift = Opcode(0x99)
    public static let opBoolAnd = Opcode(0x9a)
    public static let opBoolOr = Opcode(0x9b)
    public static let opNumEqual = Opcode(0x9c)
    public static let opNumEqualVerify = Opcode(0x9d)
    public static let opNumNotEqual = Opcode(0x9e)
    public static let opLessThan = Opcode(0x9f)
    public static let opGreaterThan = Opcode(0xa0)
    public static let opLessThanOrEqual = Opcode(0xa1)
    public static let opGreaterThanOrEqual = Opcode(0xa2)
    public static let opMin = Opcode(0xa3)
    public static let opMax = Opcode(0xa4)
    public static let opWithin = Opcode(0xa5)
    // crypto
    public static let opRipemd160 = Opcode(0xa6)
    public static let opSha1 = Opcode(0xa7)
    public static let opSha256 = Opcode(0xa8)
    public static let opHash160 = Opcode(0xa9)
    public static let opHash256 = Opcode(0xaa)
    public static let opCodeSeparator = Opcode(0xab)
    public static let opCheckSig = Opcode(0xac)
    public static let opCheckSigVerify = Opcode(0xad)
    public static let opCheckMultisig = Opcode(0xae)
    public static let opCheckMultisigVerify = Opcode(0xaf)
    // expansion
    public static let opNop1 = Opcode(0xb0)
    public static let opCheckLockTimeVerify = Opcode(0xb1)
    public static let opNop2 = opCheckLockTimeVerify
    public static let opCheckSequenceVerify = Opcode(0xb2)
    public static let opNop3 = opCheckSequenceVerify
    public static let opNop4 = Opcode(0xb3)
    public static let opNop5 = Opcode(0xb4)
    public static let opNop6 = Opcode(0xb5)
    public static let opNop7 = Opcode(0xb6)
    public static let opNop8 = Opcode(0xb7)
    public static let opNop9 = Opcode(0xb8)
    public static let opNop10 = Opcode(0xb9)
    /// BIP342, tapscript only.
    public static let opCheckSigAdd = Opcode(0xba)
    public static let opInvalidOpcode = Opcode(0xff)

    /// `OP_n` for 0...16.
    public static func smallInteger(_ n: Int) -> Opcode {
        precondition((0...16).contains(n))
        return n == 0 ? .op0 : Opcode(UInt8(0x50 + n))
    }

    /// Core's `DecodeOP_N`: the value of OP_0/OP_1..OP_16, nil otherwise.
    @inlinable public var smallIntegerValue: Int? {
        if rawValue == 0 { return 0 }
        if rawValue >= 0x51 && rawValue <= 0x60 { return Int(rawValue) - 0x50 }
        return nil
    }

    /// Core's `GetOpName`: "0", "-1", "1".."16" for the small-number pushes, "OP_…" otherwise,
    /// "OP_UNKNOWN" for undefined bytes.
    public var name: String { Opcode.names[Int(rawValue)] }
    public var description: String { name }

    /// BIP342 `IsOpSuccess`: 80, 98, 126–129, 131–134, 137–138, 141–142, 149–153, 187–254.
    @inlinable public var isOpSuccess: Bool { Opcode.isOpSuccess(rawValue) }

    @inlinable public static func isOpSuccess(_ op: UInt8) -> Bool {
        op == 80 || op == 98 || (op >= 126 && op <= 129) || (op >= 131 && op <= 134) || (op >= 137 && op <= 138)
            || (op >= 141 && op <= 142) || (op >= 149 && op <= 153) || (op >= 187 && op <= 254)
    }

    static let names: [String] = {
        var n = [String](repeating: "OP_UNKNOWN", count: 256)
        n[0] = "0"
        n[0x4c] = "OP_PUSHDATA1"
        n[0x4d] = "OP_PUSHDATA2"
        n[0x4e] = "OP_PUSHDATA4"
        n[0x4f] = "-1"
        n[0x50] = "OP_RESERVED"
        for i in 1...16 { n[0x50 + i] = String(i) }
        let rest: [(Int, String)] = [
            (0x61, "NOP"), (0x62, "VER"), (0x63, "IF"), (0x64, "NOTIF"), (0x65, "VERIF"), (0x66, "VERNOTIF"),
            (0x67, "ELSE"), (0x68, "ENDIF"), (0x69, "VERIFY"), (0x6a, "RETURN"), (0x6b, "TOALTSTACK"),
            (0x6c, "FROMALTSTACK"), (0x6d, "2DROP"), (0x6e, "2DUP"), (0x6f, "3DUP"), (0x70, "2OVER"),
            (0x71, "2ROT"), (0x72, "2SWAP"), (0x73, "IFDUP"), (0x74, "DEPTH"), (0x75, "DROP"), (0x76, "DUP"),
            (0x77, "NIP"), (0x78, "OVER"), (0x79, "PICK"), (0x7a, "ROLL"), (0x7b, "ROT"), (0x7c, "SWAP"),
            (0x7d, "TUCK"), (0x7e, "CAT"), (0x7f, "SUBSTR"), (0x80, "LEFT"), (0x81, "RIGHT"), (0x82, "SIZE"),
            (0x83, "INVERT"), (0x84, "AND"), (0x85, "OR"), (0x86, "XOR"), (0x87, "EQUAL"), (0x88, "EQUALVERIFY"),
            (0x89, "RESERVED1"), (0x8a, "RESERVED2"), (0x8b, "1ADD"), (0x8c, "1SUB"), (0x8d, "2MUL"),
            (0x8e, "2DIV"), (0x8f, "NEGATE"), (0x90, "ABS"), (0x91, "NOT"), (0x92, "0NOTEQUAL"), (0x93, "ADD"),
            (0x94, "SUB"), (0x95, "MUL"), (0x96, "DIV"), (0x97, "MOD"), (0x98, "LSHIFT"), (0x99, "RSHIFT"),
            (0x9a, "BOOLAND"), (0x9b, "BOOLOR"), (0x9c, "NUMEQUAL"), (0x9d, "NUMEQUALVERIFY"),
            (0x9e, "NUMNOTEQUAL"), (0x9f, "LESSTHAN"), (0xa0, "GREATERTHAN"), (0xa1, "LESSTHANOREQUAL"),
            (0xa2, "GREATERTHANOREQUAL"), (0xa3, "MIN"), (0xa4, "MAX"), (0xa5, "WITHIN"), (0xa6, "RIPEMD160"),
            (0xa7, "SHA1"), (0xa8, "SHA256"), (0xa9, "HASH160"), (0xaa, "HASH256"), (0xab, "CODESEPARATOR"),
            (0xac, "CHECKSIG"), (0xad, "CHECKSIGVERIFY"), (0xae, "CHECKMULTISIG"), (0xaf, "CHECKMULTISIGVERIFY"),
            (0xb0, "NOP1"), (0xb1, "CHECKLOCKTIMEVERIFY"), (0xb2, "CHECKSEQUENCEVERIFY"), (0xb3, "NOP4"),
            (0xb4, "NOP5"), (0xb5, "NOP6"), (0xb6, "NOP7"), (0xb7, "NOP8"), (0xb8, "NOP9"), (0xb9, "NOP10"),
            (0xba, "CHECKSIGADD"), (0xff, "INVALIDOPCODE"),
        ]
        for (v, s) in rest { n[v] = "OP_" + s }
        return n
    }()

    /// Name → opcode, accepting Core's names with and without `OP_`, plus the aliases
    /// OP_0/OP_FALSE, OP_1..OP_16/OP_TRUE, OP_1NEGATE, OP_NOP2, OP_NOP3.
    public static let byName: [String: Opcode] = {
        var m: [String: Opcode] = [:]
        for v in 0..<256 {
            let name = names[v]
            guard name.hasPrefix("OP_"), name != "OP_UNKNOWN" else { continue }
            m[name] = Opcode(UInt8(v))
            m[String(name.dropFirst(3))] = Opcode(UInt8(v))
        }
        let aliases: [(String, UInt8)] = [
            ("0", 0), ("FALSE", 0), ("TRUE", 0x51), ("1NEGATE", 0x4f), ("NOP2", 0xb1), ("NOP3", 0xb2),
        ]
        for (s, v) in aliases {
            m[s] = Opcode(v)
            m["OP_" + s] = Opcode(v)
        }
        for i in 1...16 { m["OP_\(i)"] = Opcode(UInt8(0x50 + i)) }
        return m
    }()
}
