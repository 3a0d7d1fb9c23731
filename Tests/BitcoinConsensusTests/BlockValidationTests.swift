import Testing
import Foundation
import Primitives
import Hashing
import Bitcoin
import BitcoinConsensus
import BitcoinScript
import TestSupport

func loadBlock(_ file: String) throws -> Block {
    let blocks = try BlockFile.parse(try TestData.bytes("bitcoin/blocks/" + file))
    guard let b = blocks.first?.block, blocks.count == 1 else { throw BlockFileError.empty }
    return b
}

/// Re-computes the merkle root so that a mutated block only fails the rule under test.
func resealed(_ b: Block) -> Block {
    var c = b
    c.header.merkleRoot = c.computeMerkleRoot().root
    return c
}

func reason(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch let e as BlockValidationError {
        return e.reason
    } catch {
        return "unexpected error \(error)"
    }
}

let fixtureHeights: [(String, Int)] = [
    ("block169482.dat", 169_482), ("block227835.dat", 227_835), ("block227836.dat", 227_836), ("block277647.dat", 277_647),
    ("block363703.dat", 363_703), ("block370661.dat", 370_661), ("block383616.dat", 383_616), ("block413567.raw", 413_567),
    ("block481815.dat", 481_815), ("block481829.dat", 481_829),
]

