import Testing
import Primitives
import Hashing
import Bitcoin
import BitcoinScript

@Suite struct ScriptNumTests {
    @Test func encodeDecodeRoundTrip() throws {
        let values: [Int64] = [0, 1, -1, 2, 16, 17, 127, 128, -128, 129, 255, 256, -255, 32767, 32768, -32768,
            8_388_607, 8_388_608, 2_147_483_647, -2_147_483_647, 2_147_483_648, 549_755_813_887, -549_755_813_887]
        for v in values {
            let e = ScriptNum.encode(v)
            #expect(try ScriptNum.decode(e, requireMinimal: true, maxSize: 5) == v || e.count > 5, "\(v)")
        }
        #expect(ScriptNum.encode(0) == [])
        #expect(ScriptNum.encode(-1) == [0x81])
        #expect(ScriptNum.encode(255) == [0xff, 0x00])
        #expect(ScriptNum.encode(-255) == [0xff, 0x80])
        #expect(ScriptNum.encode(128) == [0x80, 0x00])
    }

    @Test func decodeRules() throws {
        // Non-minimal encodings.
        #expect(throws: ScriptError.unknownError) { try ScriptNum.decode([0x00], requireMinimal: true) }
        #expect(throws: ScriptError.unknownError) { try ScriptNum.decode([0x80], requireMinimal: true) }
        #expect(throws: ScriptError.unknownError) { try ScriptNum.decode([0x01, 0x00], requireMinimal: true) }
        #expect(try ScriptNum.decode([0xff, 0x00], requireMinimal: true) == 255)
        #expect(try ScriptNum.decode([0x01, 0x00], requireMinimal: false) == 1)
        #expect(try ScriptNum.decode([0x80], requireMinimal: false) == 0)  // negative zero
        // Size limits.
        #expect(throws: ScriptError.unknownError) { try ScriptNum.decode([1, 2, 3, 4, 5], requireMinimal: false) }
        #expect(try ScriptNum.decode([1, 2, 3, 4, 5], requireMinimal: false, maxSize: 5) == 0x05_0403_0201)
        #expect(try ScriptNum.decode([0xff, 0xff, 0xff, 0xff], requireMinimal: false) == -2_147_483_647)
    }

    @Test func castToBoolRules() {
        #expect(!castToBool([]))
        #expect(!castToBool([0]))
        #expect(!castToBool([0, 0, 0x80]))
        #expect(!castToBool([0x80]))
        #expect(castToBool([0x80, 0]))
        #expect(castToBool([0, 1]))
    }
}

@Suite struct ScriptStructureTests {
    func s(_ hex: String) -> [UInt8] { [UInt8](hex: hex)! }

    /// Core's script_FindAndDelete cases.
    @Test func findAndDelete() {
        let cases: [(String, String, String, Int)] = [
            ("0302ff03", "0302ff03", "", 1),
            ("0302ff030302ff03", "0302ff03", "", 2),
            ("0302ff030302ff03", "02", "0302ff030302ff03", 0),
            ("0302ff030302ff03", "ff", "0302ff030302ff03", 0),
            ("0302ff030302ff03", "03", "02ff0302ff03", 2),
            ("02feed5169", "feed51", "02feed5169", 0),
            ("02feed5169", "02feed51", "69", 1),
            ("516902feed5169", "feed51", "516902feed5169", 0),
            ("516902feed5169", "02feed51", "516969", 1),
            ("00005151", "0051", "0051", 1),
            ("000051005151", "0051", "0051", 2),
            ("0003feed", "03feed", "00", 1),
            ("0003feed", "00", "03feed", 1),
        ]
        for (script, pattern, expected, count) in cases {
            var x = s(script)
            #expect(Script.findAndDelete(&x, s(pattern)) == count, "\(script) - \(pattern)")
            #expect(x.hex == expected, "\(script) - \(pattern)")
        }
    }

