/// An in-memory ``KVStore`` for tests: sorted arrays per table, copy-on-write snapshots.
///
/// Readers see the committed state as of their start; the single writer works on a private copy
/// that replaces the committed state on commit (abort simply drops it). Writers are exclusive: a
/// second `write` blocks until the first finishes. Puts and deletes are O(n) array inserts, so it
/// is meant for tests and small tools, not for bulk loads.
public final class MemoryStore: KVStore, @unchecked Sendable {
    // SAFETY (@unchecked Sendable): `committed` is read and replaced only under `stateLock`;
    // `writerLock` serialises writers; `names` and `storeID` are immutable.
    public typealias ReadTransaction = MemoryReadTransaction
    public typealias WriteTransaction = MemoryWriteTransaction

    let storeID: UInt32
    private let specs: [KVTableSpec]
    private let stateLock = ConditionLock()
    private let writerLock = ConditionLock()
    private let writer = WriterThread()
    private var committed: MemoryState

    /// Creates an empty store with the given tables.
    public init(tables: [KVTableSpec]) {
        specs = tables
        storeID = nextStoreID()
        committed = MemoryState(tables: tables.map { MemoryTable(dupSort: $0.dupSort) })
    }

    /// Creates an empty store with the given plain tables.
    public convenience init(tables: [String]) {
        self.init(tables: tables.map { KVTableSpec($0) })
    }

    public func table(_ name: String) throws(KVStoreError) -> KVTable {
        guard let i = specs.firstIndex(where: { $0.name == name }) else { throw .invalidTable(name) }
        return KVTable(id: UInt32(i), storeID: storeID, name: name, isDupSort: specs[i].dupSort)
    }

    public func beginRead() throws(KVStoreError) -> MemoryReadTransaction {
        MemoryReadTransaction(store: self, state: stateLock.withLock { committed })
    }

    @discardableResult
    public func read<R>(_ body: (MemoryReadTransaction) throws -> R) throws -> R {
        let txn = try beginRead()
        defer { txn.finish() }
        return try body(txn)
    }

    @discardableResult
    public func write<R>(_ body: (MemoryWriteTransaction) throws -> R) throws -> R {
        try writer.checkNotNested()
        writerLock.lock()
        writer.enter()
        defer {
            writer.leave()
            writerLock.unlock()
        }
        let txn = MemoryWriteTransaction(store: self, state: stateLock.withLock { committed })
        defer { txn.finished = true }
        let r = try body(txn)
        try txn.checkActive()
        let newState = txn.state
        stateLock.withLock { committed = newState }
        return r
    }

    @inline(__always)
    func index(_ t: KVTable, tableCount: Int) throws(KVStoreError) -> Int {
        guard t.storeID == storeID, Int(t.id) < tableCount else { throw .invalidTable(t.name) }
        return Int(t.id)
    }
}

/// One table: parallel arrays sorted by (key, value); keys are unique unless `dupSort`.
struct MemoryTable: Sendable {
    let dupSort: Bool
    var keys: [[UInt8]] = []
    var values: [[UInt8]] = []

    init(dupSort: Bool) { self.dupSort = dupSort }

    /// Compares entry i with (key, value).
    private func compare(_ i: Int, _ key: [UInt8], _ value: [UInt8]) -> Int {
        let c = compareBytes(keys[i], key)
        return c != 0 ? c : compareBytes(values[i], value)
    }

