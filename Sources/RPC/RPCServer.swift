public import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
public import Logging
import NIOCore
public import ServiceLifecycle

/// Configuration of ``RPCServer``.
public struct RPCServerConfiguration: Sendable {
    /// Bind address (default `127.0.0.1`).
    public var host: String
    /// Port (default 8545); 0 picks a free port, reported through `onListening`.
    public var port: Int
    /// Request/response/queue limits.
    public var limits: RPCLimits
    /// CORS origins allowed for HTTP and WebSocket. `["*"]` (the devnet default) allows any origin;
    /// otherwise the `Origin` header must match one entry exactly (case-insensitive), else no CORS
    /// headers are sent and WebSocket upgrades are refused with 403.
    public var allowedOrigins: [String]
    /// Accept WebSocket upgrades on the same port and path (default true).
    public var webSocket: Bool
    /// WebSocket ping interval (nil disables pings).
    public var webSocketPing: Duration?

    public init(
        host: String = "127.0.0.1",
        port: Int = 8545,
        limits: RPCLimits = .init(),
        allowedOrigins: [String] = ["*"],
        webSocket: Bool = true,
        webSocketPing: Duration? = .seconds(30)
    ) {
        self.host = host
        self.port = port
        self.limits = limits
        self.allowedOrigins = allowedOrigins
        self.webSocket = webSocket
        self.webSocketPing = webSocketPing
    }
}

/// The JSON-RPC server: HTTP `POST /` and WebSocket on `/` (Hummingbird 2).
///
/// HTTP answers: `POST /` → 200 with the JSON-RPC response (JSON-RPC errors are in the body, as the
/// spec says), 204 when the body held only notifications, 413 for a body over
/// ``RPCLimits/maxRequestBytes`` (body: a `-32005` error object), 415 for a non-JSON `Content-Type`
/// (a missing one is accepted); `GET /` → 200 with a one-line text; `OPTIONS` → CORS preflight 204;
/// other methods → 405; other paths → 404.
///
/// It is a `Service`: run it in a `ServiceGroup` for graceful shutdown (in-flight requests finish,
/// then WebSocket connections are closed).
public struct RPCServer: Service {
    public let configuration: RPCServerConfiguration
    public let dispatcher: RPCDispatcher
    let logger: Logger
    let onListening: @Sendable (Int) async -> Void

    /// - Parameters:
    ///   - registry: the methods (see ``RPCMethodRegistry/registerStandardMethods(chainID:networkID:clientVersion:peerCount:)``).
    ///   - hub: subscriptions for WebSocket clients; nil disables `*_subscribe`.
    ///   - onListening: called once with the bound port (useful with port 0).
    public init(
        configuration: RPCServerConfiguration = .init(),
        registry: RPCMethodRegistry,
        hub: SubscriptionHub? = nil,
        logger: Logger = Logger(label: "hemi.rpc"),
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.dispatcher = RPCDispatcher(registry: registry, limits: configuration.limits, hub: hub)
        self.logger = logger
        self.onListening = onListening
    }

    /// Runs until cancelled or gracefully shut down.
    public func run() async throws {
        try await makeApplication().run()
    }

    /// The Hummingbird application (tests drive it with `HummingbirdTesting`'s `.live` client).
    public func makeApplication() -> some ApplicationProtocol {
        let http = HTTPHandler(configuration: configuration, dispatcher: dispatcher)
        let responder = CallbackResponder<BasicRequestContext> { request, _ in await http.respond(to: request) }
        let onListening = self.onListening
        let logger = self.logger
        let server: HTTPServerBuilder
        if configuration.webSocket {
            let ws = WebSocketHandler(configuration: configuration, dispatcher: dispatcher)
            var wsConfig = WebSocketServerConfiguration(maxFrameSize: max(1 << 14, min(configuration.limits.maxRequestBytes, 1 << 24)))
            wsConfig.autoPing = configuration.webSocketPing.map { .enabled(timePeriod: $0) } ?? .disabled
            server = .http1WebSocketUpgrade(configuration: .init(ws: wsConfig)) { request, channel, _ in
                ws.shouldUpgrade(request, channel: channel)
            }
        } else {
            server = .http1()
        }
        return Application(
            responder: responder,
            server: server,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: nil
            ),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.info("JSON-RPC listening", metadata: ["port": "\(port)"])
                await onListening(port)
            },
            logger: logger
        )
    }
}

/// Origin checks shared by HTTP and WebSocket.
struct OriginPolicy: Sendable {
    let allowAll: Bool
    let allowed: Set<String>

    init(_ origins: [String]) {
        allowAll = origins.contains("*")
        allowed = Set(origins.map { $0.lowercased() })
    }

    /// The `Access-Control-Allow-Origin` value for `origin`, or nil to send none.
    func allowHeader(for origin: String?) -> String? {
        if allowAll { return "*" }
        guard let origin, allowed.contains(origin.lowercased()) else { return nil }
        return origin
    }

    /// Whether a browser request from `origin` may use the server (requests without Origin always may).
    func permits(_ origin: String?) -> Bool {
        guard let origin else { return true }
        return allowAll || allowed.contains(origin.lowercased())
    }
}

struct HTTPHandler: Sendable {
    let configuration: RPCServerConfiguration
    let dispatcher: RPCDispatcher
    let origins: OriginPolicy

