import CLMDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Options for opening an ``LMDBStore``.
public struct LMDBOptions: Sendable {
    /// What a commit guarantees.
    public enum Durability: Sendable {
        /// `fsync` on every commit: a committed transaction survives a process or OS crash.
        case durable
        /// `MDB_NOSYNC`: commits are not flushed. A *process* crash loses nothing (the OS page cache
        /// holds the writes) but an OS crash or power loss can lose recent commits or corrupt the
        /// store. For tests and bulk loads followed by ``LMDBStore/sync()``.
        case noSync
    }

    /// Initial map size in bytes (rounded by LMDB to whole pages). The map grows by doubling.
    public var mapSize: Int = 1 << 30
    /// Growth stops here; a write needing more throws ``KVStoreError/mapFull``.
    public var maxMapSize: Int = 1 << 44
    /// Maximum number of named tables (`mdb_env_set_maxdbs`); at least the number declared.
    public var maxTables: Int = 32
    /// Size of the reader table (`mdb_env_set_maxreaders`): the bound on concurrent read transactions.
    public var maxReaders: Int = 126
    public var durability: Durability = .durable
    /// Open without the write lock; `write` throws ``KVStoreError/readOnly``. Tables must exist.
    public var readOnly = false
    /// How long a write that needs map growth waits for open read transactions to end.
    public var growthWaitMilliseconds = 10_000
    /// OS read-ahead on the data file. Turn off (`MDB_NORDAHEAD`) for random access to a store
    /// larger than RAM (UTXO lookups), where read-ahead only evicts useful pages.
    public var readAhead = true

    public init(
        mapSize: Int = 1 << 30, maxMapSize: Int = 1 << 44, maxTables: Int = 32, maxReaders: Int = 126,
        durability: Durability = .durable, readOnly: Bool = false, growthWaitMilliseconds: Int = 10_000,
        readAhead: Bool = true
    ) {
        self.mapSize = mapSize
        self.maxMapSize = maxMapSize
        self.maxTables = maxTables
        self.maxReaders = maxReaders
        self.durability = durability
        self.readOnly = readOnly
        self.growthWaitMilliseconds = growthWaitMilliseconds
        self.readAhead = readAhead
    }
}

/// The LMDB backend of ``KVStore`` (Debian `liblmdb`, 0.9.x).
///
/// - The store is a directory holding `data.mdb`, `lock.mdb` (LMDB's) and `hemi-kvstore.lock`, on
///   which a writable open takes an exclusive lock (see `WriteLock`): a second writable open, from this or another
///   process, fails with ``KVStoreError/locked(path:)`` (LMDB forbids opening one environment
///   twice in a process). The lock is released by ``close()`` or when the process dies.
/// - Opened with `MDB_NOTLS`, so read transactions are not tied to a thread.
/// - At open, `mdb_reader_check` clears reader slots left by dead processes
///   (``staleReadersCleared``).
/// - On `MDB_MAP_FULL` a write aborts, waits until no transaction of this process is active
///   (new ones are held back meanwhile), doubles the map with `mdb_env_set_mapsize`, and re-runs
///   the write closure.
public final class LMDBStore: KVStore, @unchecked Sendable {
    // SAFETY (@unchecked Sendable): `env` is an LMDB environment, which is thread-safe; the
    // mutable fields below (`activeTxns`, `resizing`, `mapSizeNow`, `isClosed`) are only accessed
    // with `gate` locked. `tables`, `options`, `path`, `storeID` are immutable after init.
    public typealias ReadTransaction = LMDBReadTransaction
    public typealias WriteTransaction = LMDBWriteTransaction

    let env: OpaquePointer
    let storeID: UInt32
    public let path: String
    public let options: LMDBOptions
    /// Reader slots of dead processes cleared at open (0 when this process is the first to open
    /// the environment: LMDB then resets the reader table itself).
    public let staleReadersCleared: Int
    private let tables: [String: KVTable]
    private var writeLock: WriteLock?
    private let gate = ConditionLock()
    private let writer = WriterThread()
    private var activeTxns = 0
    private var resizing = false
    private var mapSizeNow: Int
    private var isClosed = false

