import ArgumentParser
import Bitcoin
import BitcoinAPI
import BitcoinNode
import KVStore
import NIOCore
import NIOPosix
import Primitives

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - Control channel (regtest, loopback only)

/// The regtest control channel of `hemi btc node --control PORT`: TCP on 127.0.0.1, one JSON-RPC
/// request line per connection, answered by one line, then closed (docs/bitcoin-api.md).
enum BtcControlServer {
    /// Longest request line accepted.
    static let maxRequest = 64 * 1024

    /// Binds 127.0.0.1:`port` (0 = any free port) and serves `handler` until cancelled; `ready` gets
    /// the bound port.
    static func run(
        port: Int, handler: @escaping @Sendable (JSON) async -> JSON, ready: @escaping @Sendable (Int) -> Void
    ) async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            // A client may shut down its sending side after the request and still read the reply.
            .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            .bind(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        ready(server.channel.localAddress?.port ?? port)
        try await withTaskCancellationHandler {
            try await server.executeThenClose { inbound in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await conn in inbound {
                        group.addTask { try? await serve(conn, handler: handler) }
                    }
                }
            }
        } onCancel: {
            server.channel.close(promise: nil)
        }
    }

    static func serve(_ conn: NIOAsyncChannel<ByteBuffer, ByteBuffer>, handler: @Sendable (JSON) async -> JSON) async throws {
        try await conn.executeThenClose { inbound, outbound in
            var line: [UInt8] = []
            var complete = false
            for try await buf in inbound {
                line += buf.readableBytesView
                if let i = line.firstIndex(of: 0x0a) {
                    line.removeSubrange(i...)
                    complete = true
                    break
                }
                if line.count > maxRequest { break }
            }
            let reply: JSON
            if !complete && line.count > maxRequest {
                reply = errorReply(id: .null, code: -32600, "request longer than \(maxRequest) bytes")
            } else {
                do {
                    reply = await handler(try JSON.parse(line))
                } catch {
                    reply = errorReply(id: .null, code: -32700, "parse error: \(error)")
                }
            }
            try await outbound.write(ByteBuffer(bytes: Array((reply.serialized() + "\n").utf8)))
        }
    }

    static func errorReply(id: JSON, code: Int64, _ message: String) -> JSON {
        .object([("id", id), ("error", .object([("code", .int(code)), ("message", .string(message))]))])
    }
}

/// The methods of the control channel over a running node.
struct BtcControlMethods: Sendable {
    /// The chain (regtest).
    let chain: ChainService<LMDBStore>
    /// Announces a new block to peers.
    let announceBlock: @Sendable (BlockHeader) async -> Void
    /// Announces a new mempool transaction to peers.
    let announceTx: @Sendable (TxID, WTxID) async -> Void
    /// The workload wallet.
    let wallet: RegtestWallet

    /// Answers one request object `{"id", "method", "params"}`.
    func handle(_ request: JSON) async -> JSON {
        let id = request["id"] ?? .null
        guard let method = request["method"]?.stringValue else {
            return BtcControlServer.errorReply(id: id, code: -32600, "missing method")
        }
        let params = request["params"] ?? .array([])
        do {
            let result = try await call(method, params)
            return .object([("id", id), ("result", result)])
        } catch let e as ControlError {
            return BtcControlServer.errorReply(id: id, code: e.code, e.message)
        } catch {
            return BtcControlServer.errorReply(id: id, code: -1, "\(error)")
        }
    }

    struct ControlError: Error {
        let code: Int64
        let message: String
        static func params(_ m: String) -> ControlError { ControlError(code: -32602, message: m) }
    }

