/// Per-subscription transform: returns the `result` to send for an event, or nil to skip it.
/// (A pure predicate is `{ event in matches(event) ? event : nil }`.)
public typealias SubscriptionFilter = @Sendable (JSONValue) -> JSONValue?

/// Validates the extra params of `<namespace>_subscribe("<kind>", …)` (the params after the kind
/// name) and returns the filter of the new subscription, or nil to deliver every event unchanged.
/// Throw `-32602` for bad params.
public typealias SubscriptionKindHandler = @Sendable (RPCParams) throws(RPCError) -> SubscriptionFilter?

/// Publish/subscribe over WebSocket connections (geth's `eth_subscribe` model).
///
/// Producers call ``publish(_:namespace:result:)`` with an event of a named kind (`"newHeads"`,
/// `"logs"`, `"newPendingTransactions"`, `"newKeystones"` in namespace `kss`, …). Each matching
/// subscription receives
/// `{"jsonrpc":"2.0","method":"<namespace>_subscription","params":{"subscription":"0x…","result":…}}`
/// (geth names notifications `<namespace>_subscription`, so `kss_subscribe` notifications are
/// `kss_subscription`). A connection whose queue overflows is closed and its subscriptions dropped.
public actor SubscriptionHub {
    private struct Key: Hashable {
        var namespace: String
        var kind: String
    }

    private struct Subscription {
        let key: Key
        let connection: RPCConnection
        let filter: SubscriptionFilter?
        var active: Bool
    }

    private var kinds: [Key: SubscriptionKindHandler] = [:]
    private var subscriptions: [String: Subscription] = [:]
    private var byKind: [Key: Set<String>] = [:]
    private var byConnection: [UInt64: Set<String>] = [:]
    private let maxPerConnection: Int
    private var rng = SystemRandomNumberGenerator()

    /// - Parameter maxSubscriptionsPerConnection: more is `-32005` (default 1000).
    public init(maxSubscriptionsPerConnection: Int = 1000) {
        maxPerConnection = maxSubscriptionsPerConnection
    }

    /// Makes `<namespace>_subscribe("<kind>", …)` available. `handler` validates the extra params.
    public func registerKind(
        _ kind: String,
        namespace: String = "eth",
        _ handler: @escaping SubscriptionKindHandler = { _ in nil }
    ) {
        kinds[Key(namespace: namespace, kind: kind)] = handler
    }

    /// Namespaces with at least one subscription kind.
    public var namespaces: Set<String> { Set(kinds.keys.map(\.namespace)) }

    /// Live subscriptions (all connections).
    public var count: Int { subscriptions.count }

    /// Live subscriptions of `kind`.
    public func count(of kind: String, namespace: String = "eth") -> Int {
        byKind[Key(namespace: namespace, kind: kind)]?.count ?? 0
    }

    /// Delivers an event of `kind` to every matching subscription; returns how many were notified.
    @discardableResult
    public func publish(_ kind: String, namespace: String = "eth", result: JSONValue) -> Int {
        let key = Key(namespace: namespace, kind: kind)
        guard let ids = byKind[key], !ids.isEmpty else { return 0 }
        var unfiltered: [UInt8]?
        var delivered = 0
        var overflowed: [RPCConnection] = []
        for id in ids {
            guard let sub = subscriptions[id], sub.active else { continue }
            let body: [UInt8]
            if let filter = sub.filter {
                guard let r = filter(result) else { continue }
                body = r.serialized()
            } else {
                if unfiltered == nil { unfiltered = result.serialized() }
                body = unfiltered ?? []
            }
            let message = SubscriptionHub.notification(namespace: namespace, id: id, resultJSON: body)
            if sub.connection.enqueue(message) {
                delivered += 1
            } else {
                overflowed.append(sub.connection)
            }
        }
        for c in overflowed { removeConnection(c) }
        return delivered
    }

    /// Delivers several events of `kind` in order (e.g. the logs of one block).
    @discardableResult
    public func publish(_ kind: String, namespace: String = "eth", results: [JSONValue]) -> Int {
        var n = 0
        for r in results { n += publish(kind, namespace: namespace, result: r) }
        return n
    }

    /// Creates an inactive subscription for `<namespace>_subscribe(params…)` on `connection`.
    /// The server activates it after the response has been queued, so no notification precedes it.
    func subscribe(namespace: String, params: RPCParams, connection: RPCConnection) throws(RPCError) -> String {
        let kindName = try params.string(0)
        let key = Key(namespace: namespace, kind: kindName)
        guard let handler = kinds[key] else {
            throw .methodNotFound("no \"\(kindName)\" subscription in \(namespace) namespace")
        }
        guard connection.closeReason == nil else { throw .resourceUnavailable("connection closed") }
        guard (byConnection[connection.id]?.count ?? 0) < maxPerConnection else {
            throw .limitExceeded("too many subscriptions on this connection (limit \(maxPerConnection))")
        }
        let filter = try handler(RPCParams(Array(params.values.dropFirst())))
        var id = newID()
        while subscriptions[id] != nil { id = newID() }
        subscriptions[id] = Subscription(key: key, connection: connection, filter: filter, active: false)
        byKind[key, default: []].insert(id)
        byConnection[connection.id, default: []].insert(id)
        return id
    }

    /// Starts delivery for subscriptions created by ``subscribe(namespace:params:connection:)``:
    /// queues `response` on `connection`, then activates `ids`, atomically with respect to ``publish(_:namespace:result:)``.
    func activate(_ ids: [String], afterQueueing response: [UInt8]?, on connection: RPCConnection) {
        if let response, !connection.enqueue(response) {
            removeConnection(connection)
            return
        }
        for id in ids { subscriptions[id]?.active = true }
    }

    /// Removes subscription `id` of `connection` in `namespace`; false if there is none.
    func unsubscribe(namespace: String, id: String, connection: RPCConnection) -> Bool {
        guard let sub = subscriptions[id], sub.connection === connection, sub.key.namespace == namespace else {
            return false
        }
        remove(id)
        return true
    }

    /// Drops every subscription of `connection` (called when it closes).
    public func removeConnection(_ connection: RPCConnection) {
        guard let ids = byConnection.removeValue(forKey: connection.id) else { return }
        for id in ids { remove(id) }
    }

    private func remove(_ id: String) {
        guard let sub = subscriptions.removeValue(forKey: id) else { return }
        byKind[sub.key]?.remove(id)
        if byKind[sub.key]?.isEmpty == true { byKind[sub.key] = nil }
        byConnection[sub.connection.id]?.remove(id)
        if byConnection[sub.connection.id]?.isEmpty == true { byConnection[sub.connection.id] = nil }
    }

    /// geth-style id: `0x` + 16 random bytes in hex with leading zeros trimmed.
    private func newID() -> String {
        let hi = rng.next() as UInt64
        let lo = rng.next() as UInt64
        var s = String(hi, radix: 16)
        if hi == 0 {
            s = String(lo, radix: 16)
        } else {
            let l = String(lo, radix: 16)
            s += String(repeating: "0", count: 16 - l.count) + l
        }
        return "0x" + s
    }

    /// The notification envelope around an already serialized result.
    static func notification(namespace: String, id: String, resultJSON: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(resultJSON.count + 110)
        out.append(contentsOf: #"{"jsonrpc":"2.0","method":"#.utf8)
        JSONValue.writeString(namespace + "_subscription", into: &out)
        out.append(contentsOf: #","params":{"subscription":"#.utf8)
        JSONValue.writeString(id, into: &out)
        out.append(contentsOf: #","result":"#.utf8)
        out.append(contentsOf: resultJSON)
        out.append(contentsOf: "}}".utf8)
        return out
    }
}
