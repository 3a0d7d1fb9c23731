public import Primitives
public import Bitcoin
public import BitcoinConsensus
public import KVStore
import BitcoinScript
import BitcoinView

/// Configuration of a ``BitcoinChain``.
public struct ChainConfig: Sendable {
    /// The network's consensus parameters.
    public var params: ChainParams
    /// Heights whose header hash is fixed. A header contradicting one, or forking below the highest
    /// checkpoint already in the index, is rejected.
    public var checkpoints: [UInt64: BlockHash]
    /// Script checks are skipped for this block and its ancestors (Core's `-assumevalid`); every
    /// other rule is still checked. Nil verifies every script.
    public var assumeValid: BlockHash?
    /// Verify input scripts at all (true by default; false only for tests and tools).
    public var verifyScripts: Bool
    /// Script-check parallelism passed to `BlockConnector` (1 = serial, no child tasks).
    public var scriptParallelism: Int
    /// Current Unix time for the 2-hour future limit on headers; nil skips that rule.
    public var now: @Sendable () -> Int64?

    public init(
        params: ChainParams, checkpoints: [UInt64: BlockHash] = [:], assumeValid: BlockHash? = nil,
        verifyScripts: Bool = true, scriptParallelism: Int = 2, now: @escaping @Sendable () -> Int64? = { nil }
    ) {
        self.params = params
        self.checkpoints = checkpoints
        self.assumeValid = assumeValid
        self.verifyScripts = verifyScripts
        self.scriptParallelism = max(1, scriptParallelism)
        self.now = now
    }
}

/// What ``BitcoinChain/acceptHeaders(_:)`` did.
public struct HeadersAccepted: Sendable, Hashable {
    /// Headers newly added to the index (known ones are skipped).
    public var added: Int
    /// Whether the best header changed.
    public var bestChanged: Bool
    /// The best header after the call.
    public var bestHash: BlockHash
    public var bestHeight: UInt64
}

/// What ``BitcoinChain/acceptBlock(_:)`` did.
public enum BlockAccepted: Sendable, Hashable {
    /// The data was already stored.
    case duplicate
    /// Stored; the active chain tip after trying to connect it.
    case stored(tip: BlockHash, tipHeight: UInt64)
}

/// The Bitcoin chain store: block index (header tree with cumulative work and status), raw block
/// store, chain state (UTXO set with undo data) and Hemi's indexes, all in one ``KVStore``.
///
/// ## Model
/// - **Header tree**: every accepted header (several per height), its cumulative work and
///   ``BlockStatus``. The *best header* has the most work among valid headers.
/// - **Active chain**: the chain of fully validated, connected blocks ending at ``tip``; the UTXO
///   set, undo data and every index (UTXO/script hash, transactions, spends, keystones) describe
///   exactly this chain. Each connect/disconnect of one block is **one write transaction** that
///   moves the tip and all indexes together, so a crash leaves a consistent state at some block.
/// - ``activateBestChain()`` moves the tip to the most-work valid chain whose blocks are stored
///   (disconnecting to the fork point and connecting forward); a block that fails validation is
///   marked ``BlockStatus/failed`` and its descendants ``BlockStatus/failedParent``.
/// - ``unwind(to:)`` / ``wind(to:)`` move the tip (and all indexes) back to any ancestor or forward
///   to any stored descendant (Hemi's index wind/unwind).
///
/// ## Threads
/// Not thread-safe: one owner calls it (the sync engine's task). Reads from other threads go
/// through ``view()``, a snapshot that is safe to use on any one thread at a time.
public final class BitcoinChain<Store: KVStore> {
    public let store: Store
    public let config: ChainConfig
    let t: Tables
    var entries: [BlockHash: BlockIndexEntry] = [:]
    /// Best header chain by height.
    var headerChain: [BlockHash] = []
    /// Active (connected) chain by height, and its block times.
    var active: [BlockHash] = []
    var activeTimes: [UInt32] = []
    /// Blocks with data, not invalid, with more work than the tip when added (Core's
    /// `setBlockIndexCandidates`), with their arrival order for tie-breaking.
    var candidates: [BlockHash: UInt64] = [:]
    var sequence: UInt64 = 0
    /// Unconfirmed transactions (see ``Mempool``); `minFeeRate` may be changed.
    public var mempool = Mempool()
    /// Transactions of blocks disconnected since the last re-admission into the mempool.
    var disconnectedTxs: [Transaction] = []
    /// A block was disconnected since the last mempool re-check (coinbase maturity and lock times move).
    var mempoolNeedsRecheck = false
    /// Recently stored blocks, already decoded, so that connecting them right after arrival does not
    /// read and decode them again (bounded).
    var recentBlocks: [BlockHash: ParsedBlock] = [:]
    static var recentBlocksLimit: Int { 64 }
    /// Work of the last `bits` seen (the 256-bit division is the costly part of adding a header).
    var workCache: (bits: UInt32, work: UInt256) = (0, .zero)
    /// Hashes of blocks below `assumeValid` are computed lazily.
    var params: ChainParams { config.params }