    func call(_ method: String, _ params: JSON) async throws -> JSON {
        switch method {
        case "getblockcount":
            return .int(Int64(await chain.tip().height))
        case "getbestblockhash":
            return .string(await chain.tip().hash.displayHex)
        case "generatetoaddress":
            // Bitcoin Core's shape: [nblocks, address]; blocks come from the mempool.
            guard let n = params[0]?.intValue, let a = params[1]?.stringValue else { throw ControlError.params("expected [nblocks, address]") }
            let hashes = try await generate(blocks: n, address: a, spends: false, maxTxs: 0)
            return .array(hashes.map { .string($0.displayHex) })
        case "generate":
            let n = params["blocks"]?.intValue ?? 1
            let a = params["address"]?.stringValue
            let spends = params["spends"]?.boolValue ?? false
            let maxTxs = params["max_txs"]?.intValue ?? 6
            guard maxTxs >= 0, maxTxs <= 1000 else { throw ControlError.params("max_txs must be 0…1000") }
            let t0 = ContinuousClock.now
            let hashes = try await generate(blocks: n, address: a, spends: spends, maxTxs: Int(maxTxs))
            let tip = await chain.tip()
            return .object([
                ("blocks", .int(Int64(hashes.count))), ("height", .int(Int64(tip.height))), ("tip", .string(tip.hash.displayHex)),
                ("seconds", .double(seconds(ContinuousClock.now - t0))),
                ("hashes", .array(hashes.map { .string($0.displayHex) })),
            ])
        case "getblock":
            // [height] of the active chain or [hash] (display hex) → raw block hex (witness serialization).
            let hash: BlockHash?
            if let h = params[0]?.intValue {
                guard h >= 0 else { throw ControlError.params("negative height") }
                hash = await chain.withChain { $0.activeHash(atHeight: UInt64(h)) }
            } else if let s = params[0]?.stringValue {
                guard let b = Bytes32(displayHex: s) else { throw ControlError.params("bad block hash \(s)") }
                hash = b
            } else {
                throw ControlError.params("expected [height] or [hash]")
            }
            guard let hash, let raw = await chain.rawBlock(hash) else { throw ControlError(code: -5, message: "block not found") }
            return .string(Hex.encode(raw))
        case "sendwallettx":
            let w = wallet
            let result: Result<Transaction?, any Error> = await chain.withChain { c in
                do {
                    guard let tx = try c.walletTransaction(w) else { return .success(nil) }
                    _ = try c.acceptToMempool(tx)
                    return .success(tx)
                } catch {
                    return .failure(error)
                }
            }
            guard let tx = try result.get() else { throw ControlError(code: -6, message: "the wallet has no mature coin to spend") }
            await announceTx(tx.computeTxID(), tx.computeWTxID())
            return .string(tx.computeTxID().displayHex)
        default:
            throw ControlError(code: -32601, message: "unknown method \(method)")
        }
    }

    /// Mines `blocks` blocks one at a time (each announced): with wallet spends, or from the mempool.
    func generate(blocks: Int64, address: String?, spends: Bool, maxTxs: Int) async throws -> [BlockHash] {
        guard blocks >= 0, blocks <= 100_000 else { throw ControlError.params("blocks must be 0…100000") }
        var payTo: [UInt8]? = nil
        if let address {
            guard let a = Address.decode(address, network: .regtest) else { throw ControlError.params("bad regtest address \(address)") }
            payTo = a.scriptPubKey
        }
        var hashes: [BlockHash] = []
        let w = wallet
        for _ in 0..<blocks {
            let script = payTo
            let header: BlockHeader
            if spends {
                header = try await chain.withChain { c in try await c.mineWithSpends(wallet: w, payTo: script, maxTxs: maxTxs).header }
            } else {
                let next = Int(await chain.tip().height) + 1
                header = try await chain.mine(payTo: script ?? w.coinbaseScript(height: next))
            }
            await announceBlock(header)
            hashes.append(header.computeHash())
        }
        return hashes
    }
}

/// A failure talking to the control channel, or the node's error reply (printed without usage).
struct ControlClientError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// Sends one request line to the control channel at 127.0.0.1:`port` and returns the reply object.
func controlRequest(port: Int, method: String, params: JSON) throws -> JSON {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw ControlClientError("socket: \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = in_port_t(UInt16(port).bigEndian)
    addr.sin_addr.s_addr = in_addr_t(UInt32(0x7f00_0001).bigEndian)
    let ok = withUnsafePointer(to: &addr) { p in
        p.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard ok == 0 else { throw ControlClientError("cannot connect to the control channel 127.0.0.1:\(port): \(String(cString: strerror(errno)))") }
    let request = JSON.object([("id", .int(1)), ("method", .string(method)), ("params", params)]).serialized() + "\n"
    var bytes = Array(request.utf8)
    var off = 0
    while off < bytes.count {
        let n = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress! + off, $0.count - off) }
        guard n > 0 else { throw ControlClientError("write to the control channel failed") }
        off += n
    }
    bytes = []
    var buf = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = read(fd, &buf, buf.count)
        if n <= 0 { break }
        bytes += buf[0..<n]
        guard bytes.count < 64 << 20 else { throw ControlClientError("control reply too long") }
    }
    guard let nl = bytes.firstIndex(of: 0x0a) else { throw ControlClientError("the control channel closed without a reply") }
    return try JSON.parse(bytes[..<nl])
}

/// The control port: `--control PORT`, or `control_port` of DIR/status.json.
func controlPort(control: Int?, datadir: String?) throws -> Int {
    if let control { return control }
    guard let datadir else { throw ControlClientError("give --control PORT or --datadir DIR of a node started with --control") }
    let text = String(decoding: try readFile(datadir + "/status.json", limit: 1 << 16), as: UTF8.self)
    guard let p = parseFlatJSON(text)["control_port"].flatMap({ Int($0) }) else {
        throw ControlClientError("\(datadir)/status.json has no control_port (start the node with --control)")
    }
    return p
}