    /// Opens (creating if needed and not read-only) the store in directory `path` with the given
    /// tables (created if missing).
    public convenience init(path: String, tables names: [String], options: LMDBOptions = LMDBOptions())
        throws(KVStoreError)
    {
        try self.init(path: path, tables: names.map { KVTableSpec($0) }, options: options)
    }

    /// Opens (creating if needed and not read-only) the store in directory `path` with the given
    /// tables (created if missing; reopening a table with a different `dupSort` throws
    /// ``KVStoreError/invalidTable(_:)``).
    public init(path: String, tables specs: [KVTableSpec], options: LMDBOptions = LMDBOptions())
        throws(KVStoreError)
    {
        let names = specs.map(\.name)
        self.path = path
        self.options = options
        storeID = nextStoreID()

        var lock: WriteLock?
        if !options.readOnly {
            if mkdir(path, 0o755) != 0 && errno != EEXIST { throw .io(errno: errno, context: "mkdir \(path)") }
            lock = try WriteLock(directory: path)
        }
        var envp: OpaquePointer?
        var rc = mdb_env_create(&envp)
        guard rc == 0, let env = envp else { throw lmdbError(rc, "mdb_env_create") }
        // On failure below, the lock (if any) is released when `lock` goes out of scope.
        func fail(_ rc: Int32, _ what: String) -> KVStoreError {
            mdb_env_close(env)
            return lmdbError(rc, what)
        }
        rc = mdb_env_set_mapsize(env, max(options.mapSize, 4096))
        if rc != 0 { throw fail(rc, "mdb_env_set_mapsize") }
        rc = mdb_env_set_maxdbs(env, MDB_dbi(clamping: max(options.maxTables, names.count)))
        if rc != 0 { throw fail(rc, "mdb_env_set_maxdbs") }
        rc = mdb_env_set_maxreaders(env, UInt32(clamping: max(options.maxReaders, 1)))
        if rc != 0 { throw fail(rc, "mdb_env_set_maxreaders") }
        var flags = UInt32(MDB_NOTLS)
        if options.durability == .noSync { flags |= UInt32(MDB_NOSYNC) }
        if options.readOnly { flags |= UInt32(MDB_RDONLY) }
        if !options.readAhead { flags |= UInt32(MDB_NORDAHEAD) }
        rc = mdb_env_open(env, path, flags, 0o644)
        if rc != 0 { throw fail(rc, "mdb_env_open \(path)") }
        var dead: Int32 = 0
        rc = mdb_reader_check(env, &dead)
        if rc != 0 { throw fail(rc, "mdb_reader_check") }

        // Open (create) the named tables in one transaction; handles stay valid for the env's life.
        var txnp: OpaquePointer?
        rc = mdb_txn_begin(env, nil, options.readOnly ? UInt32(MDB_RDONLY) : 0, &txnp)
        guard rc == 0, let txn = txnp else { throw fail(rc, "mdb_txn_begin (open tables)") }
        var map: [String: KVTable] = [:]
        for spec in specs {
            let name = spec.name
            var dbi: MDB_dbi = 0
            var flags: UInt32 = options.readOnly ? 0 : UInt32(MDB_CREATE)
            if spec.dupSort { flags |= UInt32(MDB_DUPSORT) }
            rc = mdb_dbi_open(txn, name, flags, &dbi)
            if rc != 0 {
                mdb_txn_abort(txn)
                if rc == MDB_NOTFOUND || rc == MDB_INCOMPATIBLE {
                    mdb_env_close(env)
                    throw .invalidTable(name)
                }
                throw fail(rc, "mdb_dbi_open \(name)")
            }
            // An existing table keeps its stored flags whatever we pass: refuse a mismatch.
            var stored: UInt32 = 0
            rc = mdb_dbi_flags(txn, dbi, &stored)
            if rc != 0 {
                mdb_txn_abort(txn)
                throw fail(rc, "mdb_dbi_flags \(name)")
            }
            if (stored & UInt32(MDB_DUPSORT) != 0) != spec.dupSort {
                mdb_txn_abort(txn)
                mdb_env_close(env)
                throw .invalidTable(name)
            }
            map[name] = KVTable(id: dbi, storeID: storeID, name: name, isDupSort: spec.dupSort)
        }
        rc = mdb_txn_commit(txn)
        if rc != 0 { throw fail(rc, "mdb_txn_commit (open tables)") }

        var info = MDB_envinfo()
        mdb_env_info(env, &info)
        self.env = env
        self.tables = map
        self.writeLock = lock.take()
        self.mapSizeNow = info.me_mapsize
        self.staleReadersCleared = Int(dead)
    }

