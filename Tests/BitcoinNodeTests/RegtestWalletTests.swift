import Bitcoin
import BitcoinConsensus
import BitcoinNode
import BitcoinView
import Hashing
import KVStore
import Primitives
import Testing

/// The regtest workload wallet (`RegtestWallet`, `mineWithSpends`) and the store digest
/// (`ChainDigest`). Signatures are judged by the node's script interpreter (Core's vectors test it),
/// on a second node that only sees the raw blocks.
@Suite struct RegtestWalletTests {
    static func node() throws -> BitcoinChain<MemoryStore> {
        try BitcoinChain(
            store: MemoryStore(tables: NodeTables.all), config: ChainConfig(params: .regtest, verifyScripts: true, scriptParallelism: 1))
    }

    /// 100 blocks paying the wallet, then `spendBlocks` blocks of wallet spends.
    static func mined(spendBlocks: Int, wallet: RegtestWallet) async throws -> (BitcoinChain<MemoryStore>, [Block]) {
        let a = try node()
        var blocks: [Block] = []
        for _ in 0..<(100 + spendBlocks) { blocks.append(try await a.mineWithSpends(wallet: wallet, payTo: nil)) }
        return (a, blocks)
    }

    @Test func spendsOfEveryKindVerifyOnAnIndependentNode() async throws {
        let wallet = RegtestWallet(seed: 3)
        let (a, blocks) = try await Self.mined(spendBlocks: 25, wallet: wallet)
        #expect(a.tip.height == 125)
        // Classify every spent output by the wallet key kind that owns it.
        var outputs: [OutPoint: TxOut] = [:]
        var spentKinds: [RegtestWallet.Kind: Int] = [:]
        var opReturns = 0, keystones = 0, scriptPathWitnesses = 0, txs = 0
        for b in blocks {
            for tx in b.transactions {
                if !tx.isCoinbase {
                    txs += 1
                    for input in tx.inputs {
                        let out = try #require(outputs[input.prevout])
                        let k = try #require(wallet.keyIndex(of: out.scriptPubKey))
                        spentKinds[wallet.keys[k].kind, default: 0] += 1
                        if wallet.keys[k].kind == .p2trScriptPath {
                            // BIP341 script path: signature, leaf script, control block (0xc0 | parity).
                            #expect(input.witness.count == 3)
                            #expect(input.witness.last.map { $0.count == 33 && $0[0] & 0xfe == 0xc0 } == true)
                            scriptPathWitnesses += 1
                        }
                    }
                }
                let txid = tx.computeTxID()
                for (i, o) in tx.outputs.enumerated() {
                    outputs[OutPoint(txid: txid, vout: UInt32(i))] = o
                    if o.scriptPubKey.first == 0x6a {
                        opReturns += 1
                        if (try? PoPPayload.keystone(fromScript: o.scriptPubKey)) != nil { keystones += 1 }
                    }
                }
            }
        }
        for kind in RegtestWallet.Kind.allCases { #expect((spentKinds[kind] ?? 0) > 0, "no \(kind) input was spent") }
        #expect(scriptPathWitnesses > 0 && opReturns > 0 && keystones > 0 && txs >= 25)

        // A second node verifying scripts accepts the raw blocks and ends with equal state.
        let b = try Self.node()
        for blk in blocks { _ = try await b.acceptBlock(raw: blk.serialized()) }
        #expect(b.tip.hash == a.tip.hash)
        #expect(try ChainDigest.compute(store: a.store) == ChainDigest.compute(store: b.store))
    }

    @Test func aTamperedScriptPathSignatureIsRejected() async throws {
        let wallet = RegtestWallet(seed: 4)
        let (a, _) = try await Self.mined(spendBlocks: 0, wallet: wallet)
        for _ in 0..<3 { try await a.mine(payTo: [0x51]) }
        // A mature script-path coin (the coinbase of block 3), spent with one signature bit flipped.
        let coins = try a.walletCoins(wallet).filter { wallet.keys[$0.key].kind == .p2trScriptPath && $0.coin.height <= 3 }
        let coin = try #require(coins.first)
        var tx = Transaction(
            version: 2, inputs: [TxIn(prevout: coin.outpoint, sequence: 0xffff_ffff)],
            outputs: [TxOut(value: coin.coin.output.value - 1000, scriptPubKey: wallet.keys[0].scriptPubKey)], lockTime: 0)
        wallet.sign(&tx, spent: [coin])
        #expect(tx.inputs[0].witness.count == 3)
        var bad = tx
        bad.inputs[0].witness[0][10] ^= 0x01
        let badBlock = try a.makeBlock(payTo: [0x51], transactions: [bad])
        await #expect(throws: NodeError.self) { try await a.acceptBlock(badBlock) }
        #expect(a.tip.height == 103)
        // The untampered spend is valid.
        try await a.mine(payTo: [0x51], transactions: [tx])
        #expect(a.tip.height == 104)
    }

    @Test func digestFollowsTheDocumentedEncodingAndSeesOneChangedEntry() async throws {
        let wallet = RegtestWallet(seed: 5)
        let (a, _) = try await Self.mined(spendBlocks: 3, wallet: wallet)
        let parts = try ChainDigest.compute(store: a.store)
        // Recompute `coins` and `outputs:h` from the entries: len u32 BE ‖ key ‖ len u32 BE ‖ value.
        func expected(_ table: String, prefix: [UInt8]) throws -> String {
            let t = try a.store.table(table)
            let entries = try a.store.read { r in try r.entries(t, prefix: prefix) }
            var bytes: [UInt8] = []
            func be(_ n: Int) -> [UInt8] { withUnsafeBytes(of: UInt32(n).bigEndian, Array.init) }
            for e in entries { bytes += be(e.key.count) + e.key + be(e.value.count) + e.value }
            return Hex.encode(SHA256Hash.hash(bytes).bytes)
        }
        let coins = try #require(parts.first { $0.name == "coins" })
        #expect(coins.sha256 == (try expected("coins", prefix: [])))
        #expect(coins.chainState && coins.entries > 100)
        let sh = try #require(parts.first { $0.name == "outputs:h" })
        #expect(sh.sha256 == (try expected("outputs", prefix: Array("h".utf8))))
        for name in ["meta:tip", "chain", "undo", "outputs:u", "transactions:t", "transactions:s", "transactions:b", "keystones", "keystoneheights"] {
            #expect(parts.first { $0.name == name }?.chainState == true, "\(name)")
        }
        #expect(parts.first { $0.name == "blocks" }?.chainState == false)

        // Changing one value changes exactly that part.
        let t = try a.store.table(NodeTables.coins)
        let first = try #require(try a.store.read { r in try r.first(t) })
        try a.store.write { w in try w.put(t, first.key, first.value + [0]) }
        let after = try ChainDigest.compute(store: a.store)
        let changed = zip(parts, after).filter { $0.0 != $0.1 }.map { $0.0.name }
        #expect(changed == ["coins"])
    }
}