@Suite struct BlockValidationTests {
    @Test(arguments: fixtureHeights.map { $0.0 })
    func realBlocksPassCheckBlockAndContext(_ file: String) throws {
        let block = try loadBlock(file)
        let height = try #require(fixtureHeights.first { $0.0 == file }?.1)
        #expect(reason { try BlockValidation.checkBlock(block, params: .mainnet) } == nil)
        // The parent's median time past is not in the fixtures; an hour before the block time is a
        // safe stand-in for the finality rule (all their lock times are far below it).
        let mtp = Int64(block.header.time) - 3600
        #expect(reason { try BlockValidation.contextualCheckBlock(block, height: height, parentMedianTimePast: mtp, params: .mainnet) } == nil)
        // BIP34 prefix present from version 2 on.
        if block.header.version >= 2 {
            let p = BlockValidation.bip34Prefix(height: height)
            #expect(Array(block.transactions[0].inputs[0].scriptSig.prefix(p.count)) == p)
        }
        // The coinbase names the height from version 2 (BIP34) on; 227836 predates enforcement but has it.
        if block.header.version >= 2 { #expect(BlockValidation.coinbaseHeight(block) == height) }
        // Wrong height → bad-cb-height once BIP34 is active.
        if height >= ChainParams.mainnet.bip34Height {
            #expect(reason { try BlockValidation.contextualCheckBlock(block, height: height + 1, parentMedianTimePast: mtp, params: .mainnet) } == "bad-cb-height")
        }
    }

    @Test func checkBlockRejections() throws {
        let good = try loadBlock("block169482.dat")
        let p = ChainParams.mainnet
        func check(_ b: Block) -> String? { reason { try BlockValidation.checkBlock(b, params: p, checkProofOfWork: false) } }
        // Merkle root.
        var b = good
        b.header.merkleRoot = Bytes32(w0: 1, w1: 0, w2: 0, w3: 0)
        #expect(check(b) == "bad-txnmrklroot")
        // CVE-2012-2459: 14 txs + the last two again gives the same root.
        b = good
        b.transactions += b.transactions.suffix(2)
        #expect(check(b) == "bad-txns-duplicate")
        // Proof of work.
        b = good
        b.header.nonce ^= 1
        #expect(reason { try BlockValidation.checkBlock(b, params: p) } == "high-hash")
        // No coinbase first.
        b = good
        b.transactions.swapAt(0, 1)
        #expect(check(resealed(b)) == "bad-cb-missing")
        // Two coinbases.
        b = good
        b.transactions.append(good.transactions[0])
        #expect(check(resealed(b)) == "bad-cb-multiple")
        // Coinbase scriptSig length.
        for n in [0, 1, 101] {
            b = good
            b.transactions[0].inputs[0].scriptSig = [UInt8](repeating: 1, count: n)
            #expect(check(resealed(b)) == "bad-cb-length", "len \(n)")
        }
        for n in [2, 100] {
            b = good
            b.transactions[0].inputs[0].scriptSig = [UInt8](repeating: 1, count: n)
            #expect(check(resealed(b)) == nil, "len \(n)")
        }
        // Duplicate inputs (CVE-2018-17144).
        b = good
        b.transactions[1].inputs.append(b.transactions[1].inputs[0])
        #expect(check(resealed(b)) == "bad-txns-inputs-duplicate")
        // Output values.
        b = good
        b.transactions[1].outputs[0].value = -1
        #expect(check(resealed(b)) == "bad-txns-vout-negative")
        b.transactions[1].outputs[0].value = Money.maxMoney + 1
        #expect(check(resealed(b)) == "bad-txns-vout-toolarge")
        b.transactions[1].outputs = [TxOut(value: Money.maxMoney, scriptPubKey: []), TxOut(value: 1, scriptPubKey: [])]
        #expect(check(resealed(b)) == "bad-txns-txouttotal-toolarge")
        b.transactions[1].outputs = [TxOut(value: Money.maxMoney, scriptPubKey: [])]
        #expect(check(resealed(b)) == nil)
        // Empty inputs / outputs; null prevout in a non-coinbase.
        b = good
        b.transactions[1].outputs = []
        #expect(check(resealed(b)) == "bad-txns-vout-empty")
        // A lone null prevout makes a (second) coinbase, as in Core's IsCoinBase.
        b = good
        b.transactions[1].inputs = [TxIn(prevout: .null, scriptSig: [1, 2])]
        #expect(check(resealed(b)) == "bad-cb-multiple")
        b = good
        b.transactions[1].inputs.append(TxIn(prevout: .null))
        #expect(check(resealed(b)) == "bad-txns-prevout-null")
        // Legacy sigops: 20,001 OP_CHECKSIG.
        b = good
        b.transactions[1].outputs[0].scriptPubKey = [UInt8](repeating: 0xac, count: 20_001)
        #expect(check(resealed(b)) == "bad-blk-sigops")
        b.transactions[1].outputs[0].scriptPubKey = [UInt8](repeating: 0xac, count: 19_000)
        #expect(check(resealed(b)) == nil)
    }

    @Test func finalityAndWitnessContext() throws {
        // Finality on 481815 (CSV active: lock times compare with the parent's MTP; segwit not yet).
        let pre = try loadBlock("block481815.dat")
        let mtp = Int64(pre.header.time) - 3600
        // A time-locked transaction not yet final.
        var b = pre
        b.transactions[1].lockTime = UInt32(mtp)
        b.transactions[1].inputs[0].sequence = 0
        #expect(reason { try BlockValidation.contextualCheckBlock(b, height: 481_815, parentMedianTimePast: mtp, params: .mainnet) } == "bad-txns-nonfinal")
        b.transactions[1].lockTime = UInt32(mtp - 1)
        #expect(reason { try BlockValidation.contextualCheckBlock(b, height: 481_815, parentMedianTimePast: mtp, params: .mainnet) } == nil)
        // Height lock: final strictly below the height.
        b.transactions[1].lockTime = 481_815
        #expect(reason { try BlockValidation.contextualCheckBlock(b, height: 481_815, parentMedianTimePast: mtp, params: .mainnet) } == "bad-txns-nonfinal")
        // Final sequence numbers make any lock time final.
        b.transactions[1].inputs = b.transactions[1].inputs.map { var i = $0; i.sequence = 0xffff_ffff; return i }
        #expect(reason { try BlockValidation.contextualCheckBlock(b, height: 481_815, parentMedianTimePast: mtp, params: .mainnet) } == nil)
        let block = try loadBlock("block481829.dat")
        let mtp29 = Int64(block.header.time) - 3600
        // Witness data with the commitment removed.
        b = block
        b.transactions[0].outputs.removeAll { $0.scriptPubKey.starts(with: WitnessCommitment.header) }
        #expect(reason { try BlockValidation.contextualCheckBlock(b, height: 481_829, parentMedianTimePast: mtp29, params: .mainnet) } == "unexpected-witness")
        // Changing a transaction changes its wtxid: the commitment no longer matches.
        b = block
        b.transactions[1].lockTime ^= 1
        #expect(reason { try BlockValidation.contextualCheckBlock(b, height: 481_829, parentMedianTimePast: mtp29, params: .mainnet) } == "bad-witness-merkle-match")
        // Pre-segwit 481815 with a commitment but no reserved value: fine before activation only.
        let m2 = Int64(pre.header.time) - 3600
        #expect(reason { try BlockValidation.contextualCheckBlock(pre, height: 481_815, parentMedianTimePast: m2, params: .mainnet) } == nil)
        // MTP is required from CSV on.
        #expect(reason { try BlockValidation.contextualCheckBlock(pre, height: 481_815, parentMedianTimePast: nil, params: .mainnet) } == "missing-context")
    }

    @Test func coinbaseHeightDecoding() throws {
        var b = try loadBlock("block227836.dat")
        for h in [0, 1, 16, 17, 127, 128, 255, 256, 32_767, 32_768, 8_388_607, 8_388_608, 2_147_483_647] {
            b.transactions[0].inputs[0].scriptSig = BlockValidation.bip34Prefix(height: h) + [0xaa, 0xbb]
            #expect(BlockValidation.coinbaseHeight(b) == h, "height \(h)")
        }
        // Non-minimal, negative, truncated, version 1.
        b.transactions[0].inputs[0].scriptSig = [0x02, 0x05, 0x00]
        #expect(BlockValidation.coinbaseHeight(b) == nil)
        b.transactions[0].inputs[0].scriptSig = [0x01, 0x85]
        #expect(BlockValidation.coinbaseHeight(b) == nil)
        b.transactions[0].inputs[0].scriptSig = [0x03, 0x01]
        #expect(BlockValidation.coinbaseHeight(b) == nil)
        b.header.version = 1
        b.transactions[0].inputs[0].scriptSig = [0x51]
        #expect(BlockValidation.coinbaseHeight(b) == nil)
    }

    @Test func bip34Prefixes() {
        #expect(BlockValidation.bip34Prefix(height: 0) == [0x00])
        #expect(BlockValidation.bip34Prefix(height: 1) == [0x51])
        #expect(BlockValidation.bip34Prefix(height: 16) == [0x60])
        #expect(BlockValidation.bip34Prefix(height: 17) == [0x01, 0x11])
        #expect(BlockValidation.bip34Prefix(height: 127) == [0x01, 0x7f])
        #expect(BlockValidation.bip34Prefix(height: 128) == [0x02, 0x80, 0x00])
        #expect(BlockValidation.bip34Prefix(height: 227_931) == [0x03, 0x5b, 0x7a, 0x03])
        #expect(BlockValidation.bip34Prefix(height: 8_388_608) == [0x04, 0x00, 0x00, 0x80, 0x00])
    }

    @Test func subsidy() {
        #expect(Money.subsidy(height: 0, params: .mainnet) == 50 * Money.coin)
        #expect(Money.subsidy(height: 209_999, params: .mainnet) == 50 * Money.coin)
        #expect(Money.subsidy(height: 210_000, params: .mainnet) == 25 * Money.coin)
        #expect(Money.subsidy(height: 840_000, params: .mainnet) == 3 * Money.coin + Money.coin / 8)
        #expect(Money.subsidy(height: 210_000 * 33, params: .mainnet) == 0)
        #expect(Money.subsidy(height: 210_000 * 64, params: .mainnet) == 0)
        #expect(Money.subsidy(height: 150, params: .regtest) == 25 * Money.coin)
    }

    @Test func scriptFlagsPerHeight() {
        let m = ChainParams.mainnet
        let base = ScriptFlagBits.p2sh | ScriptFlagBits.witness | ScriptFlagBits.taproot
        #expect(BlockValidation.scriptFlags(height: 100, hash: .zero, params: m) == base)
        #expect(BlockValidation.scriptFlags(height: 363_725, hash: .zero, params: m) == base | ScriptFlagBits.derSig)
        #expect(BlockValidation.scriptFlags(height: 481_824, hash: .zero, params: m)
            == base | ScriptFlagBits.derSig | ScriptFlagBits.checkLockTimeVerify | ScriptFlagBits.checkSequenceVerify | ScriptFlagBits.nullDummy)
        let bip16Exception = BlockHash(displayHex: "00000000000002dc756eebf4f49723ed8d30cc28a5f108eb94b1ba88ac4f9c22") ?? .zero
        #expect(BlockValidation.scriptFlags(height: 170_060, hash: bip16Exception, params: m) == ScriptFlagBits.none)
        #expect(BlockValidation.scriptFlags(height: 1, hash: .zero, params: .regtest) & ScriptFlagBits.nullDummy != 0)
    }
}

