import ArgumentParser
import Bitcoin
import BitcoinAPI
import BitcoinNode
import BitcoinP2P
import KVStore
import Logging
import NIOCore
import NIOPosix
import Primitives

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `hemi btc node`: a Bitcoin node that syncs over P2P into an LMDB store (tbc, issue 5).
struct BtcNode: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Run a Bitcoin node: headers-first sync over P2P into DIR, serving peers.",
        discussion: """
            Connects to every --connect peer (reconnecting with backoff) and, with --listen, accepts \
            inbound peers. Prints a progress line (height, blocks/s, ETA) and keeps DIR/status.json up \
            to date for `hemi btc status`. Stop it with SIGINT/SIGTERM or SIGKILL: each block is \
            committed atomically, so a restart continues where it stopped.
            """
    )

    @Option(help: "mainnet, testnet3, testnet4, signet or regtest.")
    var network = NetworkOption(.regtest)

    @Option(help: "Data directory (the chain store is DIR/chain).")
    var datadir: String

    @Option(name: .customLong("connect"), help: "A peer HOST:PORT to stay connected to (repeatable).")
    var connect: [String] = []

    @Option(help: "Accept inbound peers on ADDR (HOST:PORT, or PORT for 0.0.0.0).")
    var listen: String?

    @Option(help: "Regtest: mine N blocks (paying OP_TRUE) after start-up and announce them.")
    var mine = 0

    @Option(help: "Regtest: the address --mine pays (default OP_TRUE).")
    var mineAddress: String?

    @Option(help: "Regtest: after start-up, mine a block (from the mempool) every SECONDS.")
    var mineInterval: Double?

    @Flag(help: "Regtest: --mine fills blocks with signed spends of the workload wallet (coinbases pay the wallet unless --mine-address).")
    var mineSpends = false

    @Option(help: "Regtest: serve the control channel (`hemi btc mine`) on 127.0.0.1:PORT (0 = any free port).")
    var control: Int?

    @Option(help: "Regtest: seed of the deterministic workload wallet.")
    var walletSeed: UInt64 = 0

    @Option(help: "Serve the Electrum protocol 1.4 on ADDR (HOST:PORT, HOST or PORT; default port 50001).")
    var electrum: String?

    @Option(help: "Serve the tbc websocket API (/v1/ws) on ADDR (HOST:PORT, HOST or PORT; default port 8082).")
    var tbcApi: String?

    @Option(help: "Seconds between progress lines and status.json updates.")
    var statusInterval = 2.0

    @Option(help: "Maximum inbound peers.")
    var maxPeers = 64

    @Flag(help: "Skip script verification (all other rules are checked).")
    var noVerifyScripts = false

    @Flag(help: "Do not fsync each commit (LMDB MDB_NOSYNC): survives a process crash, not an OS crash.")
    var noSync = false

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "notice"

    func run() async throws {
        let params = network.params
        guard mkdir(datadir, 0o755) == 0 || errno == EEXIST else {
            throw ValidationError("cannot create \(datadir): \(String(cString: strerror(errno)))")
        }
        var logger = Logger(label: "hemi.btc")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .notice
        let store = try LMDBStore(
            path: datadir + "/chain", tables: NodeTables.all,
            options: LMDBOptions(mapSize: 1 << 30, durability: noSync ? .noSync : .durable))
        let chainConfig = ChainConfig(
            params: params, verifyScripts: !noVerifyScripts, now: { Int64(time(nil)) })
        let chain = try ChainService(store: store, config: chainConfig)
        try await chain.activateBestChain()

        var p2p = P2PConfiguration(magic: NetworkMagic(params))
        p2p.maxInboundPeers = maxPeers
        for c in connect {
            guard let e = PeerEndpoint(parsing: c, defaultPort: Int(params.defaultPort)) else {
                throw ValidationError("bad --connect \(c)")
            }
            p2p.connect.append(e)
        }
        if let listen {
            let e = Int(listen).map { PeerEndpoint(host: "0.0.0.0", port: $0) }
                ?? PeerEndpoint(parsing: listen, defaultPort: Int(params.defaultPort))
            guard let e else { throw ValidationError("bad --listen \(listen)") }
            p2p.listen = e
        }
        let manager = PeerManager(
            configuration: p2p, chain: chain, mempool: chain, group: MultiThreadedEventLoopGroup.singleton,
            logger: logger)
        let port = try await manager.start()
        let start = await chain.p2pStatus()
        emitLine(
            "hemi btc node: \(network) datadir \(datadir), tip \(start.tipHeight) \(start.tipHash.displayHex)"
                + (port.map { ", listening on port \($0)" } ?? ""))

        let backend = APIBackend(chain: chain, params: params) { txid, wtxid in
            await manager.announceTransaction(txid: txid, wtxid: wtxid)
        }
        var apiTasks: [Task<Void, any Error>] = []
        if let electrum {
            let (host, port) = try apiEndpoint(electrum, defaultPort: 50001)
            let server = ElectrumServer(backend: backend, logger: logger)
            apiTasks.append(Task { try await server.run(host: host, port: port) { emitLine("electrum server listening on \(host):\($0)") } })
        }
        if let tbcApi {
            let (host, port) = try apiEndpoint(tbcApi, defaultPort: 8082)
            let server = TBCAPIServer(backend: backend, logger: logger)
            apiTasks.append(Task { try await server.run(host: host, port: port) { emitLine("tbc api listening on \(host):\($0)") } })
        }
        defer { for t in apiTasks { t.cancel() } }

        let wallet = RegtestWallet(seed: walletSeed)
        var controlPort: Int? = nil
        if let control {
            guard params.network == .regtest else { throw ValidationError("--control is for regtest only") }
            let methods = BtcControlMethods(
                chain: chain, announceBlock: { await manager.announceBlock($0) },
                announceTx: { await manager.announceTransaction(txid: $0, wtxid: $1) }, wallet: wallet)
            let (portStream, portCont) = AsyncStream<Int>.makeStream()
            apiTasks.append(Task {
                defer { portCont.finish() }
                try await BtcControlServer.run(port: control, handler: { await methods.handle($0) }) { p in
                    portCont.yield(p)
                    portCont.finish()
                }
            })
            for await p in portStream { controlPort = p }
            guard let controlPort else { throw ValidationError("cannot bind the control channel on 127.0.0.1:\(control)") }
            emitLine("control channel listening on 127.0.0.1:\(controlPort)")
        }

        var payTo: [UInt8] = [0x51]
        var payToGiven = false
        if let mineAddress {
            guard let a = Address.decode(mineAddress, network: .regtest) else { throw ValidationError("bad --mine-address \(mineAddress)") }
            payTo = a.scriptPubKey
            payToGiven = true
        }
        if mine > 0 {
            guard params.network == .regtest else { throw ValidationError("--mine is for regtest only") }
            let t0 = ContinuousClock.now
            for _ in 0..<mine {
                let header: BlockHeader
                if mineSpends {
                    let script: [UInt8]? = payToGiven ? payTo : nil
                    header = try await chain.withChain { c in try await c.mineWithSpends(wallet: wallet, payTo: script).header }
                } else {
                    header = try await chain.mine(payTo: payTo)
                }
                await manager.announceBlock(header)
            }
            let s = await chain.p2pStatus()
            emitLine("mined \(mine) blocks in \(formatSeconds(ContinuousClock.now - t0)) s, tip \(s.tipHeight) \(s.tipHash.displayHex)")
        }

        if let mineInterval, mineInterval > 0 {
            guard params.network == .regtest else { throw ValidationError("--mine-interval is for regtest only") }
            let script = payTo
            apiTasks.append(Task {
                while !Task.isCancelled {
                    try await Task.sleep(for: .milliseconds(Int(mineInterval * 1000)))
                    let header = try await chain.mine(payTo: script)
                    await manager.announceBlock(header)
                }
            })
        }

        var progress = SyncProgress(height: start.tipHeight, at: .now)
        writeStatus(await chain.p2pStatus(), stats: await manager.statistics(), progress: progress, port: port, relayPool: await chain.mempoolCount(), control: controlPort)
        while !Task.isCancelled {
            try await Task.sleep(for: .milliseconds(Int(statusInterval * 1000)))
            let s = await chain.p2pStatus()
            let stats = await manager.statistics()
            let line = progress.update(status: s, peers: stats.peers, inFlight: stats.blocksInFlight)
            emitLine(line)
            writeStatus(s, stats: stats, progress: progress, port: port, relayPool: await chain.mempoolCount(), control: controlPort)
            if let failure = P2PFailures.shared.failure {
                emitLine("stopping: \(failure)")
                await manager.shutdown()
                throw ExitCode(2)
            }
        }
        await manager.shutdown()
    }

    func writeStatus(_ s: ChainStatus, stats: P2PCounters, progress: SyncProgress, port: Int?, relayPool: Int, control: Int?) {
        let json = """
            {"network":"\(network)","pid":\(getpid()),"updated":\(time(nil)),"listen_port":\(port.map(String.init) ?? "null"),\
            "height":\(s.tipHeight),"tip":"\(s.tipHash.displayHex)","tip_time":\(s.tipTime),\
            "best_header_height":\(s.bestHeaderHeight),"best_header":"\(s.bestHeaderHash.displayHex)",\
            "peers":\(stats.peers),"blocks_in_flight":\(stats.blocksInFlight),\
            "blocks_per_second":\(progress.rate),"eta_seconds":\(progress.etaSeconds.map(String.init) ?? "null"),\
            "blocks_received":\(stats.blocksAccepted),"bans":\(stats.bans),"mempool":\(relayPool),\
            "control_port":\(control.map(String.init) ?? "null")}

            """
        let path = datadir + "/status.json"
        let tmp = path + ".tmp"
        guard let f = fopen(tmp, "wb") else { return }
        _ = json.utf8CString.withUnsafeBufferPointer { fputs($0.baseAddress, f) }
        fclose(f)
        rename(tmp, path)
    }
}

