import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import Logging
import NIOCore
import NIOWebSocket
import Testing

@testable import RPC

/// HTTP and WebSocket behaviour of `RPCServer` against a live server on an ephemeral port.
@Suite struct RPCServerTests {
    static func server(
        limits: RPCLimits = RPCLimits(maxRequestBytes: 4096),
        origins: [String] = ["*"],
        hub: SubscriptionHub? = nil
    ) -> RPCServer {
        var registry = RPCMethodRegistry()
        registry.registerStandardMethods(chainID: 31337)
        return RPCServer(
            configuration: RPCServerConfiguration(host: "127.0.0.1", port: 0, limits: limits, allowedOrigins: origins),
            registry: registry,
            hub: hub,
            logger: Logger(label: "test.rpc")
        )
    }

    static func post(_ client: some TestClientProtocol, _ body: String, headers: HTTPFields = [.contentType: "application/json"])
        async throws -> TestResponse
    {
        try await client.execute(uri: "/", method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    @Test func httpPostAndStatusCodes() async throws {
        try await Self.server().makeApplication().test(.live) { client in
            let ok = try await Self.post(client, #"{"jsonrpc":"2.0","method":"eth_chainId","id":1}"#)
            #expect(ok.status == .ok)
            #expect(ok.headers[.contentType] == "application/json")
            #expect(try JSONParser.parse(Array(buffer: ok.body)) == ["jsonrpc": "2.0", "id": 1, "result": "0x7a69"])
            // JSON-RPC errors are HTTP 200.
            let bad = try await Self.post(client, "{not json")
            #expect(bad.status == .ok)
            #expect(try JSONParser.parse(Array(buffer: bad.body))["error"]?["code"] == -32700)
            // content type with parameters is fine; a missing one is accepted; others are 415.
            let charset = try await Self.post(
                client, #"{"jsonrpc":"2.0","method":"net_version","id":2}"#,
                headers: [.contentType: "application/json; charset=utf-8"])
            #expect(charset.status == .ok)
            let none = try await Self.post(client, #"{"jsonrpc":"2.0","method":"net_version","id":2}"#, headers: [:])
            #expect(none.status == .ok)
            let form = try await Self.post(
                client, #"{"jsonrpc":"2.0","method":"net_version","id":2}"#,
                headers: [.contentType: "application/x-www-form-urlencoded"])
            #expect(form.status == .unsupportedMediaType)
            // Notifications only: 204 and no body.
            let note = try await Self.post(client, #"[{"jsonrpc":"2.0","method":"net_version"}]"#)
            #expect(note.status == .noContent)
            #expect(note.body.readableBytes == 0)
            // Body over the limit: 413 with a -32005 error object.
            let huge = try await Self.post(client, "[" + String(repeating: "1,", count: 3000) + "1]")
            #expect(huge.status == .contentTooLarge)
            #expect(try JSONParser.parse(Array(buffer: huge.body))["error"]?["code"] == -32005)
            // GET is a short info text; other methods 405; other paths 404.
            let get = try await client.execute(uri: "/", method: .get)
            #expect(get.status == .ok)
            #expect(String(buffer: get.body).contains("JSON-RPC"))
            #expect(try await client.execute(uri: "/", method: .put).status == .methodNotAllowed)
            #expect(try await client.execute(uri: "/other", method: .post).status == .notFound)
        }
    }

    @Test func cors() async throws {
        try await Self.server().makeApplication().test(.live) { client in
            let r = try await Self.post(
                client, #"{"jsonrpc":"2.0","method":"eth_chainId","id":1}"#,
                headers: [.contentType: "application/json", .origin: "http://localhost:3000"])
            #expect(r.headers[.accessControlAllowOrigin] == "*")
            let pre = try await client.execute(
                uri: "/", method: .options,
                headers: [.origin: "http://a.example", .accessControlRequestHeaders: "content-type"])
            #expect(pre.status == .noContent)
            #expect(pre.headers[.accessControlAllowMethods]?.contains("POST") == true)
            #expect(pre.headers[.accessControlAllowHeaders] == "content-type")
        }
        try await Self.server(origins: ["http://good.example"]).makeApplication().test(.live) { client in
            let good = try await Self.post(
                client, #"{"jsonrpc":"2.0","method":"eth_chainId","id":1}"#,
                headers: [.contentType: "application/json", .origin: "http://good.example"])
            #expect(good.headers[.accessControlAllowOrigin] == "http://good.example")
            let evil = try await Self.post(
                client, #"{"jsonrpc":"2.0","method":"eth_chainId","id":1}"#,
                headers: [.contentType: "application/json", .origin: "http://evil.example"])
            #expect(evil.headers[.accessControlAllowOrigin] == nil)
        }
    }

    static func kinds(_ hub: SubscriptionHub) async {
        await hub.registerKind("newHeads")
        await hub.registerKind("newKeystones", namespace: "kss")
        await hub.registerKind("logs") { (params: RPCParams) throws(RPCError) -> SubscriptionFilter? in
            guard let filter = try params.optionalObject(0), let address = filter["address"] else { return nil }
            let want = try address.address("address")
            return { event in (try? event["address"]?.address()) == want ? event : nil }
        }
    }

    @Test func webSocketSubscriptions() async throws {
        let hub = SubscriptionHub()
        await Self.kinds(hub)
        try await Self.server(hub: hub).makeApplication().test(.live) { client in
            let port = try #require(client.port)
            try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/", logger: Logger(label: "test.ws")) {
                inbound, outbound, _ in
                var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                func next() async throws -> JSONValue {
                    guard case .text(let t)? = try await messages.next() else { throw RPCError.internalError("closed") }
                    return try JSONParser.parse(t)
                }
                func send(_ text: String) async throws { try await outbound.write(.text(text)) }

                // Plain calls work over WebSocket.
                try await send(#"{"jsonrpc":"2.0","method":"eth_chainId","id":1}"#)
                #expect(try await next() == ["jsonrpc": "2.0", "id": 1, "result": "0x7a69"])

                try await send(#"{"jsonrpc":"2.0","method":"eth_subscribe","params":["newHeads"],"id":2}"#)
                let subID = try #require(try await next()["result"]?.stringValue)
                #expect(subID.hasPrefix("0x"))
                try await send(#"{"jsonrpc":"2.0","method":"kss_subscribe","params":["newKeystones"],"id":3}"#)
                let kssID = try #require(try await next()["result"]?.stringValue)
                let addr = "0x" + String(repeating: "ab", count: 20)
                try await send(#"{"jsonrpc":"2.0","method":"eth_subscribe","params":["logs",{"address":"\#(addr)"}],"id":4}"#)
                let logsID = try #require(try await next()["result"]?.stringValue)
                // Unknown kind and bad filter params.
                try await send(#"{"jsonrpc":"2.0","method":"eth_subscribe","params":["nope"],"id":5}"#)
                #expect(try await next()["error"] == ["code": -32601, "message": #"no "nope" subscription in eth namespace"#])
                try await send(#"{"jsonrpc":"2.0","method":"eth_subscribe","params":["logs",{"address":"0x12"}],"id":6}"#)
                #expect(try await next()["error"]?["code"] == -32602)

                #expect(await hub.publish("newHeads", result: ["number": "0x1"]) == 1)
                #expect(try await next() == [
                    "jsonrpc": "2.0", "method": "eth_subscription",
                    "params": ["subscription": .string(subID), "result": ["number": "0x1"]],
                ])
                #expect(await hub.publish("newKeystones", namespace: "kss", result: ["l2Number": "0x19"]) == 1)
                #expect(try await next() == [
                    "jsonrpc": "2.0", "method": "kss_subscription",
                    "params": ["subscription": .string(kssID), "result": ["l2Number": "0x19"]],
                ])
                // The logs filter drops other addresses.
                let other: JSONValue = ["address": .string("0x" + String(repeating: "cd", count: 20)), "n": 1]
                let mine: JSONValue = ["address": .string(addr), "n": 2]
                #expect(await hub.publish("logs", results: [other, mine]) == 1)
                #expect(try await next()["params"]?["result"] == mine)

                // Unsubscribe: true once, then "subscription not found".
                try await send(#"{"jsonrpc":"2.0","method":"eth_unsubscribe","params":["\#(subID)"],"id":7}"#)
                #expect(try await next() == ["jsonrpc": "2.0", "id": 7, "result": true])
                try await send(#"{"jsonrpc":"2.0","method":"eth_unsubscribe","params":["\#(subID)"],"id":8}"#)
                #expect(try await next()["error"]?["code"] == -32000)
                // The kss id is not an eth subscription.
                try await send(#"{"jsonrpc":"2.0","method":"eth_unsubscribe","params":["\#(kssID)"],"id":9}"#)
                #expect(try await next()["error"]?["code"] == -32000)
                #expect(await hub.publish("newHeads", result: ["number": "0x2"]) == 0)
                _ = logsID
                try await outbound.close(.normalClosure, reason: nil)
            }
            // Closing the socket drops the connection's subscriptions.
            var remaining = await hub.count
            for _ in 0..<200 where remaining > 0 {
                try await Task.sleep(for: .milliseconds(10))
                remaining = await hub.count
            }
            #expect(remaining == 0)
        }
    }

    /// A client that stops reading is disconnected once its queue overflows; memory stays bounded.
    @Test func slowConsumerIsDisconnected() async throws {
        let hub = SubscriptionHub()
        await Self.kinds(hub)
        let limits = RPCLimits(maxRequestBytes: 4096, maxQueuedMessages: 8, maxQueuedBytes: 1 << 20)
        try await Self.server(limits: limits, hub: hub).makeApplication().test(.live) { client in
            let port = try #require(client.port)
            try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/", logger: Logger(label: "test.ws")) {
                inbound, outbound, _ in
                var messages = inbound.messages(maxSize: 1 << 22).makeAsyncIterator()
                try await outbound.write(.text(#"{"jsonrpc":"2.0","method":"eth_subscribe","params":["newHeads"],"id":1}"#))
                _ = try await messages.next()
                // Stop reading; publish 64 KiB events until the server gives up on us.
                let blob: JSONValue = ["extraData": .string(String(repeating: "f", count: 65536))]
                var published = 0
                while await hub.count > 0, published < 4000 {
                    await hub.publish("newHeads", result: blob)
                    published += 1
                    if published % 50 == 0 { try await Task.sleep(for: .milliseconds(5)) }
                }
                #expect(await hub.count == 0, "still subscribed after \(published) events")
                // Draining what arrived ends with the connection closed by the server.
                var drained = 0
                while let _ = try? await messages.next(), drained < 10_000 { drained += 1 }
            }
        }
    }

    /// The same cut-off without sockets: a connection nobody drains.
    @Test func slowConsumerUnit() async throws {
        let hub = SubscriptionHub()
        await hub.registerKind("newHeads")
        let limits = RPCLimits(maxQueuedMessages: 3)
        let dispatcher = RPCDispatcher(registry: RPCMethodRegistry(), limits: limits, hub: hub)
        let connection = RPCConnection(limits: limits)
        await dispatcher.serve(Array(#"{"jsonrpc":"2.0","method":"eth_subscribe","params":["newHeads"],"id":1}"#.utf8), on: connection)
        #expect(connection.queuedMessages == 1)
        #expect(await hub.publish("newHeads", result: 1) == 1)
        #expect(await hub.publish("newHeads", result: 2) == 1)
        #expect(connection.closeReason == nil)
        #expect(await hub.publish("newHeads", result: 3) == 0)
        #expect(connection.closeReason == .slowConsumer)
        #expect(connection.queuedMessages == 0)
        #expect(await hub.count == 0)
        #expect(await connection.next() == nil)
    }

    /// Responses and notifications leave a connection in order; subscribe's answer precedes its events.
    @Test func connectionOrder() async throws {
        let hub = SubscriptionHub()
        await hub.registerKind("newHeads")
        let dispatcher = RPCDispatcher(registry: RPCMethodRegistry(), hub: hub)
        let connection = RPCConnection()
        await dispatcher.serve(Array(#"{"jsonrpc":"2.0","method":"eth_subscribe","params":["newHeads"],"id":1}"#.utf8), on: connection)
        await hub.publish("newHeads", result: "a")
        let first = try JSONParser.parse(try #require(await connection.next()))
        let id = try #require(first["result"]?.stringValue)
        let second = try JSONParser.parse(try #require(await connection.next()))
        #expect(second == ["jsonrpc": "2.0", "method": "eth_subscription", "params": ["subscription": .string(id), "result": "a"]])
        connection.close()
        #expect(await connection.next() == nil)
    }
}
