import Bitcoin
import BitcoinNode
import BitcoinTestSupport
import BitcoinView
import Hashing
import KVStore
import Logging
import NIOCore
import NIOPosix
import Primitives
import Testing

@testable import BitcoinAPI

/// A line-oriented JSON-RPC client over a real TCP connection.
final class LineClient {
    let channel: any Channel
    var it: AsyncStream<[UInt8]>.AsyncIterator
    var notifications: [JSON] = []
    var nextID: Int64 = 1

    init(port: Int) async throws {
        let (stream, cont) = AsyncStream<[UInt8]>.makeStream()
        channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { ch in
                ch.eventLoop.makeCompletedFuture {
                    try ch.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineDecoder(maxLength: 50_000_000)))
                    try ch.pipeline.syncOperations.addHandler(ElectrumChannelHandler(lines: cont))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        it = stream.makeAsyncIterator()
    }

    func sendLine(_ s: String) async throws {
        try await channel.writeAndFlush(ByteBuffer(string: s + "\n"))
    }

    /// The next line, or nil when the server closed the connection.
    func readLine() async throws -> JSON? {
        guard let line = await it.next() else { return nil }
        return try JSON.parse(line)
    }

    /// Sends a request and returns its response (notifications read meanwhile are kept).
    func call(_ method: String, _ params: [JSON] = []) async throws -> JSON {
        let id = nextID
        nextID += 1
        let req = JSON.object([("jsonrpc", .string("2.0")), ("id", .int(id)), ("method", .string(method)), ("params", .array(params))])
        try await sendLine(req.serialized())
        while true {
            guard let r = try await readLine() else { throw APIError(0, "closed") }
            if r["id"] == .int(id) { return r }
            notifications.append(r)
        }
    }

    /// The result of a call; records an issue on an error response.
    func result(_ method: String, _ params: [JSON] = []) async throws -> JSON {
        let r = try await call(method, params)
        if let e = r["error"] { Issue.record("\(method) failed: \(e.serialized())") }
        return r["result"] ?? .null
    }

    /// Waits for a notification of `method` (whose first parameter is `first`, when given).
    func notification(_ method: String, first: JSON? = nil) async throws -> JSON? {
        func matches(_ r: JSON) -> Bool { r["method"]?.stringValue == method && (first == nil || r["params"]?[0] == first) }
        if let i = notifications.firstIndex(where: matches) { return notifications.remove(at: i) }
        while let r = try await readLine() {
            if matches(r) { return r }
            notifications.append(r)
        }
        return nil
    }

    func close() async { try? await channel.close() }
}

/// The expectations computed from the blocks the test built (independent of the node's indexes).
struct Expected {
    var utxos: [OutPoint: ([UInt8], Int64, Int)] = [:]
    var history: [[UInt8]: [(Int, TxID)]] = [:]
    var outputs: [OutPoint: [UInt8]] = [:]

    mutating func apply(_ block: Block, height: Int) {
        for tx in block.transactions {
            let txid = tx.computeTxID()
            var touched: [[UInt8]] = []
            if !tx.isCoinbase {
                for i in tx.inputs {
                    utxos[i.prevout] = nil
                    if let s = outputs[i.prevout] { touched.append(s) }
                }
            }
            for (o, out) in tx.outputs.enumerated() where out.scriptPubKey.first != 0x6a {
                let op = OutPoint(txid: txid, vout: UInt32(o))
                utxos[op] = (out.scriptPubKey, out.value, height)
                outputs[op] = out.scriptPubKey
                touched.append(out.scriptPubKey)
            }
            for s in Set(touched) { history[s, default: []].append((height, txid)) }
        }
    }

    func balance(_ script: [UInt8]) -> Int64 { utxos.values.filter { $0.0 == script }.reduce(0) { $0 + $1.1 } }

