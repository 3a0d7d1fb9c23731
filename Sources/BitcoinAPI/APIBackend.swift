public import Primitives
public import Bitcoin
public import BitcoinView
public import BitcoinNode
public import KVStore
import Hashing

/// An API error: a JSON-RPC error code and message.
public struct APIError: Error, Hashable, Sendable {
    public var code: Int
    public var message: String
    public init(_ code: Int, _ message: String) {
        self.code = code
        self.message = message
    }
    static func badRequest(_ m: String) -> APIError { APIError(1, m) }
    static func storage(_ e: some Error) -> APIError { APIError(2, "internal: \(e)") }
}

/// One entry of a script hash's history.
public struct HistoryItem: Hashable, Sendable {
    public var txid: TxID
    /// Block height; 0 in the mempool, −1 in the mempool with unconfirmed inputs.
    public var height: Int64
    /// Mempool entries only: fee in satoshis.
    public var fee: Int64?
}

/// An unspent output of a script hash (Electrum `listunspent`).
public struct UnspentItem: Hashable, Sendable {
    public var outpoint: OutPoint
    public var value: UInt64
    /// 0 for a mempool output.
    public var height: UInt64
}

/// What the Electrum and tbc API servers read: the node's ``ChainService`` (view, mempool) plus an
/// in-memory script-hash history index that the node's own indexes do not keep (they index unspent
/// outputs and spends, not history).
///
/// The history index is built from genesis by reading the stored blocks and follows the tip with
/// ``sync()``; on a reorg it is rebuilt. Memory grows with the number of outputs on the chain, so
/// this is meant for regtest and test chains — a persistent history index belongs in the node.
public actor APIBackend<Store: KVStore> {
    public let chain: ChainService<Store>
    let relay: @Sendable (TxID, WTxID) async -> Void
    /// Confirmed history per script hash: (height, position in block, txid).
    var history: [ScriptHash: [(UInt64, Int, TxID)]] = [:]
    /// Every output on the indexed chain: its script hash and value.
    var outputs: [OutPoint: (ScriptHash, UInt64)] = [:]
    /// Block hashes indexed, by height.
    var indexed: [BlockHash] = []
    /// Fee rates (sat/vB) of the non-coinbase transactions of recent blocks (for the estimator).
    var recentFeeRates: [[Double]] = []
    /// Network parameters.
    public let params: ChainParams

    /// `relay` is called with each broadcast transaction accepted into the mempool.
    public init(chain: ChainService<Store>, params: ChainParams, relay: @escaping @Sendable (TxID, WTxID) async -> Void = { _, _ in }) {
        self.chain = chain
        self.params = params
        self.relay = relay
    }

    /// Brings the history index up to the node's tip; returns the tip.
    @discardableResult
    public func sync() async throws(APIError) -> BlockIndexEntry {
        let tip = await chain.tip()
        if indexed.count == Int(tip.height) + 1, indexed.last == tip.hash { return tip }
        // Check the indexed chain is still canonical; otherwise rebuild.
        var blocks: [(UInt64, BlockHash, [UInt8])] = []
        do {
            let view = try await chain.view()
            defer { view.close() }
            if let last = indexed.last {
                let h = UInt64(indexed.count - 1)
                let canonical = try view.header(height: h)?.hash
                if h > view.pinnedHeight || canonical != last { reset() }
            }
            var h = UInt64(indexed.count)
            while h <= view.pinnedHeight {
                guard let rec = try view.header(height: h), let raw = try view.rawBlock(hash: rec.hash) else {
                    throw APIError(2, "block at height \(h) not stored")
                }
                blocks.append((h, rec.hash, raw))
                h += 1
            }
        } catch let e as APIError {
            throw e
        } catch {
            throw .storage(error)
        }
        for (h, hash, raw) in blocks {
            guard let block = try? Block(bytes: raw) else { throw APIError(2, "undecodable block \(hash.displayHex)") }
            index(block, height: h)
            indexed.append(hash)
        }
        return tip
    }

    func reset() {
        history = [:]
        outputs = [:]
        indexed = []
        recentFeeRates = []
    }

    func index(_ block: Block, height: UInt64) {
        var rates: [Double] = []
        for (pos, tx) in block.transactions.enumerated() {
            let txid = tx.computeTxID()
            var touched = Set<ScriptHash>()
            var valueIn: UInt64 = 0
            if !tx.isCoinbase {
                for i in tx.inputs {
                    if let o = outputs[i.prevout] {
                        touched.insert(o.0)
                        valueIn += o.1
                    }
                }
            }
            var valueOut: UInt64 = 0
            for (o, out) in tx.outputs.enumerated() {
                let v = UInt64(clamping: out.value)
                valueOut += v
                if out.scriptPubKey.first == 0x6a { continue }  // OP_RETURN is never indexed
                let sh = ScriptHash(script: out.scriptPubKey)
                outputs[OutPoint(txid: txid, vout: UInt32(o))] = (sh, v)
                touched.insert(sh)
            }
            if !tx.isCoinbase, valueIn >= valueOut {
                let vsize = (tx.computeWeight() + 3) / 4
                rates.append(Double(valueIn - valueOut) / Double(max(vsize, 1)))
            }
            for sh in touched { history[sh, default: []].append((height, pos, txid)) }
        }
        recentFeeRates.append(rates)
        if recentFeeRates.count > 12 { recentFeeRates.removeFirst() }
    }

    /// The mempool in arrival order.
    public func mempool() async -> [MempoolEntry] { await chain.withChain { $0.mempool.ordered } }

    /// The script hash and value of an output: indexed chain or a mempool transaction.
    func output(_ op: OutPoint, pool: [TxID: MempoolEntry]) -> (ScriptHash, UInt64)? {
        if let o = outputs[op] { return o }
        if let e = pool[op.txid], Int(op.vout) < e.tx.outputs.count {
            let out = e.tx.outputs[Int(op.vout)]
            return (ScriptHash(script: out.scriptPubKey), UInt64(clamping: out.value))
        }
        return nil
    }

    /// Confirmed balance and the mempool's net effect on it.
    public func balance(_ sh: ScriptHash) async throws(APIError) -> (confirmed: UInt64, unconfirmed: Int64) {
        try await sync()
        let confirmed: UInt64
        do {
            let view = try await chain.view()
            defer { view.close() }
            confirmed = try view.balance(scriptHash: sh)
        } catch { throw .storage(error) }
        let pool = await mempool()
        let byID = Dictionary(pool.map { ($0.txid, $0) }, uniquingKeysWith: { a, _ in a })
        var delta: Int64 = 0
        for e in pool {
            for i in e.tx.inputs {
                if let o = output(i.prevout, pool: byID), o.0 == sh { delta -= Int64(o.1) }
            }
            for out in e.tx.outputs where out.scriptPubKey.first != 0x6a {
                if ScriptHash(script: out.scriptPubKey) == sh { delta += out.value }
            }
        }
        return (confirmed, delta)
    }

    /// Mempool history entries of `sh`.
    public func mempoolHistory(_ sh: ScriptHash) async throws(APIError) -> [HistoryItem] {
        try await sync()
        let pool = await mempool()
        let byID = Dictionary(pool.map { ($0.txid, $0) }, uniquingKeysWith: { a, _ in a })
        var out: [HistoryItem] = []
        for e in pool {
            var hit = e.tx.outputs.contains { $0.scriptPubKey.first != 0x6a && ScriptHash(script: $0.scriptPubKey) == sh }
            if !hit { hit = e.tx.inputs.contains { output($0.prevout, pool: byID)?.0 == sh } }
            guard hit else { continue }
            let unconfirmedParent = e.tx.inputs.contains { byID[$0.prevout.txid] != nil }
            out.append(HistoryItem(txid: e.txid, height: unconfirmedParent ? -1 : 0, fee: e.fee))
        }
        return out
    }

    /// Confirmed history (by height, then block position) followed by the mempool's.
    public func history(_ sh: ScriptHash) async throws(APIError) -> [HistoryItem] {
        try await sync()
        let confirmed = (history[sh] ?? []).sorted { ($0.0, $0.1) < ($1.0, $1.1) }
            .map { HistoryItem(txid: $0.2, height: Int64($0.0), fee: nil) }
        return confirmed + (try await mempoolHistory(sh))
    }

    /// Electrum's status of a script hash: SHA-256 of the concatenated `txid:height:` of its history, or nil.
    public func status(_ sh: ScriptHash) async throws(APIError) -> String? {
        let h = try await history(sh)
        if h.isEmpty { return nil }
        var s = ""
        for item in h { s += "\(item.txid.displayHex):\(item.height):" }
        return SHA256Hash.hash(Array(s.utf8)).hex
    }

    /// Unspent outputs: confirmed (not spent by the mempool) and mempool outputs not spent in the mempool.
    public func unspent(_ sh: ScriptHash, limit: Int = 10_000) async throws(APIError) -> [UnspentItem] {
        try await sync()
        let pool = await mempool()
        var spentInPool = Set<OutPoint>()
        for e in pool { for i in e.tx.inputs { spentInPool.insert(i.prevout) } }
        var out: [UnspentItem] = []
        do {
            let view = try await chain.view()
            defer { view.close() }
            for u in try view.utxos(scriptHash: sh, start: 0, count: limit) where !spentInPool.contains(u.outpoint) {
                let h = try view.txLocation(txid: u.outpoint.txid)?.blockHeight ?? 0
                out.append(UnspentItem(outpoint: u.outpoint, value: u.value, height: h))
            }
        } catch { throw .storage(error) }
        for e in pool {
            for (o, txo) in e.tx.outputs.enumerated() where txo.scriptPubKey.first != 0x6a {
                let op = OutPoint(txid: e.txid, vout: UInt32(o))
                if ScriptHash(script: txo.scriptPubKey) == sh, !spentInPool.contains(op) {
                    out.append(UnspentItem(outpoint: op, value: UInt64(clamping: txo.value), height: 0))
                }
            }
        }
        return out.sorted { ($0.height == 0 ? UInt64.max : $0.height, $0.outpoint.txid.displayHex, $0.outpoint.vout) < ($1.height == 0 ? UInt64.max : $1.height, $1.outpoint.txid.displayHex, $1.outpoint.vout) }
    }

    /// The header at `height` of the active chain.
    public func header(height: UInt64) async throws(APIError) -> HeaderRecord? {
        do {
            let view = try await chain.view()
            defer { view.close() }
            return try view.header(height: height)
        } catch { throw .storage(error) }
    }

    /// The active tip's header.
    public func tipHeader() async throws(APIError) -> HeaderRecord {
        let t = await chain.tip()
        return HeaderRecord(hash: t.hash, height: t.height, header: t.header, chainWork: t.chainWork)
    }

    /// A transaction's raw (witness) bytes: confirmed or in the mempool.
    public func rawTransaction(_ txid: TxID) async throws(APIError) -> [UInt8]? {
        do {
            let view = try await chain.view()
            defer { view.close() }
            if let raw = try view.rawTransaction(txid: txid) { return raw }
        } catch { throw .storage(error) }
        let tx: Transaction? = await chain.withChain { $0.mempool.entries[txid]?.tx }
        return tx?.serialized()
    }

    /// The merkle branch (internal byte order, leaf level first) and position of `txid` in the block at `height`.
    public func merkleProof(_ txid: TxID, height: UInt64) async throws(APIError) -> (branch: [Bytes32], pos: Int) {
        let raw: [UInt8]?
        do {
            let view = try await chain.view()
            defer { view.close() }
            guard let rec = try view.header(height: height) else { throw APIError(1, "no block at height \(height)") }
            raw = try view.rawBlock(hash: rec.hash)
        } catch let e as APIError {
            throw e
        } catch { throw .storage(error) }
        guard let raw, let block = try? Block(bytes: raw) else { throw APIError(2, "block at height \(height) not stored") }
        let ids = block.transactions.map { $0.computeTxID() }
        guard let pos = ids.firstIndex(of: txid) else { throw APIError(1, "tx \(txid.displayHex) not in block at height \(height)") }
        return (Self.merkleBranch(ids, pos), pos)
    }

    /// The sibling hashes from leaf `pos` up to the root (odd levels duplicate their last hash).
    public static func merkleBranch(_ leaves: [Bytes32], _ pos: Int) -> [Bytes32] {
        var level = leaves
        var i = pos
        var branch: [Bytes32] = []
        while level.count > 1 {
            if level.count & 1 == 1, let last = level.last { level.append(last) }
            branch.append(level[i ^ 1])
            var next: [Bytes32] = []
            var k = 0
            while k + 1 < level.count {
                next.append(SHA256Hash.double(level[k].bytes + level[k + 1].bytes))
                k += 2
            }
            level = next
            i >>= 1
        }
        return branch
    }

    /// Admits a raw transaction to the node's mempool and relays it; returns its txid.
    public func broadcast(_ raw: [UInt8]) async throws(APIError) -> TxID {
        guard raw.count <= 400_000 else { throw APIError(1, "transaction too large") }
        let tx: Transaction
        do { tx = try Transaction(bytes: raw) } catch { throw APIError(1, "undecodable transaction: \(error)") }
        let result: Result<MempoolEntry, MempoolError> = await chain.withChain { c in
            do throws(MempoolError) { return .success(try c.acceptToMempool(tx)) } catch { return .failure(error) }
        }
        switch result {
        case .success(let e):
            await relay(e.txid, tx.computeWTxID())
            return e.txid
        case .failure(let e):
            throw APIError(1, "the transaction was rejected by network rules: \(e)")
        }
    }

    /// Minimum relay fee rate in sat/vB.
    public func relayFeeRate() async -> Int64 { await chain.withChain { $0.mempool.minFeeRate } }

    /// Fee rate (sat/vB) estimated to confirm within `blocks` blocks: the node's estimator
    /// (``Mempool/estimateFee(target:now:)`` — confirmation statistics of transactions seen in the
    /// mempool, else the mempool's depth, never below the relay or rolling minimum); targets above
    /// ``FeeEstimator/maxTarget`` use that target. Nil (Electrum −1) when `blocks` is not positive.
    public func estimateFeeRate(blocks: Int) async throws(APIError) -> Double? {
        guard blocks > 0 else { return nil }
        return await chain.estimateFee(target: blocks).feeRate
    }

    /// Electrum's fee histogram: `[fee rate, vsize]` pairs, fee rate descending, bins of ≥ 100,000 vB.
    public func feeHistogram() async -> [(Double, Int)] {
        let pool = await mempool().map { (Double($0.fee) / Double($0.vsize), $0.vsize) }.sorted { $0.0 > $1.0 }
        var out: [(Double, Int)] = []
        var bin = 0
        var lastRate = 0.0
        for (rate, size) in pool {
            if bin > 0 && bin >= 100_000 && rate < lastRate {
                out.append((lastRate, bin))
                bin = 0
            }
            bin += size
            lastRate = rate
        }
        if bin > 0 { out.append((lastRate, bin)) }
        return out
    }

    /// Keystones published in the block at `height`.
    public func keystones(height: UInt32) async throws(APIError) -> [KeystoneRecord] {
        do {
            let view = try await chain.view()
            defer { view.close() }
            return try view.keystones(height: height)
        } catch { throw .storage(error) }
    }

    /// A keystone by its hash.
    public func keystone(hash: Bytes32) async throws(APIError) -> KeystoneRecord? {
        do {
            let view = try await chain.view()
            defer { view.close() }
            return try view.keystone(hash: hash)
        } catch { throw .storage(error) }
    }

    /// A raw block by hash.
    public func rawBlock(_ hash: BlockHash) async throws(APIError) -> [UInt8]? {
        do {
            let view = try await chain.view()
            defer { view.close() }
            return try view.rawBlock(hash: hash)
        } catch { throw .storage(error) }
    }
}
