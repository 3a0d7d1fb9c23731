import Testing
import Primitives
import Hashing
import Bitcoin
import BitcoinScript
import CSecp256k1

/// BIP340 signing through libsecp256k1 directly (test-only helper).
struct SchnorrKey {
    let secret: [UInt8]
    let xOnly: [UInt8]

    init(_ seed: UInt8) {
        secret = [UInt8](repeating: 0, count: 31) + [seed]
        let ctx = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE))!
        defer { secp256k1_context_destroy(ctx) }
        var kp = secp256k1_keypair()
        precondition(secp256k1_keypair_create(ctx, &kp, secret) == 1)
        var xpk = secp256k1_xonly_pubkey()
        var parity: Int32 = 0
        precondition(secp256k1_keypair_xonly_pub(ctx, &xpk, &parity, &kp) == 1)
        var out = [UInt8](repeating: 0, count: 32)
        precondition(secp256k1_xonly_pubkey_serialize(ctx, &out, &xpk) == 1)
        xOnly = out
    }

    func sign(_ msg: Bytes32) -> [UInt8] {
        let ctx = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE))!
        defer { secp256k1_context_destroy(ctx) }
        var kp = secp256k1_keypair()
        precondition(secp256k1_keypair_create(ctx, &kp, secret) == 1)
        var sig = [UInt8](repeating: 0, count: 64)
        let m = msg.bytes
        precondition(secp256k1_schnorrsig_sign32(ctx, &sig, m, &kp, nil) == 1)
        return sig
    }
}

/// A single-leaf (or leaf + sibling) taproot output and a transaction spending it.
struct TapFixture {
    static let internalKey = SchnorrKey(7)
    let script: [UInt8]
    let leafVersion: UInt8
    let sibling: Bytes32?
    let outputKey: [UInt8]
    let parity: UInt8
    let spent: TxOut
    var tx: Transaction

    init(script: [UInt8], leafVersion: UInt8 = 0xc0, sibling: Bytes32? = nil) {
        self.script = script
        self.leafVersion = leafVersion
        self.sibling = sibling
        let leaf = Taproot.leafHash(leafVersion: leafVersion, script: script)
        let root = sibling.map { Taproot.branchHash(leaf, $0) } ?? leaf
        var h = TaggedHash.tapTweak.hasher()
        h.update(TapFixture.internalKey.xOnly)
        h.update(root)
        let (x, p) = tweakXOnly(TapFixture.internalKey.xOnly, h.finalize())!
        outputKey = x
        parity = p
        spent = TxOut(value: 50_000, scriptPubKey: [0x51, 0x20] + x)
        tx = Transaction(
            version: 2,
            inputs: [TxIn(prevout: OutPoint(txid: Bytes32(hex: String(repeating: "ab", count: 32))!, vout: 1), sequence: 0xffff_fffe)],
            outputs: [TxOut(value: 40_000, scriptPubKey: [0x00, 0x14] + [UInt8](repeating: 0x11, count: 20))],
            lockTime: 0)
    }

    var leafHash: Bytes32 { Taproot.leafHash(leafVersion: leafVersion, script: script) }

    var controlBlock: [UInt8] {
        [leafVersion | parity] + TapFixture.internalKey.xOnly + (sibling?.bytes ?? [])
    }

    /// The sighash a tapscript signature commits to, using a throwaway witness for precomputation.
    func sighash(hashType: UInt8 = 0, annex: [UInt8]? = nil, codeSeparatorPosition: UInt32 = 0xffff_ffff) -> Bytes32 {
        let pre = PrecomputedTransactionData(tx: tx, spentOutputs: [spent], force: true)
        return SigHash.taproot(
            tx: tx, inputIndex: 0, hashType: hashType, precomputed: pre, annex: annex, leafHash: leafHash,
            codeSeparatorPosition: codeSeparatorPosition)!
    }

    func verify(stack: [[UInt8]], annex: [UInt8]? = nil, control: [UInt8]? = nil, flags: ScriptFlags = .standard) -> ScriptError? {
        var t = tx
        t.inputs[0].witness = stack + [script, control ?? controlBlock] + (annex.map { [$0] } ?? [])
        let pre = PrecomputedTransactionData(tx: t, spentOutputs: [spent])
        return verifyScript(tx: t, inputIndex: 0, spentOutput: spent, precomputed: pre, flags: flags)
    }
}

