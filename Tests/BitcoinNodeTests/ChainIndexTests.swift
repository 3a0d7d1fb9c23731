import Bitcoin
import BitcoinConsensus
import BitcoinNode
import BitcoinTestSupport
import BitcoinView
import Hashing
import KVStore
import Primitives
import TestSupport
import Testing

/// What the indexes must hold for a chain, recomputed from the blocks alone (no node code).
struct ExpectedIndexes {
    var utxo: [OutPoint: TxOut] = [:]
    var spends: [OutPoint: (txid: TxID, input: UInt32, block: BlockHash)] = [:]
    var txs: [TxID: (block: BlockHash, height: UInt64, raw: [UInt8])] = [:]
    var keystones: [Bytes32: (height: UInt32, block: BlockHash, keystone: KeystoneAbbrev)] = [:]
    var opReturnOutpoints: [OutPoint] = []
    /// Script hash → (height, position in block, txid) of every transaction paying to it (outputs other
    /// than OP_RETURN) or spending from it, in chain order, each transaction once.
    var history: [ScriptHash: [ScriptHashHistoryEntry]] = [:]
    var blockCount = 0
    var inputCount = 0

    /// `blocks[h]` is the block at height h (index 0 = genesis, which is not indexed).
    init(blocks: [Block]) {
        var scripts: [OutPoint: [UInt8]] = [:]
        for (h, block) in blocks.enumerated() where h > 0 {
            let bh = block.computeHash()
            blockCount += 1
            for (pos, tx) in block.transactions.enumerated() {
                let txid = tx.computeTxID()
                var touched: [ScriptHash] = []
                if !tx.isCoinbase {
                    for input in tx.inputs {
                        if let s = scripts[input.prevout] { touched.append(ScriptHash(script: s)) }
                    }
                }
                for (o, out) in tx.outputs.enumerated() where out.scriptPubKey.first != 0x6a {
                    scripts[OutPoint(txid: txid, vout: UInt32(o))] = out.scriptPubKey
                    touched.append(ScriptHash(script: out.scriptPubKey))
                }
                for sh in Set(touched) {
                    history[sh, default: []].append(ScriptHashHistoryEntry(height: UInt64(h), position: UInt32(pos), txid: txid))
                }
                txs[txid] = (bh, UInt64(h), tx.serialized(witness: true))
                if !tx.isCoinbase {
                    for (i, input) in tx.inputs.enumerated() {
                        utxo[input.prevout] = nil
                        spends[input.prevout] = (txid, UInt32(i), bh)
                        inputCount += 1
                    }
                }
                for (o, out) in tx.outputs.enumerated() {
                    let op = OutPoint(txid: txid, vout: UInt32(o))
                    if out.scriptPubKey.first == 0x6a {
                        opReturnOutpoints.append(op)
                    } else {
                        utxo[op] = out
                    }
                    // §3.1: "HEMI" ‖ 76 bytes behind OP_RETURN in a non-coinbase transaction.
                    let s = out.scriptPubKey
                    if !tx.isCoinbase, s.count == 83, s[0] == 0x6a, s[1] == 0x4c, s[2] == 80, Array(s[3..<7]) == Array("HEMI".utf8),
                        let k = try? KeystoneAbbrev(parsing: s[7...])
                    {
                        let kh = SHA256Hash.double(Array(s[7...]))
                        if keystones[kh] == nil { keystones[kh] = (UInt32(h), bh, k) }
                    }
                }
            }
        }
    }
}

