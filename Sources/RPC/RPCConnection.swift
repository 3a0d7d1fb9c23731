import Synchronization

/// One WebSocket client as the server and the ``SubscriptionHub`` see it: a bounded outbound queue.
///
/// Responses and notifications are enqueued in order and written by one writer task. When the
/// client does not read fast enough and the queue exceeds ``RPCLimits/maxQueuedMessages`` or
/// ``RPCLimits/maxQueuedBytes``, the connection is closed (``closeReason`` is `.slowConsumer`);
/// memory per connection stays bounded.
public final class RPCConnection: Sendable {
    /// Why a connection was closed.
    public enum CloseReason: Sendable, Hashable {
        /// The client or the server ended the session normally.
        case normal
        /// The outbound queue overflowed.
        case slowConsumer
    }

    private struct State {
        var frames: [[UInt8]] = []
        var head = 0
        var bytes = 0
        var closeReason: CloseReason?
        var waiter: CheckedContinuation<[UInt8]?, Never>?
        var closeWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())
    private let maxMessages: Int
    private let maxBytes: Int
    /// Process-unique connection number (for logs and hub bookkeeping).
    public let id: UInt64

    private static let counter = Atomic<UInt64>(0)

    /// A connection with the queue limits of `limits`.
    public init(limits: RPCLimits = .init()) {
        maxMessages = limits.maxQueuedMessages
        maxBytes = limits.maxQueuedBytes
        id = RPCConnection.counter.add(1, ordering: .relaxed).newValue
    }

    /// Enqueues one outbound message. Returns false when the connection is closed, or when this
    /// message overflows the queue, which closes the connection as a slow consumer.
    @discardableResult
    public func enqueue(_ message: [UInt8]) -> Bool {
        let (accepted, overflow, waiter): (Bool, Bool, CheckedContinuation<[UInt8]?, Never>?) = state.withLock { s in
            guard s.closeReason == nil else { return (false, false, nil) }
            if let w = s.waiter {
                s.waiter = nil
                return (true, false, w)
            }
            let queued = s.frames.count - s.head
            guard queued < maxMessages, s.bytes + message.count <= maxBytes else { return (false, true, nil) }
            s.frames.append(message)
            s.bytes += message.count
            return (true, false, nil)
        }
        waiter?.resume(returning: message)
        if overflow { close(.slowConsumer) }
        return accepted
    }

    /// The next outbound message; nil once the connection is closed (queued messages are still
    /// delivered after a normal close, dropped after a slow-consumer close) or the task is cancelled.
    public func next() async -> [UInt8]? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<[UInt8]?, Never>) in
                let immediate: [UInt8]?? = state.withLock { s in
                    if s.head < s.frames.count {
                        let m = s.frames[s.head]
                        s.frames[s.head] = []
                        s.head += 1
                        s.bytes -= m.count
                        if s.head == s.frames.count {
                            s.frames.removeAll(keepingCapacity: true)
                            s.head = 0
                        } else if s.head > 1024 && s.head * 2 > s.frames.count {
                            s.frames.removeFirst(s.head)
                            s.head = 0
                        }
                        return .some(m)
                    }
                    if s.closeReason != nil || Task.isCancelled { return .some(nil) }
                    s.waiter = c
                    return .none
                }
                if let immediate { c.resume(returning: immediate) }
            }
        } onCancel: {
            let w = state.withLock { s in
                let w = s.waiter
                s.waiter = nil
                return w
            }
            w?.resume(returning: nil)
        }
    }

    /// Closes the connection; a waiting ``next()`` returns nil. The first reason wins.
    public func close(_ reason: CloseReason = .normal) {
        let (w, closeWaiters) = state.withLock { s in
            if s.closeReason == nil { s.closeReason = reason }
            if reason == .slowConsumer {
                s.frames = []
                s.head = 0
                s.bytes = 0
            }
            let w = s.waiter
            s.waiter = nil
            let cw = s.closeWaiters
            s.closeWaiters = []
            return (w, cw)
        }
        w?.resume(returning: nil)
        for c in closeWaiters { c.resume() }
    }

    /// Returns once the connection is closed (or the task is cancelled).
    public func waitUntilClosed() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let done = state.withLock { s in
                    if s.closeReason != nil || Task.isCancelled { return true }
                    s.closeWaiters.append(c)
                    return false
                }
                if done { c.resume() }
            }
        } onCancel: {
            let ws = state.withLock { s in
                let ws = s.closeWaiters
                s.closeWaiters = []
                return ws
            }
            for c in ws { c.resume() }
        }
    }

    /// Why the connection closed, or nil while open.
    public var closeReason: CloseReason? { state.withLock { $0.closeReason } }

    /// Messages currently queued.
    public var queuedMessages: Int { state.withLock { $0.frames.count - $0.head } }
}