    /// Opens (initialising with the genesis block if empty) the chain state in `store`, which must
    /// have been opened with ``NodeTables/all``. Call ``activateBestChain()`` afterwards to connect
    /// blocks stored before a crash.
    public init(store: Store, config: ChainConfig) throws(NodeError) {
        self.store = store
        self.config = config
        do { t = try Tables(store) } catch { throw .storage(error) }
        // Core's fRequireStandard: off on regtest and testnet3 (-acceptnonstdtxn defaults to 1 there).
        mempool.policy.requireStandard = !(config.params.network == .regtest || config.params.network == .testnet3)
        try loadOrInit()
    }

    // MARK: - Public state

    /// The tip of the active chain.
    public var tip: BlockIndexEntry {
        // `active` always holds at least genesis.
        entries[active[active.count - 1]] ?? genesisEntry()
    }

    /// The header with the most work.
    public var bestHeader: BlockIndexEntry { entries[headerChain[headerChain.count - 1]] ?? genesisEntry() }

    /// The index entry of `hash`.
    public func entry(_ hash: BlockHash) -> BlockIndexEntry? { entries[hash] }

    /// Number of headers in the index.
    public var headerCount: Int { entries.count }

    /// The hash at `height` on the active chain.
    public func activeHash(atHeight height: UInt64) -> BlockHash? {
        height < UInt64(active.count) ? active[Int(height)] : nil
    }

    /// The hash at `height` on the best header chain.
    public func bestChainHash(atHeight height: UInt64) -> BlockHash? {
        height < UInt64(headerChain.count) ? headerChain[Int(height)] : nil
    }

    /// Whether every block of the best header chain is connected.
    public var isSynced: Bool { tip.hash == bestHeader.hash }

    /// The ancestor of `hash` at `height` (walking parents; O(1) on the active or best header chain).
    public func ancestor(of hash: BlockHash, atHeight height: UInt64) -> BlockIndexEntry? {
        guard var e = entries[hash], height <= e.height else { return nil }
        while e.height > height {
            if e.height < UInt64(active.count) && active[Int(e.height)] == e.hash { return entries[active[Int(height)]] }
            if e.height < UInt64(headerChain.count) && headerChain[Int(e.height)] == e.hash {
                return entries[headerChain[Int(height)]]
            }
            guard let p = entries[e.prevHash] else { return nil }
            e = p
        }
        return e
    }

    // MARK: - Sync support

    /// A block locator for `getheaders` from the best header: the last 10 hashes, then exponentially
    /// sparser ones, ending with genesis (Core's `LocatorEntries`).
    public func locator() -> [BlockHash] {
        var out: [BlockHash] = []
        var h = headerChain.count - 1
        var step = 1
        while h > 0 {
            out.append(headerChain[h])
            if out.count >= 10 { step *= 2 }
            h -= step
        }
        out.append(headerChain[0])
        return out
    }

    /// Headers following the first locator hash found on the best header chain (genesis if none),
    /// up to `stop` (inclusive) or `limit` headers — the answer to a `getheaders`.
    public func headers(locator: [BlockHash], stop: BlockHash = .zero, limit: Int = 2000) -> [BlockHeader] {
        var start = 0
        for h in locator {
            if let e = entries[h], e.height < UInt64(headerChain.count), headerChain[Int(e.height)] == h {
                start = Int(e.height) + 1
                break
            }
        }
        var out: [BlockHeader] = []
        var i = start
        while i < headerChain.count && out.count < limit {
            guard let e = entries[headerChain[i]] else { break }
            out.append(e.header)
            if e.hash == stop { break }
            i += 1
        }
        return out
    }

