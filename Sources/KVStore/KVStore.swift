/// A key-value store of named tables with snapshot reads and one writer at a time.
///
/// Keys and values are byte strings; keys sort lexicographically by unsigned bytes (shorter first
/// on a common prefix), the same order as LMDB's default comparator. Keys must be 1...511 bytes
/// (LMDB's default limit) in every backend, so code tested against ``MemoryStore`` behaves the
/// same on ``LMDBStore``.
///
/// Tables are declared when the store is opened and looked up once by name (``table(_:)``); the
/// returned ``KVTable`` handle is a small value to keep next to hot code.
///
/// ## Transactions and `Sendable` rules
/// - Reads: ``read(_:)`` runs a closure on a snapshot taken at its start; ``beginRead()`` returns a
///   longer-lived snapshot that must be ended with `finish()` (or is ended on deinit). Any number
///   of read transactions may be open concurrently, from any threads. A read transaction and its
///   cursors are not `Sendable`: use each from one thread at a time. Because LMDB is opened with
///   `MDB_NOTLS`, a read transaction may be handed (`sending`) to another task or thread.
/// - Writes: only through ``write(_:)``. Writers are serialised (a second writer blocks until the
///   first finishes). The closure commits when it returns and aborts when it throws. It may be run
///   **more than once** (LMDB aborts, grows the map and re-runs it on `MDB_MAP_FULL`), so it must
///   not have side effects outside the transaction that would be wrong to repeat. The transaction
///   object must not escape the closure (it is finished afterwards; any use throws
///   ``KVStoreError/txnAlreadyFinished``).
/// - A read transaction held open while the map needs to grow delays the growth; growth gives up
///   with ``KVStoreError/mapFull`` after the backend's wait timeout. Keep snapshots short.
public protocol KVStore: AnyObject, Sendable {
    associatedtype ReadTransaction: KVSnapshot
    associatedtype WriteTransaction: KVWriteTransaction

    /// The handle of a table declared at open. Throws ``KVStoreError/invalidTable(_:)`` otherwise.
    func table(_ name: String) throws(KVStoreError) -> KVTable

    /// Starts a snapshot read transaction. End it with `finish()`.
    func beginRead() throws(KVStoreError) -> ReadTransaction

    /// Runs `body` on a snapshot read transaction and ends it afterwards.
    @discardableResult
    func read<R>(_ body: (ReadTransaction) throws -> R) throws -> R

    /// Runs `body` in a write transaction: commits if it returns, aborts if it throws (rethrowing
    /// the error). May re-run `body` (see the type documentation). Errors are ``KVStoreError`` or
    /// whatever `body` threw.
    @discardableResult
    func write<R>(_ body: (WriteTransaction) throws -> R) throws -> R
}

/// A table declared when a store is opened.
///
/// A `dupSort` table (LMDB `MDB_DUPSORT`) holds several values per key, kept sorted: entries are
/// (key, value) pairs ordered by key then value, and values are limited to 1...511 bytes like keys.
/// In such a table `put` adds a pair, `get` returns the smallest value of the key, `delete(key)`
/// removes all of its values and `delete(key, value:)` one pair; `count` counts pairs and cursors
/// step through pairs.
public struct KVTableSpec: Hashable, Sendable, ExpressibleByStringLiteral {
    public var name: String
    public var dupSort: Bool

    public init(_ name: String, dupSort: Bool = false) {
        self.name = name
        self.dupSort = dupSort
    }

    public init(stringLiteral name: String) { self.init(name) }

    /// A table with sorted duplicate values.
    public static func dupSort(_ name: String) -> KVTableSpec { KVTableSpec(name, dupSort: true) }
}

/// A table handle; valid only for the store that issued it.
public struct KVTable: Hashable, Sendable, CustomStringConvertible {
    /// Backend table id (LMDB `MDB_dbi`, or an index for ``MemoryStore``).
    public let id: UInt32
    /// Distinguishes handles of different store instances.
    public let storeID: UInt32
    public let name: String
    /// Whether the table holds sorted duplicate values (see ``KVTableSpec``).
    public let isDupSort: Bool

    @usableFromInline init(id: UInt32, storeID: UInt32, name: String, isDupSort: Bool) {
        self.id = id
        self.storeID = storeID
        self.name = name
        self.isDupSort = isDupSort
    }

    public var description: String { "KVTable(\(name))" }
}

/// How ``KVWriteTransaction/put(_:_:_:mode:)`` treats an existing key.
public enum KVPutMode: Sendable {
    /// Insert or replace.
    case upsert
    /// Insert only if the key is absent; otherwise leave the stored value and return `false`.
    case noOverwrite
    /// Bulk-load fast path (`MDB_APPEND`: no search, pages filled completely) for keys arriving in
    /// ascending order: stores only if `key` sorts after every key in the table, otherwise stores
    /// nothing and returns `false`. Not available for dup-sort tables.
    case append
}

