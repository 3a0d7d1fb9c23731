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

/// What the Electrum and tbc API servers read: the node's ``ChainService`` (views pinned at the tip,
/// mempool). Confirmed script-hash history comes from the node's persistent `history` index
/// (``ChainView/history(scriptHash:limit:)``, written with the other indexes on connect and removed on
/// disconnect); mempool history is derived from the mempool on each request.
public actor APIBackend<Store: KVStore> {
    public let chain: ChainService<Store>
    let relay: @Sendable (TxID, WTxID) async -> Void
    /// The tip for which `recentFeeRates` was computed.
    var feeRatesTip: BlockHash?
    /// Fee rates (sat/vB) of the non-coinbase transactions of recent blocks (for the estimator),
    /// oldest block first.
    var recentFeeRates: [[Double]] = []
    /// Blocks kept in `recentFeeRates`.
    static var feeRateBlocks: Int { 12 }
    /// Most confirmed history entries returned for one script hash (Electrum servers refuse larger
    /// histories rather than build unbounded answers).
    public static var maxHistory: Int { 200_000 }
    /// Network parameters.
    public let params: ChainParams

    /// `relay` is called with each broadcast transaction accepted into the mempool.
    public init(chain: ChainService<Store>, params: ChainParams, relay: @escaping @Sendable (TxID, WTxID) async -> Void = { _, _ in }) {
        self.chain = chain
        self.params = params
        self.relay = relay
    }

    /// Follows the node's tip (recomputes the recent blocks' fee rates when it moved); returns the tip.
    @discardableResult
    public func sync() async throws(APIError) -> BlockIndexEntry {
        let tip = await chain.tip()
        if feeRatesTip == tip.hash { return tip }
        var rates: [[Double]] = []
        do {
            let view = try await chain.view()
            defer { view.close() }
            let top = view.pinnedHeight
            var h = top >= UInt64(Self.feeRateBlocks) ? top - UInt64(Self.feeRateBlocks) + 1 : 1
            while h <= top {
                guard let rec = try view.header(height: h), let raw = try view.rawBlock(hash: rec.hash),
                    let spent = try view.spentOutputs(block: rec.hash)
                else {
                    throw APIError(2, "block at height \(h) not stored")
                }
                guard let block = try? Block(bytes: raw) else { throw APIError(2, "undecodable block \(rec.hash.displayHex)") }
                rates.append(Self.feeRates(block, spent: spent))
                h += 1
            }
            feeRatesTip = view.pinnedHash
        } catch let e as APIError {
            throw e
        } catch {
            throw .storage(error)
        }
        recentFeeRates = rates
        return tip
    }

    /// Fee rates (sat/vB) of a block's non-coinbase transactions, given the outputs it spent that
    /// existed before it (outputs created earlier in the block are taken from the block).
    static func feeRates(_ block: Block, spent: [(outpoint: OutPoint, output: TxOut)]) -> [Double] {
        var values: [OutPoint: Int64] = [:]
        for s in spent { values[s.outpoint] = s.output.value }
        var rates: [Double] = []
        for tx in block.transactions {
            let txid = tx.computeTxID()
            var valueOut: Int64 = 0
            for (o, out) in tx.outputs.enumerated() {
                values[OutPoint(txid: txid, vout: UInt32(o))] = out.value
                valueOut &+= out.value
            }
            if tx.isCoinbase { continue }
            var valueIn: Int64 = 0
            for i in tx.inputs { valueIn &+= values[i.prevout] ?? 0 }
            if valueIn >= valueOut {
                let vsize = (tx.computeWeight() + 3) / 4
                rates.append(Double(valueIn - valueOut) / Double(max(vsize, 1)))
            }
        }
        return rates
    }

    /// The mempool in arrival order.
    public func mempool() async -> [MempoolEntry] { await chain.withChain { $0.mempool.ordered } }

    /// The script hash and value of an output: unspent on the chain (`view`) or of a mempool transaction.
    func output(_ op: OutPoint, pool: [TxID: MempoolEntry], view: ChainView<Store>) throws(APIError) -> (ScriptHash, UInt64)? {
        if let e = pool[op.txid], Int(op.vout) < e.tx.outputs.count {
            let out = e.tx.outputs[Int(op.vout)]
            return (ScriptHash(script: out.scriptPubKey), UInt64(clamping: out.value))
        }
        do {
            guard let o = try view.unspentOutput(op) else { return nil }
            return (o.scriptHash, o.value)
        } catch { throw .storage(error) }
    }

    /// Confirmed balance and the mempool's net effect on it.
    public func balance(_ sh: ScriptHash) async throws(APIError) -> (confirmed: UInt64, unconfirmed: Int64) {
        let pool = await mempool()
        let byID = Dictionary(pool.map { ($0.txid, $0) }, uniquingKeysWith: { a, _ in a })
        let view: ChainView<Store>
        do { view = try await chain.view() } catch { throw .storage(error) }
        defer { view.close() }
        let confirmed: UInt64
        do { confirmed = try view.balance(scriptHash: sh) } catch { throw .storage(error) }
        var delta: Int64 = 0
        for e in pool {
            for i in e.tx.inputs {
                if let o = try output(i.prevout, pool: byID, view: view), o.0 == sh { delta -= Int64(o.1) }
            }
            for out in e.tx.outputs where out.scriptPubKey.first != 0x6a {
                if ScriptHash(script: out.scriptPubKey) == sh { delta += out.value }
            }
        }
        return (confirmed, delta)
    }

    /// Mempool history entries of `sh`.
    public func mempoolHistory(_ sh: ScriptHash) async throws(APIError) -> [HistoryItem] {
        let pool = await mempool()
        let byID = Dictionary(pool.map { ($0.txid, $0) }, uniquingKeysWith: { a, _ in a })
        let view: ChainView<Store>
        do { view = try await chain.view() } catch { throw .storage(error) }
        defer { view.close() }
        var out: [HistoryItem] = []
        for e in pool {
            var hit = e.tx.outputs.contains { $0.scriptPubKey.first != 0x6a && ScriptHash(script: $0.scriptPubKey) == sh }
            if !hit {
                for i in e.tx.inputs {
                    if try output(i.prevout, pool: byID, view: view)?.0 == sh {
                        hit = true
                        break
                    }
                }
            }
            guard hit else { continue }
            let unconfirmedParent = e.tx.inputs.contains { byID[$0.prevout.txid] != nil }
            out.append(HistoryItem(txid: e.txid, height: unconfirmedParent ? -1 : 0, fee: e.fee))
        }
        return out
    }

    /// Confirmed history (by height, then block position; the node's `history` index) followed by
    /// the mempool's. More than ``maxHistory`` confirmed entries is an error.
    public func history(_ sh: ScriptHash) async throws(APIError) -> [HistoryItem] {
        let confirmed: [ScriptHashHistoryEntry]
        do {
            let view = try await chain.view()
            defer { view.close() }
            confirmed = try view.history(scriptHash: sh, limit: Self.maxHistory + 1)
        } catch { throw .storage(error) }
        guard confirmed.count <= Self.maxHistory else { throw APIError(1, "history too large") }
        return confirmed.map { HistoryItem(txid: $0.txid, height: Int64($0.height), fee: nil) } + (try await mempoolHistory(sh))
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