    @Test func getOpAndPushOnly() {
        var pc = 0
        let truncated = s("4c")
        #expect(getScriptOp(truncated, &pc) == nil)
        #expect(!Script.isPushOnly(s("05aabb")))
        #expect(Script.isPushOnly(s("0051604f50")))  // OP_RESERVED counts as push-only, as in Core
        #expect(!Script.isPushOnly(s("61")))
        pc = 0
        let p4 = s("4e0200000000aabb")
        #expect(getScriptOp(p4, &pc) == ScriptInstruction(opcode: 0x4e, dataStart: 5, dataCount: 2))
        #expect(Script.witnessProgram(s("0014" + String(repeating: "00", count: 20)))?.version == 0)
        #expect(Script.witnessProgram(s("6002aabb"))?.version == 16)
        #expect(Script.witnessProgram(s("4f02aabb")) == nil)
        #expect(Script.witnessProgram(s("0001aa")) == nil)
    }

    @Test func asmParser() throws {
        #expect(try ScriptAsm.parse("0 -1 1 16 17 -2") == s("004f5160011101" + "82"))
        #expect(try ScriptAsm.parse("DUP OP_HASH160 0x14 0x" + String(repeating: "ab", count: 20) + " EQUALVERIFY CHECKSIG")
            == s("76a914" + String(repeating: "ab", count: 20) + "88ac"))
        #expect(try ScriptAsm.parse("'abc' NOP2 NOP3 CHECKSIGADD") == s("03616263b1b2ba"))
        #expect(try ScriptAsm.parse("128 -128 2147483647") == s("028000028080" + "04ffffff7f"))
        #expect(throws: ScriptAsm.ParseError.self) { try ScriptAsm.parse("NOTANOPCODE") }
        #expect(throws: ScriptAsm.ParseError.self) { try ScriptAsm.parse("4294967296") }
        #expect(try ScriptAsm.parse("''") == [0x00])
        #expect(ScriptAsm.format(s("76a914" + String(repeating: "ab", count: 20) + "88ac"))
            == "OP_DUP OP_HASH160 " + String(repeating: "ab", count: 20) + " OP_EQUALVERIFY OP_CHECKSIG")
        #expect(ScriptAsm.format(s("004f51600281004c")) == "0 -1 1 16 129 [error]")
    }

    @Test func opcodeNames() {
        #expect(Opcode.opCheckSig.name == "OP_CHECKSIG")
        #expect(Opcode.op0.name == "0")
        #expect(Opcode.op1Negate.name == "-1")
        #expect(Opcode(0x60).name == "16")
        #expect(Opcode.opCheckSigAdd.name == "OP_CHECKSIGADD")
        #expect(Opcode(0xbb).name == "OP_UNKNOWN")
        #expect(Opcode.byName["CHECKLOCKTIMEVERIFY"] == .opCheckLockTimeVerify)
        #expect(Opcode.byName["OP_NOP2"] == .opCheckLockTimeVerify)
        #expect(Opcode.isOpSuccess(0x50) && Opcode.isOpSuccess(0xbb) && !Opcode.isOpSuccess(0xba))
    }

    @Test func flagsParsing() {
        #expect(ScriptFlags(coreNames: "P2SH,WITNESS") == [.p2sh, .witness])
        #expect(ScriptFlags(coreNames: "NONE") == [])
        #expect(ScriptFlags(coreNames: "") == [])
        #expect(ScriptFlags(coreNames: "P2SH,BOGUS") == nil)
        #expect(ScriptFlags.all.rawValue == (1 << 21) - 1)
        for (name, flag) in ScriptFlags.namedFlags { #expect(ScriptFlags(coreNames: name) == flag) }
        for e in ScriptError.allCases { #expect(ScriptError(coreName: e.coreName) == e) }
        #expect(ScriptError.sigNullFail.coreName == "NULLFAIL")
    }
}

@Suite struct SigOpsTests {
    @Test func legacyAndP2SH() throws {
        let key = [UInt8](repeating: 2, count: 33)
        var s: [UInt8] = []
        #expect(SigOps.legacyCount(s, accurate: false) == 0)
        s = [0x51] + Script.pushData(key) + Script.pushData(key) + [0x52, 0xae]
        #expect(SigOps.legacyCount(s, accurate: true) == 2)
        s += [0x63, 0xac, 0x68]
        #expect(SigOps.legacyCount(s, accurate: true) == 3)
        #expect(SigOps.legacyCount(s, accurate: false) == 21)
        let p2sh = [0xa9, 0x14] + hash160(s).bytes + [0x87]
        let scriptSig = [0x00] + Script.pushData(s)
        #expect(SigOps.p2shCount(scriptSig: scriptSig, scriptPubKey: p2sh) == 3)
        #expect(SigOps.p2shCount(scriptSig: scriptSig + [0x61], scriptPubKey: p2sh) == 0)
        #expect(SigOps.p2shCount(scriptSig: scriptSig, scriptPubKey: s) == 0)
        // Truncated scripts count up to the truncation.
        #expect(SigOps.legacyCount([0xac, 0xac, 0x4c], accurate: true) == 2)
    }

    @Test func witness() {
        let key = [UInt8](repeating: 2, count: 33)
        let ws = [0x52] + Script.pushData(key) + Script.pushData(key) + [0x52, 0xae]
        let p2wsh = [0x00, 0x20] + SHA256Hash.hash(ws).bytes
        let p2wpkh = [0x00, 0x14] + [UInt8](repeating: 1, count: 20)
        let flags: ScriptFlags = [.p2sh, .witness]
        #expect(SigOps.witnessCount(scriptSig: [], scriptPubKey: p2wpkh, witness: [], flags: flags) == 1)
        #expect(SigOps.witnessCount(scriptSig: [], scriptPubKey: p2wsh, witness: [[], ws], flags: flags) == 2)
        #expect(SigOps.witnessCount(scriptSig: [], scriptPubKey: p2wsh, witness: [], flags: flags) == 0)
        #expect(SigOps.witnessCount(scriptSig: [], scriptPubKey: p2wsh, witness: [ws], flags: [.p2sh]) == 0)
        let wrapped = [0xa9, 0x14] + hash160(p2wsh).bytes + [0x87]
        #expect(SigOps.witnessCount(scriptSig: Script.pushData(p2wsh), scriptPubKey: wrapped, witness: [ws], flags: flags) == 2)
        #expect(SigOps.witnessCount(scriptSig: Script.pushData(p2wsh) + [0x61], scriptPubKey: wrapped, witness: [ws], flags: flags) == 0)
    }
}

@Suite struct TransactionCheckTests {
    func tx(inputs: [TxIn], outputs: [TxOut]) -> Transaction { Transaction(version: 1, inputs: inputs, outputs: outputs) }
    let op = OutPoint(txid: Bytes32(hex: String(repeating: "01", count: 32))!, vout: 0)

    @Test func rules() {
        let out = TxOut(value: 1, scriptPubKey: [])
        #expect(TransactionChecks.checkTransaction(tx(inputs: [], outputs: [out])) == .vinEmpty)
        #expect(TransactionChecks.checkTransaction(tx(inputs: [TxIn(prevout: op)], outputs: [])) == .voutEmpty)
        #expect(TransactionChecks.checkTransaction(tx(inputs: [TxIn(prevout: op)], outputs: [TxOut(value: -1, scriptPubKey: [])])) == .voutNegative)
        let maxMoney = TransactionChecks.maxMoney
        #expect(TransactionChecks.checkTransaction(tx(inputs: [TxIn(prevout: op)], outputs: [TxOut(value: maxMoney + 1, scriptPubKey: [])])) == .voutTooLarge)
        #expect(
            TransactionChecks.checkTransaction(
                tx(inputs: [TxIn(prevout: op)], outputs: [TxOut(value: maxMoney, scriptPubKey: []), out])) == .txoutTotalTooLarge)
        #expect(TransactionChecks.checkTransaction(tx(inputs: [TxIn(prevout: op), TxIn(prevout: op)], outputs: [out])) == .inputsDuplicate)
        #expect(TransactionChecks.checkTransaction(tx(inputs: [TxIn(prevout: .null, scriptSig: [0])], outputs: [out])) == .coinbaseLength)
        #expect(TransactionChecks.checkTransaction(tx(inputs: [TxIn(prevout: .null, scriptSig: [0, 0])], outputs: [out])) == nil)
        #expect(
            TransactionChecks.checkTransaction(tx(inputs: [TxIn(prevout: .null, scriptSig: [UInt8](repeating: 0, count: 101))], outputs: [out]))
                == .coinbaseLength)
        #expect(TransactionChecks.checkTransaction(tx(inputs: [TxIn(prevout: op), TxIn(prevout: .null)], outputs: [out])) == .prevoutNull)
        let huge = TxOut(value: 0, scriptPubKey: [UInt8](repeating: 0, count: 1_000_001))
        #expect(TransactionChecks.checkTransaction(tx(inputs: [TxIn(prevout: op)], outputs: [huge])) == .oversize)
    }
}

