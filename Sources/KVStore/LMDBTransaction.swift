import CLMDB

/// Shared state of one LMDB transaction: the handle, its open cursors and the MAP_FULL flag.
final class LMDBTxnCore {
    let store: LMDBStore
    /// `nil` once committed or aborted.
    private(set) var txn: OpaquePointer?
    let isWrite: Bool
    /// Set when any operation returned `MDB_MAP_FULL`; the write is then retried after growth.
    var sawMapFull = false
    /// Cursors still open, closed before the transaction ends.
    var cursors: [ObjectIdentifier: OpaquePointer] = [:]

    init(store: LMDBStore, txn: OpaquePointer, isWrite: Bool) {
        self.store = store
        self.txn = txn
        self.isWrite = isWrite
    }

    deinit { abort() }

    @inline(__always)
    func active() throws(KVStoreError) -> OpaquePointer {
        guard let txn else { throw .txnAlreadyFinished }
        return txn
    }

    private func closeCursors() {
        for (_, c) in cursors { mdb_cursor_close(c) }
        cursors.removeAll()
    }

    func abort() {
        guard let t = txn else { return }
        closeCursors()
        mdb_txn_abort(t)
        txn = nil
        store.endAccounting()
    }

    func commit() throws(KVStoreError) {
        let t = try active()
        closeCursors()
        // mdb_txn_commit frees the transaction whatever it returns.
        let rc = mdb_txn_commit(t)
        txn = nil
        store.endAccounting()
        if rc != 0 {
            if rc == MDB_MAP_FULL { sawMapFull = true }
            throw lmdbError(rc, "mdb_txn_commit")
        }
    }

    @inline(__always)
    /// Throws the error for a non-zero `rc`, noting MAP_FULL for the retry logic.
    func fail(_ rc: Int32, _ what: StaticString) throws(KVStoreError) -> Never {
        if rc == MDB_MAP_FULL { sawMapFull = true }
        throw lmdbError(rc, "\(what)")
    }

    // MARK: operations