/// Checks every index of `chain` against the independent recomputation from `blocks`.
func verifyIndexes<S: KVStore>(_ chain: BitcoinChain<S>, blocks: [Block]) throws {
    let exp = ExpectedIndexes(blocks: blocks)
    let view = try chain.view()
    #expect(view.pinnedHash == blocks[blocks.count - 1].computeHash())
    #expect(view.pinnedHeight == UInt64(blocks.count - 1))
    // Headers by height.
    for (h, b) in blocks.enumerated() {
        #expect(try view.header(height: UInt64(h))?.hash == b.computeHash())
    }
    #expect(try view.header(height: UInt64(blocks.count)) == nil)
    // UTXO index: balances and lists per script hash, outpoint → script hash.
    var byScript: [ScriptHash: [(OutPoint, Int64)]] = [:]
    for (op, out) in exp.utxo { byScript[ScriptHash(script: out.scriptPubKey), default: []].append((op, out.value)) }
    for (sh, list) in byScript {
        #expect(try view.balance(scriptHash: sh) == UInt64(list.reduce(0) { $0 + $1.1 }))
        let got = try view.utxos(scriptHash: sh, start: 0, count: 1 << 20)
        #expect(Set(got.map(\.outpoint)) == Set(list.map(\.0)))
        #expect(got.count == list.count)
        // Paging: the pages concatenate to the whole list.
        var paged: [IndexedUTXO] = []
        var start = 0
        while true {
            let page = try view.utxos(scriptHash: sh, start: start, count: 7)
            paged += page
            start += page.count
            if page.count < 7 { break }
        }
        #expect(paged == got)
    }
    for (op, out) in exp.utxo {
        #expect(try view.isUnspent(op))
        #expect(try view.scriptHash(of: op) == ScriptHash(script: out.scriptPubKey))
    }
    for op in exp.opReturnOutpoints { #expect(try !view.isUnspent(op), "OP_RETURN output indexed") }
    let tables = try (
        chain.store.table(NodeTables.outputs), chain.store.table(NodeTables.transactions), chain.store.table(NodeTables.keystones),
        chain.store.table(NodeTables.keystoneHeights)
    )
    let counts = try chain.store.read { r in try (r.count(tables.0), r.count(tables.1), r.count(tables.2), r.count(tables.3)) }
    #expect(counts.0 == 2 * exp.utxo.count, "outputs table: one 'u' and one 'h' row per UTXO")
    #expect(counts.1 == exp.txs.count + exp.inputCount + exp.blockCount, "transactions table: 't' per tx, 's' per input, 'b' per block")
    // Transactions: location, bytes, confirmations.
    for (txid, e) in exp.txs {
        let loc = try view.txLocation(txid: txid)
        #expect(loc?.blockHash == e.block)
        #expect(loc?.blockHeight == e.height)
        #expect(try view.rawTransaction(txid: txid) == e.raw)
        #expect(try view.confirmations(txid: txid) == UInt64(blocks.count - 1) - e.height + 1)
    }
    // Spends.
    for (op, s) in exp.spends {
        let got = try view.spend(of: op)
        #expect(got?.spendingTxid == s.txid && got?.inputIndex == s.input && got?.blockHash == s.block)
        #expect(try !view.isUnspent(op))
    }
    // Keystones and the height index.
    #expect(counts.2 == exp.keystones.count)
    #expect(counts.3 == exp.keystones.count)
    var byHeight: [UInt32: Set<Bytes32>] = [:]
    for (kh, e) in exp.keystones {
        let rec = try view.keystone(hash: kh)
        #expect(rec?.blockHash == e.block && rec?.blockHeight == e.height && rec?.keystone == e.keystone)
        byHeight[e.height, default: []].insert(kh)
    }
    for (h, set) in byHeight {
        #expect(Set(try view.keystones(height: h).map(\.hash)) == set)
    }
    // Script-hash history: per script hash in chain order, nothing else in the table.
    var historyRows = 0
    for (sh, list) in exp.history {
        #expect(try view.history(scriptHash: sh) == list)
        #expect(try view.history(scriptHash: sh, limit: 1) == Array(list.prefix(1)))
        historyRows += list.count
    }
    let historyTable = try chain.store.table(NodeTables.history)
    #expect(try chain.store.read { r in try r.count(historyTable) } == historyRows)
}

@Suite struct ChainIndexTests {
    /// 130 regtest blocks with signed P2PKH/P2WPKH/P2TR spends, OP_RETURN data and PoP keystones:
    /// every index equals the recomputation from the blocks.
    @Test func indexesMatchRecomputation() async throws {
        let chain = try memoryNode()
        var gen = ChainGenerator(seed: 1)
        var blocks = [ChainParams.regtest.genesis]
        for _ in 0..<130 { blocks.append(try await gen.mineNext(chain)) }
        #expect(chain.tip.height == 130)
        let exp = ExpectedIndexes(blocks: blocks)
        #expect(exp.inputCount > 20, "the chain should carry spends")
        #expect(exp.keystones.count > 3, "the chain should carry keystones")
        #expect(exp.history.values.contains { $0.count > 10 }, "script hashes should have long histories")
        try verifyIndexes(chain, blocks: blocks)
    }

    /// A reopened LMDB node answers the same as before closing.
    @Test func reopenKeepsState() async throws {
        let dir = TempDir()
        var gen = ChainGenerator(seed: 2)
        var blocks = [ChainParams.regtest.genesis]
        let config = ChainConfig(params: .regtest, scriptParallelism: 1)
        let before: [String: [KVPair]]
        do {
            let store = try LMDBStore(path: dir.sub("db"), tables: NodeTables.all, options: LMDBOptions(mapSize: 64 << 20, durability: .noSync))
            let chain = try BitcoinChain(store: store, config: config)
            for _ in 0..<110 { blocks.append(try await gen.mineNext(chain)) }
            before = try dumpIndexes(chain)
        }
        let store = try LMDBStore(path: dir.sub("db"), tables: NodeTables.all, options: LMDBOptions(mapSize: 64 << 20, durability: .noSync))
        let chain = try BitcoinChain(store: store, config: config)
        #expect(chain.tip.hash == blocks[blocks.count - 1].computeHash())
        #expect(chain.bestHeader.hash == chain.tip.hash)
        expectSameIndexes(try dumpIndexes(chain), before, "after reopen")
        try verifyIndexes(chain, blocks: blocks)
        // And it continues.
        blocks.append(try await gen.mineNext(chain))
        try verifyIndexes(chain, blocks: blocks)
    }
}
