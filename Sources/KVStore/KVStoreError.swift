/// Errors raised by a ``KVStore`` backend.
///
/// A missing key is not an error: lookups return `nil`. Conditions that a caller can act on
/// (a full map, a full reader table, a finished transaction) have their own cases; anything the
/// backend reports that we cannot classify keeps its raw code in ``backend(code:message:)``.
public enum KVStoreError: Error, Equatable, Sendable {
    /// The memory map is full and could not be grown (limit reached, or readers kept it busy).
    case mapFull
    /// The reader lock table is full (too many concurrent read transactions).
    case readersFull
    /// The store's files are corrupted or not a store of this kind (`MDB_CORRUPTED`,
    /// `MDB_PAGE_NOTFOUND`, `MDB_INVALID`, `MDB_PANIC`).
    case corrupted(String)
    /// The files were written by an incompatible library version (`MDB_VERSION_MISMATCH`).
    case versionMismatch
    /// A system call failed with `errno`; `context` names the operation.
    case io(errno: Int32, context: String)
    /// The table handle was not declared when the store was opened, or belongs to another store.
    case invalidTable(String)
    /// More tables were declared than `maxTables` allows (`MDB_DBS_FULL`).
    case tooManyTables
    /// The transaction was already committed or aborted (or its closure returned).
    case txnAlreadyFinished
    /// A write transaction touched more dirty pages than LMDB allows (`MDB_TXN_FULL`).
    case txnFull
    /// Key is empty or longer than the backend limit (511 bytes for LMDB).
    case invalidKeySize(size: Int, max: Int)
    /// `write` was called inside a write closure of the same store on the same thread (it would
    /// deadlock: writers are serialised).
    case nestedWriteTransaction
    /// A value in a dup-sort table is empty or longer than 511 bytes.
    case invalidValueSize(size: Int, max: Int)
    /// The operation is not available here (e.g. `.append` on a dup-sort table).
    case unsupported(String)
    /// The store was opened read-only.
    case readOnly
    /// Another process (or another open in this process) holds the store's write lock.
    case locked(path: String)
    /// `close()` was called while transactions were still active.
    case transactionsActive(Int)
    /// The store was closed.
    case closed
    /// Any other backend return code (LMDB's negative codes), with `mdb_strerror` text.
    case backend(code: Int32, message: String)
}