func push(_ d: [UInt8]) -> [UInt8] { Script.pushData(d) }

@Suite struct TapscriptTests {
    let keyA = SchnorrKey(1)
    let keyB = SchnorrKey(2)

    @Test func checksigLeaf() {
        let f = TapFixture(script: push(keyA.xOnly) + [0xac])
        let sig = keyA.sign(f.sighash())
        #expect(f.verify(stack: [sig]) == nil)
        // Explicit SIGHASH_ALL (65 bytes) commits to hash type 1.
        #expect(f.verify(stack: [keyA.sign(f.sighash(hashType: 1)) + [1]]) == nil)
        // 65 bytes with hash type 0 is invalid.
        #expect(f.verify(stack: [sig + [0]]) == .schnorrSigHashtype)
        // Undefined hash type.
        #expect(f.verify(stack: [sig + [0x04]]) == .schnorrSigHashtype)
        var bad = sig
        bad[10] ^= 1
        #expect(f.verify(stack: [bad]) == .schnorrSig)
        #expect(f.verify(stack: [Array(sig.dropLast())]) == .schnorrSigSize)
        // An empty signature is a failed check, not an error.
        #expect(f.verify(stack: [[]]) == .evalFalse)
        // Signature by the wrong key.
        #expect(f.verify(stack: [keyB.sign(f.sighash())]) == .schnorrSig)
        // Without TAPROOT the output is anyone-can-spend.
        #expect(f.verify(stack: [bad], flags: [.p2sh, .witness]) == nil)
    }

    @Test func checksigAddTwoOfTwo() {
        let script = push(keyA.xOnly) + [0xac] + push(keyB.xOnly) + [0xba, 0x52, 0x9c]
        let f = TapFixture(script: script)
        let msg = f.sighash()
        // Stack order: the first key's signature is on top.
        #expect(f.verify(stack: [keyB.sign(msg), keyA.sign(msg)]) == nil)
        #expect(f.verify(stack: [[], keyA.sign(msg)]) == .evalFalse)
        #expect(f.verify(stack: [keyA.sign(msg), keyB.sign(msg)]) == .schnorrSig)
        // CHECKSIGADD is BAD_OPCODE outside tapscript (here: P2WSH).
        var t = f.tx
        t.inputs[0].witness = [[], [], script]
        let spent = TxOut(value: 1, scriptPubKey: [0x00, 0x20] + SHA256Hash.hash(script).bytes)
        let pre = PrecomputedTransactionData(tx: t, spentOutputs: [spent])
        #expect(verifyScript(tx: t, inputIndex: 0, spentOutput: spent, precomputed: pre, flags: .mandatory) == .badOpcode)
        #expect(verifyScript(tx: t, inputIndex: 0, spentOutput: spent, precomputed: pre, flags: .standard) == .pubkeyType)
    }

    @Test func merklePathAndControlBlock() {
        let sibling = Taproot.leafHash(leafVersion: 0xc0, script: [0x51])
        let f = TapFixture(script: push(keyA.xOnly) + [0xac], sibling: sibling)
        let sig = keyA.sign(f.sighash())
        #expect(f.verify(stack: [sig]) == nil)
        var wrongPath = f.controlBlock
        wrongPath[40] ^= 1
        #expect(f.verify(stack: [sig], control: wrongPath) == .witnessProgramMismatch)
        var wrongParity = f.controlBlock
        wrongParity[0] ^= 1
        #expect(f.verify(stack: [sig], control: wrongParity) == .witnessProgramMismatch)
        #expect(f.verify(stack: [sig], control: Array(f.controlBlock.dropLast())) == .taprootWrongControlSize)
        #expect(f.verify(stack: [sig], control: Array(f.controlBlock.prefix(32))) == .taprootWrongControlSize)
        let tooLong = f.controlBlock + [UInt8](repeating: 0, count: 32 * 128)
        #expect(f.verify(stack: [sig], control: tooLong) == .taprootWrongControlSize)
    }

    @Test func annexIsCommitted() {
        let f = TapFixture(script: push(keyA.xOnly) + [0xac])
        let annex: [UInt8] = [0x50, 1, 2, 3]
        #expect(f.verify(stack: [keyA.sign(f.sighash(annex: annex))], annex: annex) == nil)
        #expect(f.verify(stack: [keyA.sign(f.sighash())], annex: annex) == .schnorrSig)
        #expect(f.verify(stack: [keyA.sign(f.sighash(annex: annex))]) == .schnorrSig)
    }

