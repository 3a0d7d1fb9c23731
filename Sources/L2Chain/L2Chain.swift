public import EVM
public import Ethereum
internal import Execution
internal import Hashing
public import KVStore
public import Primitives
internal import Synchronization

/// A block as committed: sealed header, its transactions and receipts.
public struct CommittedBlock: Sendable {
    public let header: SealedBlockHeader
    public let transactions: [SealedTransaction]
    public let receipts: [ReceiptRecord]
}

/// What readers see of the chain head: its header and the state after it (immutable values).
public struct ChainSnapshot: Sendable {
    public let head: SealedBlockHeader
    public let accounts: [EVMAddress: Account]
    public var number: UInt64 { head.header.number }
}

/// Something that keeps its own index in the chain's store, updated in the same write transaction
/// as each block (keystones, …). `tables` are declared when the store opens.
public protocol BlockIndexer: Sendable {
    var tables: [String] { get }
    /// Called inside the block's write transaction (may run more than once: no outside effects).
    func index(_ block: CommittedBlock, chain: L2Chain, txn: LMDBWriteTransaction) throws
}

/// The L2 chain on an `LMDBStore` (layout: `docs/l2chain.md`): headers, bodies, receipts and a
/// transaction index by block; the flat current state (accounts, storage, code) whose Merkle
/// commitments are kept incrementally in memory (`WorldState`); a reverse state diff per recent
/// block for historical state. Each block is one LMDB write transaction, so after a crash the store
/// holds either the whole block or none of it.
///
/// Writers: one at a time (the sequencer's task, or an importer); readers take `snapshot` and LMDB
/// read transactions from any thread.
public final class L2Chain: @unchecked Sendable {
    // SAFETY (@unchecked): mutable state lives in Mutexes; the store is Sendable.
    /// The chain's parameters; on reopen `genesisTimestamp` is the stored genesis block's.
    public private(set) var config: ChainConfig
    public let store: LMDBStore
    let tMeta, tHeaders, tHashes, tBodies, tReceipts, tTxLookup, tAccounts, tStorage, tCode, tHistory: KVTable
    let indexers: [any BlockIndexer]
    let world: Mutex<WorldState>
    let published: Mutex<ChainSnapshot>
    let listeners = Mutex<[@Sendable (CommittedBlock) -> Void]>([])
    /// Hashes of the latest 256 blocks (BLOCKHASH).
    let recentHashes = Mutex<[UInt64: Bytes32]>([:])

    static let coreTables = [
        "meta", "headers", "hashes", "bodies", "receipts", "txlookup", "accounts", "storage", "code", "history",
    ]

    /// Opens (or creates with the genesis of `config`) the chain in directory `path`.
    public init(
        path: String, config: ChainConfig, indexers: [any BlockIndexer] = [], options: LMDBOptions = LMDBOptions()
    ) throws(L2ChainError) {
        self.config = config
        self.indexers = indexers
        do {
            let names = Self.coreTables + indexers.flatMap(\.tables)
            var opts = options
            opts.maxTables = Swift.max(opts.maxTables, names.count + 4)
            store = try LMDBStore(path: path, tables: names.map { KVTableSpec($0) }, options: opts)
            tMeta = try store.table("meta")
            tHeaders = try store.table("headers")
            tHashes = try store.table("hashes")
            tBodies = try store.table("bodies")
            tReceipts = try store.table("receipts")
            tTxLookup = try store.table("txlookup")
            tAccounts = try store.table("accounts")
            tStorage = try store.table("storage")
            tCode = try store.table("code")
            tHistory = try store.table("history")
        } catch {
            throw .storage("\(error)")
        }
        let existing: UInt64?
        let metaTable = tMeta
        do {
            existing = try store.read { r in try r.get(metaTable, Self.keyHead).map(Self.decodeU64) }
        } catch {
            throw .storage("\(error)")
        }
        if let headNumber = existing {
            let (ws, head) = try Self.load(
                store: store, headNumber: headNumber, config: config,
                tables: (tMeta, tHeaders, tAccounts, tStorage, tCode))
            world = Mutex(ws)
            published = Mutex(ChainSnapshot(head: head, accounts: ws.accounts))
            if let g = try header(number: 0) { self.config.genesisTimestamp = g.header.timestamp }
            var hashes: [UInt64: Bytes32] = [:]
            var n = headNumber
            while n + 256 > headNumber, let h = try header(number: n) {
                hashes[n] = h.hash
                if n == 0 { break }
                n -= 1
            }
            recentHashes.withLock { $0 = hashes }
        } else {
            var accounts: [EVMAddress: Account] = [:]
            for (a, g) in config.alloc {
                accounts[a] = Account(nonce: g.nonce, balance: g.balance, code: g.code, storage: g.storage.filter { !$0.value.isZero })
            }
            var ws = WorldState(accounts: [:])
            let changes = ws.commit(accounts)
            let genesis = SealedBlockHeader(
                BlockHeader(
                    coinbase: config.coinbase, stateRoot: ws.stateRoot, number: 0, gasLimit: config.gasLimit,
                    timestamp: config.genesisTimestamp, baseFeePerGas: config.genesisBaseFee,
                    withdrawalsRoot: BlockHeader.emptyTrieRoot, blobGasUsed: 0, excessBlobGas: 0,
                    parentBeaconBlockRoot: .zero))
            let block = CommittedBlock(header: genesis, transactions: [], receipts: [])
            world = Mutex(ws)
            published = Mutex(ChainSnapshot(head: genesis, accounts: ws.accounts))
            try persist(block, changes: changes, keepHistory: false)
        }
    }