    /// Electrum's status: sha256 of "txid:height:" for each history item, hex.
    func status(_ script: [UInt8]) -> JSON {
        guard let h = history[script], !h.isEmpty else { return .null }
        let s = h.map { "\($0.1.displayHex):\($0.0):" }.joined()
        return .string(SHA256Hash.hash(Array(s.utf8)).hex)
    }
}

/// Electrum's script hash: sha256(script) in reversed byte order, hex.
func electrumHash(_ script: [UInt8]) -> String { Hex.encode(SHA256Hash.hash(script).bytes.reversed()) }

@Suite(.serialized) struct ElectrumServerTests {
    @Test func electrumOverTCP() async throws {
        let store = MemoryStore(tables: NodeTables.all)
        let config = ChainConfig(params: .regtest, verifyScripts: true, scriptParallelism: 1)
        var gen = ChainGenerator(seed: 77)
        var blocks: [Block] = []
        do {
            let chain = try BitcoinChain(store: store, config: config)
            for _ in 0..<130 { blocks.append(try await gen.mineNext(chain, maxTxs: 3)) }
        }
        // The service reopens the store the blocks were mined into.
        let service = try ChainService(store: store, config: config)
        try await service.activateBestChain()
        #expect(await service.tip().height == 130)
        var expected = Expected()
        for (i, b) in blocks.enumerated() { expected.apply(b, height: i + 1) }
        #expect(blocks.dropFirst(100).contains { $0.transactions.count > 1 })

        let backend = APIBackend(chain: service, params: .regtest)
        let server = ElectrumServer(backend: backend, pollInterval: .milliseconds(50))
        let (portStream, portCont) = AsyncStream<Int>.makeStream()
        let serverTask = Task { try await server.run(host: "127.0.0.1", port: 0, ready: { portCont.yield($0) }) }
        defer { serverTask.cancel() }
        var pit = portStream.makeAsyncIterator()
        let port = try #require(await pit.next())
        let c = try await LineClient(port: port)

        // server.*
        #expect(try await c.result("server.version", [.string("test"), .array([.string("1.4"), .string("1.4.2")])])
            == .array([.string("hemi-swift 0.1"), .string("1.4")]))
        #expect(try await c.call("server.version", [.string("test"), .string("1.5")])["error"] != nil)
        let features = try await c.result("server.features")
        // Regtest genesis (Bitcoin Core chainparams).
        #expect(features["genesis_hash"] == .string("0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206"))
        #expect(features["hash_function"] == .string("sha256"))
        #expect(try await c.result("server.ping") == .null)
        #expect(try await c.result("server.peers.subscribe") == .array([]))
        #expect(try await c.result("server.banner").stringValue != nil)
        #expect(try await c.result("server.donation_address").stringValue != nil)

        // Headers.
        let tipHeight = blocks.count
        let sub = try await c.result("blockchain.headers.subscribe")
        #expect(sub["height"] == .int(Int64(tipHeight)))
        #expect(sub["hex"] == .string(blocks[tipHeight - 1].header.serialized().hex))
        for h in [1, 50, tipHeight] {
            #expect(try await c.result("blockchain.block.header", [.int(Int64(h))]) == .string(blocks[h - 1].header.serialized().hex))
        }
        #expect(try await c.call("blockchain.block.header", [.int(Int64(tipHeight + 1))])["error"] != nil)
        let hs = try await c.result("blockchain.block.headers", [.int(5), .int(10)])
        #expect(hs["count"] == .int(10))
        #expect(hs["max"] == .int(2016))
        #expect(hs["hex"] == .string(blocks[4..<14].map { $0.header.serialized().hex }.joined()))
        let tail = try await c.result("blockchain.block.headers", [.int(Int64(tipHeight - 1)), .int(100)])
        #expect(tail["count"] == .int(2))

