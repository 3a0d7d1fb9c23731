/// Transport-independent JSON-RPC 2.0 processing: parse, validate, dispatch, serialize.
///
/// Semantics (JSON-RPC 2.0 and geth where the spec is silent):
/// - invalid JSON or nesting deeper than ``RPCLimits/maxJSONDepth``: one `-32700` error, id null;
/// - a body over ``RPCLimits/maxRequestBytes``: one `-32005` error, id null (HTTP answers 413 first);
/// - a request that is not an object, lacks `"jsonrpc":"2.0"`, has a non-string `method` or an id that
///   is not a number/string/null: `-32600` (id null unless the id itself was valid);
/// - `params` that is not an array (named params) or absent/null: `-32602` / empty list;
/// - empty batch `[]`: one `-32600` error object (not an array); batch longer than
///   ``RPCLimits/maxBatchLength``: one `-32600` "batch too large" object carrying the first call's id (geth);
/// - notifications (no `id` member) run but get no response; a batch of only notifications has no response;
/// - responses over ``RPCLimits/maxResponseBytes``: `-32005` "response too large" for that id (in a batch,
///   for every entry once the running total is over the cap).
public struct RPCDispatcher: Sendable {
    /// The methods.
    public let registry: RPCMethodRegistry
    /// The limits.
    public let limits: RPCLimits
    /// Subscriptions (WebSocket only); nil disables `*_subscribe`.
    public let hub: SubscriptionHub?

    public init(registry: RPCMethodRegistry, limits: RPCLimits = .init(), hub: SubscriptionHub? = nil) {
        self.registry = registry
        self.limits = limits
        self.hub = hub
    }

    /// Handles one request body (a single call or a batch). Returns the response text, or nil when
    /// nothing is to be sent (notifications only). `connection` is the WebSocket client, if any;
    /// subscriptions made here are activated only after the caller queued the response — use
    /// ``serve(_:on:)`` for WebSocket messages, which does both.
    public func handle(_ body: [UInt8], connection: RPCConnection? = nil) async -> [UInt8]? {
        var pending: [String] = []
        return await handle(body, connection: connection, newSubscriptions: &pending)
    }

    /// Handles one WebSocket message and queues the response on `connection`, then activates any
    /// subscriptions it created.
    public func serve(_ message: [UInt8], on connection: RPCConnection) async {
        var pending: [String] = []
        let response = await handle(message, connection: connection, newSubscriptions: &pending)
        if !pending.isEmpty, let hub {
            // Queue the response and start delivery in one hub step, so no notification precedes it.
            await hub.activate(pending, afterQueueing: response, on: connection)
        } else if let response {
            connection.enqueue(response)
        }
    }

    /// Calls one method as if it came in a request (no subscription methods).
    public func call(_ method: String, _ params: RPCParams = RPCParams()) async -> Result<JSONValue, RPCError> {
        var pending: [String] = []
        return await invoke(method: method, params: params, connection: nil, newSubscriptions: &pending)
    }

    // MARK: - Internals

    private func handle(_ body: [UInt8], connection: RPCConnection?, newSubscriptions: inout [String]) async
        -> [UInt8]?
    {
        let parsed: JSONValue
        do throws(JSONParseError) {
            parsed = try JSONParser.parse(body, limits: limits.parseLimits)
        } catch {
            if case .tooLarge = error {
                return RPCDispatcher.errorResponse(id: .null, .limitExceeded("request body too large: \(error)"))
            }
            return RPCDispatcher.errorResponse(id: .null, .parseError(error.description))
        }
        guard case .array(let items) = parsed else {
            let r = await respond(to: parsed, connection: connection, newSubscriptions: &newSubscriptions)
            guard let r else { return nil }
            if r.bytes.count > limits.maxResponseBytes {
                return RPCDispatcher.errorResponse(id: r.id, .limitExceeded("response too large"))
            }
            return r.bytes
        }
        if items.isEmpty { return RPCDispatcher.errorResponse(id: .null, .invalidRequest("empty batch")) }
        if items.count > limits.maxBatchLength {
            var id: JSONValue = .null
            if let first = items.first(where: { $0["id"].map(RPCDispatcher.isValidID) ?? false }) {
                id = first["id"] ?? .null
            }
            return RPCDispatcher.errorResponse(id: id, .invalidRequest("batch too large"))
        }
        var out: [UInt8] = [UInt8(ascii: "[")]
        var any = false
        var total = 0
        for item in items {
            guard let r = await respond(to: item, connection: connection, newSubscriptions: &newSubscriptions) else {
                continue
            }
            var bytes = r.bytes
            if total + bytes.count > limits.maxResponseBytes {
                bytes = RPCDispatcher.errorResponse(id: r.id, .limitExceeded("response too large"))
            }
            total += bytes.count
            if any { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: bytes)
            any = true
        }
        guard any else { return nil }
        out.append(UInt8(ascii: "]"))
        return out
    }

