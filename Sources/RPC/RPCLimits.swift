/// Resource limits of the JSON-RPC server. All are enforced before the corresponding allocation.
public struct RPCLimits: Sendable, Hashable {
    /// Largest HTTP request body or WebSocket message (default 5 MiB, geth's HTTP limit).
    /// Over HTTP a larger body is answered with status 413 and a `-32005` error object.
    public var maxRequestBytes: Int
    /// Most calls in one batch (default 1000, geth's `BatchRequestLimit`); more is one `-32005` error.
    public var maxBatchLength: Int
    /// Largest response (default 25 MiB, geth's `BatchResponseMaxSize`). A single response over the cap
    /// is replaced by a `-32005` error for the same id; in a batch, every entry after the cap is reached
    /// gets that error.
    public var maxResponseBytes: Int
    /// Deepest JSON nesting accepted in a request (default 64).
    public var maxJSONDepth: Int
    /// Per WebSocket connection: most queued outbound messages (responses + notifications) before the
    /// connection is closed as a slow consumer (default 4096).
    public var maxQueuedMessages: Int
    /// Per WebSocket connection: most queued outbound bytes before it is closed (default 16 MiB).
    public var maxQueuedBytes: Int
    /// Per WebSocket connection: most live subscriptions (default 1000); more is `-32005`.
    public var maxSubscriptionsPerConnection: Int

    public init(
        maxRequestBytes: Int = 5 * 1024 * 1024,
        maxBatchLength: Int = 1000,
        maxResponseBytes: Int = 25 * 1000 * 1000,
        maxJSONDepth: Int = 64,
        maxQueuedMessages: Int = 4096,
        maxQueuedBytes: Int = 16 * 1024 * 1024,
        maxSubscriptionsPerConnection: Int = 1000
    ) {
        self.maxRequestBytes = maxRequestBytes
        self.maxBatchLength = maxBatchLength
        self.maxResponseBytes = maxResponseBytes
        self.maxJSONDepth = maxJSONDepth
        self.maxQueuedMessages = maxQueuedMessages
        self.maxQueuedBytes = maxQueuedBytes
        self.maxSubscriptionsPerConnection = maxSubscriptionsPerConnection
    }

    /// Parser limits derived from these.
    public var parseLimits: JSONParseLimits { JSONParseLimits(maxBytes: maxRequestBytes, maxDepth: maxJSONDepth) }
}
