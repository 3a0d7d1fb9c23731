public import Primitives
public import Bitcoin
import BitcoinConsensus
public import BitcoinView
public import KVStore

// External-header mode (hemi-protocol.md §6.2.7; tbc's `AddExternalHeaders`/`RemoveExternalHeaders`/
// `UpstreamStateId`): the hVM light view. No P2P, no blocks, no mempool: a header-only tree that an
// outside driver (the L2 node replaying the Bitcoin attributes of its blocks) grows and shrinks in
// batches, each batch stored together with the id of the upstream (L2) state it corresponds to.

/// The tables of an external-header store (a subset of ``NodeTables`` with the same layouts:
/// `meta`, `blockheaders`, `heighthash`, `chain`).
public enum ExternalHeaderTables {
    /// Every table, for opening a store.
    public static let all: [KVTableSpec] = [
        KVTableSpec(NodeTables.meta), KVTableSpec(NodeTables.headers), KVTableSpec(NodeTables.heightHash),
        KVTableSpec(NodeTables.chain),
    ]

    /// tbc's default upstream state id ("DEFAULTUPSTREAMSTATE" framed by 0xFF00… / …00FF), the id
    /// before any batch set one.
    public static let defaultUpstreamStateId = Bytes32(
        [0xFF, 0x00, 0xFF, 0x00, 0xFF, 0x00] + Array("DEFAULTUPSTREAMSTATE".utf8) + [0x00, 0xFF, 0x00, 0xFF, 0x00, 0xFF])
}

/// The effective genesis of an external-header chain: any header, its height and the cumulative
/// work through it (tbc's `BlockHeaderGenesisInsert`). Everything below it is unknown.
public struct ExternalGenesis: Sendable, Hashable {
    public var header: BlockHeader
    public var height: UInt64
    public var chainWork: UInt256

    public init(header: BlockHeader, height: UInt64, chainWork: UInt256) {
        self.header = header
        self.height = height
        self.chainWork = chainWork
    }
}

/// Errors of external-header mode. A failed call changes nothing (all checks run before the one
/// write transaction).
public enum ExternalHeaderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A batch with no headers.
    case emptyBatch
    /// `headers[index]` does not name `headers[index - 1]` as its parent.
    case notContiguous(index: Int)
    /// The first header's parent is not in the store.
    case unknownParent(hash: BlockHash, parent: BlockHash)
    /// A header to add is already stored.
    case duplicate(BlockHash)
    /// A header fails proof of work (hash above its target, or target above the network's limit).
    case invalidProofOfWork(BlockHash)
    /// A header to remove (or the tip after removal) is not stored.
    case unknownHeader(BlockHash)
    /// The effective genesis cannot be removed.
    case removingGenesis
    /// Removing the batch would leave `child` without its parent: the batch must end at a leaf of
    /// the tree and each removed header's only child must be the next in the batch.
    case wouldLeaveDangling(removed: BlockHash, child: BlockHash)
    /// The tip after removal is one of the headers being removed.
    case tipAfterRemovalIsRemoved(BlockHash)
    /// The tip after removal is not the header with the most work once the batch is removed.
    case wrongTipAfterRemoval(given: BlockHash, expected: BlockHash)
    /// The store holds another chain (different effective genesis) or is a full node's store.
    case genesisMismatch(stored: BlockHash, given: BlockHash)
    /// The store's format version differs from ``NodeTables/formatVersion``.
    case formatVersion(found: UInt8, expected: UInt8)
    /// Stored bytes do not decode.
    case corrupt(String)
    /// The key-value store failed.
    case storage(String)

    public var description: String {
        switch self {
        case .emptyBatch: return "no headers in the batch"
        case let .notContiguous(i): return "header \(i) does not connect to header \(i - 1)"
        case let .unknownParent(h, p): return "header \(h.displayHex): parent \(p.displayHex) unknown"
        case let .duplicate(h): return "header \(h.displayHex) already stored"
        case let .invalidProofOfWork(h): return "header \(h.displayHex) fails proof of work"
        case let .unknownHeader(h): return "header \(h.displayHex) not stored"
        case .removingGenesis: return "the effective genesis cannot be removed"
        case let .wouldLeaveDangling(r, c): return "removing \(r.displayHex) leaves its child \(c.displayHex) dangling"
        case let .tipAfterRemovalIsRemoved(h): return "tip after removal \(h.displayHex) is being removed"
        case let .wrongTipAfterRemoval(g, e): return "tip after removal \(g.displayHex), the most-work header is \(e.displayHex)"
        case let .genesisMismatch(s, g): return "store's effective genesis \(s.displayHex), given \(g.displayHex)"
        case let .formatVersion(f, e): return "store format version \(f), expected \(e)"
        case let .corrupt(s): return "corrupt store: \(s)"
        case let .storage(s): return "storage: \(s)"
        }
    }
}