    static let keyHead: [UInt8] = Array("head".utf8)
    static let keyChainID: [UInt8] = Array("chainid".utf8)

    static func u64(_ v: UInt64) -> [UInt8] { withUnsafeBytes(of: v.bigEndian) { Array($0) } }
    static func decodeU64(_ b: [UInt8]) -> UInt64 { b.prefix(8).reduce(0) { $0 << 8 | UInt64($1) } }
    static func storageKey(_ a: EVMAddress, _ k: UInt256) -> [UInt8] { a.bytes + k.bigEndianBytes }

    static func load(
        store: LMDBStore, headNumber: UInt64, config: ChainConfig,
        tables: (KVTable, KVTable, KVTable, KVTable, KVTable)
    ) throws(L2ChainError) -> (WorldState, SealedBlockHeader) {
        let (tMeta, tHeaders, tAccounts, tStorage, tCode) = tables
        do {
            return try store.read { r throws -> (WorldState, SealedBlockHeader) in
                if let cid = try r.get(tMeta, keyChainID).map(decodeU64), cid != config.chainID {
                    throw L2ChainError.chainIDMismatch(stored: cid, configured: config.chainID)
                }
                guard let hb = try r.get(tHeaders, u64(headNumber)) else { throw L2ChainError.corrupt("head header missing") }
                let head = SealedBlockHeader(try BlockHeader.decode(hb))
                var codes: [Bytes32: [UInt8]] = [:]
                try r.forEach(tCode, prefix: []) { k, v in
                    codes[Bytes32(k)] = Array(v)
                    return true
                }
                var storage: [EVMAddress: [UInt256: UInt256]] = [:]
                try r.forEach(tStorage, prefix: []) { k, v in
                    guard k.count == 52, let key = UInt256(bigEndian: k[20...]), let val = UInt256(bigEndian: v) else {
                        return true
                    }
                    storage[Bytes20(k[..<20]), default: [:]][key] = val
                    return true
                }
                var accounts: [EVMAddress: Account] = [:]
                var failure: L2ChainError?
                try r.forEach(tAccounts, prefix: []) { k, v in
                    guard let rec = try? AccountRecord.decode(Array(v)) else {
                        failure = .corrupt("account row")
                        return false
                    }
                    let a = Bytes20(k)
                    let code = codes[rec.codeHash] ?? []
                    accounts[a] = Account(nonce: rec.nonce, balance: rec.balance, code: code, storage: storage[a] ?? [:])
                    return true
                }
                if let failure { throw failure }
                let ws = WorldState(accounts: accounts)
                guard ws.stateRoot == head.header.stateRoot else {
                    throw L2ChainError.corrupt("flat state root \(ws.stateRoot.hex) ≠ head state root \(head.header.stateRoot.hex)")
                }
                return (ws, head)
            }
        } catch let e as L2ChainError {
            throw e
        } catch {
            throw .storage("\(error)")
        }
    }