    /// Blocks of the best header chain above the active tip whose data is not stored, lowest first,
    /// at most `limit` — what to download next.
    public func blocksToDownload(limit: Int = 128) -> [BlockHash] {
        var out: [BlockHash] = []
        // Start at the fork point of the active chain and the best header chain.
        var h = min(active.count, headerChain.count)
        while h > 0 && active[h - 1] != headerChain[h - 1] { h -= 1 }
        while h < headerChain.count && out.count < limit {
            let hash = headerChain[h]
            if let e = entries[hash], !e.status.contains(.dataStored), !e.status.isInvalid { out.append(hash) }
            h += 1
        }
        return out
    }

    /// Whether the raw block is stored.
    public func hasBlockData(_ hash: BlockHash) -> Bool { entries[hash]?.status.contains(.dataStored) ?? false }

    /// The stored raw block (witness serialization), for serving `getdata`.
    public func rawBlock(_ hash: BlockHash) throws(NodeError) -> [UInt8]? {
        try readStore { r in try r.get(self.t.blocks, hash.bytes) }
    }

    // MARK: - Headers

    /// Validates and adds headers (in order; each must extend a known header or one earlier in the
    /// list) through the header consensus rules: proof of work, difficulty (`GetNextWorkRequired`
    /// per network), median time past, BIP94 timewarp, the future limit, minimum versions and
    /// checkpoints. Known headers are skipped. The valid prefix is committed even when a later
    /// header fails, then the failure is thrown.
    @discardableResult
    public func acceptHeaders(_ headers: [BlockHeader]) throws(NodeError) -> HeadersAccepted {
        var added: [BlockIndexEntry] = []
        var pending: [BlockHash: BlockIndexEntry] = [:]
        var failure: NodeError?
        let now = config.now()
        let lastCheckpoint = highestKnownCheckpoint()
        for header in headers {
            let hash = header.computeHash()
            if entries[hash] != nil || pending[hash] != nil {
                if let e = entries[hash], e.status.isInvalid { failure = .knownInvalid(hash); break }
                continue
            }
            guard let parent = pending[header.prevBlock] ?? entries[header.prevBlock] else {
                failure = .orphanHeader(hash: hash, prev: header.prevBlock)
                break
            }
            if parent.status.isInvalid { failure = .knownInvalid(parent.hash); break }
            do throws(NodeError) {
                let e = try checkHeader(header, hash: hash, parent: parent, pending: pending, now: now, lastCheckpoint: lastCheckpoint)
                pending[hash] = e
                added.append(e)
            } catch {
                failure = error
                break
            }
        }
        var best = bestHeader
        var bestChanged = false
        for e in added where e.chainWork > best.chainWork {
            best = e
            bestChanged = true
        }
        if !added.isEmpty {
            let newBest = best
            try writeStore { w in
                for e in added {
                    try w.put(self.t.headers, e.hash.bytes, e.row.encoded())
                    try w.put(self.t.heightHash, Keys.heightHash(e.height, e.hash), [])
                }
                if bestChanged { try w.put(self.t.meta, Keys.bestHeader, newBest.hash.bytes) }
            }
            for e in added { entries[e.hash] = e }
            if bestChanged { setBestHeader(best) }
        }
        if let failure { throw failure }
        return HeadersAccepted(added: added.count, bestChanged: bestChanged, bestHash: bestHeader.hash, bestHeight: bestHeader.height)
    }