/// How an added batch moved the canonical tip (tbc's `InsertType`).
public enum ExternalInsertKind: Sendable, Hashable {
    /// The batch extended the canonical chain.
    case chainExtend
    /// The batch went onto a fork that does not have more work; the tip did not move.
    case forkExtend
    /// A fork gained more work than the canonical chain and became canonical.
    case chainFork
}

/// How a removal moved the canonical tip (tbc's `RemoveType`).
public enum ExternalRemoveKind: Sendable, Hashable {
    /// The canonical tip moved back to the parent of the removed headers.
    case chainDescend
    /// The removed headers were on a fork; the tip did not move.
    case forkDescend
    /// The canonical tip was removed and a fork (not the removed headers' parent) became canonical.
    case chainFork
}

/// What ``ExternalHeaderChain/addHeaders(_:upstreamStateId:)`` did.
public struct ExternalHeadersAdded: Sendable, Hashable {
    public var kind: ExternalInsertKind
    /// The canonical tip after the batch.
    public var canonicalTip: HeaderRecord
    /// The last header of the batch.
    public var lastAdded: HeaderRecord
}

/// What ``ExternalHeaderChain/removeHeaders(_:tipAfterRemoval:upstreamStateId:)`` did.
public struct ExternalHeadersRemoved: Sendable, Hashable {
    public var kind: ExternalRemoveKind
    /// The parent of the first removed header.
    public var parentOfRemoved: HeaderRecord
    /// The canonical tip after the removal.
    public var canonicalTip: HeaderRecord
}

/// A header-only Bitcoin chain driven from outside (hemi-protocol.md §6.2.7): batches of headers are
/// added and removed by the L2 node, each batch in **one** write transaction together with the
/// upstream state id it corresponds to, so the store always holds the headers of exactly one upstream
/// state (a crash cannot separate the two).
///
/// Rules (tbc's): an added batch is contiguous, its first header's parent is stored, no header is
/// stored already, every header passes proof of work (hash ≤ target ≤ the network's limit — the
/// contextual rules need ancestors below the effective genesis and are the upstream's to enforce).
/// The canonical tip is the header with the most cumulative work (ties keep the earlier tip).
/// A removed batch is contiguous, stored, ends at a leaf, leaves no child of a removed header behind,
/// and names the tip after removal, which must be the most-work header left; removing the batches in
/// the reverse order of adding them restores the store byte for byte.
///
/// Storage (same layouts as the full node, ``ExternalHeaderTables/all``): `blockheaders` rows
/// (status `headerValid`), `heighthash`, `chain` (height → canonical hash, from the effective genesis
/// up), `meta`: `version`, `tip`, `bestheader` (= `tip`), `genesis` (effective genesis hash),
/// `upstreamstateid` (32 bytes).
///
/// Not thread-safe: one owner. Readers use ``view()`` snapshots from any thread.
public final class ExternalHeaderChain<Store: KVStore> {
    public let store: Store
    public let params: ChainParams
    public let genesis: ExternalGenesis
    let t: ExternalTables
    var entries: [BlockHash: BlockIndexEntry] = [:]
    /// Number of stored children per header.
    var childCount: [BlockHash: Int] = [:]
    /// Canonical chain from the effective genesis, by height − genesis height.
    var canonical: [BlockHash] = []
    public private(set) var upstreamStateId: Bytes32