    deinit {
        if !isClosed {
            mdb_env_close(env)
        }
        // `writeLock` releases itself when the store is destroyed.
    }

    /// Closes the environment and releases the write lock. Throws
    /// ``KVStoreError/transactionsActive(_:)`` if any transaction is still open. Idempotent.
    public func close() throws(KVStoreError) {
        gate.lock()
        defer { gate.unlock() }
        if isClosed { return }
        if activeTxns > 0 { throw .transactionsActive(activeTxns) }
        isClosed = true
        mdb_env_close(env)
        writeLock.take()?.release()
    }

    /// Clears reader slots held by processes that died (`mdb_reader_check`); returns how many.
    /// LMDB also resets the whole reader table when the first process opens the environment, so
    /// this matters while other processes share it.
    public func clearStaleReaders() throws(KVStoreError) -> Int {
        var dead: Int32 = 0
        try withOpenEnv { () throws(KVStoreError) in
            let rc = mdb_reader_check(env, &dead)
            if rc != 0 { throw lmdbError(rc, "mdb_reader_check") }
        }
        return Int(dead)
    }

    /// Writes a consistent copy of the store (as of a snapshot taken now; writers may continue) into
    /// the existing, empty directory `path`. `compact` omits free pages and renumbers (slower, smaller).
    public func copy(to path: String, compact: Bool = false) throws(KVStoreError) {
        try withOpenEnv { () throws(KVStoreError) in
            let rc = mdb_env_copy2(env, path, compact ? UInt32(MDB_CP_COMPACT) : 0)
            if rc != 0 { throw lmdbError(rc, "mdb_env_copy2 \(path)") }
        }
    }

    /// The current map size in bytes.
    public var mapSize: Int { gate.withLock { mapSizeNow } }

    /// Flushes buffers to disk (useful after `.noSync` bulk loads).
    public func sync() throws(KVStoreError) {
        try withOpenEnv { () throws(KVStoreError) in
            let rc = mdb_env_sync(env, 1)
            if rc != 0 { throw lmdbError(rc, "mdb_env_sync") }
        }
    }

    private func withOpenEnv(_ body: () throws(KVStoreError) -> Void) throws(KVStoreError) {
        try beginAccounting()
        defer { endAccounting() }
        try body()
    }

    public func table(_ name: String) throws(KVStoreError) -> KVTable {
        guard let t = tables[name] else { throw .invalidTable(name) }
        return t
    }

    @inline(__always)
    func dbi(_ t: KVTable) throws(KVStoreError) -> MDB_dbi {
        guard t.storeID == storeID else { throw .invalidTable(t.name) }
        return t.id
    }

    // MARK: transactions

    public func beginRead() throws(KVStoreError) -> LMDBReadTransaction {
        LMDBReadTransaction(core: try beginCore(write: false))
    }

    @discardableResult
    public func read<R>(_ body: (LMDBReadTransaction) throws -> R) throws -> R {
        let txn = try beginRead()
        defer { txn.finish() }
        return try body(txn)
    }

