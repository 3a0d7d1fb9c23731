import Primitives
import Testing

@testable import RPC

/// Expected answers follow the JSON-RPC 2.0 specification examples (§7) and geth where it is silent.
@Suite struct RPCDispatcherTests {
    static func makeRegistry() -> RPCMethodRegistry {
        var r = RPCMethodRegistry()
        r.registerStandardMethods(chainID: 743111)
        r.register("test_echo") { (params: RPCParams) async throws(RPCError) -> JSONValue in
            .array(params.values)
        }
        r.register("test_subtract") { (params: RPCParams) async throws(RPCError) -> JSONValue in
            try params.expectCount(min: 2, max: 2)
            guard let a = params[0]?.intValue, let b = params[1]?.intValue else { throw .invalidParams("need numbers") }
            return .int(a - b)
        }
        r.register("test_revert") { (params: RPCParams) async throws(RPCError) -> JSONValue in
            throw .executionReverted(output: try params.data(0))
        }
        r.register("test_big") { (params: RPCParams) async throws(RPCError) -> JSONValue in
            .string(String(repeating: "x", count: Int(try params.uint64(0))))
        }
        return r
    }

    let dispatcher = RPCDispatcher(
        registry: makeRegistry(),
        limits: RPCLimits(maxBatchLength: 5, maxResponseBytes: 1000, maxJSONDepth: 16)
    )

    func call(_ text: String) async throws -> JSONValue? {
        guard let bytes = await dispatcher.handle(Array(text.utf8)) else { return nil }
        return try JSONParser.parse(bytes)
    }

    func errorCode(_ v: JSONValue?) -> Int? { v?["error"]?["code"]?.intValue }

