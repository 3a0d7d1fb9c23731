import Primitives
import Bitcoin
import BitcoinView
import BitcoinNode
public import KVStore
public import NIOCore
public import NIOPosix
public import Logging
import Hashing
import Synchronization

/// Limits of the Electrum server.
public struct ElectrumLimits: Sendable {
    /// Longest request line in bytes (longer: the connection is closed).
    public var maxLineLength = 1_000_000
    /// Script-hash subscriptions per connection.
    public var maxSubscriptions = 10_000
    /// Malformed requests tolerated per connection before it is closed.
    public var maxBadRequests = 10
    /// Requests in one batch.
    public var maxBatch = 1_000
    /// Open connections (more are closed at once).
    public var maxConnections = 1_000
    public init() {}
}

/// Splits a byte stream at `\n` (a trailing `\r` is dropped), refusing lines longer than the limit.
struct LineDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer
    let maxLength: Int

    struct LineTooLong: Error {}

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        if let nl = buffer.readableBytesView.firstIndex(of: 0x0a) {
            let len = nl - buffer.readerIndex
            guard len <= maxLength, var line = buffer.readSlice(length: len) else { throw LineTooLong() }
            buffer.moveReaderIndex(forwardBy: 1)
            if line.readableBytesView.last == 0x0d { line = line.getSlice(at: line.readerIndex, length: line.readableBytes - 1) ?? line }
            context.fireChannelRead(wrapInboundOut(line))
            return .continue
        }
        if buffer.readableBytes > maxLength { throw LineTooLong() }
        return .needMoreData
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

/// Hands each line to the connection's session; closes on decoder errors.
final class ElectrumChannelHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let lines: AsyncStream<[UInt8]>.Continuation

    init(lines: AsyncStream<[UInt8]>.Continuation) { self.lines = lines }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buf = unwrapInboundIn(data)
        lines.yield(Array(buf.readableBytesView))
    }

    func channelInactive(context: ChannelHandlerContext) {
        lines.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        lines.finish()
        context.close(promise: nil)
    }
}

/// An Electrum protocol 1.4 server (TCP, newline-delimited JSON-RPC 2.0) over the node
/// (see `docs/bitcoin-api.md`). Script hashes are Electrum's: SHA-256 of the output script, hex in
/// reversed byte order; the node's index key is the unreversed hash (``ScriptHash``).
public final class ElectrumServer<Store: KVStore>: Sendable {
    public let backend: APIBackend<Store>
    let limits: ElectrumLimits
    let logger: Logger
    let sessions = ElectrumSessions()
    let openConnections = Mutex(0)
    let banner: String
    let pollInterval: Duration

    public init(backend: APIBackend<Store>, limits: ElectrumLimits = ElectrumLimits(), banner: String = "hemi-swift Electrum server",
                pollInterval: Duration = .milliseconds(200), logger: Logger = Logger(label: "hemi.electrum")) {
        self.backend = backend
        self.limits = limits
        self.logger = logger
        self.banner = banner
        self.pollInterval = pollInterval
    }

    /// Binds `host:port` (port 0 picks one) and serves until the task is cancelled; `ready` gets the bound port.
    public func run(host: String, port: Int, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                    ready: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        let maxLine = limits.maxLineLength
        let maxConnections = limits.maxConnections
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] ch in
                let admitted = openConnections.withLock { n in
                    guard n < maxConnections else { return false }
                    n += 1
                    return true
                }
                guard admitted else { return ch.close() }
                let (stream, cont) = AsyncStream<[UInt8]>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
                do {
                    try ch.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineDecoder(maxLength: maxLine)))
                    try ch.pipeline.syncOperations.addHandler(ElectrumChannelHandler(lines: cont))
                } catch {
                    return ch.eventLoop.makeFailedFuture(error)
                }
                let session = ElectrumSession(channel: ch, server: self)
                Task { await self.serve(session, lines: stream) }
                return ch.eventLoop.makeSucceededVoidFuture()
            }
            .bind(host: host, port: port).get()
        ready(channel.localAddress?.port ?? port)
        logger.info("electrum server listening on \(host):\(channel.localAddress?.port ?? port)")
        await withTaskCancellationHandler {
            await pollLoop()
        } onCancel: {
            channel.close(promise: nil)
        }
        try? await channel.close()
    }

    func serve(_ session: ElectrumSession<Store>, lines: AsyncStream<[UInt8]>) async {
        await sessions.add(session)
        for await line in lines {
            let keep = await session.handleLine(line)
            if !keep {
                session.channel.close(promise: nil)
                break
            }
        }
        await sessions.remove(session)
        openConnections.withLock { $0 -= 1 }
    }

    /// Notifies subscribers when the tip or the mempool changes.
    func pollLoop() async {
        var lastTip = BlockHash.zero
        var lastPool = Set<TxID>()
        while !Task.isCancelled {
            try? await Task.sleep(for: pollInterval)
            guard let tip = try? await backend.sync() else { continue }
            let pool = Set(await backend.mempool().map(\.txid))
            let tipChanged = tip.hash != lastTip
            guard tipChanged || pool != lastPool else { continue }
            lastTip = tip.hash
            lastPool = pool
            for s in await sessions.all() { await s.notify(tipChanged: tipChanged) }
        }
    }
}