    static var genesisKey: [UInt8] { Array("genesis".utf8) }
    static var upstreamKey: [UInt8] { Array("upstreamstateid".utf8) }

    /// Opens `store` (opened with ``ExternalHeaderTables/all`` or ``NodeTables/all``); an empty store
    /// is initialised with `genesis` and the default upstream state id, an existing one must have
    /// been created with the same effective genesis.
    public init(store: Store, params: ChainParams, genesis: ExternalGenesis) throws(ExternalHeaderError) {
        self.store = store
        self.params = params
        self.genesis = genesis
        do { t = try ExternalTables(store) } catch { throw .storage("\(error)") }
        upstreamStateId = ExternalHeaderTables.defaultUpstreamStateId
        try loadOrInit()
    }

    // MARK: - State

    /// The canonical tip (most cumulative work).
    public var tip: HeaderRecord { record(canonical[canonical.count - 1]) }

    /// Number of stored headers (the effective genesis included).
    public var headerCount: Int { entries.count }

    /// The stored header `hash`, if any.
    public func header(hash: BlockHash) -> HeaderRecord? { entries[hash].map { Self.record($0) } }

    /// The canonical header at `height`.
    public func header(height: UInt64) -> HeaderRecord? {
        guard height >= genesis.height, height - genesis.height < UInt64(canonical.count) else { return nil }
        return record(canonical[Int(height - genesis.height)])
    }

    static func record(_ e: BlockIndexEntry) -> HeaderRecord {
        HeaderRecord(hash: e.hash, height: e.height, header: e.header, chainWork: e.chainWork)
    }

    func record(_ hash: BlockHash) -> HeaderRecord {
        // Every canonical hash has an entry (kept in step by add/remove).
        entries[hash].map { Self.record($0) } ?? Self.record(genesisEntry)
    }

    var genesisEntry: BlockIndexEntry {
        BlockIndexEntry(
            hash: genesis.header.computeHash(), header: genesis.header, height: genesis.height, chainWork: genesis.chainWork,
            status: .headerValid, walkBackBits: genesis.header.bits)
    }

    /// A read-only snapshot answering header queries at the canonical tip when taken.
    public func view() throws(ExternalHeaderError) -> sending ExternalHeaderView<Store> {
        do {
            let snap = try store.beginRead()
            return try ExternalHeaderView(snapshot: snap, tables: t)
        } catch let e as ExternalHeaderError {
            throw e
        } catch {
            throw .storage("\(error)")
        }
    }

    // MARK: - Add