        // Script hashes: every wallet script against the expectations from the built blocks.
        let wallet = gen.wallet
        for key in wallet.keys {
            let sh = JSON.string(electrumHash(key.script))
            let bal = try await c.result("blockchain.scripthash.get_balance", [sh])
            #expect(bal["confirmed"] == .int(expected.balance(key.script)))
            #expect(bal["unconfirmed"] == .int(0))
            let hist = try await c.result("blockchain.scripthash.get_history", [sh])
            let want = (expected.history[key.script] ?? []).map { JSON.object([("tx_hash", .string($0.1.displayHex)), ("height", .int(Int64($0.0)))]) }
            #expect(hist == .array(want))
            #expect(try await c.result("blockchain.scripthash.subscribe", [sh]) == expected.status(key.script))
            let lu = try await c.result("blockchain.scripthash.listunspent", [sh]).arrayValue ?? []
            let got = Set(lu.compactMap { u -> String? in
                guard let t = u["tx_hash"]?.stringValue, let p = u["tx_pos"]?.intValue, let v = u["value"]?.intValue, let h = u["height"]?.intValue else { return nil }
                return "\(t):\(p):\(v):\(h)"
            })
            let wantU = Set(expected.utxos.filter { $0.value.0 == key.script }.map { "\($0.key.txid.displayHex):\($0.key.vout):\($0.value.1):\($0.value.2)" })
            #expect(got == wantU)
            #expect(try await c.result("blockchain.scripthash.get_mempool", [sh]) == .array([]))
        }
        // An unknown script: empty and a null status.
        let nobody = JSON.string(electrumHash([0x51, 0x52]))
        #expect(try await c.result("blockchain.scripthash.subscribe", [nobody]) == .null)
        #expect(try await c.result("blockchain.scripthash.unsubscribe", [nobody]) == .bool(true))
        #expect(try await c.result("blockchain.scripthash.unsubscribe", [nobody]) == .bool(false))
        #expect(try await c.call("blockchain.scripthash.get_balance", [.string("zz")])["error"] != nil)

        // Transactions and merkle proofs.
        let b = blocks[120]
        for (pos, tx) in b.transactions.enumerated() {
            let txid = tx.computeTxID()
            #expect(try await c.result("blockchain.transaction.get", [.string(txid.displayHex)]) == .string(tx.serialized().hex))
            let m = try await c.result("blockchain.transaction.get_merkle", [.string(txid.displayHex), .int(121)])
            #expect(m["pos"] == .int(Int64(pos)))
            #expect(m["block_height"] == .int(121))
            var acc = txid
            var idx = pos
            for h in m["merkle"]?.arrayValue ?? [] {
                guard let s = h.stringValue, let sib = Bytes32(displayHex: s) else { Issue.record("bad branch"); break }
                acc = idx & 1 == 0 ? SHA256Hash.double(acc.bytes + sib.bytes) : SHA256Hash.double(sib.bytes + acc.bytes)
                idx >>= 1
            }
            #expect(acc == b.header.merkleRoot)
        }
        #expect(try await c.call("blockchain.transaction.get", [.string(String(repeating: "ab", count: 32))])["error"] != nil)

        // Fees.
        #expect(try await c.result("blockchain.relayfee") == .double(0.00001))
        let est = try await c.result("blockchain.estimatefee", [.int(2)]).doubleValue ?? 0
        #expect(est >= 0.00001)
        #expect(try await c.result("blockchain.estimatefee", [.int(0)]) == .int(-1))
        #expect(try await c.result("mempool.get_fee_histogram") == .array([]))

