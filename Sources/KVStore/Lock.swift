#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A pthread mutex with a condition variable. Used where a closure must run under the lock with
/// arbitrary (untyped) throws, and where a thread must wait with a timeout.
final class ConditionLock: @unchecked Sendable {
    // SAFETY: the pointers are allocated once in init, initialised with pthread_*_init, and freed
    // only in deinit; all access to guarded state happens between lock() and unlock().
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let cond: UnsafeMutablePointer<pthread_cond_t>

    init() {
        mutex = .allocate(capacity: 1)
        cond = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(cond, nil)
    }

    deinit {
        pthread_cond_destroy(cond)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        cond.deallocate()
    }

    @inline(__always) func lock() { pthread_mutex_lock(mutex) }
    @inline(__always) func unlock() { pthread_mutex_unlock(mutex) }
    func broadcast() { pthread_cond_broadcast(cond) }
    /// Waits (lock held) until signalled.
    func wait() { pthread_cond_wait(cond, mutex) }

    /// Waits (lock held) until signalled or `deadline` (CLOCK_REALTIME) passes; false on timeout.
    func wait(until deadline: timespec) -> Bool {
        var d = deadline
        return pthread_cond_timedwait(cond, mutex, &d) != ETIMEDOUT
    }

    @inline(__always) func withLock<R>(_ body: () throws -> R) rethrows -> R {
        lock()
        defer { unlock() }
        return try body()
    }

    static func deadline(afterMilliseconds ms: Int) -> timespec {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let total = Int(now.tv_nsec) + (ms % 1000) * 1_000_000
        return timespec(tv_sec: now.tv_sec + ms / 1000 + total / 1_000_000_000, tv_nsec: total % 1_000_000_000)
    }
}

/// Remembers which thread is running a store's write transaction, so that a nested `write` on the
/// same thread (which would deadlock on the writer lock) is refused instead.
final class WriterThread: @unchecked Sendable {
    // SAFETY: `owner` is only accessed with `lock` held.
    private let lock = ConditionLock()
    private var owner: pthread_t?

    /// Throws if the calling thread is already inside a write of this store.
    func checkNotNested() throws(KVStoreError) {
        lock.lock()
        defer { lock.unlock() }
        if let o = owner, pthread_equal(o, pthread_self()) != 0 { throw .nestedWriteTransaction }
    }

    func enter() { lock.withLock { owner = pthread_self() } }
    func leave() { lock.withLock { owner = nil } }
}