@Suite struct SigOpTests {
    func s(_ hex: String) -> [UInt8] { [UInt8](hex: hex) ?? [] }

    @Test func counts() {
        let p2pkh = s("76a914" + String(repeating: "00", count: 20) + "88ac")
        #expect(LegacySigOps.count(script: p2pkh, accurate: false) == 1)
        // 2-of-3 multisig: 20 inaccurate, 3 accurate.
        let key = "21" + String(repeating: "02", count: 33)
        let ms = s("52" + key + key + key + "53ae")
        #expect(LegacySigOps.count(script: ms, accurate: false) == 20)
        #expect(LegacySigOps.count(script: ms, accurate: true) == 3)
        // CHECKSIGVERIFY and CHECKMULTISIGVERIFY; OP_0 before CHECKMULTISIG is not OP_n: 20.
        #expect(LegacySigOps.count(script: s("adad00af"), accurate: true) == 22)
        // A truncated push stops the walk (the opcode after it is never reached).
        #expect(LegacySigOps.count(script: s("ac4c05acac"), accurate: false) == 1)
        #expect(LegacySigOps.count(script: s("ac4d0100ac"), accurate: false) == 1)  // PUSHDATA2 of 1 byte: "ac" is data
        #expect(LegacySigOps.count(script: s("ac4d0000ac"), accurate: false) == 2)
        // Pushed bytes are data, not opcodes.
        #expect(LegacySigOps.count(script: s("02acac"), accurate: false) == 0)
    }