    // MARK: - Head and listeners

    /// The head and the state after it.
    public var snapshot: ChainSnapshot { published.withLock { $0 } }

    /// Registers a callback run after each committed block (on the committing thread).
    public func onCommit(_ f: @escaping @Sendable (CommittedBlock) -> Void) {
        listeners.withLock { $0.append(f) }
    }

    /// The "safe" block: the head (a single sequencer with no L1 derivation to wait for).
    public var safeNumber: UInt64 { snapshot.number }
    /// The "finalized" block: the latest keystone block (every 25th) at or below the head.
    public var finalizedNumber: UInt64 {
        let n = snapshot.number
        return n - n % 25
    }

    /// The context of the next block on top of the current head at `timestamp` (raised to
    /// parent + 1 if needed: timestamps strictly increase).
    public func nextContext(timestamp: UInt64) -> L2BlockContext {
        let head = snapshot.head
        let h = head.header
        let baseFee = config.computeNextBaseFee(parentGasUsed: h.gasUsed, parentBaseFee: h.baseFeePerGas ?? config.genesisBaseFee)
        var randaoInput = head.hash.bytes
        randaoInput += Self.u64(h.number &+ 1)
        return L2BlockContext(
            number: h.number &+ 1, timestamp: Swift.max(timestamp, h.timestamp &+ 1), gasLimit: config.gasLimit,
            baseFee: baseFee, coinbase: config.coinbase, prevRandao: Keccak256.hash(randaoInput), parentHash: head.hash,
            l1OriginTimestamp: config.genesisTimestamp)
    }

    /// Hashes of the latest 256 blocks by number (what BLOCKHASH can see from the next block).
    public var blockHashes: [UInt64: Bytes32] { recentHashes.withLock { $0 } }

    /// A builder for the next block with its L1-attributes deposit applied.
    public func makeBuilder(timestamp: UInt64) -> BlockBuilder {
        let snap = snapshot
        var b = BlockBuilder(
            config: config, context: nextContext(timestamp: timestamp), state: snap.accounts, blockHashes: blockHashes)
        _ = b.applyL1Attributes()
        return b
    }

    // MARK: - Commit

    /// Seals and stores the block `builder` produced: computes the state root incrementally,
    /// writes everything in one LMDB transaction, publishes the new head, notifies listeners.
    @discardableResult
    public func commit(_ builder: BlockBuilder) throws(L2ChainError) -> CommittedBlock {
        guard builder.context.parentHash == snapshot.head.hash else {
            throw .invalidBlock("builder's parent is not the head")
        }
        let (block, changes) = world.withLock { ws -> (CommittedBlock, StateChanges) in
            let changes = ws.commit(builder.host.accounts)
            let header = SealedBlockHeader(builder.makeHeader(stateRoot: ws.stateRoot))
            return (CommittedBlock(header: header, transactions: builder.transactions, receipts: builder.receipts), changes)
        }
        try persist(block, changes: changes, keepHistory: true)
        return block
    }