    @discardableResult
    public func write<R>(_ body: (LMDBWriteTransaction) throws -> R) throws -> R {
        if options.readOnly { throw KVStoreError.readOnly }
        try writer.checkNotNested()
        defer { writer.leave() }
        while true {
            let observed = mapSize
            let core = try beginCore(write: true)
            writer.enter()
            let txn = LMDBWriteTransaction(core: core)
            let result: R
            do {
                result = try body(txn)
            } catch {
                let full = core.sawMapFull || (error as? KVStoreError) == .mapFull
                core.abort()
                if full {
                    try grow(from: observed)
                    continue
                }
                throw error
            }
            if core.sawMapFull {
                // The closure swallowed a MAP_FULL; the transaction is unusable.
                core.abort()
                try grow(from: observed)
                continue
            }
            let committed: Result<Void, KVStoreError>
            do {
                try core.commit()
                committed = .success(())
            } catch let e {
                committed = .failure(e)
            }
            if case .failure(let e) = committed {
                guard e == .mapFull else { throw e }
                try grow(from: observed)
                continue
            }
            return result
        }
    }

    /// Registers a transaction (waiting while a resize is in progress) and begins it.
    func beginCore(write: Bool) throws(KVStoreError) -> LMDBTxnCore {
        while true {
            try beginAccounting()
            var txnp: OpaquePointer?
            let rc = mdb_txn_begin(env, nil, write ? 0 : UInt32(MDB_RDONLY), &txnp)
            if rc == 0, let txn = txnp { return LMDBTxnCore(store: self, txn: txn, isWrite: write) }
            endAccounting()
            if rc == MDB_MAP_RESIZED {
                // Another process grew the map: adopt its size (needs no active transactions).
                try resize(to: 0, ifStill: mapSize)
                continue
            }
            throw lmdbError(rc, "mdb_txn_begin")
        }
    }

    private func beginAccounting() throws(KVStoreError) {
        gate.lock()
        defer { gate.unlock() }
        while resizing { gate.wait() }
        if isClosed { throw .closed }
        activeTxns += 1
    }

    func endAccounting() {
        gate.lock()
        activeTxns -= 1
        if activeTxns == 0 { gate.broadcast() }
        gate.unlock()
    }

    /// Doubles the map unless someone already grew it past `observed`.
    private func grow(from observed: Int) throws(KVStoreError) {
        if observed >= options.maxMapSize { throw .mapFull }
        let target = observed > options.maxMapSize / 2 ? options.maxMapSize : observed * 2
        try resize(to: target, ifStill: observed)
    }

    /// Sets the map size (0 = adopt the size on disk) once no transaction is active, unless the
    /// size has already changed from `expected`.
    private func resize(to newSize: Int, ifStill expected: Int) throws(KVStoreError) {
        gate.lock()
        defer { gate.unlock() }
        while resizing { gate.wait() }
        if mapSizeNow != expected || isClosed { return }
        resizing = true
        defer {
            resizing = false
            gate.broadcast()
        }
        let deadline = ConditionLock.deadline(afterMilliseconds: options.growthWaitMilliseconds)
        while activeTxns > 0 {
            // Read transactions still open (possibly on this very thread): give up after the timeout.
            if !gate.wait(until: deadline) && activeTxns > 0 { throw .mapFull }
        }
        let rc = mdb_env_set_mapsize(env, newSize)
        if rc != 0 { throw lmdbError(rc, "mdb_env_set_mapsize") }
        var info = MDB_envinfo()
        mdb_env_info(env, &info)
        mapSizeNow = info.me_mapsize
    }
}

/// Maps an LMDB (or errno) return code to a ``KVStoreError``.
func lmdbError(_ rc: Int32, _ context: String) -> KVStoreError {
    switch rc {
    case MDB_MAP_FULL: return .mapFull
    case MDB_READERS_FULL: return .readersFull
    case MDB_CORRUPTED, MDB_PAGE_NOTFOUND, MDB_INVALID, MDB_PANIC:
        return .corrupted("\(context): \(String(cString: mdb_strerror(rc)))")
    case MDB_VERSION_MISMATCH: return .versionMismatch
    case MDB_DBS_FULL: return .tooManyTables
    case MDB_TXN_FULL: return .txnFull
    case MDB_BAD_DBI: return .invalidTable(context)
    case MDB_BAD_TXN: return .txnAlreadyFinished
    case let e where e > 0: return .io(errno: e, context: context)
    default: return .backend(code: rc, message: "\(context): \(String(cString: mdb_strerror(rc)))")
    }
}