    @Test func p2shAndWitness() {
        let redeem = s("51" + "21" + String(repeating: "02", count: 33) + "51ae")  // 1-of-1
        let p2sh = s("a914" + String(repeating: "11", count: 20) + "87")
        var sig = [UInt8(redeem.count)] + redeem
        #expect(SigOps.p2shCount(scriptSig: sig, scriptPubKey: p2sh) == 1)
        sig = [0x61] + sig  // OP_NOP makes it non-push-only
        #expect(SigOps.p2shCount(scriptSig: sig, scriptPubKey: p2sh) == 0)
        // P2WPKH: 1; P2WSH: the witness script's accurate count; v1: 0.
        let wpkh = s("0014" + String(repeating: "22", count: 20))
        let wsh = s("0020" + String(repeating: "33", count: 32))
        let flags = ScriptFlagBits.p2sh | ScriptFlagBits.witness
        #expect(SigOps.witnessCount(scriptSig: [], scriptPubKey: wpkh, witness: [[1], [2]], flags: ScriptFlags(rawValue: flags)) == 1)
        #expect(SigOps.witnessCount(scriptSig: [], scriptPubKey: wsh, witness: [[], redeem], flags: ScriptFlags(rawValue: flags)) == 1)
        #expect(SigOps.witnessCount(scriptSig: [], scriptPubKey: s("5120" + String(repeating: "44", count: 32)), witness: [[1]], flags: ScriptFlags(rawValue: flags)) == 0)
        #expect(SigOps.witnessCount(scriptSig: [], scriptPubKey: wpkh, witness: [[1]], flags: ScriptFlags(rawValue: ScriptFlagBits.p2sh)) == 0)
        // P2SH-wrapped P2WPKH.
        #expect(SigOps.witnessCount(scriptSig: [UInt8(wpkh.count)] + wpkh, scriptPubKey: p2sh, witness: [[1], [2]], flags: ScriptFlags(rawValue: flags)) == 1)
    }
}