@Suite struct ScriptPolicyTests {
    let op = OutPoint(txid: Bytes32(hex: String(repeating: "01", count: 32))!, vout: 0)

    func tx(scriptSig: [UInt8] = [], witness: [[UInt8]]) -> Transaction {
        Transaction(version: 2, inputs: [TxIn(prevout: op, scriptSig: scriptSig, witness: witness)], outputs: [TxOut(value: 1, scriptPubKey: [])])
    }

    @Test func p2wshLimits() {
        let ws = [UInt8](repeating: 0x61, count: 3600)
        let spk = [0x00, 0x20] + SHA256Hash.hash(ws).bytes
        let out = [TxOut(value: 1, scriptPubKey: spk)]
        #expect(ScriptPolicy.isWitnessStandard(tx: tx(witness: [[1], ws]), spentOutputs: out))
        #expect(!ScriptPolicy.isWitnessStandard(tx: tx(witness: [[1], ws + [0x61]]), spentOutputs: out))
        #expect(!ScriptPolicy.isWitnessStandard(tx: tx(witness: [[UInt8](repeating: 0, count: 81), ws]), spentOutputs: out))
        #expect(!ScriptPolicy.isWitnessStandard(tx: tx(witness: [[UInt8]](repeating: [], count: 101) + [ws]), spentOutputs: out))
        // Wrapped in P2SH.
        let wrapped = [TxOut(value: 1, scriptPubKey: [0xa9, 0x14] + hash160(spk).bytes + [0x87])]
        #expect(ScriptPolicy.isWitnessStandard(tx: tx(scriptSig: Script.pushData(spk), witness: [[1], ws]), spentOutputs: wrapped))
        #expect(!ScriptPolicy.isWitnessStandard(tx: tx(scriptSig: Script.pushData(spk), witness: [[1], ws + [0x61]]), spentOutputs: wrapped))
        // A witness on a non-witness output.
        #expect(!ScriptPolicy.isWitnessStandard(tx: tx(witness: [[1]]), spentOutputs: [TxOut(value: 1, scriptPubKey: [0x51])]))
    }