    /// The header rules for one header whose parent is known.
    func checkHeader(
        _ header: BlockHeader, hash: BlockHash, parent: BlockIndexEntry, pending: [BlockHash: BlockIndexEntry], now: Int64?,
        lastCheckpoint: UInt64?
    ) throws(NodeError) -> BlockIndexEntry {
        let height = parent.height + 1
        func fail(_ rule: HeaderRule, _ detail: String) -> NodeError {
            .invalidHeader(HeaderValidationError(height: Int(height), hash: hash, rule: rule, detail: detail))
        }
        if !ProofOfWork.check(hash: hash, bits: header.bits, powLimit: params.powLimit) {
            throw fail(.highHash, "hash above target of bits \(header.bits)")
        }
        if let cp = config.checkpoints[height], cp != hash { throw .checkpointMismatch(height: height, hash: hash) }
        if let last = lastCheckpoint, height < last { throw .checkpointMismatch(height: height, hash: hash) }
        let ancestors = TreeAncestors(chain: self, pending: pending, start: parent)
        let last = ChainEntry(height: Int(parent.height), time: parent.header.time, bits: parent.header.bits)
        guard let expected = ProofOfWork.nextWorkRequired(last: last, newTime: header.time, params: params, ancestors: ancestors) else {
            throw fail(.badDiffBits, "ancestors for the retarget are missing")
        }
        if header.bits != expected { throw fail(.badDiffBits, "bits \(header.bits), expected \(expected)") }
        if let mtp = ProofOfWork.medianTimePast(last: last, ancestors: ancestors), Int64(header.time) <= mtp {
            throw fail(.timeTooOld, "time \(header.time) <= median time past \(mtp)")
        }
        if params.enforceBIP94 && Int(height) % params.difficultyAdjustmentInterval == 0
            && Int64(header.time) < Int64(parent.header.time) - HeaderChainVerifier.maxTimewarp
        {
            throw fail(.timewarp, "time \(header.time) more than 600 s before parent")
        }
        if let now, Int64(header.time) > now + HeaderChainVerifier.maxFutureBlockTime {
            throw fail(.timeTooNew, "time \(header.time) > now \(now) + 7200")
        }
        if let minVersion = HeaderChainVerifier.minimumVersion(height: Int(height), params: params), header.version < minVersion {
            throw fail(.badVersion, "version \(header.version) < \(minVersion)")
        }
        let walkBack: UInt32 =
            Int(height) % params.difficultyAdjustmentInterval == 0 || header.bits != params.powLimitBits
            ? header.bits : parent.walkBackBits
        if workCache.bits != header.bits { workCache = (header.bits, header.computeWork()) }
        return BlockIndexEntry(
            hash: hash, header: header, height: height, chainWork: parent.chainWork &+ workCache.work,
            status: .headerValid, walkBackBits: walkBack)
    }

    func highestKnownCheckpoint() -> UInt64? {
        var best: UInt64?
        for (h, hash) in config.checkpoints where entries[hash] != nil {
            if let b = best, b >= h { continue }
            best = h
        }
        return best
    }

    /// Makes `e` the best header and updates the best header chain array.
    func setBestHeader(_ e: BlockIndexEntry) {
        var path: [BlockHash] = []
        var cur = e
        while !(Int(cur.height) < headerChain.count && headerChain[Int(cur.height)] == cur.hash) {
            path.append(cur.hash)
            guard cur.height > 0, let p = entries[cur.prevHash] else { break }
            cur = p
        }
        headerChain.removeSubrange(min(Int(cur.height) + 1, headerChain.count)...)
        headerChain.append(contentsOf: path.reversed())
    }

    // MARK: - Blocks

    /// Accepts a block: adds its header if new (its parent must be known), runs the context-free
    /// `CheckBlock`, stores the raw bytes, then ``activateBestChain()``. A block failing `CheckBlock`
    /// is rejected without marking its header (the data may be malleated); one failing later
    /// validation is marked invalid with its descendants and the error is thrown.
    @discardableResult
    public nonisolated(nonsending) func acceptBlock(_ block: Block) async throws(NodeError) -> BlockAccepted {
        try await acceptBlock(ParsedBlock(block: block))
    }

    /// ``acceptBlock(_:)`` for a block as received on the wire.
    @discardableResult
    public nonisolated(nonsending) func acceptBlock(raw: [UInt8]) async throws(NodeError) -> BlockAccepted {
        try await acceptBlock(ParsedBlock(raw: raw))
    }

    /// ``acceptBlock(_:)`` for an already parsed block.
    @discardableResult
    public nonisolated(nonsending) func acceptBlock(_ parsed: ParsedBlock) async throws(NodeError) -> BlockAccepted {
        guard try storeBlock(parsed) else { return .duplicate }
        lastFailure = nil
        try await activateBestChain()
        // If this very block was tried and failed, report it.
        if let failure = lastFailure, failure.hash == parsed.hash { throw .invalidBlock(hash: parsed.hash, failure.error) }
        return .stored(tip: tip.hash, tipHeight: tip.height)
    }

    /// The most recent block that failed validation while connecting, and why.
    public private(set) var lastFailure: (hash: BlockHash, error: BlockValidationError)?