    init(configuration: RPCServerConfiguration, dispatcher: RPCDispatcher) {
        self.configuration = configuration
        self.dispatcher = dispatcher
        self.origins = OriginPolicy(configuration.allowedOrigins)
    }

    static let jsonTypes: Set<String> = ["application/json", "application/json-rpc", "application/jsonrequest"]

    func respond(to request: Request) async -> Response {
        var headers = HTTPFields()
        let origin = request.headers[.origin]
        if let allow = origins.allowHeader(for: origin) {
            headers[.accessControlAllowOrigin] = allow
            if allow != "*" { headers[.vary] = "Origin" }
        }
        guard request.uri.path == "/" || request.uri.path.isEmpty else {
            return text(.notFound, "not found\n", headers)
        }
        switch request.method {
        case .options:
            headers[.accessControlAllowMethods] = "POST, GET, OPTIONS"
            headers[.accessControlAllowHeaders] = request.headers[.accessControlRequestHeaders] ?? "Content-Type"
            headers[.accessControlMaxAge] = "600"
            return Response(status: .noContent, headers: headers)
        case .get, .head:
            if request.headers[.upgrade] != nil {
                return text(.forbidden, "websocket upgrade refused\n", headers)
            }
            return text(.ok, "hemi JSON-RPC 2.0: POST requests to /, or open a WebSocket on /\n", headers)
        case .post:
            break
        default:
            headers[.allow] = "GET, POST, OPTIONS"
            return text(.methodNotAllowed, "method not allowed\n", headers)
        }
        if let contentType = request.headers[.contentType] {
            let head = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let mediaType = head.filter { $0 != " " && $0 != "\t" }.lowercased()
            guard HTTPHandler.jsonTypes.contains(mediaType) else {
                return text(.unsupportedMediaType, "invalid content type, only application/json is supported\n", headers)
            }
        }
        let limit = configuration.limits.maxRequestBytes
        if let lengthText = request.headers[.contentLength], let length = Int(lengthText), length > limit {
            return tooLarge(length, headers)
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            return tooLarge(nil, headers)
        } catch {
            return text(.badRequest, "could not read request body\n", headers)
        }
        let bytes = Array(buffer: body)
        guard let response = await dispatcher.handle(bytes) else {
            return Response(status: .noContent, headers: headers)
        }
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: response)))
    }

    private func tooLarge(_ length: Int?, _ headers: HTTPFields) -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        let size = length.map { " (\($0) bytes)" } ?? ""
        let body = RPCDispatcher.errorResponse(
            id: .null,
            .limitExceeded("request body too large\(size); limit \(configuration.limits.maxRequestBytes) bytes")
        )
        return Response(status: .contentTooLarge, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    private func text(_ status: HTTPResponse.Status, _ message: String, _ headers: HTTPFields) -> Response {
        var headers = headers
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: message)))
    }
}

struct WebSocketHandler: Sendable {
    let configuration: RPCServerConfiguration
    let dispatcher: RPCDispatcher
    let origins: OriginPolicy

    init(configuration: RPCServerConfiguration, dispatcher: RPCDispatcher) {
        self.configuration = configuration
        self.dispatcher = dispatcher
        self.origins = OriginPolicy(configuration.allowedOrigins)
    }

    func shouldUpgrade(_ request: HTTPRequest, channel: any Channel)
        -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>>
    {
        let path = request.path.map { $0.split(separator: "?", maxSplits: 1).first.map(String.init) ?? "" } ?? "/"
        guard path == "/" || path.isEmpty, origins.permits(request.headerFields[.origin]) else { return .dontUpgrade }
        let dispatcher = self.dispatcher
        let maxMessage = configuration.limits.maxRequestBytes
        return .upgrade([:]) { inbound, outbound, _ in
            let connection = RPCConnection(limits: dispatcher.limits)
            await withTaskGroup(of: Void.self) { group in
                // Writer: the only task that writes frames, in queue order.
                group.addTask {
                    while let message = await connection.next() {
                        do {
                            try await outbound.write(.text(String(decoding: message, as: UTF8.self)))
                        } catch {
                            break
                        }
                    }
                    connection.close(.normal)
                }
                // Reader: one JSON-RPC message (single or batch) at a time.
                group.addTask {
                    do {
                        for try await message in inbound.messages(maxSize: maxMessage) {
                            let bytes: [UInt8]
                            switch message {
                            case .text(let s): bytes = Array(s.utf8)
                            case .binary(let b): bytes = Array(buffer: b)
                            }
                            await dispatcher.serve(bytes, on: connection)
                            if connection.closeReason != nil { break }
                        }
                    } catch {
                        // Oversized message or broken connection: close below.
                    }
                    connection.close(.normal)
                }
                // Watchdog: a slow consumer may leave the writer blocked in a write; close the channel.
                group.addTask {
                    await connection.waitUntilClosed()
                    if connection.closeReason == .slowConsumer {
                        try? await channel.close()
                    }
                }
                await group.next()
                await connection.waitUntilClosed()
                if connection.closeReason == .slowConsumer { group.cancelAll() }
                await group.waitForAll()
            }
            if let hub = dispatcher.hub { await hub.removeConnection(connection) }
        }
    }
}