    @Test func taprootLimits() {
        let out = [TxOut(value: 1, scriptPubKey: [0x51, 0x20] + [UInt8](repeating: 7, count: 32))]
        let control = [0xc0] + [UInt8](repeating: 1, count: 32)
        #expect(ScriptPolicy.isWitnessStandard(tx: tx(witness: [[UInt8](repeating: 1, count: 64)]), spentOutputs: out))
        #expect(!ScriptPolicy.isWitnessStandard(tx: tx(witness: [[UInt8](repeating: 1, count: 64), [0x50]]), spentOutputs: out))
        #expect(ScriptPolicy.isWitnessStandard(tx: tx(witness: [[UInt8](repeating: 1, count: 80), [0x51], control]), spentOutputs: out))
        #expect(!ScriptPolicy.isWitnessStandard(tx: tx(witness: [[UInt8](repeating: 1, count: 81), [0x51], control]), spentOutputs: out))
        // Other leaf versions are not limited.
        #expect(ScriptPolicy.isWitnessStandard(tx: tx(witness: [[UInt8](repeating: 1, count: 81), [0x51], [0xc2] + control.dropFirst()]), spentOutputs: out))
        #expect(!ScriptPolicy.isWitnessStandard(tx: tx(witness: [[1], [0x51], []]), spentOutputs: out))
    }
}