    /// Validates (context-free) and stores a block without connecting it. Returns false if its data
    /// was already stored.
    @discardableResult
    public func storeBlock(_ parsed: ParsedBlock) throws(NodeError) -> Bool {
        let hash = parsed.hash
        if entries[hash] == nil { try acceptHeaders([parsed.block.header]) }
        guard var e = entries[hash] else { throw .unknownBlock(hash) }
        if e.status.isInvalid { throw .knownInvalid(hash) }
        if e.status.contains(.dataStored) { return false }
        do {
            try BlockValidation.checkBlock(parsed.block, params: params)
        } catch {
            throw .badBlockData(hash: hash, error)
        }
        e.status.insert(.dataStored)
        let row = e.row.encoded()
        try writeStore { w in
            try w.put(self.t.blocks, hash.bytes, parsed.raw)
            try w.put(self.t.headers, hash.bytes, row)
        }
        entries[hash] = e
        if recentBlocks.count >= Self.recentBlocksLimit { recentBlocks.removeAll(keepingCapacity: true) }
        recentBlocks[hash] = parsed
        if e.chainWork > tip.chainWork {
            sequence += 1
            candidates[hash] = sequence
        }
        // Blocks waiting for missing ancestor data may be connectable now.
        for h in skipped where candidates[h] == nil {
            sequence += 1
            candidates[h] = sequence
        }
        skipped.removeAll()
        return true
    }

    /// Moves the active chain to the valid chain with the most work whose blocks are all stored:
    /// disconnects back to the fork point, connects forward with full validation; a block that fails
    /// is marked invalid (descendants too) and the next best chain is tried, until the tip has the
    /// most work of all candidates.
    public nonisolated(nonsending) func activateBestChain() async throws(NodeError) {
        while true {
            guard let target = nextCandidate() else {
                readmitDisconnected()
                return
            }
            // The path from the fork point up to target.
            var path: [BlockIndexEntry] = []
            var cur = target
            var usable = true
            while !(cur.height < UInt64(active.count) && active[Int(cur.height)] == cur.hash) {
                if cur.status.isInvalid { usable = false; break }
                if !cur.status.contains(.dataStored) { usable = false; break }
                path.append(cur)
                guard let p = entries[cur.prevHash] else { usable = false; break }
                cur = p
            }
            if !usable {
                if cur.status.isInvalid { try markInvalid(target.hash, parentFailed: true) }
                candidates[target.hash] = nil
                skipped.insert(target.hash)
                continue
            }
            let fork = cur
            while tip.hash != fork.hash { try disconnectTip() }
            var failed = false
            for e in path.reversed() {
                do throws(NodeError) {
                    try await connect(e)
                } catch {
                    if case let .invalidBlock(h, reason) = error {
                        lastFailure = (h, reason)
                        try markInvalid(h, parentFailed: false)
                        failed = true
                        break
                    }
                    throw error
                }
            }
            if !failed { candidates[target.hash] = nil }
            pruneCandidates()
        }
    }

    /// Candidates that cannot be connected yet (missing ancestor data); retried when data arrives.
    var skipped: Set<BlockHash> = []

    func nextCandidate() -> BlockIndexEntry? {
        let tipWork = tip.chainWork
        var best: (BlockIndexEntry, UInt64)?
        for (h, seq) in candidates {
            guard let e = entries[h], !e.status.isInvalid, e.chainWork > tipWork else { continue }
            if let b = best {
                if e.chainWork > b.0.chainWork || (e.chainWork == b.0.chainWork && seq < b.1) { best = (e, seq) }
            } else {
                best = (e, seq)
            }
        }
        return best?.0
    }

    func pruneCandidates() {
        let tipWork = tip.chainWork
        for (h, _) in candidates {
            if let e = entries[h], !e.status.isInvalid, e.chainWork > tipWork { continue }
            candidates[h] = nil
        }
        // Re-admit blocks skipped for missing ancestors whose data may now be there.
        for h in skipped {
            if let e = entries[h], !e.status.isInvalid, e.chainWork > tipWork, candidates[h] == nil {
                sequence += 1
                candidates[h] = sequence
            }
        }
        skipped.removeAll()
    }