    @Test func singleCallsEchoIDs() async throws {
        let r1 = try await call(#"{"jsonrpc":"2.0","method":"test_subtract","params":[42,23],"id":1}"#)
        #expect(r1 == ["jsonrpc": "2.0", "id": 1, "result": 19])
        let r2 = try await call(#"{"jsonrpc":"2.0","method":"test_subtract","params":[23,42],"id":"abc"}"#)
        #expect(r2 == ["jsonrpc": "2.0", "id": "abc", "result": -19])
        let r3 = try await call(#"{"jsonrpc":"2.0","method":"test_echo","id":null}"#)
        #expect(r3 == ["jsonrpc": "2.0", "id": .null, "result": []])
        // Number ids echo verbatim, including forms Int cannot hold.
        let r4 = try await call(#"{"jsonrpc":"2.0","method":"test_echo","id":1.50e3}"#)
        #expect(r4?["id"] == .number("1.50e3"))
        let r5 = try await call(#"{"jsonrpc":"2.0","method":"test_echo","id":123456789012345678901234567890}"#)
        #expect(r5?["id"] == .number("123456789012345678901234567890"))
    }

    @Test func notificationsGetNoResponse() async throws {
        #expect(try await call(#"{"jsonrpc":"2.0","method":"test_echo","params":[1]}"#) == nil)
        #expect(try await call(#"{"jsonrpc":"2.0","method":"no_such_method"}"#) == nil)
        let batch = #"[{"jsonrpc":"2.0","method":"test_echo"},{"jsonrpc":"2.0","method":"test_echo","params":[7]}]"#
        #expect(try await call(batch) == nil)
    }

    @Test func errorsFromTheSpec() async throws {
        // -32601
        let nf = try await call(#"{"jsonrpc":"2.0","method":"foobar","id":"1"}"#)
        #expect(nf == [
            "jsonrpc": "2.0", "id": "1",
            "error": ["code": -32601, "message": "the method foobar does not exist/is not available"],
        ])
        // -32700: invalid JSON, id null
        let pe = try await call(#"{"jsonrpc":"2.0","method":"foobar,"params":"bar","baz]"#)
        #expect(errorCode(pe) == -32700)
        #expect(pe?["id"] == .null)
        // -32600: not a request object
        let ir = try await call(#"{"jsonrpc":"2.0","method":1,"params":"bar"}"#)
        #expect(errorCode(ir) == -32600)
        #expect(ir?["id"] == .null)
        #expect(errorCode(try await call("1")) == -32600)
        #expect(errorCode(try await call(#""eth_chainId""#)) == -32600)
        #expect(errorCode(try await call(#"{"method":"eth_chainId","id":1}"#)) == -32600)
        #expect(errorCode(try await call(#"{"jsonrpc":"1.0","method":"eth_chainId","id":1}"#)) == -32600)
        let badID = try await call(#"{"jsonrpc":"2.0","method":"eth_chainId","id":{"a":1}}"#)
        #expect(errorCode(badID) == -32600)
        #expect(badID?["id"] == .null)
        // -32602: params not an array
        #expect(errorCode(try await call(#"{"jsonrpc":"2.0","method":"test_echo","params":{"a":1},"id":1}"#)) == -32602)
        #expect(errorCode(try await call(#"{"jsonrpc":"2.0","method":"test_echo","params":"x","id":1}"#)) == -32602)
        #expect(errorCode(try await call(#"{"jsonrpc":"2.0","method":"eth_chainId","params":[1],"id":1}"#)) == -32602)
        // Deep nesting is rejected as a parse error, not a crash.
        let deep = String(repeating: "[", count: 17) + String(repeating: "]", count: 17)
        #expect(errorCode(try await call(deep)) == -32700)
    }

    @Test func batches() async throws {
        // Spec example: mixed batch; notifications are skipped, invalid entries answered in place.
        let text = """
            [{"jsonrpc":"2.0","method":"test_subtract","params":[42,23],"id":"2"},
             {"jsonrpc":"2.0","method":"test_echo","params":[7]},
             {"foo":"boo"},
             {"jsonrpc":"2.0","method":"foo.get","params":{"name":"myself"},"id":"5"},
             1]
            """
        let r = try #require(try await call(text)?.arrayValue)
        #expect(r.count == 4)
        #expect(r[0] == ["jsonrpc": "2.0", "id": "2", "result": 19])
        #expect(errorCode(r[1]) == -32600)
        #expect(r[1]["id"] == .null)
        // Unknown method with named params: -32601 (spec example), the method is looked up first.
        #expect(errorCode(r[2]) == -32601)
        #expect(r[2]["id"] == "5")
        #expect(errorCode(r[3]) == -32600)
        // Empty batch: one error object, not an array.
        let empty = try await call("[]")
        #expect(errorCode(empty) == -32600)
        #expect(empty?.arrayValue == nil)
        // Batch of invalid entries: an array of errors.
        let invalid = try #require(try await call("[1,2,3]")?.arrayValue)
        #expect(invalid.map { errorCode($0) } == [-32600, -32600, -32600])
        // Over the batch limit: a single -32600 error carrying the first id (geth).
        let calls = (0..<6).map { #"{"jsonrpc":"2.0","method":"eth_chainId","id":\#($0 + 10)}"# }
        let tooMany = try await call("[" + calls.joined(separator: ",") + "]")
        #expect(tooMany == ["jsonrpc": "2.0", "id": 10, "error": ["code": -32600, "message": "batch too large"]])
    }

    @Test func responseSizeCap() async throws {
        let ok = try await call(#"{"jsonrpc":"2.0","method":"test_big","params":["0x10"],"id":1}"#)
        #expect(ok?["result"]?.stringValue?.count == 16)
        let big = try await call(#"{"jsonrpc":"2.0","method":"test_big","params":["0x800"],"id":7}"#)
        #expect(errorCode(big) == -32005)
        #expect(big?["id"] == 7)
        let batch = (1...3).map { #"{"jsonrpc":"2.0","method":"test_big","params":["0x190"],"id":\#($0)}"# }
        let r = try #require(try await call("[" + batch.joined(separator: ",") + "]")?.arrayValue)
        // 400-byte results: two fit under 1000 bytes, the third does not.
        #expect(r.map { errorCode($0) } == [nil, nil, -32005])
        #expect(r[2]["id"] == 3)
    }

    @Test func revertShape() async throws {
        // Error(string) ABI encoding of "insufficient balance", assembled by hand.
        let payload =
            "0x08c379a0"
            + "0000000000000000000000000000000000000000000000000000000000000020"
            + "0000000000000000000000000000000000000000000000000000000000000014"
            + "696e73756666696369656e742062616c616e6365000000000000000000000000"
        let r = try await call(#"{"jsonrpc":"2.0","method":"test_revert","params":["\#(payload)"],"id":1}"#)
        #expect(r?["error"] == ["code": 3, "message": "execution reverted: insufficient balance", "data": .string(payload)])
        // Panic(0x11) (Solidity checked arithmetic).
        let panic = "0x4e487b71" + String(repeating: "0", count: 62) + "11"
        let p = try await call(#"{"jsonrpc":"2.0","method":"test_revert","params":["\#(panic)"],"id":1}"#)
        #expect(p?["error"]?["message"] == "execution reverted: arithmetic underflow or overflow")
        // Bare revert: no reason, data "0x".
        let bare = try await call(#"{"jsonrpc":"2.0","method":"test_revert","params":["0x"],"id":1}"#)
        #expect(bare?["error"] == ["code": 3, "message": "execution reverted", "data": "0x"])
        // Truncated Error(string) payloads do not decode (and do not crash).
        #expect(RevertReason.decode([0x08, 0xc3, 0x79, 0xa0, 0, 0]) == nil)
        var lying = [UInt8]([0x08, 0xc3, 0x79, 0xa0]) + [UInt8](repeating: 0, count: 64)
        lying[4 + 31] = 0x20
        lying[4 + 63] = 0xff  // claims 255 bytes
        #expect(RevertReason.decode(lying) == nil)
    }

    @Test func standardNamespaces() async throws {
        // web3_sha3 example from the Ethereum JSON-RPC documentation.
        let sha = try await call(#"{"jsonrpc":"2.0","method":"web3_sha3","params":["0x68656c6c6f20776f726c64"],"id":64}"#)
        #expect(sha?["result"] == "0x47173285a8d7341e5e972fc677286384f802f8ef42a5ec5f03bbfa254cb01fad")
        #expect(try await call(#"{"jsonrpc":"2.0","method":"eth_chainId","id":1}"#)?["result"] == "0xb56c7")
        #expect(try await call(#"{"jsonrpc":"2.0","method":"net_version","id":1}"#)?["result"] == "743111")
        #expect(try await call(#"{"jsonrpc":"2.0","method":"net_listening","id":1}"#)?["result"] == true)
        let version = try await call(#"{"jsonrpc":"2.0","method":"web3_clientVersion","id":1}"#)?["result"]?.stringValue
        #expect(version?.hasPrefix("hemi-swift/v") == true)
        let modules = try await call(#"{"jsonrpc":"2.0","method":"rpc_modules","id":1}"#)?["result"]
        #expect(modules == ["eth": "1.0", "net": "1.0", "rpc": "1.0", "test": "1.0", "web3": "1.0"])
        // Subscriptions need a WebSocket.
        let d = RPCDispatcher(registry: RPCMethodRegistry(), hub: SubscriptionHub())
        await d.hub?.registerKind("newHeads")
        let sub = await d.handle(Array(#"{"jsonrpc":"2.0","method":"eth_subscribe","params":["newHeads"],"id":1}"#.utf8))
        #expect(try sub.map { try JSONParser.parse($0) }?["error"]?["message"] == "notifications not supported")
    }
}