    func get(_ table: KVTable, _ key: [UInt8]) throws(KVStoreError) -> [UInt8]? {
        try checkKey(key)
        let t = try active()
        let dbi = try store.dbi(table)
        var v = MDB_val()
        let rc = key.withUnsafeBytes { kb in
            // SAFETY: LMDB reads the key bytes and does not write through mv_data.
            var k = MDB_val(mv_size: kb.count, mv_data: UnsafeMutableRawPointer(mutating: kb.baseAddress))
            return mdb_get(t, dbi, &k, &v)
        }
        if rc == MDB_NOTFOUND { return nil }
        if rc != 0 { try fail(rc, "mdb_get") }
        // SAFETY: mv_data/mv_size describe bytes in the map, valid until the transaction ends or
        // (for a write transaction) the next modification; copied out at once.
        return Array(UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size))
    }

    func withValueUntyped<R>(
        _ table: KVTable, _ key: [UInt8], _ body: (UnsafeRawBufferPointer?) throws -> R
    ) throws -> R {
        try checkKey(key)
        let t = try active()
        let dbi = try store.dbi(table)
        var v = MDB_val()
        let rc = key.withUnsafeBytes { kb in
            // SAFETY: as in get; the buffer cannot outlive `body`.
            var k = MDB_val(mv_size: kb.count, mv_data: UnsafeMutableRawPointer(mutating: kb.baseAddress))
            return mdb_get(t, dbi, &k, &v)
        }
        if rc == MDB_NOTFOUND { return try body(nil) }
        if rc != 0 { try fail(rc, "mdb_get") }
        // SAFETY: as in get; the buffer cannot outlive `body`.
        return try body(UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size))
    }

    func count(_ table: KVTable) throws(KVStoreError) -> Int {
        let t = try active()
        let dbi = try store.dbi(table)
        var st = MDB_stat()
        let rc = mdb_stat(t, dbi, &st)
        if rc != 0 { try fail(rc, "mdb_stat") }
        return st.ms_entries
    }

    func put(_ table: KVTable, _ key: [UInt8], _ value: [UInt8], mode: KVPutMode) throws(KVStoreError) -> Bool {
        try checkKey(key)
        try checkValue(value, table)
        let t = try active()
        let dbi = try store.dbi(table)
        let flags: UInt32
        switch mode {
        case .upsert: flags = table.isDupSort ? UInt32(MDB_NODUPDATA) : 0
        case .noOverwrite: flags = UInt32(MDB_NOOVERWRITE)
        case .append:
            if table.isDupSort { throw .unsupported("append on dup-sort table \(table.name)") }
            flags = UInt32(MDB_APPEND)
        }
        let rc = key.withUnsafeBytes { kb in
            value.withUnsafeBytes { vb in
                // SAFETY: LMDB copies the bytes into the map and does not write through these
                // pointers (no MDB_RESERVE). An empty value gets a valid dummy address.
                var k = MDB_val(mv_size: kb.count, mv_data: UnsafeMutableRawPointer(mutating: kb.baseAddress))
                var dummy: UInt8 = 0
                return withUnsafeMutableBytes(of: &dummy) { d in
                    var v = MDB_val(
                        mv_size: vb.count, mv_data: UnsafeMutableRawPointer(mutating: vb.baseAddress) ?? d.baseAddress)
                    return mdb_put(t, dbi, &k, &v, flags)
                }
            }
        }
        if rc == MDB_KEYEXIST { return false }
        if rc != 0 { try fail(rc, "mdb_put") }
        return true
    }

    func delete(_ table: KVTable, _ key: [UInt8]) throws(KVStoreError) -> Bool {
        try checkKey(key)
        let t = try active()
        let dbi = try store.dbi(table)
        let rc = key.withUnsafeBytes { kb in
            // SAFETY: as in get.
            var k = MDB_val(mv_size: kb.count, mv_data: UnsafeMutableRawPointer(mutating: kb.baseAddress))
            return mdb_del(t, dbi, &k, nil)
        }
        if rc == MDB_NOTFOUND { return false }
        if rc != 0 { try fail(rc, "mdb_del") }
        return true
    }

    func delete(_ table: KVTable, _ key: [UInt8], value: [UInt8]) throws(KVStoreError) -> Bool {
        if !table.isDupSort {
            // mdb_del ignores the value in plain tables; compare first.
            guard try get(table, key) == value else { return false }
            return try delete(table, key)
        }
        try checkKey(key)
        try checkValue(value, table)
        let t = try active()
        let dbi = try store.dbi(table)
        let rc = key.withUnsafeBytes { kb in
            value.withUnsafeBytes { vb in
                // SAFETY: LMDB only reads both buffers.
                var k = MDB_val(mv_size: kb.count, mv_data: UnsafeMutableRawPointer(mutating: kb.baseAddress))
                var v = MDB_val(mv_size: vb.count, mv_data: UnsafeMutableRawPointer(mutating: vb.baseAddress))
                return mdb_del(t, dbi, &k, &v)
            }
        }
        if rc == MDB_NOTFOUND { return false }
        if rc != 0 { try fail(rc, "mdb_del") }
        return true
    }

    func clear(_ table: KVTable) throws(KVStoreError) {
        let t = try active()
        let dbi = try store.dbi(table)
        let rc = mdb_drop(t, dbi, 0)
        if rc != 0 { try fail(rc, "mdb_drop") }
    }

    func openCursor(_ table: KVTable) throws(KVStoreError) -> LMDBCursor {
        let t = try active()
        let dbi = try store.dbi(table)
        var cp: OpaquePointer?
        let rc = mdb_cursor_open(t, dbi, &cp)
        guard rc == 0, let c = cp else {
            try fail(rc, "mdb_cursor_open")
        }
        let cursor = LMDBCursor(core: self, handle: c)
        cursors[ObjectIdentifier(cursor)] = c
        return cursor
    }
}

/// A snapshot read transaction of an ``LMDBStore``. Not `Sendable`; may be moved between threads
/// (the environment uses `MDB_NOTLS`) but used by one at a time. Ends on ``finish()`` or deinit.
public final class LMDBReadTransaction: KVSnapshot {
    let core: LMDBTxnCore
    init(core: LMDBTxnCore) { self.core = core }

    /// Ends the snapshot and frees its reader slot. Idempotent.
    public func finish() { core.abort() }

    public func get(_ table: KVTable, _ key: [UInt8]) throws(KVStoreError) -> [UInt8]? {
        try core.get(table, key)
    }
    public func withValue<R>(_ table: KVTable, _ key: [UInt8], _ body: (UnsafeRawBufferPointer?) throws -> R) throws
        -> R
    {
        try core.withValueUntyped(table, key, body)
    }
    public func count(_ table: KVTable) throws(KVStoreError) -> Int { try core.count(table) }
    public func cursor(_ table: KVTable) throws(KVStoreError) -> LMDBCursor { try core.openCursor(table) }
}

/// The write transaction of an ``LMDBStore``; valid only inside ``LMDBStore/write(_:)``.
public final class LMDBWriteTransaction: KVWriteTransaction {
    let core: LMDBTxnCore
    init(core: LMDBTxnCore) { self.core = core }