    /// Marks `hash` failed (or failed-parent) and every known descendant failed-parent.
    func markInvalid(_ hash: BlockHash, parentFailed: Bool) throws(NodeError) {
        guard let bad = entries[hash] else { return }
        var changed: [BlockIndexEntry] = []
        var e = bad
        e.status.insert(parentFailed ? .failedParent : .failed)
        changed.append(e)
        for (_, d) in entries where d.height > bad.height && !d.status.contains(.failedParent) {
            if ancestor(of: d.hash, atHeight: bad.height)?.hash == hash {
                var x = d
                x.status.insert(.failedParent)
                changed.append(x)
            }
        }
        let rows = changed.map { ($0.hash, $0.row.encoded()) }
        try writeStore { w in
            for (h, row) in rows { try w.put(self.t.headers, h.bytes, row) }
        }
        for c in changed {
            entries[c.hash] = c
            candidates[c.hash] = nil
        }
        // The best header must be valid: pick the most-work valid header.
        if bestHeader.status.isInvalid {
            var best = tip
            for (_, x) in entries where !x.status.isInvalid && x.chainWork > best.chainWork { best = x }
            let b = best
            try writeStore { w in try w.put(self.t.meta, Keys.bestHeader, b.hash.bytes) }
            headerChain = [headerChain[0]]
            setBestHeader(best)
        }
    }

    // MARK: - Wind / unwind

    /// Disconnects blocks until `hash` (an ancestor of the tip, or the tip) is the tip. Every index
    /// moves back with it, one block per write transaction.
    public func unwind(to hash: BlockHash) throws(NodeError) {
        guard let e = entries[hash], e.height < UInt64(active.count), active[Int(e.height)] == hash else { throw .notOnChain(hash) }
        while tip.hash != hash { try disconnectTip() }
        readmitDisconnected()
    }

    /// Moves the tip to `hash`: unwinds to the fork point with the active chain, then connects the
    /// blocks up to `hash` with full validation. `hash` and its ancestors must be stored and valid.
    public nonisolated(nonsending) func wind(to hash: BlockHash) async throws(NodeError) {
        guard let target = entries[hash] else { throw .unknownBlock(hash) }
        var path: [BlockIndexEntry] = []
        var cur = target
        while !(cur.height < UInt64(active.count) && active[Int(cur.height)] == cur.hash) {
            if cur.status.isInvalid { throw .knownInvalid(cur.hash) }
            if !cur.status.contains(.dataStored) { throw .missingBlockData(cur.hash) }
            path.append(cur)
            guard let p = entries[cur.prevHash] else { throw .notOnChain(hash) }
            cur = p
        }
        try unwind(to: cur.hash)
        for e in path.reversed() {
            do throws(NodeError) {
                try await connect(e)
            } catch {
                if case let .invalidBlock(h, reason) = error {
                    lastFailure = (h, reason)
                    try markInvalid(h, parentFailed: false)
                }
                throw error
            }
        }
        readmitDisconnected()
    }

    // MARK: - Connect / disconnect

    /// Whether scripts of block `e` are assumed valid (it is `assumeValid` or an ancestor of it).
    func isAssumedValid(_ e: BlockIndexEntry) -> Bool {
        guard let av = config.assumeValid, let avEntry = entries[av], avEntry.height >= e.height else { return false }
        return ancestor(of: av, atHeight: e.height)?.hash == e.hash
    }