    /// Validates `block` against the head by re-executing it through `BlockBuilder` (the
    /// production path) and compares every commitment with its header; stores it if equal.
    @discardableResult
    public func importBlock(_ block: Block) throws(L2ChainError) -> CommittedBlock {
        let snap = snapshot
        let h = block.header
        guard h.parentHash == snap.head.hash, h.number == snap.number &+ 1 else {
            throw .invalidBlock("not a child of the head")
        }
        let ctx = L2BlockContext(
            number: h.number, timestamp: h.timestamp, gasLimit: h.gasLimit, baseFee: h.baseFeePerGas ?? .zero,
            coinbase: h.coinbase, prevRandao: h.mixHash, parentHash: h.parentHash,
            l1OriginTimestamp: config.genesisTimestamp)
        let expectedBaseFee = config.computeNextBaseFee(
            parentGasUsed: snap.head.header.gasUsed, parentBaseFee: snap.head.header.baseFeePerGas ?? config.genesisBaseFee)
        guard ctx.baseFee == expectedBaseFee else { throw .invalidBlock("base fee \(ctx.baseFee), expected \(expectedBaseFee)") }
        guard h.timestamp > snap.head.header.timestamp else { throw .invalidBlock("timestamp not after parent") }
        let config = self.config
        let hashes = blockHashes
        let result: Result<BlockBuilder, L2ChainError> = runWithLargeStack {
            var b = BlockBuilder(config: config, context: ctx, state: snap.accounts, blockHashes: hashes)
            let rules = TransactionRules.hemi(fork: Ethereum.Fork(rawValue: Int(config.fork.rawValue)) ?? .cancun, chainID: UInt256(config.chainID))
            for (i, tx) in block.transactions.enumerated() {
                let sealed = SealedTransaction(tx)
                if case .deposit = tx {
                    _ = b.applyDeposit(sealed)
                    continue
                }
                do {
                    let sender = try tx.computeSender(rules: rules)
                    try b.apply(sealed, sender: sender)
                } catch {
                    return .failure(.invalidBlock("transaction \(i): \(error)"))
                }
            }
            return .success(b)
        }
        let builder = try result.get()
        let (committed, changes) = try world.withLock { ws throws(L2ChainError) -> (CommittedBlock, StateChanges) in
            var copy = ws
            let changes = copy.commit(builder.host.accounts)
            let header = builder.makeHeader(stateRoot: copy.stateRoot)
            var mine = header
            mine.extraData = h.extraData
            guard mine == h else {
                throw .invalidBlock(
                    "header mismatch (stateRoot \(header.stateRoot.hex) vs \(h.stateRoot.hex), receiptsRoot \(header.receiptsRoot.hex) vs \(h.receiptsRoot.hex), gasUsed \(header.gasUsed) vs \(h.gasUsed))")
            }
            ws = copy
            return (CommittedBlock(header: SealedBlockHeader(h), transactions: builder.transactions, receipts: builder.receipts), changes)
        }
        try persist(committed, changes: changes, keepHistory: true)
        return committed
    }

    func persist(_ block: CommittedBlock, changes: StateChanges, keepHistory: Bool) throws(L2ChainError) {
        let n = block.header.header.number
        let nk = Self.u64(n)
        do {
            try store.write { w in
                try w.put(tHeaders, nk, block.header.header.encoded())
                try w.put(tHashes, block.header.hash.bytes, nk)
                var body: [UInt8] = []
                RLP.appendList(to: &body) { o in for t in block.transactions { t.transaction.appendBlockEncoding(to: &o) } }
                try w.put(tBodies, nk, body)
                try w.put(tReceipts, nk, ReceiptRecord.encodeList(block.receipts))
                for (i, t) in block.transactions.enumerated() {
                    try w.put(tTxLookup, t.hash.bytes, nk + Self.u64(UInt64(i)))
                }
                for (a, new) in changes.accounts {
                    if let new {
                        try w.put(tAccounts, a.bytes, AccountRecord(new).encoded())
                        if !new.code.isEmpty { try w.put(tCode, new.codeHash.bytes, new.code) }
                    } else {
                        try w.delete(tAccounts, a.bytes)
                        _ = try w.deleteAll(tStorage, prefix: a.bytes)
                    }
                }
                for (a, k, v) in changes.slots {
                    if v.isZero { try w.delete(tStorage, Self.storageKey(a, k)) } else {
                        try w.put(tStorage, Self.storageKey(a, k), v.bigEndianBytes)
                    }
                }
                if keepHistory {
                    try w.put(tHistory, nk, changes.reverse.encoded())
                    if n > config.historyBlocks { try w.delete(tHistory, Self.u64(n - config.historyBlocks)) }
                }
                try w.put(tMeta, Self.keyChainID, Self.u64(config.chainID))
                for ix in indexers { try ix.index(block, chain: self, txn: w) }
                try w.put(tMeta, Self.keyHead, nk)
            }
        } catch {
            throw .storage("\(error)")
        }
        let accounts = world.withLock { $0.accounts }
        recentHashes.withLock { h in
            h[n] = block.header.hash
            if n >= 256 { h[n - 256] = nil }
        }
        published.withLock { $0 = ChainSnapshot(head: block.header, accounts: accounts) }
        for f in listeners.withLock({ $0 }) { f(block) }
    }