/// `HOST:PORT`, `HOST` or `PORT` → (host, port).
func apiEndpoint(_ s: String, defaultPort: Int) throws -> (String, Int) {
    if let p = Int(s) { return ("0.0.0.0", p) }
    if let i = s.lastIndex(of: ":"), let p = Int(s[s.index(after: i)...]) { return (String(s[..<i]), p) }
    guard !s.isEmpty else { throw ValidationError("bad address \(s)") }
    return (s, defaultPort)
}

/// Blocks/s over the last interval (smoothed) and the ETA to the best header.
struct SyncProgress {
    var lastHeight: Int
    var lastTime: ContinuousClock.Instant
    var rate = 0.0
    var etaSeconds: Int?

    init(height: Int, at t: ContinuousClock.Instant) {
        lastHeight = height
        lastTime = t
    }

    mutating func update(status s: ChainStatus, peers: Int, inFlight: Int) -> String {
        let now = ContinuousClock.now
        let dt = seconds(now - lastTime)
        let instant = dt > 0 ? Double(s.tipHeight - lastHeight) / dt : 0
        rate = rate == 0 ? instant : 0.5 * rate + 0.5 * instant
        rate = (rate * 10).rounded() / 10
        lastHeight = s.tipHeight
        lastTime = now
        let remaining = max(0, s.bestHeaderHeight - s.tipHeight)
        etaSeconds = remaining == 0 ? 0 : rate > 0 ? Int(Double(remaining) / rate) : nil
        let pct = s.bestHeaderHeight > 0 ? 100 * Double(s.tipHeight) / Double(s.bestHeaderHeight) : 100
        return "height \(s.tipHeight)/\(s.bestHeaderHeight) (\(String(format1(pct)))%) peers \(peers) in-flight \(inFlight) "
            + "blocks/s \(rate) ETA \(etaSeconds.map { "\($0) s" } ?? "?")"
    }
}

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