    static func isValidID(_ id: JSONValue) -> Bool {
        switch id {
        case .null, .number, .string: true
        default: false
        }
    }

    /// One call → its serialized response (nil for a valid notification).
    private func respond(to request: JSONValue, connection: RPCConnection?, newSubscriptions: inout [String]) async
        -> (id: JSONValue, bytes: [UInt8])?
    {
        guard case .object(let o) = request else {
            return (.null, RPCDispatcher.errorResponse(id: .null, .invalidRequest("invalid request")))
        }
        let idMember = o["id"]
        if let idMember, !RPCDispatcher.isValidID(idMember) {
            return (.null, RPCDispatcher.errorResponse(id: .null, .invalidRequest("invalid request: bad id type")))
        }
        let id = idMember ?? .null
        guard o["jsonrpc"] == .string("2.0") else {
            return (id, RPCDispatcher.errorResponse(id: id, .invalidRequest("invalid request: jsonrpc must be \"2.0\"")))
        }
        guard case .string(let method)? = o["method"] else {
            return (id, RPCDispatcher.errorResponse(id: id, .invalidRequest("invalid request: method must be a string")))
        }
        let result: Result<JSONValue, RPCError>
        switch o["params"] {
        case nil, .null?:
            result = await invoke(method: method, params: RPCParams(), connection: connection,
                                  newSubscriptions: &newSubscriptions)
        case .array(let values)?:
            result = await invoke(method: method, params: RPCParams(values), connection: connection,
                                  newSubscriptions: &newSubscriptions)
        case .object?:
            result = await knows(method)
                ? .failure(.invalidParams("named parameters are not supported; params must be an array"))
                : .failure(.methodNotFound(method: method))
        case let other?:
            result = await knows(method)
                ? .failure(.invalidParams("non-array args: params is \(other.typeName)"))
                : .failure(.methodNotFound(method: method))
        }
        guard idMember != nil else { return nil }  // notification
        switch result {
        case .success(let value): return (id, RPCDispatcher.resultResponse(id: id, value))
        case .failure(let error): return (id, RPCDispatcher.errorResponse(id: id, error))
        }
    }

    private func invoke(method: String, params: RPCParams, connection: RPCConnection?, newSubscriptions: inout [String])
        async -> Result<JSONValue, RPCError>
    {
        if let handler = registry.handler(for: method) {
            do throws(RPCError) {
                return .success(try await handler(params))
            } catch {
                return .failure(error)
            }
        }
        if method == "rpc_modules" {
            var names = Set(registry.namespaces)
            names.insert("rpc")
            if let hub { names.formUnion(await hub.namespaces) }
            return .success(.object(JSONObject(names.sorted().map { ($0, .string("1.0")) })))
        }
        if let hub, let (namespace, isSubscribe) = RPCDispatcher.subscriptionMethod(method),
            await hub.namespaces.contains(namespace)
        {
            guard let connection else { return .failure(.methodNotFound("notifications not supported")) }
            if isSubscribe {
                do throws(RPCError) {
                    let id = try await hub.subscribe(namespace: namespace, params: params, connection: connection)
                    newSubscriptions.append(id)
                    return .success(.string(id))
                } catch {
                    return .failure(error)
                }
            }
            let id: String
            do throws(RPCError) {
                try params.expectCount(min: 1, max: 1)
                id = try params.string(0)
            } catch {
                return .failure(error)
            }
            guard await hub.unsubscribe(namespace: namespace, id: id, connection: connection) else {
                return .failure(.invalidInput("subscription not found"))
            }
            return .success(.bool(true))
        }
        return .failure(.methodNotFound(method: method))
    }

    /// Whether `method` exists (registered, built in, or a subscription method of a hub namespace).
    private func knows(_ method: String) async -> Bool {
        if registry.handler(for: method) != nil || method == "rpc_modules" { return true }
        if let hub, let (namespace, _) = RPCDispatcher.subscriptionMethod(method) {
            return await hub.namespaces.contains(namespace)
        }
        return false
    }

    private static func subscriptionMethod(_ method: String) -> (String, Bool)? {
        if method.hasSuffix("_subscribe") { return (String(method.dropLast("_subscribe".count)), true) }
        if method.hasSuffix("_unsubscribe") { return (String(method.dropLast("_unsubscribe".count)), false) }
        return nil
    }

    /// `{"jsonrpc":"2.0","id":…,"result":…}`
    public static func resultResponse(id: JSONValue, _ result: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        out.append(contentsOf: #"{"jsonrpc":"2.0","id":"#.utf8)
        id.write(into: &out)
        out.append(contentsOf: #","result":"#.utf8)
        result.write(into: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// `{"jsonrpc":"2.0","id":…,"error":{…}}`
    public static func errorResponse(id: JSONValue, _ error: RPCError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(96)
        out.append(contentsOf: #"{"jsonrpc":"2.0","id":"#.utf8)
        id.write(into: &out)
        out.append(contentsOf: #","error":"#.utf8)
        error.json.write(into: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }
}