    // MARK: - Reads

    func read<R>(_ body: (LMDBReadTransaction) throws -> R) throws(L2ChainError) -> R {
        do { return try store.read(body) } catch let e as L2ChainError { throw e } catch { throw .storage("\(error)") }
    }

    /// The header of block `number` (nil above the head).
    public func header(number: UInt64) throws(L2ChainError) -> SealedBlockHeader? {
        try read { r in try r.get(tHeaders, Self.u64(number)).map { SealedBlockHeader(try BlockHeader.decode($0)) } }
    }

    /// The number of the block with `hash`.
    public func number(ofBlock hash: Bytes32) throws(L2ChainError) -> UInt64? {
        try read { r in try r.get(tHashes, hash.bytes).map(Self.decodeU64) }
    }

    /// Header from inside a write transaction (for indexers).
    public func header(number: UInt64, txn: LMDBWriteTransaction) throws -> SealedBlockHeader? {
        try txn.get(tHeaders, Self.u64(number)).map { SealedBlockHeader(try BlockHeader.decode($0)) }
    }

    /// The transactions of block `number`.
    public func transactions(number: UInt64) throws(L2ChainError) -> [Transaction]? {
        try read { r throws -> [Transaction]? in
            guard let b = try r.get(tBodies, Self.u64(number)) else { return nil }
            var rd = RLPReader(b)
            var l = try rd.readList()
            var out: [Transaction] = []
            while !l.isAtEnd { out.append(try Transaction.read(blockEncodingFrom: &l)) }
            return out
        }
    }

    /// The receipt records of block `number`.
    public func receipts(number: UInt64) throws(L2ChainError) -> [ReceiptRecord]? {
        try read { r throws -> [ReceiptRecord]? in
            guard let b = try r.get(tReceipts, Self.u64(number)) else { return nil }
            return try ReceiptRecord.decodeList(b)
        }
    }

    /// Block number and index of a mined transaction.
    public func location(ofTransaction hash: Bytes32) throws(L2ChainError) -> (block: UInt64, index: Int)? {
        try read { r in
            guard let v = try r.get(tTxLookup, hash.bytes), v.count == 16 else { return nil }
            return (Self.decodeU64(Array(v[0..<8])), Int(clamping: Self.decodeU64(Array(v[8..<16]))))
        }
    }

    /// The oldest block whose post-state can still be reconstructed.
    public func oldestStateAvailable(head: UInt64) -> UInt64 {
        head > config.historyBlocks ? head - config.historyBlocks : 0
    }

    /// The full state after block `number`: the current state with the reverse diffs of the newer
    /// blocks applied (nil above the head).
    public func accounts(atBlock number: UInt64) throws(L2ChainError) -> [EVMAddress: Account]? {
        let snap = snapshot
        if number == snap.number { return snap.accounts }
        if number > snap.number { return nil }
        let oldest = oldestStateAvailable(head: snap.number)
        guard number >= oldest else { throw .historyPruned(requested: number, oldest: oldest) }
        return try read { r throws -> [EVMAddress: Account] in
            var accounts = snap.accounts
            var n = snap.number
            while n > number {
                guard let b = try r.get(tHistory, Self.u64(n)) else { throw L2ChainError.historyPruned(requested: number, oldest: n) }
                let d = try ReverseDiff.decode(b)
                for (a, old) in d.accounts {
                    guard let old else {
                        accounts[a] = nil
                        continue
                    }
                    var acct = accounts[a] ?? Account()
                    if acct.codeHash != old.codeHash {
                        acct.setCode(try r.get(tCode, old.codeHash.bytes) ?? [])
                    }
                    acct.nonce = old.nonce
                    acct.balance = old.balance
                    accounts[a] = acct
                }
                for (a, k, v) in d.slots {
                    accounts[a]?.storage[k] = v.isZero ? nil : v
                }
                n -= 1
            }
            return accounts
        }
    }
}