    public func get(_ table: KVTable, _ key: [UInt8]) throws(KVStoreError) -> [UInt8]? {
        try core.get(table, key)
    }
    public func withValue<R>(_ table: KVTable, _ key: [UInt8], _ body: (UnsafeRawBufferPointer?) throws -> R) throws
        -> R
    {
        try core.withValueUntyped(table, key, body)
    }
    public func count(_ table: KVTable) throws(KVStoreError) -> Int { try core.count(table) }
    public func cursor(_ table: KVTable) throws(KVStoreError) -> LMDBCursor { try core.openCursor(table) }

    @discardableResult
    public func put(_ table: KVTable, _ key: [UInt8], _ value: [UInt8], mode: KVPutMode) throws(KVStoreError) -> Bool {
        try core.put(table, key, value, mode: mode)
    }
    @discardableResult
    public func delete(_ table: KVTable, _ key: [UInt8]) throws(KVStoreError) -> Bool {
        try core.delete(table, key)
    }
    @discardableResult
    public func delete(_ table: KVTable, _ key: [UInt8], value: [UInt8]) throws(KVStoreError) -> Bool {
        try core.delete(table, key, value: value)
    }
    public func clear(_ table: KVTable) throws(KVStoreError) { try core.clear(table) }
}

/// A cursor of an LMDB transaction. Closed when released or when its transaction ends.
public final class LMDBCursor: KVCursor {
    let core: LMDBTxnCore
    private let handle: OpaquePointer
    private var positioned = false

    init(core: LMDBTxnCore, handle: OpaquePointer) {
        self.core = core
        self.handle = handle
    }

    deinit {
        // If the transaction already ended it closed (and LMDB freed) this cursor.
        if core.txn != nil, core.cursors.removeValue(forKey: ObjectIdentifier(self)) != nil {
            mdb_cursor_close(handle)
        }
    }

    public func move(_ move: KVCursorMove) throws(KVStoreError) -> Bool {
        var k = MDB_val()
        var v = MDB_val()
        return try rawMove(move, &k, &v)
    }

    public func withMove<R>(
        _ move: KVCursorMove, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> R
    ) throws -> R? {
        var k = MDB_val()
        var v = MDB_val()
        guard try rawMove(move, &k, &v) else { return nil }
        // SAFETY: the entry LMDB just returned; valid until the next cursor move or modification,
        // and `body` cannot outlive this call.
        return try body(
            UnsafeRawBufferPointer(start: k.mv_data, count: k.mv_size),
            UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size))
    }

    @inline(__always)
    private func rawMove(_ move: KVCursorMove, _ k: inout MDB_val, _ v: inout MDB_val) throws(KVStoreError) -> Bool {
        _ = try core.active()
        let rc: Int32
        switch move {
        case .first: rc = mdb_cursor_get(handle, &k, &v, MDB_FIRST)
        case .last: rc = mdb_cursor_get(handle, &k, &v, MDB_LAST)
        case .next: rc = mdb_cursor_get(handle, &k, &v, positioned ? MDB_NEXT : MDB_FIRST)
        case .prev: rc = mdb_cursor_get(handle, &k, &v, positioned ? MDB_PREV : MDB_LAST)
        case .seek(let key), .seekExact(let key):
            try checkKey(key)
            let op = if case .seek = move { MDB_SET_RANGE } else { MDB_SET_KEY }
            rc = key.withUnsafeBytes { kb in
                // SAFETY: LMDB reads the key; on success it repoints `k` into the map.
                k = MDB_val(mv_size: kb.count, mv_data: UnsafeMutableRawPointer(mutating: kb.baseAddress))
                return mdb_cursor_get(handle, &k, &v, op)
            }
        }
        if rc == 0 {
            positioned = true
            return true
        }
        positioned = false
        if rc == MDB_NOTFOUND { return false }
        try core.fail(rc, "mdb_cursor_get")
    }

    public func withCurrent<R>(_ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> R) throws -> R? {
        _ = try core.active()
        guard positioned else { return nil }
        var k = MDB_val()
        var v = MDB_val()
        // Re-read the position: in a write transaction a put may have moved the page.
        let rc = mdb_cursor_get(handle, &k, &v, MDB_GET_CURRENT)
        if rc == MDB_NOTFOUND { return nil }
        if rc != 0 { try core.fail(rc, "mdb_cursor_get(GET_CURRENT)") }
        // SAFETY: valid until the next cursor move or modification; `body` cannot outlive this call.
        return try body(
            UnsafeRawBufferPointer(start: k.mv_data, count: k.mv_size),
            UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size))
    }
}