/// The open sessions.
actor ElectrumSessions {
    var byID: [ObjectIdentifier: any ElectrumNotifiable] = [:]
    func add(_ s: some ElectrumNotifiable) { byID[ObjectIdentifier(s)] = s }
    func remove(_ s: some ElectrumNotifiable) { byID[ObjectIdentifier(s)] = nil }
    func all() -> [any ElectrumNotifiable] { Array(byID.values) }
}

protocol ElectrumNotifiable: AnyObject, Sendable {
    func notify(tipChanged: Bool) async
}

/// One client connection: its subscriptions and request handling.
actor ElectrumSession<Store: KVStore>: ElectrumNotifiable {
    let channel: any Channel
    let server: ElectrumServer<Store>
    var backend: APIBackend<Store> { server.backend }
    var headersSubscribed = false
    var lastTipHeight: UInt64?
    /// Subscribed script hashes (Electrum hex) and the last status sent.
    var subscriptions: [String: String?] = [:]
    var badRequests = 0

    init(channel: any Channel, server: ElectrumServer<Store>) {
        self.channel = channel
        self.server = server
    }

    func send(_ j: JSON) {
        var buf = channel.allocator.buffer(capacity: 256)
        buf.writeString(j.serialized())
        buf.writeInteger(UInt8(0x0a))
        channel.writeAndFlush(buf, promise: nil)
    }

    /// Handles one line; false when the connection should close.
    func handleLine(_ line: [UInt8]) async -> Bool {
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0d }) { return true }
        let req: JSON
        do { req = try JSON.parse(line) } catch {
            badRequests += 1
            send(Self.error(id: .null, code: -32700, message: "parse error"))
            return badRequests < server.limits.maxBadRequests
        }
        if case let .array(items) = req {
            guard !items.isEmpty, items.count <= server.limits.maxBatch else {
                badRequests += 1
                send(Self.error(id: .null, code: -32600, message: "invalid batch"))
                return badRequests < server.limits.maxBadRequests
            }
            var out: [JSON] = []
            for item in items { if let r = await handle(item) { out.append(r) } }
            if !out.isEmpty { send(.array(out)) }
        } else if let r = await handle(req) {
            send(r)
        }
        return badRequests < server.limits.maxBadRequests
    }

    static func error(id: JSON, code: Int, message: String) -> JSON {
        .object([("jsonrpc", .string("2.0")), ("error", .object([("code", .int(Int64(code))), ("message", .string(message))])), ("id", id)])
    }

    func handle(_ req: JSON) async -> JSON? {
        guard case .object = req, let method = req["method"]?.stringValue else {
            badRequests += 1
            return Self.error(id: req["id"] ?? .null, code: -32600, message: "invalid request")
        }
        let id = req["id"] ?? .null
        let params: [JSON]
        switch req["params"] {
        case nil, .some(.null): params = []
        case let .some(.array(a)): params = a
        case let .some(.object(kv)): params = kv.map(\.1)
        default:
            return Self.error(id: id, code: -32602, message: "invalid params")
        }
        do {
            let result = try await call(method, params)
            if req["id"] == nil { return nil }  // a notification from the client
            return .object([("jsonrpc", .string("2.0")), ("result", result), ("id", id)])
        } catch {
            return Self.error(id: id, code: error.code, message: error.message)
        }
    }

    func scriptHash(_ p: [JSON], _ i: Int = 0) throws(APIError) -> (String, ScriptHash) {
        guard let s = p.count > i ? p[i].stringValue : nil, let b = Bytes32(displayHex: s) else {
            throw APIError(-32602, "invalid script hash")
        }
        return (s.lowercased(), ScriptHash(b))
    }

    func intParam(_ p: [JSON], _ i: Int, default d: Int64? = nil) throws(APIError) -> Int64 {
        if p.count > i, let v = p[i].intValue { return v }
        if p.count <= i || p[i] == .null, let d { return d }
        throw APIError(-32602, "parameter \(i) must be an integer")
    }

    func headerJSON(_ r: HeaderRecord) -> JSON {
        .object([("height", .int(Int64(r.height))), ("hex", .string(r.header.serialized().hex))])
    }

    func call(_ method: String, _ p: [JSON]) async throws(APIError) -> JSON {
        switch method {
        case "server.version":
            // Accept "1.4" or a [min, max] range containing 1.4.
            if p.count > 1 {
                var ok = true
                if let v = p[1].stringValue { ok = Self.versionLE(v, "1.4") }
                else if let a = p[1].arrayValue, a.count == 2, let lo = a[0].stringValue, let hi = a[1].stringValue {
                    ok = Self.versionLE(lo, "1.4") && Self.versionLE("1.4", hi)
                }
                if !ok { throw APIError(1, "unsupported protocol version") }
            }
            return .array([.string("hemi-swift 0.1"), .string("1.4")])
        case "server.banner": return .string(server.banner)
        case "server.ping": return .null
        case "server.donation_address": return .string("")
        case "server.peers.subscribe": return .array([])
        case "server.features":
            return .object([
                ("genesis_hash", .string(backend.params.genesisHash.displayHex)),
                ("hosts", .object([])), ("protocol_max", .string("1.4")), ("protocol_min", .string("1.4")),
                ("pruning", .null), ("server_version", .string("hemi-swift 0.1")), ("hash_function", .string("sha256")),
            ])
        case "blockchain.headers.subscribe":
            headersSubscribed = true
            let t = try await backend.tipHeader()
            lastTipHeight = t.height
            return headerJSON(t)
        case "blockchain.block.header":
            let h = try intParam(p, 0)
            let cp = try intParam(p, 1, default: 0)
            guard cp == 0 else { throw APIError(1, "cp_height is not supported") }
            guard h >= 0, let r = try await backend.header(height: UInt64(h)) else { throw APIError(1, "height \(h) out of range") }
            return .string(r.header.serialized().hex)
        case "blockchain.block.headers":
            let start = try intParam(p, 0)
            let count = try intParam(p, 1)
            let cp = try intParam(p, 2, default: 0)
            guard cp == 0 else { throw APIError(1, "cp_height is not supported") }
            guard start >= 0, start <= Int64(UInt32.max), count >= 0 else { throw APIError(1, "bad range") }
            var hex = ""
            var n: Int64 = 0
            while n < min(count, 2016), let r = try await backend.header(height: UInt64(start + n)) {
                hex += r.header.serialized().hex
                n += 1
            }
            return .object([("count", .int(n)), ("hex", .string(hex)), ("max", .int(2016))])
        case "blockchain.scripthash.get_balance":
            let (_, sh) = try scriptHash(p)
            let b = try await backend.balance(sh)
            return .object([("confirmed", .int(Int64(clamping: b.confirmed))), ("unconfirmed", .int(b.unconfirmed))])
        case "blockchain.scripthash.get_history":
            let (_, sh) = try scriptHash(p)
            return .array(try await backend.history(sh).map(Self.historyJSON))
        case "blockchain.scripthash.get_mempool":
            let (_, sh) = try scriptHash(p)
            return .array(try await backend.mempoolHistory(sh).map(Self.historyJSON))
        case "blockchain.scripthash.listunspent":
            let (_, sh) = try scriptHash(p)
            return .array(try await backend.unspent(sh).map { u -> JSON in
                JSON.object([("tx_hash", .string(u.outpoint.txid.displayHex)), ("tx_pos", .int(Int64(u.outpoint.vout))),
                         ("height", .int(Int64(u.height))), ("value", .int(Int64(clamping: u.value)))])
            })
        case "blockchain.scripthash.subscribe":
            let (key, sh) = try scriptHash(p)
            if subscriptions[key] == nil, subscriptions.count >= server.limits.maxSubscriptions {
                throw APIError(1, "too many subscriptions")
            }
            let st = try await backend.status(sh)
            subscriptions[key] = .some(st)
            return st.map { JSON.string($0) } ?? JSON.null
        case "blockchain.scripthash.unsubscribe":
            let (key, _) = try scriptHash(p)
            return .bool(subscriptions.removeValue(forKey: key) != nil)
        case "blockchain.transaction.get":
            guard let s = p.first?.stringValue, let txid = Bytes32(displayHex: s) else { throw APIError(-32602, "invalid tx hash") }
            if p.count > 1, p[1].boolValue == true { throw APIError(1, "verbose transactions are not supported") }
            guard let raw = try await backend.rawTransaction(txid) else { throw APIError(1, "no such transaction \(s)") }
            return .string(raw.hex)
        case "blockchain.transaction.broadcast":
            guard let s = p.first?.stringValue, let raw = Hex.decode(s) else { throw APIError(1, "the transaction must be hex") }
            return .string(try await backend.broadcast(raw).displayHex)
        case "blockchain.transaction.get_merkle":
            guard let s = p.first?.stringValue, let txid = Bytes32(displayHex: s) else { throw APIError(-32602, "invalid tx hash") }
            let h = try intParam(p, 1)
            guard h >= 0 else { throw APIError(1, "bad height") }
            let proof = try await backend.merkleProof(txid, height: UInt64(h))
            return .object([("block_height", .int(h)), ("merkle", .array(proof.branch.map { .string($0.displayHex) })),
                            ("pos", .int(Int64(proof.pos)))])
        case "blockchain.estimatefee":
            let n = try intParam(p, 0)
            guard let rate = try await backend.estimateFeeRate(blocks: Int(clamping: n)) else { return .int(-1) }
            return .double(rate * 1000 / 100_000_000)
        case "blockchain.relayfee":
            return .double(Double(await backend.relayFeeRate()) * 1000 / 100_000_000)
        case "mempool.get_fee_histogram":
            return .array(await backend.feeHistogram().map { .array([.double($0.0), .int(Int64($0.1))]) })
        default:
            throw APIError(-32601, "unknown method \(method)")
        }
    }

    static func historyJSON(_ h: HistoryItem) -> JSON {
        var kv: [(String, JSON)] = [("tx_hash", .string(h.txid.displayHex)), ("height", .int(h.height))]
        if let f = h.fee { kv.append(("fee", .int(f))) }
        return .object(kv)
    }

    /// Dotted version comparison a ≤ b.
    static func versionLE(_ a: String, _ b: String) -> Bool {
        let x = a.split(separator: ".").map { Int($0) ?? 0 }, y = b.split(separator: ".").map { Int($0) ?? 0 }
        for i in 0..<max(x.count, y.count) {
            let u = i < x.count ? x[i] : 0, v = i < y.count ? y[i] : 0
            if u != v { return u < v }
        }
        return true
    }

    func notify(tipChanged: Bool) async {
        if tipChanged, headersSubscribed, let t = try? await backend.tipHeader(), t.height != lastTipHeight {
            lastTipHeight = t.height
            send(.object([("jsonrpc", .string("2.0")), ("method", .string("blockchain.headers.subscribe")), ("params", .array([headerJSON(t)]))]))
        }
        for (key, last) in subscriptions {
            guard let b = Bytes32(displayHex: key) else { continue }
            let st: String?
            do { st = try await backend.status(ScriptHash(b)) } catch { continue }
            guard subscriptions[key] != nil, st != last else { continue }
            subscriptions[key] = .some(st)
            send(.object([("jsonrpc", .string("2.0")), ("method", .string("blockchain.scripthash.subscribe")),
                          ("params", .array([.string(key), st.map { JSON.string($0) } ?? JSON.null]))]))
        }
    }
}