    /// Connects `e` (whose parent must be the tip) with full validation, in one write transaction.
    nonisolated(nonsending) func connect(_ e: BlockIndexEntry) async throws(NodeError) {
        precondition(e.prevHash == tip.hash, "connect: parent is not the tip")
        let parsed: ParsedBlock
        if let p = recentBlocks.removeValue(forKey: e.hash) {
            parsed = p
        } else {
            guard let raw = try rawBlock(e.hash) else { throw .missingBlockData(e.hash) }
            parsed = try ParsedBlock(raw: raw)
        }
        let block = parsed.block
        let height = Int(e.height)
        let times = activeTimes
        let parentMTP = chainMedianTimePast(times, height - 1)
        do {
            try BlockValidation.contextualCheckBlock(block, height: height, parentMedianTimePast: parentMTP, params: params)
        } catch {
            throw .invalidBlock(hash: e.hash, error)
        }
        // Prefetch the coins the block spends (those created inside the block are found by the connector).
        var view: [OutPoint: Coin] = [:]
        try readStore { r in
            for tx in block.transactions where !tx.isCoinbase {
                for input in tx.inputs {
                    if let v = try r.get(self.t.coins, Keys.outpoint(input.prevout)) {
                        view[input.prevout] = try CoinCodec.decode(v)
                    }
                }
            }
        }
        let context = ConnectContext(
            height: height, params: params, medianTimePast: { chainMedianTimePast(times, $0) }, parallelism: config.scriptParallelism)
        let result: ConnectedBlock
        do {
            if config.verifyScripts && !isAssumedValid(e) {
                result = try await BlockConnector.connect(block, view: view, context: context, checker: BitcoinScriptChecker())
            } else {
                result = try await BlockConnector.connect(block, view: view, context: context, checker: NoScriptChecker())
            }
        } catch {
            throw .invalidBlock(hash: e.hash, error)
        }
        // Undo data in block input order.
        var undo: [(OutPoint, Coin)] = []
        undo.reserveCapacity(result.spent.count)
        for tx in block.transactions where !tx.isCoinbase {
            for input in tx.inputs { if let c = result.spent[input.prevout] { undo.append((input.prevout, c)) } }
        }
        var updated = e
        updated.status.insert(.fullyValidated)
        let row = updated.row.encoded()
        try writeStore { w in
            try ChainIndexer.connect(w, t: self.t, parsed: parsed, height: e.height, result: result, undo: undo)
            try w.put(self.t.chain, Keys.height(e.height), e.hash.bytes)
            try w.put(self.t.meta, Keys.tip, e.hash.bytes)
            try w.put(self.t.headers, e.hash.bytes, row)
        }
        entries[e.hash] = updated
        active.append(e.hash)
        activeTimes.append(block.header.time)
        mempool.blockConnected(block, txids: parsed.txids, height: Int(e.height), now: mempoolNow())
    }

    /// Disconnects the tip block (not genesis) using its undo data, in one write transaction.
    func disconnectTip() throws(NodeError) {
        let e = tip
        guard e.height > 0, let parent = entries[e.prevHash] else { throw .notOnChain(e.hash) }
        guard let raw = try rawBlock(e.hash) else { throw .missingBlockData(e.hash) }
        let parsed = try ParsedBlock(raw: raw)
        guard let undoBytes = try readStore({ r in try r.get(self.t.undo, e.hash.bytes) }) else {
            throw .corrupt("no undo data for tip \(e.hash.displayHex)")
        }
        let undo = try UndoRecord(bytes: undoBytes)
        try writeStore { w in
            try ChainIndexer.disconnect(w, t: self.t, parsed: parsed, height: e.height, undo: undo.spent)
            try w.delete(self.t.chain, Keys.height(e.height))
            try w.put(self.t.meta, Keys.tip, parent.hash.bytes)
        }
        active.removeLast()
        activeTimes.removeLast()
        disconnectedTxs = parsed.block.transactions.filter { !$0.isCoinbase } + disconnectedTxs
        mempoolNeedsRecheck = true
        // The disconnected block stays a candidate if it still has more work than the new tip.
        if !e.status.isInvalid {
            sequence += 1
            candidates[e.hash] = sequence
        }
    }

    // MARK: - Views

    /// A read-only snapshot pinned at the current tip. Safe to hand to another thread (one at a time).
    public func view() throws(NodeError) -> sending ChainView<Store> {
        do {
            let snap = try store.beginRead()
            return try ChainView(snapshot: snap, tables: t)
        } catch let e as NodeError {
            throw e
        } catch {
            throw NodeError.wrap(error)
        }
    }

    // MARK: - Store helpers

    func readStore<R>(_ body: (Store.ReadTransaction) throws -> R) throws(NodeError) -> R {
        do { return try store.read(body) } catch { throw NodeError.wrap(error) }
    }

    func writeStore<R>(_ body: (Store.WriteTransaction) throws -> R) throws(NodeError) -> R {
        do { return try store.write(body) } catch { throw NodeError.wrap(error) }
    }

    func genesisEntry() -> BlockIndexEntry {
        BlockIndexEntry(
            hash: params.genesisHash, header: params.genesis.header, height: 0, chainWork: params.genesis.header.computeWork(),
            status: [.headerValid, .dataStored, .fullyValidated], walkBackBits: params.genesis.header.bits)
    }