// MARK: Connect block 277647 against its prevouts

struct PrevoutJSON: Decodable {
    let txid: String
    let vout: UInt32
    let value: Int64
    let scriptPubKey: String
    let height: Int
    let coinbase: Bool
}

func prevouts277647() throws -> (view: [OutPoint: Coin], inBlock: [OutPoint: Coin]) {
    let data = Data(try TestData.bytes("bitcoin/blocks/block277647.prevouts.json"))
    let entries = try JSONDecoder().decode([PrevoutJSON].self, from: data)
    var view: [OutPoint: Coin] = [:], inBlock: [OutPoint: Coin] = [:]
    for e in entries {
        let op = OutPoint(txid: try #require(TxID(displayHex: e.txid)), vout: e.vout)
        let c = Coin(output: TxOut(value: e.value, scriptPubKey: try #require([UInt8](hex: e.scriptPubKey))), height: e.height, isCoinbase: e.coinbase)
        if e.height < 277_647 { view[op] = c } else { inBlock[op] = c }
    }
    return (view, inBlock)
}

/// Checks the call's shape; fails input 0 of the listed transactions.
struct CountingChecker: InputScriptChecker {
    let failTxids: Set<TxID>
    typealias TxData = Void
    func check(tx: Transaction, inputIndex: Int, spentOutputs: [TxOut], prepared: Void, flags: UInt32) -> String? {
        guard spentOutputs.count == tx.inputs.count, flags & ScriptFlagBits.p2sh != 0 else { return "BAD_CALL" }
        return failTxids.contains(tx.computeTxID()) && inputIndex == 0 ? "SCRIPT_ERR_EVAL_FALSE" : nil
    }
}

@Suite struct ConnectBlockTests {
    @Test func block277647Connects() async throws {
        let block = try loadBlock("block277647.dat")
        let (view, inBlock) = try prevouts277647()
        #expect(view.count + inBlock.count == 732)
        let ctx = ConnectContext(height: 277_647, params: .mainnet)
        let r = try await BlockConnector.connect(block, view: view, context: ctx, checker: CountingChecker(failTxids: []))
        #expect(r.fees == 4_737_355)
        #expect(r.scriptChecks == 732)
        #expect(r.spent.count == view.count)
        // The coinbase pays exactly subsidy + fees.
        #expect(block.transactions[0].outputs.reduce(0) { $0 + $1.value } == 25 * Money.coin + 4_737_355)
        // In-block outputs that the block spends are not left in `created`.
        for op in inBlock.keys { #expect(r.created[op] == nil) }
        // Without an interpreter the checks are reported as skipped.
        let skipped = try await BlockConnector.connect(block, view: view, context: ctx, checker: NoScriptChecker())
        #expect(skipped.scriptChecks == 0 && skipped.scriptChecksSkipped == 732)
    }

    /// The real interpreter: all 732 inputs verify under the flags Core uses at that height, and a
    /// single flipped bit in one signature (or one scriptPubKey byte of a prevout) makes the block
    /// fail at exactly that input.
    @Test func block277647ScriptsWithInterpreter() async throws {
        let block = try loadBlock("block277647.dat")
        let (view, _) = try prevouts277647()
        for parallelism in [1, 4] {
            let ctx = ConnectContext(height: 277_647, params: .mainnet, parallelism: parallelism)
            let r = try await BlockConnector.connect(block, view: view, context: ctx, checker: BitcoinScriptChecker())
            #expect(r.scriptChecks == 732 && r.scriptChecksSkipped == 0)

            var bad = block
            let (t, i) = (17, 0)
            var sig = bad.transactions[t].inputs[i].scriptSig
            sig[10] ^= 0x01  // inside the DER signature's R value
            bad.transactions[t].inputs[i].scriptSig = sig
            do {
                _ = try await BlockConnector.connect(bad, view: view, context: ctx, checker: BitcoinScriptChecker())
                Issue.record("a corrupted signature was accepted")
            } catch {
                #expect(error.txIndex == t && error.inputIndex == i)
                #expect(error.reason.hasPrefix("mandatory-script-verify-flag-failed"))
            }

            var v = view
            let t2 = try #require(block.transactions.indices.first {
                $0 > 1 && block.transactions[$0].inputs.count >= 2 && view[block.transactions[$0].inputs[1].prevout] != nil
            })
            let op = block.transactions[t2].inputs[1].prevout
            var coin = try #require(v[op])
            coin.output.scriptPubKey[5] ^= 0x80  // inside the HASH160 of the P2PKH script
            v[op] = coin
            do {
                _ = try await BlockConnector.connect(block, view: v, context: ctx, checker: BitcoinScriptChecker())
                Issue.record("a wrong prevout script was accepted")
            } catch {
                #expect(error.txIndex == t2 && error.inputIndex == 1)
            }
        }
    }

    @Test func connectFailures() async throws {
        let block = try loadBlock("block277647.dat")
        let (view, _) = try prevouts277647()
        let ctx = ConnectContext(height: 277_647, params: .mainnet)
        func fail(_ b: Block, _ v: [OutPoint: Coin], checker: some InputScriptChecker = NoScriptChecker()) async -> BlockValidationError? {
            do throws(BlockValidationError) {
                _ = try await BlockConnector.connect(b, view: v, context: ctx, checker: checker)
                return nil
            } catch {
                return error
            }
        }
        // Missing input.
        var v = view
        let someOp = block.transactions[5].inputs[0].prevout
        v[someOp] = nil
        let e1 = await fail(block, v)
        #expect(e1?.reason == "bad-txns-inputs-missingorspent" && e1?.txIndex == 5 && e1?.inputIndex == 0)
        // Immature coinbase: 99 deep fails, 100 deep passes.
        v = view
        let coinbaseOp = try #require(view.first { $0.value.isCoinbase }?.key)
        v[coinbaseOp]?.height = 277_647 - 99
        #expect(await fail(block, v)?.reason == "bad-txns-premature-spend-of-coinbase")
        v[coinbaseOp]?.height = 277_647 - 100
        #expect(await fail(block, v) == nil)
        // Input value out of range.
        v = view
        v[someOp]?.output.value = Money.maxMoney + 1
        #expect(await fail(block, v)?.reason == "bad-txns-inputvalues-outofrange")
        // Inputs below outputs.
        v = view
        v[someOp]?.output.value = 0
        #expect(await fail(block, v)?.reason == "bad-txns-in-belowout")
        // Coinbase claims one satoshi too many.
        var b = block
        b.transactions[0].outputs[0].value += 1
        #expect(await fail(b, view)?.reason == "bad-cb-amount")
        // Double spend inside the block.
        b = block
        b.transactions[6].inputs[0].prevout = b.transactions[5].inputs[0].prevout
        let e2 = await fail(b, view)
        #expect(e2?.reason == "bad-txns-inputs-missingorspent" && e2?.txIndex == 6)
        // Script failure: the first failing input in block order is reported, whatever the scheduling.
        let bad = Set([block.transactions[40].computeTxID(), block.transactions[120].computeTxID()])
        for p in [1, 2, 4, 8, 1000] {
            let c = ConnectContext(height: 277_647, params: .mainnet, parallelism: p)
            var e3: BlockValidationError?
            do throws(BlockValidationError) {
                _ = try await BlockConnector.connect(block, view: view, context: c, checker: CountingChecker(failTxids: bad))
            } catch { e3 = error }
            #expect(e3?.txIndex == 40 && e3?.inputIndex == 0)
            #expect(e3?.reason.hasPrefix("mandatory-script-verify-flag-failed") == true)
        }
    }
}

// MARK: BIP68 sequence locks (regtest: CSV active from height 1)

@Suite struct SequenceLockTests {
    static let height = 1000
    static let coinHeight = 990
    static let prev = OutPoint(txid: Bytes32(w0: 7, w1: 0, w2: 0, w3: 0), vout: 0)
    static let view: [OutPoint: Coin] = [prev: Coin(output: TxOut(value: 10_000, scriptPubKey: [0x51]), height: coinHeight, isCoinbase: false)]

    /// MTP of height h: 1,000,000 + 600·h.
    static let mtp: @Sendable (Int) -> Int64? = { h in 1_000_000 + 600 * Int64(h) }

    func block(sequence: UInt32, version: Int32 = 2) -> Block {
        let coinbase = Transaction(
            version: 1, inputs: [TxIn(prevout: .null, scriptSig: BlockValidation.bip34Prefix(height: Self.height) + [0])],
            outputs: [TxOut(value: 1, scriptPubKey: [0x51])])
        let spend = Transaction(
            version: version, inputs: [TxIn(prevout: Self.prev, scriptSig: [], sequence: sequence)],
            outputs: [TxOut(value: 9_000, scriptPubKey: [0x51])])
        let header = BlockHeader(version: 4, prevBlock: .zero, merkleRoot: .zero, time: 0, bits: 0x207f_ffff, nonce: 0)
        return Block(header: header, transactions: [coinbase, spend])
    }

    func connect(_ b: Block) async -> String? {
        let ctx = ConnectContext(height: Self.height, params: .regtest, medianTimePast: Self.mtp)
        do throws(BlockValidationError) {
            let r = try await BlockConnector.connect(b, view: Self.view, context: ctx, checker: NoScriptChecker())
            #expect(r.fees == 1_000)
            return nil
        } catch {
            return error.reason
        }
    }

    @Test func heightLocks() async {
        // Coin at 990, block at 1000: a relative lock of 10 blocks is met (990 + 10 - 1 < 1000)...
        #expect(await connect(block(sequence: 10)) == nil)
        // ...11 is not.
        #expect(await connect(block(sequence: 11)) == "bad-txns-nonfinal")
        // Disabled locks, and version 1 transactions, ignore the sequence.
        #expect(await connect(block(sequence: 11 | TxIn.sequenceDisableFlag)) == nil)
        #expect(await connect(block(sequence: 11, version: 1)) == nil)
    }

    @Test func timeLocks() async {
        // Coin's reference: MTP(989) = 1,593,400; parent MTP(999) = 1,599,400 (6,000 s later).
        // 11 units of 512 s = 5,632 s: met; 12 units = 6,144 s: not met.
        #expect(await connect(block(sequence: TxIn.sequenceTypeFlag | 11)) == nil)
        #expect(await connect(block(sequence: TxIn.sequenceTypeFlag | 12)) == "bad-txns-nonfinal")
        // Without MTP context a time lock cannot be evaluated.
        let ctx = ConnectContext(height: Self.height, params: .regtest)
        do throws(BlockValidationError) {
            _ = try await BlockConnector.connect(block(sequence: TxIn.sequenceTypeFlag | 1), view: Self.view, context: ctx, checker: NoScriptChecker())
            Issue.record("accepted")
        } catch {
            #expect(error.reason == "missing-context")
        }
    }
}