        // Broadcast a real signed spend.
        let next = tipHeight + 1
        let coin = try #require(wallet.spendable(at: next).first)
        let dest = wallet.keys[4].script
        let destSH = JSON.string(electrumHash(dest))
        #expect(try await c.result("blockchain.scripthash.subscribe", [destSH]) == expected.status(dest))
        var tx = Transaction(version: 2, inputs: [TxIn(prevout: coin.outpoint, sequence: 0xffff_fffe)],
                             outputs: [TxOut(value: coin.output.value - 5000, scriptPubKey: dest)], lockTime: 0)
        wallet.sign(&tx, spent: [coin])
        let txid = tx.computeTxID()
        // A tampered copy (output value changed after signing) is rejected.
        var bad = tx
        bad.outputs[0].value -= 1
        let rejected = try await c.call("blockchain.transaction.broadcast", [.string(bad.serialized().hex)])
        #expect(rejected["error"] != nil)
        #expect(try await c.call("blockchain.transaction.broadcast", [.string("00")])["error"] != nil)
        #expect(try await c.result("blockchain.transaction.broadcast", [.string(tx.serialized().hex)]) == .string(txid.displayHex))
        #expect(await service.withChain { $0.mempool.entries[txid] != nil })
        let mp = try await c.result("blockchain.scripthash.get_mempool", [destSH])
        #expect(mp == .array([.object([("tx_hash", .string(txid.displayHex)), ("height", .int(0)), ("fee", .int(5000))])]))
        let bal2 = try await c.result("blockchain.scripthash.get_balance", [destSH])
        #expect(bal2["unconfirmed"] == .int(coin.output.value - 5000 - (coin.output.scriptPubKey == dest ? coin.output.value : 0)))
        #expect(try await c.result("blockchain.transaction.get", [.string(txid.displayHex)]) == .string(tx.serialized().hex))
        let hist = try await c.result("mempool.get_fee_histogram").arrayValue ?? []
        #expect(hist.count == 1)
        // The status notification for the mempool transaction: history + "txid:0:".
        let n1 = try #require(try await c.notification("blockchain.scripthash.subscribe", first: destSH))
        var s = (expected.history[dest] ?? []).map { "\($0.1.displayHex):\($0.0):" }.joined()
        s += "\(txid.displayHex):0:"
        #expect(n1["params"] == .array([destSH, .string(SHA256Hash.hash(Array(s.utf8)).hex)]))

        // Mine it: the block carries the transaction; notifications for the new tip and the status.
        let mined = try await service.withChain { try await $0.mineFromMempool(payTo: [0x51]) }
        #expect(mined.transactions.map { $0.computeTxID() }.contains(txid))
        expected.apply(mined, height: next)
        let n2 = try #require(try await c.notification("blockchain.headers.subscribe"))
        #expect(n2["params"] == .array([.object([("height", .int(Int64(next))), ("hex", .string(mined.header.serialized().hex))])]))
        let n3 = try #require(try await c.notification("blockchain.scripthash.subscribe", first: destSH))
        #expect(n3["params"] == .array([destSH, expected.status(dest)]))
        #expect(try await c.result("blockchain.scripthash.get_balance", [destSH])["confirmed"] == .int(expected.balance(dest)))

        // Batch request.
        try await c.sendLine(#"[{"jsonrpc":"2.0","id":900,"method":"server.ping"},{"jsonrpc":"2.0","id":901,"method":"blockchain.relayfee"}]"#)
        var batch: JSON?
        while let r = try await c.readLine() { if r.arrayValue != nil { batch = r; break } }
        #expect(batch?.arrayValue?.count == 2)

        // Malformed lines: errors, then a disconnect after too many.
        try await c.sendLine("this is not json")
        let e1 = try await c.readLine()
        #expect(e1?["error"]?["code"] == .int(-32700))
        #expect(try await c.call("no.such.method")["error"]?["code"] == .int(-32601))
        for _ in 0..<20 { try? await c.sendLine("{bad") }
        var closed = false
        while true {
            guard let r = try? await c.readLine() else { closed = true; break }
            _ = r
        }
        #expect(closed)
        await c.close()

        // An over-long line closes the connection; the server keeps serving others.
        let c2 = try await LineClient(port: port)
        try await c2.sendLine(String(repeating: "x", count: 1_100_000))
        #expect((try? await c2.readLine()) == nil)
        await c2.close()
        let c3 = try await LineClient(port: port)
        #expect(try await c3.result("server.ping") == .null)
        await c3.close()
    }

