public import Primitives
public import Bitcoin
public import BitcoinView
public import KVStore
import BitcoinConsensus

/// ``BitcoinView`` over a store snapshot, pinned at the active tip when the snapshot was taken.
/// Obtain it from ``BitcoinChain/view()``. Holds an open read transaction until released; keep it
/// short-lived. Use from one thread at a time.
public final class ChainView<Store: KVStore>: BitcoinView {
    let r: Store.ReadTransaction
    let t: Tables
    public let pinnedHash: BlockHash
    public let pinnedHeight: UInt64

    init(snapshot: Store.ReadTransaction, tables: Tables) throws(NodeError) {
        r = snapshot
        t = tables
        do {
            guard let tipBytes = try r.get(t.meta, Keys.tip), let tipHash = Bytes32(exactly: tipBytes),
                let row = try r.get(t.headers, tipBytes)
            else { throw NodeError.corrupt("no tip") }
            pinnedHash = tipHash
            pinnedHeight = try HeaderRow(bytes: row).height
        } catch {
            snapshot.finish()
            throw NodeError.wrap(error)
        }
    }

    deinit { r.finish() }

    /// Ends the snapshot now (later calls fail with a storage error).
    public func close() { r.finish() }

    func get(_ table: KVTable, _ key: [UInt8]) throws(BitcoinViewError) -> [UInt8]? {
        do { return try r.get(table, key) } catch { throw .storage("\(error)") }
    }

    func each(_ table: KVTable, prefix: [UInt8], _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Bool) throws(BitcoinViewError) {
        do { try r.forEach(table, prefix: prefix, body) } catch { throw .storage("\(error)") }
    }

    func record(_ hash: BlockHash) throws(BitcoinViewError) -> HeaderRecord? {
        guard let v = try get(t.headers, hash.bytes) else { return nil }
        do {
            let row = try HeaderRow(bytes: v)
            return HeaderRecord(hash: hash, height: row.height, header: row.header, chainWork: row.chainWork)
        } catch {
            throw .corruptRecord(table: NodeTables.headers, detail: "\(error)")
        }
    }

    public func bestHeader() throws(BitcoinViewError) -> HeaderRecord {
        guard let b = try get(t.meta, Keys.bestHeader), let h = Bytes32(exactly: b), let rec = try record(h) else {
            throw .corruptRecord(table: NodeTables.meta, detail: "best header")
        }
        return rec
    }

    public func header(hash: BlockHash) throws(BitcoinViewError) -> HeaderRecord? { try record(hash) }

    public func header(height: UInt64) throws(BitcoinViewError) -> HeaderRecord? {
        guard height <= pinnedHeight, let v = try get(t.chain, Keys.height(height)), let h = Bytes32(exactly: v) else { return nil }
        return try record(h)
    }

    public func isCanonical(_ hash: BlockHash) throws(BitcoinViewError) -> Bool {
        guard let rec = try record(hash), rec.height <= pinnedHeight, let v = try get(t.chain, Keys.height(rec.height)) else {
            return false
        }
        return v == hash.bytes
    }

    public func balance(scriptHash: ScriptHash) throws(BitcoinViewError) -> UInt64 {
        var sum: UInt64 = 0
        try each(t.outputs, prefix: [Keys.prefixScriptHash] + scriptHash.value.bytes) { _, v in
            sum &+= BE.u64(v)
            return true
        }
        return sum
    }

    public func utxos(scriptHash: ScriptHash, start: Int, count: Int) throws(BitcoinViewError) -> [IndexedUTXO] {
        var out: [IndexedUTXO] = []
        guard count > 0 else { return out }
        var skip = max(0, start)
        try each(t.outputs, prefix: [Keys.prefixScriptHash] + scriptHash.value.bytes) { k, v in
            if skip > 0 {
                skip -= 1
                return true
            }
            guard k.count == 69 else { return true }
            let op = OutPoint(txid: Bytes32(k[33..<65]), vout: BE.u32(k[65..<69]))
            out.append(IndexedUTXO(outpoint: op, value: BE.u64(v)))
            return out.count < count
        }
        return out
    }

    /// The confirmed history of a script hash on the pinned chain: every transaction that pays to it
    /// (outputs other than OP_RETURN) or spends from it, ordered by height then position in the block,
    /// at most `limit` entries (from the persistent `history` index).
    public func history(scriptHash: ScriptHash, limit: Int = Int.max) throws(BitcoinViewError) -> [ScriptHashHistoryEntry] {
        var out: [ScriptHashHistoryEntry] = []
        guard limit > 0 else { return out }
        var bad: BitcoinViewError?
        try each(t.history, prefix: scriptHash.value.bytes) { k, v in
            guard k.count == 44, v.count == 32 else {
                bad = .corruptRecord(table: NodeTables.history, detail: "entry of \(k.count)/\(v.count) bytes")
                return false
            }
            out.append(ScriptHashHistoryEntry(height: BE.u64(k[32..<40]), position: BE.u32(k[40..<44]), txid: Bytes32(v)))
            return out.count < limit
        }
        if let bad { throw bad }
        return out
    }

    /// The script hash and value of an unspent output of the pinned chain (UTXO index), or nil.
    public func unspentOutput(_ outpoint: OutPoint) throws(BitcoinViewError) -> (scriptHash: ScriptHash, value: UInt64)? {
        guard let sh = try scriptHash(of: outpoint), let v = try get(t.outputs, Keys.scriptHashEntry(sh.value, outpoint)),
            v.count == 8
        else { return nil }
        return (sh, BE.u64(v))
    }

