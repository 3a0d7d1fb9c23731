#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

private final class ThreadBody: @unchecked Sendable {
    // SAFETY: the closure runs on the worker thread while the creating thread waits in pthread_join,
    // so its captures are never accessed concurrently.
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}

/// Runs `body` on a new thread with a `size`-byte stack and waits for it. Nested EVM calls recurse
/// on the native stack (ADR 0004: ~4.5 KB per depth in release, ~21 KB in debug), so transactions
/// must run on a thread whose stack fits depth 1024.
public func runWithLargeStack<T>(_ size: Int = 1 << 30, _ body: @escaping () -> T) -> T {
    var result: T?
    withoutActuallyEscaping({ result = body() }) { f in
        let attr = UnsafeMutablePointer<pthread_attr_t>.allocate(capacity: 1)
        let tid = UnsafeMutablePointer<pthread_t>.allocate(capacity: 1)
        defer {
            attr.deallocate()
            tid.deallocate()
        }
        pthread_attr_init(attr)
        pthread_attr_setstacksize(attr, size)
        let arg = Unmanaged.passRetained(ThreadBody(f)).toOpaque()
        let rc = pthread_create(
            tid, attr,
            { p in
                guard let p else { return nil }
                Unmanaged<ThreadBody>.fromOpaque(p).takeRetainedValue().run()
                return nil
            }, arg)
        precondition(rc == 0, "pthread_create failed")  // environment failure, not input-reachable
        pthread_join(tid.pointee, nil)
        pthread_attr_destroy(attr)
    }
    guard let result else { preconditionFailure("large-stack thread did not produce a result") }
    return result
}
