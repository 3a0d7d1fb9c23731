import Bitcoin
import BitcoinNode
import BitcoinTestSupport
import BitcoinView
import Hashing
import HummingbirdWSClient
import KVStore
import Logging
import NIOCore
import Primitives
import Synchronization
import Testing

@testable import BitcoinAPI

@Suite(.serialized) struct TBCAPITests {
    @Test func tbcWebSocketCommands() async throws {
        let store = MemoryStore(tables: NodeTables.all)
        let config = ChainConfig(params: .regtest, verifyScripts: true, scriptParallelism: 1)
        var gen = ChainGenerator(seed: 5)
        var blocks: [Block] = []
        do {
            let chain = try BitcoinChain(store: store, config: config)
            for _ in 0..<115 { blocks.append(try await gen.mineNext(chain, maxTxs: 3)) }
        }
        // The service reopens the store the blocks were mined into.
        let service = try ChainService(store: store, config: config)
        try await service.activateBestChain()
        #expect(await service.tip().height == 115)
        var expected = Expected()
        for (i, b) in blocks.enumerated() { expected.apply(b, height: i + 1) }
        // Keystones first published on this chain (independent scan of the built blocks).
        var firstSeen: [Bytes32: KeystoneAbbrev] = [:]
        for b in blocks {
            for tx in b.transactions {
                for o in tx.outputs { if let k = try? PoPPayload.keystone(fromScript: o.scriptPubKey), firstSeen[k.hash] == nil { firstSeen[k.hash] = k } }
            }
        }
        #expect(!firstSeen.isEmpty)

        let backend = APIBackend(chain: service, params: .regtest)
        let server = TBCAPIServer(backend: backend)
        let (portStream, portCont) = AsyncStream<Int>.makeStream()
        let serverTask = Task { try await server.run(host: "127.0.0.1", port: 0, ready: { portCont.yield($0) }) }
        defer { serverTask.cancel() }
        var pit = portStream.makeAsyncIterator()
        let port = try #require(await pit.next())

        let key = gen.wallet.keys[1]  // P2WPKH
        let address = try #require(Address(scriptPubKey: key.script)).encode(network: .regtest)
        let tip = blocks[blocks.count - 1]
        let someTx = blocks[110].transactions.last!
        let requests: [(String, String)] = [
            ("tbcapi-ping-request", #"{"timestamp":12345}"#),
            ("tbcapi-block-header-best-raw-request", "{}"),
            ("tbcapi-block-header-best-request", "{}"),
            ("tbcapi-block-headers-by-height-request", #"{"height":50}"#),
            ("tbcapi-block-by-hash-raw-request", #"{"hash":"\#(tip.computeHash().displayHex)"}"#),
            ("tbcapi-tx-by-id-raw-request", #"{"tx_id":"\#(someTx.computeTxID().displayHex)"}"#),
            ("tbcapi-balance-by-address-request", #"{"address":"\#(address)"}"#),
            ("tbcapi-utxos-by-address-request", #"{"address":"\#(address)","start":0,"count":1000}"#),
            ("tbcapi-keystones-by-height-request", #"{"height":0,"depth":200}"#),
            ("tbcapi-fee-estimate-request", "{}"),
            ("tbcapi-tx-broadcast-request", #"{"tx":"0011"}"#),
            ("tbcapi-no-such-request", "{}"),
        ]
        let responses = Mutex<[String: JSON]>([:])
        try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/v1/ws", logger: Logger(label: "test")) { inbound, outbound, _ in
            for (i, (cmd, payload)) in requests.enumerated() {
                try await outbound.write(.text(#"{"header":{"command":"\#(cmd)","id":"r\#(i)"},"payload":\#(payload)}"#))
            }
            var got = 0
            for try await msg in inbound.messages(maxSize: 16 << 20) {
                guard case .text(let t) = msg, let j = try? JSON.parse(t), let id = j["header"]?["id"]?.stringValue, id.hasPrefix("r") else { continue }
                responses.withLock { $0[id] = j }
                got += 1
                if got == requests.count { break }
            }
        }
        let r = responses.withLock { $0 }
        func payload(_ i: Int) -> JSON { r["r\(i)"]?["payload"] ?? .null }
        #expect(r["r0"]?["header"]?["command"] == .string("tbcapi-ping-response"))
        #expect(payload(0)["origintimestamp"] == .int(12345))
        #expect(payload(1)["height"] == .int(Int64(blocks.count)))
        #expect(payload(1)["block_header"] == .string(tip.header.serialized().hex))
        #expect(payload(2)["block_header"]?["merkle_root"] == .string(tip.header.merkleRoot.displayHex))
        #expect(payload(3)["block_headers"]?[0]?["prev_hash"] == .string(blocks[48].computeHash().displayHex))
        #expect(payload(4)["block"] == .string(tip.serialized().hex))
        #expect(payload(5)["tx"] == .string(someTx.serialized().hex))
        #expect(payload(6)["balance"] == .int(expected.balance(key.script)))
        let utxos = payload(7)["utxos"]?.arrayValue ?? []
        #expect(utxos.count == expected.utxos.values.filter { $0.0 == key.script }.count)
        #expect(utxos.reduce(Int64(0)) { $0 + ($1["value"]?.intValue ?? 0) } == expected.balance(key.script))
        let ks = payload(8)["l2_keystone_abrevs"]?.arrayValue ?? []
        #expect(Set(ks.compactMap { $0["state_root"]?.stringValue }) == Set(firstSeen.values.map { $0.stateRoot.hex }))
        #expect(ks.count == firstSeen.count)
        #expect(payload(9)["fee_estimate"]?.arrayValue?.count == 6)
        #expect(payload(10)["error"]?["message"] != nil)
        #expect(payload(11)["error"]?["message"] != nil)
    }
}