/// A key and its value, copied out of the store.
public struct KVPair: Hashable, Sendable {
    public var key: [UInt8]
    public var value: [UInt8]
    public init(key: [UInt8], value: [UInt8]) {
        self.key = key
        self.value = value
    }
}

/// Cursor movements.
public enum KVCursorMove: Sendable {
    case first, last, next, prev
    /// Position at the first key ≥ the given key.
    case seek([UInt8])
    /// Position at exactly the given key.
    case seekExact([UInt8])
}

/// Reads common to read and write transactions.
public protocol KVReadTransaction: AnyObject {
    associatedtype Cursor: KVCursor

    /// The value stored under `key`, or `nil`.
    func get(_ table: KVTable, _ key: [UInt8]) throws(KVStoreError) -> [UInt8]?

    /// Calls `body` with the stored bytes (or `nil`) without copying them. The buffer is valid only
    /// inside `body`.
    func withValue<R>(
        _ table: KVTable, _ key: [UInt8], _ body: (UnsafeRawBufferPointer?) throws -> R
    ) throws -> R

    /// Number of entries in the table.
    func count(_ table: KVTable) throws(KVStoreError) -> Int

    /// Opens a cursor on `table`. It is unpositioned until moved, and is invalid once the
    /// transaction finishes.
    func cursor(_ table: KVTable) throws(KVStoreError) -> Cursor
}

/// A read transaction started by ``KVStore/beginRead()``: a snapshot that holds resources (an
/// LMDB reader slot, old pages) until ``finish()``; deinit finishes it too.
public protocol KVSnapshot: KVReadTransaction {
    /// Ends the snapshot. Idempotent; later use throws ``KVStoreError/txnAlreadyFinished``.
    func finish()
}

/// A transaction that may also modify tables. Only available inside ``KVStore/write(_:)``.
public protocol KVWriteTransaction: KVReadTransaction {
    /// Stores `value` under `key`. Returns `false` only in `.noOverwrite` mode when the key
    /// already existed (and nothing was changed). In a dup-sort table `.upsert` adds the pair and
    /// returns `false` if that exact pair was already present; `.noOverwrite` adds nothing if the
    /// key has any value.
    @discardableResult
    func put(_ table: KVTable, _ key: [UInt8], _ value: [UInt8], mode: KVPutMode) throws(KVStoreError) -> Bool

    /// Deletes `key` (in a dup-sort table: all its values); returns whether it existed.
    @discardableResult
    func delete(_ table: KVTable, _ key: [UInt8]) throws(KVStoreError) -> Bool

    /// Deletes the pair (`key`, `value`) if present; returns whether it existed. In a table
    /// without duplicates this deletes `key` only if its value equals `value`.
    @discardableResult
    func delete(_ table: KVTable, _ key: [UInt8], value: [UInt8]) throws(KVStoreError) -> Bool

    /// Deletes every entry of `table` (the table stays declared).
    func clear(_ table: KVTable) throws(KVStoreError)
}

/// A position in one table of one transaction. Not `Sendable`; do not use after the transaction
/// ends (methods then throw ``KVStoreError/txnAlreadyFinished``).
public protocol KVCursor: AnyObject {
    /// Moves the cursor; returns `false` (and leaves the cursor unpositioned) if there is no such
    /// entry. On an unpositioned cursor `.next` acts as `.first` and `.prev` as `.last` (as in
    /// LMDB), so after `next` ran off the end, another `next` starts again at the first entry.
    func move(_ move: KVCursorMove) throws(KVStoreError) -> Bool

    /// Moves and calls `body` with the entry there without copying (one backend call, the fast
    /// way to scan); `nil` (body not called) if there is no such entry.
    func withMove<R>(
        _ move: KVCursorMove, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> R
    ) throws -> R?

    /// Calls `body` with the key and value at the current position without copying; `nil` if the
    /// cursor is not positioned. Buffers are valid only inside `body`.
    func withCurrent<R>(_ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> R) throws -> R?
}

/// The largest key any backend accepts (LMDB's compile-time default `MDB_MAXKEYSIZE`).
public let kvMaxKeySize = 511

@inlinable @inline(__always)
func checkKey(_ key: [UInt8]) throws(KVStoreError) {
    if key.isEmpty || key.count > kvMaxKeySize {
        throw .invalidKeySize(size: key.count, max: kvMaxKeySize)
    }
}

@inlinable @inline(__always)
func checkValue(_ value: [UInt8], _ table: KVTable) throws(KVStoreError) {
    if table.isDupSort && (value.isEmpty || value.count > kvMaxKeySize) {
        throw .invalidValueSize(size: value.count, max: kvMaxKeySize)
    }
}