    /// Adds a contiguous batch of headers whose first parent is stored and stores `upstreamStateId`,
    /// all in one write transaction (tbc's `AddExternalHeaders`). Moves the canonical tip when the batch
    /// reaches more work.
    @discardableResult
    public func addHeaders(_ headers: [BlockHeader], upstreamStateId: Bytes32) throws(ExternalHeaderError) -> ExternalHeadersAdded {
        guard let first = headers.first else { throw .emptyBatch }
        var hashes: [BlockHash] = []
        hashes.reserveCapacity(headers.count)
        for (i, h) in headers.enumerated() {
            let hash = h.computeHash()
            if i > 0 && h.prevBlock != hashes[i - 1] { throw .notContiguous(index: i) }
            hashes.append(hash)
        }
        guard let parent = entries[first.prevBlock] else { throw .unknownParent(hash: hashes[0], parent: first.prevBlock) }
        var added: [BlockIndexEntry] = []
        added.reserveCapacity(headers.count)
        var prev = parent
        for (i, h) in headers.enumerated() {
            let hash = hashes[i]
            if entries[hash] != nil { throw .duplicate(hash) }
            if !ProofOfWork.check(hash: hash, bits: h.bits, powLimit: params.powLimit) { throw .invalidProofOfWork(hash) }
            let e = BlockIndexEntry(
                hash: hash, header: h, height: prev.height + 1, chainWork: prev.chainWork &+ h.computeWork(), status: .headerValid,
                walkBackBits: h.bits)
            added.append(e)
            prev = e
        }
        let oldTip = canonical[canonical.count - 1]
        let oldTipWork = entries[oldTip]?.chainWork ?? genesis.chainWork
        // The batch is a chain: its last header has its most work.
        let last = added[added.count - 1]
        let moves = last.chainWork > oldTipWork
        let kind: ExternalInsertKind = !moves ? .forkExtend : (parent.hash == oldTip ? .chainExtend : .chainFork)
        // New canonical suffix: fork point on the canonical chain, then the path to `last`.
        var newPath: [BlockIndexEntry] = []
        var forkHeight = UInt64(0)
        if moves {
            var pending: [BlockHash: BlockIndexEntry] = [:]
            for e in added { pending[e.hash] = e }
            var cur = last
            while !isCanonical(cur) {
                newPath.append(cur)
                guard let p = pending[cur.prevHash] ?? entries[cur.prevHash] else {
                    throw .corrupt("ancestor \(cur.prevHash.displayHex) missing")
                }
                cur = p
            }
            forkHeight = cur.height
            newPath.reverse()
        }
        let oldTopHeight = genesis.height + UInt64(canonical.count - 1)
        do {
            try store.write { w in
                for e in added {
                    try w.put(self.t.headers, e.hash.bytes, e.row.encoded())
                    try w.put(self.t.heightHash, Keys.heightHash(e.height, e.hash), [])
                }
                if moves {
                    if oldTopHeight > forkHeight {
                        for h in (forkHeight + 1)...oldTopHeight { try w.delete(self.t.chain, Keys.height(h)) }
                    }
                    for e in newPath { try w.put(self.t.chain, Keys.height(e.height), e.hash.bytes) }
                    try w.put(self.t.meta, Keys.tip, last.hash.bytes)
                    try w.put(self.t.meta, Keys.bestHeader, last.hash.bytes)
                }
                try w.put(self.t.meta, Self.upstreamKey, upstreamStateId.bytes)
            }
        } catch {
            throw .storage("\(error)")
        }
        for e in added {
            entries[e.hash] = e
            childCount[e.prevHash, default: 0] += 1
        }
        if moves {
            canonical.removeSubrange(Int(forkHeight - genesis.height + 1)...)
            canonical += newPath.map(\.hash)
        }
        self.upstreamStateId = upstreamStateId
        return ExternalHeadersAdded(kind: kind, canonicalTip: tip, lastAdded: Self.record(last))
    }

    func isCanonical(_ e: BlockIndexEntry) -> Bool {
        e.height >= genesis.height && e.height - genesis.height < UInt64(canonical.count)
            && canonical[Int(e.height - genesis.height)] == e.hash
    }

    // MARK: - Remove