    /// Loads the index from the store, or writes genesis into an empty store.
    func loadOrInit() throws(NodeError) {
        let t = self.t
        let version = try readStore { r in try r.get(t.meta, Keys.version) }
        if version == nil {
            let g = genesisEntry()
            let raw = params.genesis.serialized(witness: true)
            try writeStore { w in
                try w.put(t.meta, Keys.version, [NodeTables.formatVersion])
                try w.put(t.headers, g.hash.bytes, g.row.encoded())
                try w.put(t.heightHash, Keys.heightHash(0, g.hash), [])
                try w.put(t.blocks, g.hash.bytes, raw)
                try w.put(t.chain, Keys.height(0), g.hash.bytes)
                try w.put(t.meta, Keys.tip, g.hash.bytes)
                try w.put(t.meta, Keys.bestHeader, g.hash.bytes)
            }
        } else if let v = version, v != [NodeTables.formatVersion] {
            throw .formatVersion(found: v.first ?? 0, expected: NodeTables.formatVersion)
        }
        var loaded: [BlockHash: BlockIndexEntry] = [:]
        var chain: [BlockHash] = []
        var tipHash = BlockHash.zero
        var bestHash = BlockHash.zero
        try readStore { r in
            var bad: NodeError?
            try r.forEach(t.headers, prefix: []) { k, v in
                do throws(NodeError) {
                    let row = try HeaderRow(bytes: v)
                    let h = Bytes32(k)
                    loaded[h] = BlockIndexEntry(hash: h, row: row)
                    return true
                } catch {
                    bad = error
                    return false
                }
            }
            if let bad { throw bad }
            try r.forEach(t.chain, prefix: []) { k, v in
                guard BE.u64(k) == UInt64(chain.count) else { bad = .corrupt("chain table gap at \(chain.count)"); return false }
                chain.append(Bytes32(v))
                return true
            }
            if let bad { throw bad }
            tipHash = Bytes32(try r.get(t.meta, Keys.tip) ?? [])
            bestHash = Bytes32(try r.get(t.meta, Keys.bestHeader) ?? [])
        }
        guard chain.first == params.genesisHash else { throw .wrongNetwork }
        guard chain.last == tipHash else { throw .corrupt("tip does not match the chain table") }
        entries = loaded
        active = chain
        activeTimes = []
        activeTimes.reserveCapacity(chain.count)
        for h in chain {
            guard let e = loaded[h] else { throw .corrupt("active block \(h.displayHex) has no header") }
            activeTimes.append(e.header.time)
        }
        headerChain = [params.genesisHash]
        guard let best = loaded[bestHash] else { throw .corrupt("best header missing") }
        setBestHeader(best)
        let tipWork = tip.chainWork
        for (h, e) in loaded where e.status.contains(.dataStored) && !e.status.isInvalid && e.chainWork > tipWork {
            sequence += 1
            candidates[h] = sequence
        }
    }
}

/// Ancestors of a header being added: walks parents through the index (and headers pending in the
/// same batch), with the O(1) min-difficulty walk-back from the stored entries.
struct TreeAncestors<Store: KVStore>: AncestorProvider {
    let chain: BitcoinChain<Store>
    let pending: [BlockHash: BlockIndexEntry]
    let start: BlockIndexEntry

    func entry(_ h: BlockHash) -> BlockIndexEntry? { pending[h] ?? chain.entries[h] }

    func find(_ height: Int) -> BlockIndexEntry? {
        guard height >= 0, UInt64(height) <= start.height else { return nil }
        var e = start
        while e.height > UInt64(height) {
            // Jump once the walk reaches the active or best header chain.
            if let a = chain.activeHash(atHeight: e.height), a == e.hash, let x = chain.activeHash(atHeight: UInt64(height)) {
                return chain.entries[x]
            }
            if let a = chain.bestChainHash(atHeight: e.height), a == e.hash, let x = chain.bestChainHash(atHeight: UInt64(height)) {
                return chain.entries[x]
            }
            guard let p = entry(e.prevHash) else { return nil }
            e = p
        }
        return e
    }

    func ancestor(atHeight height: Int) -> ChainEntry? {
        guard let e = find(height) else { return nil }
        return ChainEntry(height: Int(e.height), time: e.header.time, bits: e.header.bits)
    }

    func minDifficultyWalkBack(from last: ChainEntry, interval: Int, limitBits: UInt32) -> UInt32? {
        guard let e = find(last.height) else { return nil }
        return e.walkBackBits
    }
}

/// Median time past of the block at `height` of a chain given by its block times.
func chainMedianTimePast(_ times: [UInt32], _ height: Int) -> Int64? {
    guard height >= 0, height < times.count else { return nil }
    var window = times[max(0, height - 10)...height].map { Int64($0) }
    window.sort()
    return window[window.count / 2]
}