    @Test func codeSeparatorPositionIsCommitted() {
        // OP_CODESEPARATOR is opcode 0 in the script.
        let f = TapFixture(script: [0xab] + push(keyA.xOnly) + [0xac])
        #expect(f.verify(stack: [keyA.sign(f.sighash(codeSeparatorPosition: 0))]) == nil)
        #expect(f.verify(stack: [keyA.sign(f.sighash())]) == .schnorrSig)
        // Position 2 after three opcodes (push counts as one).
        let g = TapFixture(script: [0x61] + push(keyA.xOnly) + [0xab, 0xac])
        #expect(g.verify(stack: [keyA.sign(g.sighash(codeSeparatorPosition: 2))]) == nil)
    }

    @Test func keyPath() {
        // Key-path spend of a key-only output Q = P + H(P)·G, signed with the tweaked secret.
        let ctx = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE))!
        defer { secp256k1_context_destroy(ctx) }
        var kp = secp256k1_keypair()
        #expect(secp256k1_keypair_create(ctx, &kp, keyA.secret) == 1)
        let tweak = TaggedHash.tapTweak.hash(keyA.xOnly)
        #expect(secp256k1_keypair_xonly_tweak_add(ctx, &kp, tweak.bytes) == 1)
        var xpk = secp256k1_xonly_pubkey()
        var parity: Int32 = 0
        _ = secp256k1_keypair_xonly_pub(ctx, &xpk, &parity, &kp)
        var q = [UInt8](repeating: 0, count: 32)
        _ = secp256k1_xonly_pubkey_serialize(ctx, &q, &xpk)
        let spent = TxOut(value: 1000, scriptPubKey: [0x51, 0x20] + q)
        var tx = TapFixture(script: []).tx
        func sign(_ hashType: UInt8, annex: [UInt8]? = nil) -> [UInt8] {
            let pre = PrecomputedTransactionData(tx: tx, spentOutputs: [spent], force: true)
            let m = SigHash.taproot(tx: tx, inputIndex: 0, hashType: hashType, precomputed: pre, annex: annex)!.bytes
            var sig = [UInt8](repeating: 0, count: 64)
            _ = secp256k1_schnorrsig_sign32(ctx, &sig, m, &kp, nil)
            return hashType == 0 ? sig : sig + [hashType]
        }
        func verify(_ witness: [[UInt8]]) -> ScriptError? {
            var t = tx
            t.inputs[0].witness = witness
            return verifyScript(
                tx: t, inputIndex: 0, spentOutput: spent,
                precomputed: PrecomputedTransactionData(tx: t, spentOutputs: [spent]), flags: .standard)
        }
        for ht: UInt8 in [0, 1, 2, 3, 0x81, 0x82, 0x83] { #expect(verify([sign(ht)]) == nil, "hash type \(ht)") }
        let annex: [UInt8] = [0x50]
        #expect(verify([sign(0, annex: annex), annex]) == nil)
        #expect(verify([sign(0), annex]) == .schnorrSig)
        #expect(verify([]) == .witnessProgramWitnessEmpty)
        // SIGHASH_SINGLE without a matching output.
        tx.outputs = []
        #expect(verify([[UInt8](repeating: 1, count: 64) + [3]]) == .schnorrSigHashtype)
        // A scriptSig is not allowed for native witness programs.
        var t = tx
        t.inputs[0].scriptSig = [0x00]
        t.inputs[0].witness = [sign(0)]
        #expect(
            verifyScript(
                tx: t, inputIndex: 0, spentOutput: spent,
                precomputed: PrecomputedTransactionData(tx: t, spentOutputs: [spent]), flags: .standard) == .witnessMalleated)
    }

    @Test func opSuccessAndUpgradableVersions() {
        let f = TapFixture(script: [0x50, 0x4d])  // OP_SUCCESS80 then a truncated push: still success
        #expect(f.verify(stack: [], flags: .mandatory) == nil)
        #expect(f.verify(stack: [], flags: .standard) == .discourageOpSuccess)
        // A truncated push before any OP_SUCCESS is BAD_OPCODE.
        let g = TapFixture(script: [0x4d, 0x50])
        #expect(g.verify(stack: [], flags: .mandatory) == .badOpcode)
        // Unknown leaf version.
        let h = TapFixture(script: [0x00], leafVersion: 0xc2)
        #expect(h.verify(stack: [], flags: .mandatory) == nil)
        #expect(h.verify(stack: [], flags: .standard) == .discourageUpgradableTaprootVersion)
        // CHECKMULTISIG is disabled in tapscript.
        let m = TapFixture(script: [0x00, 0x00, 0xae])
        #expect(m.verify(stack: [], flags: .mandatory) == .tapscriptCheckMultisig)
    }

    @Test func tapscriptRules() {
        // MINIMALIF is consensus in tapscript.
        let f = TapFixture(script: [0x63, 0x51, 0x67, 0x51, 0x68])
        #expect(f.verify(stack: [[1]], flags: .mandatory) == nil)
        #expect(f.verify(stack: [[2]], flags: .mandatory) == .tapscriptMinimalIf)
        #expect(f.verify(stack: [[1, 0]], flags: .mandatory) == .tapscriptMinimalIf)
        // Empty public key.
        let e = TapFixture(script: [0x00, 0xac])
        #expect(e.verify(stack: [[]], flags: .mandatory) == .tapscriptEmptyPubkey)
        #expect(e.verify(stack: [[1]], flags: .mandatory) == .tapscriptEmptyPubkey)
        // Unknown public key type: a non-empty signature counts as a success.
        let k33 = [UInt8](repeating: 2, count: 33)
        let u = TapFixture(script: push(k33) + [0xac])
        #expect(u.verify(stack: [[1]], flags: .mandatory) == nil)
        #expect(u.verify(stack: [[]], flags: .mandatory) == .evalFalse)
        #expect(u.verify(stack: [[1]], flags: .standard) == .discourageUpgradablePubkeyType)
        // Validation weight: each passing sigop costs 50 against 50 + witness size.
        let unit = [0x76] + push(k33) + [0xad]  // DUP <key> CHECKSIGVERIFY
        let few = TapFixture(script: Array([[UInt8]](repeating: unit, count: 3).joined()))
        #expect(few.verify(stack: [[1]], flags: .mandatory) == nil)
        let many = TapFixture(script: Array([[UInt8]](repeating: unit, count: 12).joined()))
        #expect(many.verify(stack: [[1]], flags: .mandatory) == .tapscriptValidationWeight)
        // Padding the witness raises the budget.
        #expect(many.verify(stack: [[UInt8](repeating: 0, count: 520), [1]], flags: .mandatory) == .cleanStack)
        // No 201-opcode or 10,000-byte limit in tapscript, but 520-byte elements and 1000 items still apply.
        let ops = TapFixture(script: [UInt8](repeating: 0x61, count: 300) + [0x51])
        #expect(ops.verify(stack: [], flags: .mandatory) == nil)
        let big = TapFixture(script: [UInt8](repeating: 0x61, count: 10_001) + [0x51])
        #expect(big.verify(stack: [], flags: .mandatory) == nil)
        #expect(ops.verify(stack: [[UInt8](repeating: 0, count: 521)], flags: .mandatory) == .pushSize)
        let depth = TapFixture(script: [0x75, 0x51])
        #expect(depth.verify(stack: [[UInt8]](repeating: [], count: 1001), flags: .mandatory) == .stackSize)
    }

    @Test func p2shWrappedV1IsNotTaproot() {
        // A v1 32-byte program inside P2SH is an upgradable witness program, not taproot.
        let program: [UInt8] = [0x51, 0x20] + [UInt8](repeating: 0x42, count: 32)
        let spk: [UInt8] = [0xa9, 0x14] + hash160(program).bytes + [0x87]
        var tx = TapFixture(script: []).tx
        tx.inputs[0].scriptSig = push(program)
        tx.inputs[0].witness = [[1]]
        let spent = TxOut(value: 1, scriptPubKey: spk)
        let pre = PrecomputedTransactionData(tx: tx, spentOutputs: [spent])
        #expect(verifyScript(tx: tx, inputIndex: 0, spentOutput: spent, precomputed: pre, flags: .mandatory) == nil)
        #expect(
            verifyScript(tx: tx, inputIndex: 0, spentOutput: spent, precomputed: pre, flags: .standard)
                == .discourageUpgradableWitnessProgram)
    }
}