    /// Removes a contiguous batch of stored headers that ends at a leaf, makes `tipAfterRemoval`
    /// canonical (it must be the most-work header left) and stores `upstreamStateId`, all in one write
    /// transaction (tbc's `RemoveExternalHeaders`). Undoes an ``addHeaders(_:upstreamStateId:)`` when
    /// given the same headers, the previous tip and the previous upstream state id.
    @discardableResult
    public func removeHeaders(
        _ headers: [BlockHeader], tipAfterRemoval: BlockHeader, upstreamStateId: Bytes32
    ) throws(ExternalHeaderError) -> ExternalHeadersRemoved {
        guard !headers.isEmpty else { throw .emptyBatch }
        var removed: [BlockIndexEntry] = []
        removed.reserveCapacity(headers.count)
        let genesisHash = genesisEntry.hash
        let tipAfterHash = tipAfterRemoval.computeHash()
        for (i, h) in headers.enumerated() {
            let hash = h.computeHash()
            if i > 0 && h.prevBlock != removed[i - 1].hash { throw .notContiguous(index: i) }
            if hash == genesisHash { throw .removingGenesis }
            guard let e = entries[hash] else { throw .unknownHeader(hash) }
            if hash == tipAfterHash { throw .tipAfterRemovalIsRemoved(hash) }
            removed.append(e)
        }
        // No dangling children: each removed header's only child is the next one; the last is a leaf.
        for (i, e) in removed.enumerated() {
            let children = childCount[e.hash] ?? 0
            let allowed = i + 1 < removed.count ? 1 : 0
            if children > allowed {
                let child = findChild(of: e.hash, excluding: i + 1 < removed.count ? removed[i + 1].hash : nil)
                throw .wouldLeaveDangling(removed: e.hash, child: child ?? .zero)
            }
        }
        guard let tipAfter = entries[tipAfterHash] else { throw .unknownHeader(tipAfterHash) }
        guard let parent = entries[removed[0].prevHash] else { throw .corrupt("parent of \(removed[0].hash.displayHex) missing") }
        // The most-work header once the batch is gone (among leaves; ties: the given tip is accepted).
        let removedSet = Set(removed.map(\.hash))
        var best: BlockIndexEntry?
        for (h, e) in entries where !removedSet.contains(h) {
            let leaf = (childCount[h] ?? 0) == 0 || (h == parent.hash && childCount[h] == 1)
            guard leaf else { continue }
            if let b = best, b.chainWork > e.chainWork || (b.chainWork == e.chainWork && b.hash == tipAfterHash) { continue }
            best = e
        }
        guard let expected = best, expected.chainWork == tipAfter.chainWork,
            (childCount[tipAfterHash] ?? 0) == 0 || (tipAfterHash == parent.hash && childCount[tipAfterHash] == 1)
        else {
            throw .wrongTipAfterRemoval(given: tipAfterHash, expected: best?.hash ?? genesisHash)
        }
        let oldTip = canonical[canonical.count - 1]
        let kind: ExternalRemoveKind
        if tipAfterHash == parent.hash {
            kind = .chainDescend
        } else if tipAfterHash == oldTip {
            kind = .forkDescend
        } else if oldTip == removed[removed.count - 1].hash {
            kind = .chainFork
        } else {
            // The old tip stays but another header of equal work was named: not a removal's outcome.
            throw .wrongTipAfterRemoval(given: tipAfterHash, expected: oldTip)
        }
        // New canonical suffix when the tip moves: from the fork point of `tipAfter` with the chain.
        var newPath: [BlockIndexEntry] = []
        var forkHeight = UInt64(0)
        let moves = tipAfterHash != oldTip
        if moves {
            var cur = tipAfter
            while !isCanonical(cur) {
                newPath.append(cur)
                guard let p = entries[cur.prevHash] else { throw .corrupt("ancestor \(cur.prevHash.displayHex) missing") }
                cur = p
            }
            forkHeight = cur.height
            newPath.reverse()
        }
        let oldTopHeight = genesis.height + UInt64(canonical.count - 1)
        do {
            try store.write { w in
                for e in removed {
                    try w.delete(self.t.headers, e.hash.bytes)
                    try w.delete(self.t.heightHash, Keys.heightHash(e.height, e.hash))
                }
                if moves {
                    if oldTopHeight > forkHeight {
                        for h in (forkHeight + 1)...oldTopHeight { try w.delete(self.t.chain, Keys.height(h)) }
                    }
                    for e in newPath { try w.put(self.t.chain, Keys.height(e.height), e.hash.bytes) }
                    try w.put(self.t.meta, Keys.tip, tipAfterHash.bytes)
                    try w.put(self.t.meta, Keys.bestHeader, tipAfterHash.bytes)
                }
                try w.put(self.t.meta, Self.upstreamKey, upstreamStateId.bytes)
            }
        } catch {
            throw .storage("\(error)")
        }
        for e in removed {
            entries[e.hash] = nil
            childCount[e.hash] = nil
        }
        if let c = childCount[parent.hash] { childCount[parent.hash] = c > 1 ? c - 1 : nil }
        if moves {
            canonical.removeSubrange(Int(forkHeight - genesis.height + 1)...)
            canonical += newPath.map(\.hash)
        }
        self.upstreamStateId = upstreamStateId
        return ExternalHeadersRemoved(kind: kind, parentOfRemoved: Self.record(parent), canonicalTip: tip)
    }