// MARK: - hemi btc mine

/// `hemi btc mine N`: mines N blocks on a running regtest node through its control channel.
struct BtcMine: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mine",
        abstract: "Regtest: mine N blocks on a running `hemi btc node --control PORT`.",
        discussion: """
            Without --spends the blocks carry the node's mempool (Bitcoin Core's generatetoaddress). With \
            --spends each block carries signed spends of the node's deterministic workload wallet (P2PKH, \
            P2WPKH, P2TR key path and script path, OP_RETURN data and PoP keystones); coinbases pay ADDR or, \
            without --address, the wallet. Prints the new tip.
            """
    )

    @Argument(help: "Number of blocks.")
    var blocks: Int

    @Option(help: "Regtest address the coinbases pay (required without --spends).")
    var address: String?

    @Flag(help: "Fill blocks with workload-wallet spends.")
    var spends = false

    @Option(help: "Most wallet transactions per block with --spends.")
    var maxTxs = 6

    @Option(help: "The node's control port.")
    var control: Int?

    @Option(help: "The node's data directory (its status.json names the control port).")
    var datadir: String?

    @Flag(help: "Print the raw JSON reply.")
    var json = false

    func run() throws {
        guard blocks >= 0 else { throw ValidationError("N must be ≥ 0") }
        let port = try controlPort(control: control, datadir: datadir)
        let reply: JSON
        if !spends {
            guard let address else { throw ValidationError("--address is required without --spends") }
            reply = try controlRequest(port: port, method: "generatetoaddress", params: .array([.int(Int64(blocks)), .string(address)]))
        } else {
            var p: [(String, JSON)] = [("blocks", .int(Int64(blocks))), ("spends", .bool(true)), ("max_txs", .int(Int64(maxTxs)))]
            if let address { p.append(("address", .string(address))) }
            reply = try controlRequest(port: port, method: "generate", params: .object(p))
        }
        if let err = reply["error"] {
            throw ControlClientError("node: \(err["message"]?.stringValue ?? err.serialized())")
        }
        if json {
            print(reply["result"]?.serialized() ?? "null")
            return
        }
        let tipHeight = try controlRequest(port: port, method: "getblockcount", params: .array([]))["result"]?.intValue ?? -1
        let tip = try controlRequest(port: port, method: "getbestblockhash", params: .array([]))["result"]?.stringValue ?? "?"
        print("mined \(blocks) blocks, tip \(tipHeight) \(tip)")
    }
}

// MARK: - hemi btc digest

/// `hemi btc digest`: per-table hashes of a node's store, for comparing nodes.
struct BtcDigest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digest",
        abstract: "Print per-table SHA-256 digests of the chain store in DIR (UTXO set, every index, tip).",
        discussion: """
            Walks every table in key order (see ChainDigest). Parts marked `chain` depend on the active \
            chain alone and must match on any two nodes at the same tip; the others (header tree, stored \
            blocks, meta) also reflect what the node has seen. Opens the store read-only: stop the node \
            first for a consistent picture across runs, or read while it runs (one snapshot).
            """
    )

    @Option(help: "The node's data directory.")
    var datadir: String

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        var opts = LMDBOptions()
        opts.readOnly = true
        let store = try LMDBStore(path: datadir + "/chain", tables: NodeTables.all, options: opts)
        let parts = try ChainDigest.compute(store: store)
        let (height, tip) = try tipOf(store)
        if json {
            let arr = parts.map { p in
                JSON.object([
                    ("name", .string(p.name)), ("entries", .int(Int64(p.entries))), ("sha256", .string(p.sha256)),
                    ("chain_state", .bool(p.chainState)),
                ])
            }
            print(JSON.object([("tip_height", .int(height)), ("tip", .string(tip)), ("parts", .array(arr))]).serialized())
            return
        }
        print("tip \(height) \(tip)")
        for p in parts {
            let name = p.name + String(repeating: " ", count: max(1, 20 - p.name.count))
            let n = String(p.entries)
            print(name + String(repeating: " ", count: max(1, 9 - n.count)) + n + "  " + p.sha256 + (p.chainState ? "  chain" : ""))
        }
    }

    /// Height and display hash of `meta.tip`.
    func tipOf(_ store: LMDBStore) throws -> (Int64, String) {
        let meta = try store.table(NodeTables.meta)
        let headers = try store.table(NodeTables.headers)
        return try store.read { r in
            guard let tip = try r.get(meta, Array("tip".utf8)), tip.count == 32 else { return (-1, "none") }
            let rec = try r.get(headers, tip) ?? []
            let height = rec.count >= 8 ? rec.prefix(8).reduce(Int64(0)) { $0 << 8 | Int64($1) } : -1
            return (height, Bytes32(tip).displayHex)
        }
    }
}