func formatSeconds(_ d: Duration) -> String { format1(seconds(d)) }

/// One decimal place, without Foundation.
func format1(_ x: Double) -> String {
    let tenths = Int((x * 10).rounded())
    return "\(tenths / 10).\(abs(tenths % 10))"
}

/// `hemi btc status`: the state a running `hemi btc node` last wrote to DIR/status.json.
struct BtcStatus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show the sync state of the node using DIR (from DIR/status.json).")

    @Option(help: "The node's data directory.")
    var datadir: String

    @Flag(help: "Print the raw JSON.")
    var json = false

    func run() throws {
        let bytes = try readFile(datadir + "/status.json", limit: 1 << 16)
        let text = String(decoding: bytes, as: UTF8.self)
        if json {
            print(text, terminator: "")
            return
        }
        let fields = parseFlatJSON(text)
        func f(_ k: String) -> String { fields[k] ?? "?" }
        let age = Int(time(nil)) - (Int(f("updated")) ?? 0)
        let running = kill(pid_t(Int32(f("pid")) ?? 0), 0) == 0 && age < 60
        print("network      \(f("network"))")
        print("state        \(running ? "running" : "not running") (updated \(age) s ago, pid \(f("pid")))")
        print("height       \(f("height")) \(f("tip"))")
        print("best header  \(f("best_header_height")) \(f("best_header"))")
        print("synced       \(f("height") == f("best_header_height") ? "yes" : "no")")
        print("peers        \(f("peers")) (listen port \(f("listen_port")))")
        print("blocks/s     \(f("blocks_per_second")), ETA \(f("eta_seconds")) s")
    }
}

/// Keys and scalar values of a flat JSON object (what `BtcNode` writes).
func parseFlatJSON(_ s: String) -> [String: String] {
    var out: [String: String] = [:]
    let body = s.trimmed(["{", "}", "\n", " "])
    for part in body.split(separator: ",") {
        let kv = part.split(separator: ":", maxSplits: 1)
        guard kv.count == 2 else { continue }
        let k = kv[0].trimmed(["\"", " "])
        let v = kv[1].trimmed(["\"", " ", "\n"])
        out[String(k)] = String(v)
    }
    return out
}

extension StringProtocol {
    fileprivate func trimmed(_ set: Set<Character>) -> String {
        var s = Substring(self)
        while let c = s.first, set.contains(c) { s = s.dropFirst() }
        while let c = s.last, set.contains(c) { s = s.dropLast() }
        return String(s)
    }
}

/// Writes one line to standard output unbuffered (progress lines must appear at once when piped).
func emitLine(_ s: String) {
    var line = s + "\n"
    line.withUTF8 { buf in
        var off = 0
        while off < buf.count {
            let n = write(1, buf.baseAddress.map { $0 + off }, buf.count - off)
            if n <= 0 { return }
            off += n
        }
    }
}