    func findChild(of hash: BlockHash, excluding: BlockHash?) -> BlockHash? {
        for (h, e) in entries where e.prevHash == hash && h != excluding { return h }
        return nil
    }

    // MARK: - Open

    func loadOrInit() throws(ExternalHeaderError) {
        let t = self.t
        let g = genesisEntry
        do {
            let version = try store.read { r in try r.get(t.meta, Keys.version) }
            if version == nil {
                try store.write { w in
                    try w.put(t.meta, Keys.version, [NodeTables.formatVersion])
                    try w.put(t.meta, Self.genesisKey, g.hash.bytes)
                    try w.put(t.headers, g.hash.bytes, g.row.encoded())
                    try w.put(t.heightHash, Keys.heightHash(g.height, g.hash), [])
                    try w.put(t.chain, Keys.height(g.height), g.hash.bytes)
                    try w.put(t.meta, Keys.tip, g.hash.bytes)
                    try w.put(t.meta, Keys.bestHeader, g.hash.bytes)
                    try w.put(t.meta, Self.upstreamKey, ExternalHeaderTables.defaultUpstreamStateId.bytes)
                }
            } else if let v = version, v != [NodeTables.formatVersion] {
                throw ExternalHeaderError.formatVersion(found: v.first ?? 0, expected: NodeTables.formatVersion)
            }
            var bad: ExternalHeaderError?
            var loaded: [BlockHash: BlockIndexEntry] = [:]
            var chain: [BlockHash] = []
            var tipBytes: [UInt8]?
            var storedGenesis: [UInt8]?
            var upstream: [UInt8]?
            try store.read { r in
                storedGenesis = try r.get(t.meta, Self.genesisKey)
                tipBytes = try r.get(t.meta, Keys.tip)
                upstream = try r.get(t.meta, Self.upstreamKey)
                try r.forEach(t.headers, prefix: []) { k, v in
                    do throws(NodeError) {
                        let row = try HeaderRow(bytes: v)
                        guard let h = Bytes32(exactly: Array(k)) else { throw NodeError.corrupt("header key of \(k.count) bytes") }
                        loaded[h] = BlockIndexEntry(hash: h, row: row)
                        return true
                    } catch {
                        bad = .corrupt("\(error)")
                        return false
                    }
                }
                if bad != nil { return }
                try r.forEach(t.chain, prefix: []) { k, v in
                    guard k.count == 8, BE.u64(k) == g.height + UInt64(chain.count), let h = Bytes32(exactly: Array(v)) else {
                        bad = .corrupt("chain table gap at \(chain.count)")
                        return false
                    }
                    chain.append(h)
                    return true
                }
            }
            if let bad { throw bad }
            guard let sg = storedGenesis, let sgh = Bytes32(exactly: sg) else {
                throw ExternalHeaderError.genesisMismatch(stored: .zero, given: g.hash)
            }
            guard sgh == g.hash else { throw ExternalHeaderError.genesisMismatch(stored: sgh, given: g.hash) }
            guard let up = upstream, let upID = Bytes32(exactly: up) else { throw ExternalHeaderError.corrupt("upstream state id") }
            guard chain.first == g.hash, let tb = tipBytes, chain.last.map({ $0.bytes == tb }) == true else {
                throw ExternalHeaderError.corrupt("tip does not match the chain table")
            }
            for h in chain where loaded[h] == nil { throw ExternalHeaderError.corrupt("canonical header \(h.displayHex) missing") }
            var children: [BlockHash: Int] = [:]
            for (h, e) in loaded where h != g.hash {
                guard loaded[e.prevHash] != nil else { throw ExternalHeaderError.corrupt("header \(h.displayHex) has no parent") }
                children[e.prevHash, default: 0] += 1
            }
            entries = loaded
            childCount = children
            canonical = chain
            upstreamStateId = upID
        } catch let e as ExternalHeaderError {
            throw e
        } catch {
            throw .storage("\(error)")
        }
    }
}