    @Test func subscriptionAndConnectionLimits() async throws {
        let service = try ChainService(
            store: MemoryStore(tables: NodeTables.all), config: ChainConfig(params: .regtest, verifyScripts: true, scriptParallelism: 1))
        var limits = ElectrumLimits()
        limits.maxSubscriptions = 2
        limits.maxConnections = 1
        let server = ElectrumServer(backend: APIBackend(chain: service, params: .regtest), limits: limits)
        let (portStream, portCont) = AsyncStream<Int>.makeStream()
        let serverTask = Task { try await server.run(host: "127.0.0.1", port: 0, ready: { portCont.yield($0) }) }
        defer { serverTask.cancel() }
        var pit = portStream.makeAsyncIterator()
        let port = try #require(await pit.next())
        let c = try await LineClient(port: port)
        // Genesis only: the tip is height 0 with the regtest genesis header.
        #expect(try await c.result("blockchain.headers.subscribe")["height"] == .int(0))
        for i in 0..<2 {
            #expect(try await c.result("blockchain.scripthash.subscribe", [.string(electrumHash([UInt8(0x51 + i)]))]) == .null)
        }
        #expect(try await c.call("blockchain.scripthash.subscribe", [.string(electrumHash([0x60]))])["error"] != nil)
        // Re-subscribing a script already subscribed is not a new subscription.
        #expect(try await c.call("blockchain.scripthash.subscribe", [.string(electrumHash([0x51]))])["error"] == nil)
        // Hostile parameters: errors, never a crash.
        let huge = JSON.int(Int64.max)
        for (m, p) in [
            ("blockchain.block.headers", [huge, huge]), ("blockchain.block.headers", [.int(-1), .int(5)]),
            ("blockchain.block.header", [huge]), ("blockchain.block.header", [.string("x")]),
            ("blockchain.transaction.get_merkle", [.string(String(repeating: "0", count: 64)), huge]),
            ("blockchain.estimatefee", [huge]), ("blockchain.estimatefee", [.int(Int64.min)]),
            ("blockchain.scripthash.get_history", [.array([])]), ("blockchain.transaction.broadcast", [.string("zz")]),
            ("server.version", [.object([]), .array([.int(1)])]),
        ] as [(String, [JSON])] {
            let r = try await c.call(m, p)
            #expect(r["error"] != nil || r["result"] != nil)
        }
        #expect(try await c.call("blockchain.block.headers", [huge, huge])["error"] != nil)
        // A second connection is over the limit and is closed at once.
        let c2 = try await LineClient(port: port)
        #expect((try? await c2.readLine()) == nil)
        await c2.close()
        #expect(try await c.result("server.ping") == .null)
        await c.close()
    }

    @Test func merkleBranchOfOddTree() {
        // Property: folding the branch of every leaf reproduces Core's root.
        for n in 1...9 {
            let leaves = (0..<n).map { SHA256Hash.hash([UInt8($0)]) }
            let root = Merkle.computeRoot(leaves).root
            for pos in 0..<n {
                var acc = leaves[pos]
                var idx = pos
                for sib in APIBackend<MemoryStore>.merkleBranch(leaves, pos) {
                    acc = idx & 1 == 0 ? SHA256Hash.double(acc.bytes + sib.bytes) : SHA256Hash.double(sib.bytes + acc.bytes)
                    idx >>= 1
                }
                #expect(acc == root)
            }
        }
    }

    @Test func jsonRoundTrip() throws {
        let s = #"{"a":[1,-2,3.5,"x\"\n\u00e9",true,false,null],"b":{}}"#
        let j = try JSON.parse(s)
        #expect(j["a"]?[3] == .string("x\"\né"))
        #expect(try JSON.parse(j.serialized()) == j)
        #expect(throws: JSONError.self) { try JSON.parse("[" + String(repeating: "[", count: 100)) }
        #expect(throws: JSONError.self) { try JSON.parse("{\"a\":1,}") }
        #expect(throws: JSONError.self) { try JSON.parse("1 2") }
    }
}