    /// First index with keys[i] >= key.
    func lowerBound(_ key: [UInt8]) -> Int {
        var lo = 0
        var hi = keys.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if compareBytes(keys[mid], key) < 0 { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// First index with (keys[i], values[i]) >= (key, value) (`orEqual`) or > (not `orEqual`).
    func pairBound(_ key: [UInt8], _ value: [UInt8], orEqual: Bool) -> Int {
        var lo = 0
        var hi = keys.count
        while lo < hi {
            let mid = (lo + hi) / 2
            let c = compare(mid, key, value)
            if c < 0 || (!orEqual && c == 0) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// First index with keys[i] > key.
    func upperBound(_ key: [UInt8]) -> Int {
        var lo = 0
        var hi = keys.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if compareBytes(keys[mid], key) <= 0 { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Index of the first entry of `key`.
    func find(_ key: [UInt8]) -> Int? {
        let i = lowerBound(key)
        return i < keys.count && keys[i] == key ? i : nil
    }

    /// Index of the pair (key, value).
    func find(_ key: [UInt8], _ value: [UInt8]) -> Int? {
        let i = pairBound(key, value, orEqual: true)
        return i < keys.count && keys[i] == key && values[i] == value ? i : nil
    }

    /// One past the last entry of `key`, given its first index.
    func endOfKey(_ key: [UInt8], from i: Int) -> Int {
        var j = i
        while j < keys.count && keys[j] == key { j += 1 }
        return j
    }
}

struct MemoryState: Sendable {
    var tables: [MemoryTable]
}

/// A snapshot of a ``MemoryStore``.
public final class MemoryReadTransaction: KVSnapshot {
    let store: MemoryStore
    let state: MemoryState
    var finished = false

    init(store: MemoryStore, state: MemoryState) {
        self.store = store
        self.state = state
    }

    /// Ends the snapshot. Further use throws ``KVStoreError/txnAlreadyFinished``.
    public func finish() { finished = true }

    func table(_ t: KVTable) throws(KVStoreError) -> MemoryTable {
        if finished { throw .txnAlreadyFinished }
        return state.tables[try store.index(t, tableCount: state.tables.count)]
    }

    public func get(_ table: KVTable, _ key: [UInt8]) throws(KVStoreError) -> [UInt8]? {
        try checkKey(key)
        let t = try self.table(table)
        return t.find(key).map { t.values[$0] }
    }

    public func withValue<R>(_ table: KVTable, _ key: [UInt8], _ body: (UnsafeRawBufferPointer?) throws -> R) throws
        -> R
    {
        guard let v = try get(table, key) else { return try body(nil) }
        return try v.withUnsafeBytes { try body($0) }
    }

    public func count(_ table: KVTable) throws(KVStoreError) -> Int { try self.table(table).keys.count }

    public func cursor(_ table: KVTable) throws(KVStoreError) -> MemoryCursor {
        _ = try self.table(table)
        return MemoryCursor(source: .snapshot(self), table: table)
    }
}

/// The write transaction of a ``MemoryStore``; valid only inside `write`.
public final class MemoryWriteTransaction: KVWriteTransaction {
    let store: MemoryStore
    var state: MemoryState
    var finished = false

    init(store: MemoryStore, state: MemoryState) {
        self.store = store
        self.state = state
    }

    func checkActive() throws(KVStoreError) {
        if finished { throw .txnAlreadyFinished }
    }

    func index(_ t: KVTable) throws(KVStoreError) -> Int {
        try checkActive()
        return try store.index(t, tableCount: state.tables.count)
    }

    func table(_ t: KVTable) throws(KVStoreError) -> MemoryTable { state.tables[try index(t)] }

    public func get(_ table: KVTable, _ key: [UInt8]) throws(KVStoreError) -> [UInt8]? {
        try checkKey(key)
        let t = try self.table(table)
        return t.find(key).map { t.values[$0] }
    }

    public func withValue<R>(_ table: KVTable, _ key: [UInt8], _ body: (UnsafeRawBufferPointer?) throws -> R) throws
        -> R
    {
        guard let v = try get(table, key) else { return try body(nil) }
        return try v.withUnsafeBytes { try body($0) }
    }

    public func count(_ table: KVTable) throws(KVStoreError) -> Int { try self.table(table).keys.count }

    public func cursor(_ table: KVTable) throws(KVStoreError) -> MemoryCursor {
        _ = try index(table)
        return MemoryCursor(source: .live(self), table: table)
    }

    @discardableResult
    public func put(_ table: KVTable, _ key: [UInt8], _ value: [UInt8], mode: KVPutMode) throws(KVStoreError) -> Bool {
        try checkKey(key)
        try checkValue(value, table)
        let ti = try index(table)
        if mode == .append {
            if state.tables[ti].dupSort { throw .unsupported("append on dup-sort table \(table.name)") }
            if let last = state.tables[ti].keys.last, compareBytes(last, key) >= 0 { return false }
            state.tables[ti].keys.append(key)
            state.tables[ti].values.append(value)
            return true
        }
        if state.tables[ti].dupSort {
            if mode == .noOverwrite && state.tables[ti].find(key) != nil { return false }
            let i = state.tables[ti].pairBound(key, value, orEqual: true)
            if i < state.tables[ti].keys.count && state.tables[ti].keys[i] == key
                && state.tables[ti].values[i] == value
            {
                return false
            }
            state.tables[ti].keys.insert(key, at: i)
            state.tables[ti].values.insert(value, at: i)
            return true
        }
        let i = state.tables[ti].lowerBound(key)
        if i < state.tables[ti].keys.count && state.tables[ti].keys[i] == key {
            if mode == .noOverwrite { return false }
            state.tables[ti].values[i] = value
        } else {
            state.tables[ti].keys.insert(key, at: i)
            state.tables[ti].values.insert(value, at: i)
        }
        return true
    }

    @discardableResult
    public func delete(_ table: KVTable, _ key: [UInt8]) throws(KVStoreError) -> Bool {
        try checkKey(key)
        let ti = try index(table)
        guard let i = state.tables[ti].find(key) else { return false }
        let end = state.tables[ti].endOfKey(key, from: i)
        state.tables[ti].keys.removeSubrange(i..<end)
        state.tables[ti].values.removeSubrange(i..<end)
        return true
    }

    @discardableResult
    public func delete(_ table: KVTable, _ key: [UInt8], value: [UInt8]) throws(KVStoreError) -> Bool {
        try checkKey(key)
        let ti = try index(table)
        guard let i = state.tables[ti].find(key, value) else { return false }
        state.tables[ti].keys.remove(at: i)
        state.tables[ti].values.remove(at: i)
        return true
    }

    public func clear(_ table: KVTable) throws(KVStoreError) {
        let ti = try index(table)
        state.tables[ti] = MemoryTable(dupSort: state.tables[ti].dupSort)
    }
}

/// A cursor over a ``MemoryStore`` table. It remembers its position by key, so in a write
/// transaction it sees (and survives) the transaction's own changes, like an LMDB cursor.
public final class MemoryCursor: KVCursor {
    enum Source {
        case snapshot(MemoryReadTransaction)
        case live(MemoryWriteTransaction)
    }

    let source: Source
    let table: KVTable
    private var key: [UInt8]?
    private var value: [UInt8] = []

    init(source: Source, table: KVTable) {
        self.source = source
        self.table = table
    }

    private func current() throws(KVStoreError) -> MemoryTable {
        switch source {
        case .snapshot(let t): return try t.table(table)
        case .live(let t): return try t.table(table)
        }
    }

    public func move(_ move: KVCursorMove) throws(KVStoreError) -> Bool {
        let t = try current()
        let i: Int
        switch move {
        case .first: i = 0
        case .last: i = t.keys.count - 1
        case .next:
            // LMDB: next on an unpositioned cursor behaves like first.
            // Plain tables: by key only (the value under the cursor may have been overwritten).
            i = key.map { t.dupSort ? t.pairBound($0, value, orEqual: false) : t.upperBound($0) } ?? 0
        case .prev:
            i =
                key.map { (t.dupSort ? t.pairBound($0, value, orEqual: true) : t.lowerBound($0)) - 1 }
                ?? t.keys.count - 1
        case .seek(let k):
            try checkKey(k)
            i = t.lowerBound(k)
        case .seekExact(let k):
            try checkKey(k)
            i = t.find(k) ?? -1
        }
        guard i >= 0 && i < t.keys.count else {
            key = nil
            return false
        }
        key = t.keys[i]
        value = t.values[i]
        return true
    }

    public func withMove<R>(
        _ move: KVCursorMove, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> R
    ) throws -> R? {
        guard try self.move(move) else { return nil }
        return try withCurrent(body)
    }

    public func withCurrent<R>(_ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> R) throws -> R? {
        _ = try current()
        guard let key else { return nil }
        return try key.withUnsafeBytes { k in try value.withUnsafeBytes { v in try body(k, v) } }
    }
}