/// Resolved table handles of an external-header store.
struct ExternalTables: Sendable {
    let meta, headers, heightHash, chain: KVTable

    init<S: KVStore>(_ s: S) throws(KVStoreError) {
        meta = try s.table(NodeTables.meta)
        headers = try s.table(NodeTables.headers)
        heightHash = try s.table(NodeTables.heightHash)
        chain = try s.table(NodeTables.chain)
    }
}

/// ``BitcoinView`` of an external-header store, pinned at the canonical tip when the snapshot was
/// taken: headers by hash and by canonical height, the best header and canonicality. External-header
/// mode stores no blocks, so every UTXO, transaction, spend and keystone question has no answer (nil
/// or empty, which the protocol defines as not found). Use from one thread at a time.
public final class ExternalHeaderView<Store: KVStore>: BitcoinView {
    let r: Store.ReadTransaction
    let t: ExternalTables
    public let pinnedHash: BlockHash
    public let pinnedHeight: UInt64
    /// The upstream state id stored with the pinned headers.
    public let upstreamStateId: Bytes32

    init(snapshot: Store.ReadTransaction, tables: ExternalTables) throws(ExternalHeaderError) {
        r = snapshot
        t = tables
        do {
            guard let tipBytes = try r.get(t.meta, Keys.tip), let tipHash = Bytes32(exactly: tipBytes),
                let row = try r.get(t.headers, tipBytes), let up = try r.get(t.meta, ExternalHeaderChain<Store>.upstreamKey),
                let upID = Bytes32(exactly: up)
            else { throw ExternalHeaderError.corrupt("no tip") }
            pinnedHash = tipHash
            pinnedHeight = try HeaderRow(bytes: row).height
            upstreamStateId = upID
        } catch {
            snapshot.finish()
            if let e = error as? ExternalHeaderError { throw e }
            throw .corrupt("\(error)")
        }
    }

    deinit { r.finish() }

    /// Ends the snapshot now.
    public func close() { r.finish() }

    func get(_ table: KVTable, _ key: [UInt8]) throws(BitcoinViewError) -> [UInt8]? {
        do { return try r.get(table, key) } catch { throw .storage("\(error)") }
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
        guard let rec = try record(pinnedHash) else { throw .corruptRecord(table: NodeTables.headers, detail: "tip header missing") }
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

    public func balance(scriptHash: ScriptHash) throws(BitcoinViewError) -> UInt64 { 0 }
    public func utxos(scriptHash: ScriptHash, start: Int, count: Int) throws(BitcoinViewError) -> [IndexedUTXO] { [] }
    public func isUnspent(_ outpoint: OutPoint) throws(BitcoinViewError) -> Bool { false }
    public func scriptHash(of outpoint: OutPoint) throws(BitcoinViewError) -> ScriptHash? { nil }
    public func txLocation(txid: TxID) throws(BitcoinViewError) -> TxLocation? { nil }
    public func rawTransaction(txid: TxID) throws(BitcoinViewError) -> [UInt8]? { nil }
    public func confirmations(txid: TxID) throws(BitcoinViewError) -> UInt64? { nil }
    public func rawBlock(hash: BlockHash) throws(BitcoinViewError) -> [UInt8]? { nil }
    public func spend(of outpoint: OutPoint) throws(BitcoinViewError) -> SpendRecord? { nil }
    public func keystone(hash: Bytes32) throws(BitcoinViewError) -> KeystoneRecord? { nil }
    public func keystones(height: UInt32) throws(BitcoinViewError) -> [KeystoneRecord] { [] }
}
