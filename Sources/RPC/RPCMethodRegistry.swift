/// A JSON-RPC method implementation. It receives positional params and returns the `result`
/// value, or throws an ``RPCError`` that becomes the `error` member.
public typealias RPCHandler = @Sendable (RPCParams) async throws(RPCError) -> JSONValue

/// Methods by name. Build it before starting the server (it is a value; the server keeps a copy).
///
/// ```swift
/// var registry = RPCMethodRegistry()
/// registry.register("eth_chainId") { (params: RPCParams) async throws(RPCError) -> JSONValue in
///     try params.expectCount(max: 0)
///     return .quantity(chainID)
/// }
/// ```
/// Subscription methods (`<namespace>_subscribe` / `_unsubscribe`) are not registered here; they
/// are served by the server's ``SubscriptionHub`` for every namespace that has subscription kinds.
public struct RPCMethodRegistry: Sendable {
    private var handlers: [String: RPCHandler] = [:]

    public init() {}

    /// Registers (or replaces) `method`.
    public mutating func register(_ method: String, _ handler: @escaping RPCHandler) {
        handlers[method] = handler
    }

    /// Removes `method`.
    public mutating func unregister(_ method: String) {
        handlers[method] = nil
    }

    /// The handler for `method`.
    public func handler(for method: String) -> RPCHandler? { handlers[method] }

    /// Registered method names, sorted.
    public var methods: [String] { handlers.keys.sorted() }

    /// Namespaces (the part before `_`) of the registered methods, sorted.
    public var namespaces: [String] {
        Set(handlers.keys.compactMap { name in name.split(separator: "_", maxSplits: 1).first.map(String.init) })
            .sorted()
    }

    /// Adds every method of `other` (replacing same-named ones).
    public mutating func merge(_ other: RPCMethodRegistry) {
        handlers.merge(other.handlers) { _, new in new }
    }
}