    /// The outputs spent by an active block that existed before it (its undo data), in input order;
    /// nil when the block is not on the pinned chain.
    public func spentOutputs(block hash: BlockHash) throws(BitcoinViewError) -> [(outpoint: OutPoint, output: TxOut)]? {
        guard let v = try get(t.undo, hash.bytes) else { return nil }
        do {
            return try UndoRecord(bytes: v).spent.map { ($0.0, $0.1.output) }
        } catch {
            throw .corruptRecord(table: NodeTables.undo, detail: "\(error)")
        }
    }

    public func isUnspent(_ outpoint: OutPoint) throws(BitcoinViewError) -> Bool {
        try get(t.outputs, Keys.outpoint(outpoint, prefix: Keys.prefixUTXO)) != nil
    }

    public func scriptHash(of outpoint: OutPoint) throws(BitcoinViewError) -> ScriptHash? {
        guard let v = try get(t.outputs, Keys.outpoint(outpoint, prefix: Keys.prefixUTXO)), let b = Bytes32(exactly: v) else {
            return nil
        }
        return ScriptHash(b)
    }

    public func txLocation(txid: TxID) throws(BitcoinViewError) -> TxLocation? {
        var found: (BlockHash, UInt32, UInt32)?
        try each(t.transactions, prefix: [Keys.prefixTx] + txid.bytes) { k, v in
            guard k.count == 65, v.count == 8 else { return true }
            found = (Bytes32(k[33..<65]), BE.u32(v[0..<4]), BE.u32(v[4..<8]))
            return false
        }
        guard let (bh, start, len) = found, let rec = try record(bh) else { return nil }
        return TxLocation(txid: txid, blockHash: bh, blockHeight: rec.height, start: start, length: len)
    }

    public func rawTransaction(txid: TxID) throws(BitcoinViewError) -> [UInt8]? {
        guard let loc = try txLocation(txid: txid) else { return nil }
        let res: [UInt8]?
        do {
            res = try r.withValue(t.blocks, loc.blockHash.bytes) { buf -> [UInt8]? in
                guard let buf else { return nil }
                let s = Int(loc.start), e = s + Int(loc.length)
                guard e <= buf.count else { return nil }
                return Array(buf[s..<e])
            }
        } catch {
            throw .storage("\(error)")
        }
        guard let res else { throw .corruptRecord(table: NodeTables.blocks, detail: "tx \(txid.displayHex) range not in block") }
        return res
    }

    public func confirmations(txid: TxID) throws(BitcoinViewError) -> UInt64? {
        guard let loc = try txLocation(txid: txid), loc.blockHeight <= pinnedHeight else { return nil }
        return pinnedHeight - loc.blockHeight + 1
    }

    public func rawBlock(hash: BlockHash) throws(BitcoinViewError) -> [UInt8]? { try get(t.blocks, hash.bytes) }

    public func spend(of outpoint: OutPoint) throws(BitcoinViewError) -> SpendRecord? {
        var found: SpendRecord?
        try each(t.transactions, prefix: Keys.outpoint(outpoint, prefix: Keys.prefixSpend)) { k, v in
            guard k.count == 69, v.count == 36 else { return true }
            found = SpendRecord(spendingTxid: Bytes32(v[0..<32]), inputIndex: BE.u32(v[32..<36]), blockHash: Bytes32(k[37..<69]))
            return false
        }
        return found
    }

    func keystoneRecord(_ hash: Bytes32, _ v: [UInt8]) throws(BitcoinViewError) -> KeystoneRecord {
        guard v.count == 4 + 32 + KeystoneAbbrev.size else {
            throw .corruptRecord(table: NodeTables.keystones, detail: "record of \(v.count) bytes")
        }
        do {
            let k = try KeystoneAbbrev(parsing: v[36...])
            return KeystoneRecord(hash: hash, keystone: k, blockHash: Bytes32(v[4..<36]), blockHeight: BE.u32(v[0..<4]))
        } catch {
            throw .corruptRecord(table: NodeTables.keystones, detail: "\(error)")
        }
    }

    public func keystone(hash: Bytes32) throws(BitcoinViewError) -> KeystoneRecord? {
        guard let v = try get(t.keystones, hash.bytes) else { return nil }
        return try keystoneRecord(hash, v)
    }

    public func keystones(height: UInt32) throws(BitcoinViewError) -> [KeystoneRecord] {
        var hashes: [Bytes32] = []
        var p: [UInt8] = []
        Keys.be32(height, into: &p)
        try each(t.keystoneHeights, prefix: p) { k, _ in
            if k.count == 36 { hashes.append(Bytes32(k[4..<36])) }
            return true
        }
        var out: [KeystoneRecord] = []
        for h in hashes { if let rec = try keystone(hash: h) { out.append(rec) } }
        return out
    }
}

/// One confirmed entry of a script hash's history (``ChainView/history(scriptHash:limit:)``).
public struct ScriptHashHistoryEntry: Hashable, Sendable {
    /// Height of the block holding the transaction.
    public var height: UInt64
    /// Position of the transaction in its block (0 = coinbase).
    public var position: UInt32
    public var txid: TxID

    public init(height: UInt64, position: UInt32, txid: TxID) {
        self.height = height
        self.position = position
        self.txid = txid
    }
}
