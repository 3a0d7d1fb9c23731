public import Bitcoin
public import Logging
public import NIOCore
internal import NIOPosix
public import Primitives

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// Connections, handshakes, keepalive, misbehaviour and bans, address handling, headers-first sync,
/// parallel block download, serving and relay — for one node (ADR 0009).
///
/// NIO event loops only frame bytes (`P2PMessageDecoder`/`P2PMessageEncoder`); each connection is a
/// task reading an `NIOAsyncChannel` with backpressure. Requests (`getheaders`, `getdata`, `ping`) are
/// answered in that task, in order, with awaited writes, so a peer that does not read its socket stops
/// being served instead of filling memory. Everything else goes through this actor, which owns all
/// peer and download state. The chain and mempool are reached only through their delegates.
///
/// Lifecycle: `start()` binds the listener (if configured) and starts the outbound connectors and the
/// housekeeping tick; `shutdown()` stops them and closes every connection. `run()` does both around
/// the caller's cancellation (for a `ServiceGroup`).
public actor PeerManager<Chain: P2PChainDelegate, Mempool: P2PMempoolDelegate> {
    public nonisolated let configuration: P2PConfiguration
    nonisolated let chain: Chain
    nonisolated let mempool: Mempool
    nonisolated let group: any EventLoopGroup
    nonisolated let logger: Logger
    /// Our `version` nonce, to detect connections to ourselves.
    nonisolated let localNonce: UInt64

    var peers: [PeerID: PeerState] = [:]
    var nextPeerID: UInt64 = 1
    var bans = BanList()
    var inFlight: [BlockHash: InFlightBlock] = [:]
    var addresses = AddressBook()
    var scheduling = false
    var rescheduleNeeded = false
    var tasks: [Task<Void, Never>] = []
    var serverChannel: (any Channel)?
    var stopped = false
    var counters = P2PCounters()

    /// A manager for `chain` and `mempool` on the event loops of `group`.
    public init(
        configuration: P2PConfiguration, chain: Chain, mempool: Mempool, group: any EventLoopGroup,
        logger: Logger = Logger(label: "hemi.p2p")
    ) {
        self.configuration = configuration
        self.chain = chain
        self.mempool = mempool
        self.group = group
        self.logger = logger
        self.localNonce = UInt64.random(in: 1...UInt64.max)
    }

    // MARK: Lifecycle

    /// Binds the listener (if configured) and starts outbound connections and housekeeping. Returns
    /// the bound port, if listening.
    @discardableResult
    public func start() async throws -> Int? {
        var port: Int? = nil
        if let listen = configuration.listen {
            let server = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 64)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .bind(host: listen.host, port: listen.port) { [magic = configuration.magic] channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addP2PHandlers(magic: magic)
                        return try NIOAsyncChannel<ReceivedMessage, OutboundFrame>(
                            wrappingChannelSynchronously: channel)
                    }
                }
            serverChannel = server.channel
            port = server.channel.localAddress?.port
            tasks.append(Task { await self.acceptLoop(server) })
            logger.info("listening", metadata: ["address": "\(listen.host):\(port ?? listen.port)"])
        }
        for endpoint in configuration.connect { addOutbound(endpoint) }
        tasks.append(
            Task {
                while !Task.isCancelled {
                    do { try await Task.sleep(for: self.configuration.tickInterval) } catch { return }
                    await self.tick()
                }
            })
        return port
    }

    /// Keeps an outbound connection to `endpoint`, reconnecting with exponential backoff.
    public func addOutbound(_ endpoint: PeerEndpoint) {
        guard !stopped else { return }
        tasks.append(Task { await self.maintainOutbound(endpoint) })
    }

    /// Stops listening and connecting and closes every connection.
    public func shutdown() async {
        stopped = true
        for t in tasks { t.cancel() }
        tasks = []
        try? await serverChannel?.close()
        serverChannel = nil
        for p in peers.values { p.channel.close(promise: nil) }
    }

    /// `start()`, then wait until the calling task is cancelled, then `shutdown()`.
    public func run() async throws {
        try await start()
        while !Task.isCancelled {
            do { try await Task.sleep(for: .seconds(3600)) } catch { break }
        }
        await shutdown()
    }

    // MARK: Public state and announcements

    /// A snapshot of the connected peers.
    public func peerInfo() -> [PeerInfo] {
        peers.values.sorted { $0.id < $1.id }.map { p in
            PeerInfo(
                id: p.id, endpoint: p.endpoint, inbound: p.inbound, handshakeComplete: p.ready,
                userAgent: p.version?.userAgentString ?? "", startHeight: p.version?.startHeight ?? 0,
                score: p.score, blocksInFlight: p.blocksInFlight.count)
        }
    }

    /// Download and relay counters.
    public func statistics() -> P2PCounters {
        var c = counters
        c.blocksInFlight = inFlight.count
        c.peers = peers.values.filter(\.ready).count
        return c
    }

    /// Whether `host` is banned now.
    public func isBanned(_ host: String) -> Bool { bans.isBanned(host, now: .now) }

    /// Lifts the ban on `host`.
    public func unban(_ host: String) { bans.remove(host) }

    /// Bans `host` for `configuration.banDuration` and disconnects its peers.
    public func ban(_ host: String) {
        bans.ban(host, until: ContinuousClock.now.advanced(by: configuration.banDuration))
        for p in peers.values where p.endpoint.host == host { disconnect(p.id, .shutdown) }
    }

    /// The addresses known from `addr`/`addrv2`.
    public func knownAddresses() -> [AddrV2Entry] { addresses.entries }

    /// Announces a new best block (e.g. one this node mined) to every peer: as `headers` to peers that
    /// sent `sendheaders` (BIP130), as `inv` to the others.
    public func announceBlock(_ header: BlockHeader) { relayBlock(header, except: nil) }

    /// Announces a transaction newly added to the mempool (BIP339: by wtxid to `wtxidrelay` peers).
    public func announceTransaction(txid: TxID, wtxid: WTxID) { relayTransaction(txid: txid, wtxid: wtxid, except: nil) }

    /// Asks every ready peer for headers (e.g. after the chain changed underneath).
    public func requestHeadersFromAll() async {
        let locator = await chain.blockLocator()
        for p in peers.values where p.ready { send(p.id, .getheaders(LocatorRequest(locator: locator))) }
    }

    // MARK: Connections

    nonisolated func maintainOutbound(_ endpoint: PeerEndpoint) async {
        var delay = configuration.reconnectInitialDelay
        while !Task.isCancelled {
            if await isBanned(endpoint.host) {
                logger.debug("not connecting to banned peer", metadata: ["peer": "\(endpoint)"])
            } else {
                do {
                    let channel = try await ClientBootstrap(group: group)
                        .connectTimeout(.seconds(10))
                        .channelOption(.socketOption(.tcp_nodelay), value: 1)
                        .connect(host: endpoint.host, port: endpoint.port) { [magic = configuration.magic] channel in
                            channel.eventLoop.makeCompletedFuture {
                                try channel.pipeline.syncOperations.addP2PHandlers(magic: magic)
                                return try NIOAsyncChannel<ReceivedMessage, OutboundFrame>(
                                    wrappingChannelSynchronously: channel)
                            }
                        }
                    let handshook = await runConnection(channel, endpoint: endpoint, inbound: false)
                    if handshook { delay = configuration.reconnectInitialDelay }
                } catch {
                    logger.debug("connect failed", metadata: ["peer": "\(endpoint)", "error": "\(error)"])
                }
            }
            do { try await Task.sleep(for: delay) } catch { return }
            delay = min(delay * 2, configuration.reconnectMaxDelay)
        }
    }

    nonisolated func acceptLoop(_ server: NIOAsyncChannel<NIOAsyncChannel<ReceivedMessage, OutboundFrame>, Never>) async {
        do {
            try await server.executeThenClose { inbound in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await child in inbound {
                        let remote = child.channel.remoteAddress
                        let endpoint = PeerEndpoint(host: remote?.ipAddress ?? "?", port: remote?.port ?? 0)
                        group.addTask { _ = await self.runConnection(child, endpoint: endpoint, inbound: true) }
                    }
                }
            }
        } catch {
            logger.debug("listener stopped", metadata: ["error": "\(error)"])
        }
    }

    /// Runs one connection to its end. Returns whether the handshake completed.
    nonisolated func runConnection(
        _ channel: NIOAsyncChannel<ReceivedMessage, OutboundFrame>, endpoint: PeerEndpoint, inbound: Bool
    ) async -> Bool {
        guard let id = await register(channel.channel, endpoint: endpoint, inbound: inbound) else {
            try? await channel.channel.close()
            return false
        }
        var reason = DisconnectReason.closedByPeer
        do {
            try await channel.executeThenClose { messages, outbound in
                if !inbound { await self.sendVersion(id) }
                for try await received in messages {
                    switch received.message {
                    case .getheaders(let request):
                        guard await self.isReady(id) else { continue }
                        let headers = await chain.headers(
                            locator: request.locator, stop: request.stopHash, max: MessageLimits.maxHeaders)
                        try await outbound.write(.message(.headers(headers)))
                    case .getdata(let items):
                        guard await self.isReady(id) else { continue }
                        try await serve(items, to: outbound)
                    default:
                        guard await self.handle(received, from: id) else { return }
                    }
                }
            }
        } catch let error as P2PError {
            reason = .malformed(.malformedMessage(error))
            await misbehaving(id, .malformedMessage(error))
        } catch {
            logger.debug("connection error", metadata: ["peer": "\(id)", "error": "\(error)"])
        }
        return await unregister(id, reason: reason)
    }

    /// Answers `getdata` in order: blocks from the block store, transactions from the mempool,
    /// `notfound` for the rest (BIP144: witness serialization only when the request has the witness flag).
    nonisolated func serve(_ items: [InventoryVector], to outbound: NIOAsyncChannelOutboundWriter<OutboundFrame>)
        async throws
    {
        var missing: [InventoryVector] = []
        for item in items {
            switch item.type.base {
            case .block:
                guard let raw = await chain.rawBlock(item.hash) else {
                    missing.append(item)
                    continue
                }
                if item.type.hasWitnessFlag {
                    try await outbound.write(.raw(command: .block, payload: raw))
                } else if let block = try? Block(bytes: raw) {
                    try await outbound.write(.raw(command: .block, payload: block.serialized(witness: false)))
                } else {
                    missing.append(item)
                }
            case .tx, .wtx:
                let byWitnessID = item.type == .wtx
                guard let tx = await mempool.transaction(item.hash, isWitnessID: byWitnessID) else {
                    missing.append(item)
                    continue
                }
                let witness = byWitnessID || item.type.hasWitnessFlag
                try await outbound.write(.raw(command: .tx, payload: tx.serialized(witness: witness)))
            default:
                missing.append(item)
            }
        }
        if !missing.isEmpty { try await outbound.write(.message(.notfound(missing))) }
    }

    func register(_ channel: any Channel, endpoint: PeerEndpoint, inbound: Bool) -> PeerID? {
        if stopped { return nil }
        if bans.isBanned(endpoint.host, now: .now) {
            logger.info("refusing banned peer", metadata: ["peer": "\(endpoint)"])
            return nil
        }
        if inbound && peers.values.filter(\.inbound).count >= configuration.maxInboundPeers {
            logger.info("inbound limit reached", metadata: ["peer": "\(endpoint)"])
            return nil
        }
        let id = PeerID(rawValue: nextPeerID)
        nextPeerID += 1
        peers[id] = PeerState(id: id, channel: channel, endpoint: endpoint, inbound: inbound, connectedAt: .now)
        logger.debug("connected", metadata: ["peer": "\(id)", "address": "\(endpoint)", "inbound": "\(inbound)"])
        return id
    }

    func unregister(_ id: PeerID, reason: DisconnectReason) async -> Bool {
        guard let p = peers.removeValue(forKey: id) else { return false }
        releaseInFlight(of: p)
        logger.info(
            "disconnected",
            metadata: ["peer": "\(id)", "address": "\(p.endpoint)", "reason": "\(p.disconnectReason ?? reason)"])
        if !p.blocksInFlight.isEmpty { await scheduleBlocks() }
        return p.ready
    }

    func isReady(_ id: PeerID) -> Bool { peers[id]?.ready ?? false }

    func disconnect(_ id: PeerID, _ reason: DisconnectReason) {
        guard var p = peers[id], p.disconnectReason == nil else { return }
        p.disconnectReason = reason
        releaseInFlight(of: p)
        p.blocksInFlight = []
        peers[id] = p
        p.channel.close(promise: nil)
    }

    func releaseInFlight(of p: PeerState) {
        for h in p.blocksInFlight where inFlight[h]?.peer == p.id { inFlight[h] = nil }
    }

    /// Adds `m`'s score to the peer; bans and disconnects at the threshold.
    func misbehaving(_ id: PeerID, _ m: Misbehaviour) {
        guard var p = peers[id] else { return }
        p.score += m.score
        peers[id] = p
        logger.info("misbehaving", metadata: ["peer": "\(id)", "what": "\(m)", "score": "\(p.score)"])
        counters.misbehaviours += 1
        if p.score >= configuration.banThreshold {
            bans.ban(p.endpoint.host, until: ContinuousClock.now.advanced(by: configuration.banDuration))
            counters.bans += 1
            disconnect(id, .banned(m))
        } else if m.disconnects {
            disconnect(id, .malformed(m))
        }
    }

    func send(_ id: PeerID, _ m: Message) {
        guard let p = peers[id], p.disconnectReason == nil else { return }
        p.channel.writeAndFlush(OutboundFrame.message(m), promise: nil)
    }

    // MARK: Handshake

    func sendVersion(_ id: PeerID) async {
        let height = await chain.bestHeight()
        guard var p = peers[id], !p.sentVersion else { return }
        p.sentVersion = true
        peers[id] = p
        let remote = p.channel.remoteAddress
        send(
            id,
            .version(
                VersionMessage(
                    services: [.network, .witness], timestamp: Int64(time(nil)),
                    addrRecv: NetworkAddress(socketAddress: remote), addrFrom: .unspecified, nonce: localNonce,
                    userAgent: configuration.userAgent, startHeight: height, relay: true)))
    }

    /// Handles one message that is not a request; false ends the connection.
    func handle(_ received: ReceivedMessage, from id: PeerID) async -> Bool {
        guard let p = peers[id], p.disconnectReason == nil else { return false }
        counters.messagesReceived += 1
        switch received.message {
        case .version(let v):
            guard p.version == nil else {
                misbehaving(id, .protocolViolation("duplicate version"))
                return true
            }
            if v.nonce == localNonce {
                disconnect(id, .selfConnection)
                return false
            }
            if v.protocolVersion < configuration.minimumProtocolVersion {
                disconnect(id, .obsoleteVersion(v.protocolVersion))
                return false
            }
            peers[id]?.version = v
            if p.inbound { await sendVersion(id) }
            // BIP339 and BIP155: between version and verack.
            if v.protocolVersion >= 70016 { send(id, .wtxidrelay) }
            send(id, .sendaddrv2)
            send(id, .verack)
        case .verack:
            guard p.version != nil, !p.ready else {
                misbehaving(id, .protocolViolation("unexpected verack"))
                return true
            }
            peers[id]?.ready = true
            peers[id]?.lastPingAt = .now
            logger.info(
                "handshake complete",
                metadata: [
                    "peer": "\(id)", "address": "\(p.endpoint)", "agent": "\(p.version?.userAgentString ?? "")",
                    "height": "\(p.version?.startHeight ?? 0)",
                ])
            send(id, .sendheaders)
            send(id, .feefilter(1000))
            if !p.inbound { send(id, .getaddr) }
            await requestHeaders(from: id)
            await scheduleBlocks()
        case .wtxidrelay:
            if !p.ready { peers[id]?.wtxidRelay = true }
        case .sendaddrv2:
            if !p.ready { peers[id]?.sendAddrV2 = true }
        default:
            // Core ignores anything else before the handshake completes; the handshake timeout ends
            // a peer that never completes it.
            guard p.ready else { return true }
            await handleReady(received, from: id)
        }
        return peers[id]?.disconnectReason == nil
    }

    func handleReady(_ received: ReceivedMessage, from id: PeerID) async {
        switch received.message {
        case .sendheaders: peers[id]?.wantsHeaders = true
        case .ping(let nonce): send(id, .pong(nonce: nonce))
        case .pong(let nonce):
            if let p = peers[id], p.pingNonce == nonce, let sent = p.pingSentAt {
                peers[id]?.pingNonce = nil
                peers[id]?.pingRTT = ContinuousClock.now - sent
            }
        case .feefilter(let rate):
            // BIP133: a fee rate above MAX_MONEY is ignored.
            if (0...2_100_000_000_000_000).contains(rate) { peers[id]?.feeFilter = rate }
        case .headers(let headers): await onHeaders(headers, from: id)
        case .block(let block): await onBlock(block, raw: received.rawPayload, from: id)
        case .inv(let items): await onInv(items, from: id)
        case .notfound(let items): await onNotFound(items, from: id)
        case .tx(let tx): await onTransaction(tx, raw: received.rawPayload, from: id)
        case .addr(let list):
            addresses.add(list.map { AddrV2Entry(legacy: $0) }, limit: configuration.maxAddresses)
        case .addrv2(let list): addresses.add(list, limit: configuration.maxAddresses)
        case .getaddr:
            // Core answers getaddr once per connection, and only from inbound peers (fingerprinting).
            guard let p = peers[id], p.inbound, !p.answeredGetAddr else { return }
            peers[id]?.answeredGetAddr = true
            let entries = Array(addresses.entries.prefix(MessageLimits.maxAddresses))
            if p.sendAddrV2 {
                send(id, .addrv2(entries))
            } else {
                send(id, .addr(entries.compactMap(\.legacy)))
            }
        case .version, .verack, .wtxidrelay, .sendaddrv2, .getheaders, .getdata:
            break  // handled before
        case .getblocks, .mempool, .reject, .sendcmpct, .unknown:
            break  // not served: no BIP37 filters, no compact blocks; unknown commands are ignored
        }
    }

    // MARK: Headers-first sync

    func requestHeaders(from id: PeerID, after last: BlockHash? = nil) async {
        var locator = await chain.blockLocator()
        if let last, locator.first != last { locator.insert(last, at: 0) }
        if locator.count > MessageLimits.maxLocator { locator = Array(locator.prefix(MessageLimits.maxLocator)) }
        peers[id]?.headersRequestedAt = .now
        send(id, .getheaders(LocatorRequest(locator: locator)))
    }

    func onHeaders(_ headers: [BlockHeader], from id: PeerID) async {
        counters.headersMessages += 1
        guard !headers.isEmpty else {
            peers[id]?.headersSynced = true
            await scheduleBlocks()
            return
        }
        // Internal linkage first: a batch that is not a chain is invalid whatever the chain says.
        var hashes: [BlockHash] = []
        hashes.reserveCapacity(headers.count)
        for (i, h) in headers.enumerated() {
            if i > 0 && h.prevBlock != hashes[i - 1] {
                misbehaving(id, .invalidHeaders(reason: "header \(i) does not link to header \(i - 1)"))
                return
            }
            hashes.append(h.computeHash())
        }
        let outcome = await chain.acceptHeaders(headers, from: id)
        guard peers[id] != nil else { return }
        switch outcome {
        case .invalid(let reason):
            misbehaving(id, .invalidHeaders(reason: reason))
        case .unconnected:
            let n = (peers[id]?.unconnectingHeaders ?? 0) + 1
            peers[id]?.unconnectingHeaders = n
            if n % 10 == 0 {
                misbehaving(id, .unconnectingHeaders)
            } else {
                // Core answers an unconnecting announcement with getheaders to find the fork point.
                await requestHeaders(from: id)
            }
        case .accepted:
            counters.headersAccepted += headers.count
            peers[id]?.unconnectingHeaders = 0
            if let last = hashes.last { peers[id]?.bestKnownHash = last }
            if headers.count == MessageLimits.maxHeaders, let last = hashes.last {
                await requestHeaders(from: id, after: last)
            } else {
                peers[id]?.headersSynced = true
            }
            await scheduleBlocks()
        }
    }

    func onInv(_ items: [InventoryVector], from id: PeerID) async {
        var unknownBlock = false
        var wanted: [InventoryVector] = []
        for item in items {
            switch item.type.base {
            case .block:
                if !unknownBlock, await !chain.knowsHeader(item.hash) { unknownBlock = true }
            case .tx, .wtx:
                guard let p = peers[id], p.txRequests.count + wanted.count < configuration.maxTransactionRequestsPerPeer
                else { continue }
                let byWitnessID = item.type == .wtx
                if p.txRequests[item.hash] != nil { continue }
                if await mempool.knowsTransaction(item.hash, isWitnessID: byWitnessID) { continue }
                wanted.append(InventoryVector(type: byWitnessID ? .wtx : .witnessTx, hash: item.hash))
            default:
                continue
            }
        }
        if unknownBlock { await requestHeaders(from: id) }
        if !wanted.isEmpty {
            let now = ContinuousClock.now
            for w in wanted { peers[id]?.txRequests[w.hash] = now }
            send(id, .getdata(wanted))
        }
    }

    func onNotFound(_ items: [InventoryVector], from id: PeerID) async {
        var released = false
        for item in items {
            switch item.type.base {
            case .block:
                if inFlight[item.hash]?.peer == id {
                    inFlight[item.hash] = nil
                    peers[id]?.blocksInFlight.remove(item.hash)
                    peers[id]?.lacking.insert(item.hash)
                    released = true
                }
            case .tx, .wtx: peers[id]?.txRequests[item.hash] = nil
            default: break
            }
        }
        if released { await scheduleBlocks() }
    }

    // MARK: Blocks

    func onBlock(_ block: Block, raw: [UInt8], from id: PeerID) async {
        let hash = block.header.computeHash()
        if let f = inFlight.removeValue(forKey: hash) { peers[f.peer]?.blocksInFlight.remove(hash) }
        peers[id]?.blocksInFlight.remove(hash)
        peers[id]?.lastBlockAt = .now
        let outcome = await chain.acceptBlock(block, raw: raw, from: id)
        switch outcome {
        case .accepted(let newTip):
            counters.blocksAccepted += 1
            counters.bytesOfBlocks += raw.count
            if newTip { relayBlock(block.header, except: id) }
        case .duplicate:
            counters.blocksDuplicate += 1
        case .unknownHeader:
            await requestHeaders(from: id)
        case .invalid(let reason):
            misbehaving(id, .invalidBlock(reason: reason))
        }
        await scheduleBlocks()
    }

    /// Requests missing blocks from ready peers, up to the per-peer and total in-flight limits,
    /// spreading them round-robin. Re-entrant calls while a pass is awaiting the chain set a flag that
    /// makes the running pass go round again.
    func scheduleBlocks() async {
        if scheduling {
            rescheduleNeeded = true
            return
        }
        scheduling = true
        defer { scheduling = false }
        repeat {
            rescheduleNeeded = false
            let perPeer = configuration.maxBlocksInFlightPerPeer
            let free = peers.values.filter(\.canDownload).reduce(0) { $0 + max(0, perPeer - $1.blocksInFlight.count) }
            let room = min(free, configuration.maxBlocksInFlight - inFlight.count)
            guard room > 0, !stopped else { return }
            let candidates = await chain.blocksToDownload(max: room + inFlight.count)
            var queue = candidates.filter { inFlight[$0] == nil }.prefix(room)
            guard !queue.isEmpty else { continue }
            // Peers with room, re-read after the await.
            var slots = peers.values.filter(\.canDownload).sorted { $0.id < $1.id }
                .map { (id: $0.id, free: perPeer - $0.blocksInFlight.count, lacking: $0.lacking) }
                .filter { $0.free > 0 }
            var requests: [PeerID: [InventoryVector]] = [:]
            var cursor = 0
            let now = ContinuousClock.now
            while let hash = queue.first, !slots.isEmpty {
                queue.removeFirst()
                // Next peer with room that has not said notfound for this block.
                var chosen: Int? = nil
                for k in 0..<slots.count {
                    let j = (cursor + k) % slots.count
                    if !slots[j].lacking.contains(hash) {
                        chosen = j
                        break
                    }
                }
                guard let j = chosen else { continue }
                let peer = slots[j].id
                requests[peer, default: []].append(InventoryVector(type: .witnessBlock, hash: hash))
                inFlight[hash] = InFlightBlock(peer: peer, requestedAt: now)
                peers[peer]?.blocksInFlight.insert(hash)
                slots[j].free -= 1
                if slots[j].free == 0 {
                    slots.remove(at: j)
                    cursor = slots.isEmpty ? 0 : j % slots.count
                } else {
                    cursor = (j + 1) % slots.count
                }
            }
            for (peer, items) in requests {
                counters.blocksRequested += items.count
                send(peer, .getdata(items))
            }
        } while rescheduleNeeded
    }

    func relayBlock(_ header: BlockHeader, except source: PeerID?) {
        let hash = header.computeHash()
        for p in peers.values where p.ready && p.id != source && p.bestKnownHash != hash {
            if p.wantsHeaders {
                send(p.id, .headers([header]))
            } else {
                send(p.id, .inv([InventoryVector(type: .block, hash: hash)]))
            }
        }
    }

    // MARK: Transactions

    func onTransaction(_ tx: Transaction, raw: [UInt8], from id: PeerID) async {
        let txid = tx.computeTxID()
        let wtxid = tx.hasWitness ? tx.computeWTxID() : txid
        peers[id]?.txRequests[txid] = nil
        peers[id]?.txRequests[wtxid] = nil
        let outcome = await mempool.acceptTransaction(tx, raw: raw, from: id)
        switch outcome {
        case .accepted:
            counters.transactionsAccepted += 1
            relayTransaction(txid: txid, wtxid: wtxid, except: id)
        case .duplicate:
            break
        case .rejected(let reason):
            logger.debug("transaction rejected", metadata: ["peer": "\(id)", "txid": "\(txid.displayHex)", "reason": "\(reason)"])
        case .invalid(let reason):
            misbehaving(id, .invalidTransaction(reason: reason))
        }
    }

    func relayTransaction(txid: TxID, wtxid: WTxID, except source: PeerID?) {
        for p in peers.values where p.ready && p.id != source && (p.version?.relay ?? true) {
            let item =
                p.wtxidRelay ? InventoryVector(type: .wtx, hash: wtxid) : InventoryVector(type: .tx, hash: txid)
            send(p.id, .inv([item]))
        }
    }

    // MARK: Housekeeping

    /// Handshake and ping timeouts, pings, stalled downloads, and a scheduling pass.
    func tick() async {
        let now = ContinuousClock.now
        bans.expire(now: now)
        // A peer stalls when it has had blocks requested and delivered none for the whole timeout
        // (measured from its last delivery, so a peer slowly working through 16 large blocks is not
        // dropped).
        var stalled: Set<PeerID> = []
        for (_, f) in inFlight {
            let since = max(f.requestedAt, peers[f.peer]?.lastBlockAt ?? f.requestedAt)
            if now - since > configuration.blockStallTimeout { stalled.insert(f.peer) }
        }
        for id in stalled {
            counters.stalls += 1
            disconnect(id, .stalled)
        }
        for p in peers.values where p.disconnectReason == nil {
            if !p.ready {
                if now - p.connectedAt > configuration.handshakeTimeout { disconnect(p.id, .handshakeTimeout) }
                continue
            }
            if p.txRequests.contains(where: { now - $0.value > configuration.transactionRequestTimeout }) {
                peers[p.id]?.txRequests = p.txRequests.filter { now - $0.value <= configuration.transactionRequestTimeout }
            }
            if let sent = p.pingSentAt, p.pingNonce != nil {
                if now - sent > configuration.pingTimeout { disconnect(p.id, .pingTimeout) }
            } else if now - p.lastPingAt > configuration.pingInterval {
                let nonce = UInt64.random(in: 0...UInt64.max)
                peers[p.id]?.pingNonce = nonce
                peers[p.id]?.pingSentAt = now
                peers[p.id]?.lastPingAt = now
                send(p.id, .ping(nonce: nonce))
            }
        }
        await scheduleBlocks()
    }
}

// MARK: - State

/// One connected peer's state, owned by the `PeerManager` actor.
struct PeerState {
    let id: PeerID
    let channel: any Channel
    let endpoint: PeerEndpoint
    let inbound: Bool
    let connectedAt: ContinuousClock.Instant
    var sentVersion = false
    var version: VersionMessage?
    var ready = false
    var wtxidRelay = false
    var sendAddrV2 = false
    var wantsHeaders = false
    var feeFilter: Int64 = 0
    var score = 0
    var disconnectReason: DisconnectReason?
    var lastPingAt: ContinuousClock.Instant
    var pingNonce: UInt64?
    var pingSentAt: ContinuousClock.Instant?
    var pingRTT: Duration?
    var unconnectingHeaders = 0
    var headersRequestedAt: ContinuousClock.Instant?
    var headersSynced = false
    var bestKnownHash: BlockHash?
    var blocksInFlight: Set<BlockHash> = []
    /// When this peer last delivered a block.
    var lastBlockAt: ContinuousClock.Instant?
    /// Blocks this peer answered with `notfound`.
    var lacking: Set<BlockHash> = []
    /// Transactions requested from this peer, with when; forgotten after `transactionRequestTimeout`.
    var txRequests: [Bytes32: ContinuousClock.Instant] = [:]
    var answeredGetAddr = false

    init(id: PeerID, channel: any Channel, endpoint: PeerEndpoint, inbound: Bool, connectedAt: ContinuousClock.Instant) {
        self.id = id
        self.channel = channel
        self.endpoint = endpoint
        self.inbound = inbound
        self.connectedAt = connectedAt
        self.lastPingAt = connectedAt
    }

    /// Ready, not being dropped, and serving blocks (NODE_NETWORK, or NODE_NETWORK_LIMITED as a fallback).
    var canDownload: Bool {
        guard ready, disconnectReason == nil, let v = version else { return false }
        return v.services.contains(.network) || v.services.contains(.networkLimited)
    }
}

struct InFlightBlock {
    let peer: PeerID
    let requestedAt: ContinuousClock.Instant
}

/// A connected peer, as reported by `PeerManager.peerInfo()`.
public struct PeerInfo: Sendable, Equatable {
    public let id: PeerID
    public let endpoint: PeerEndpoint
    public let inbound: Bool
    public let handshakeComplete: Bool
    public let userAgent: String
    public let startHeight: Int32
    public let score: Int
    public let blocksInFlight: Int
}

/// Running totals kept by the peer manager.
public struct P2PCounters: Sendable, Equatable {
    public var peers = 0
    public var messagesReceived = 0
    public var headersMessages = 0
    public var headersAccepted = 0
    public var blocksRequested = 0
    public var blocksAccepted = 0
    public var blocksDuplicate = 0
    public var bytesOfBlocks = 0
    public var blocksInFlight = 0
    public var transactionsAccepted = 0
    public var stalls = 0
    public var misbehaviours = 0
    public var bans = 0
}

/// Banned hosts with their expiry.
struct BanList {
    private var until: [String: ContinuousClock.Instant] = [:]

    mutating func ban(_ host: String, until t: ContinuousClock.Instant) { until[host] = max(t, until[host] ?? t) }
    mutating func remove(_ host: String) { until[host] = nil }
    func isBanned(_ host: String, now: ContinuousClock.Instant) -> Bool { (until[host].map { $0 > now }) ?? false }
    mutating func expire(now: ContinuousClock.Instant) { until = until.filter { $0.value > now } }
}

/// Addresses learnt from peers, de-duplicated by network address and port, newest kept.
struct AddressBook {
    private(set) var entries: [AddrV2Entry] = []
    private var index: [AddressKey: Int] = [:]

    struct AddressKey: Hashable {
        let network: UInt8
        let bytes: [UInt8]
        let port: UInt16
    }

    mutating func add(_ list: [AddrV2Entry], limit: Int) {
        for e in list {
            if case .unknown = e.address { continue }
            if e.port == 0 { continue }
            let key = AddressKey(network: e.address.networkID, bytes: e.address.bytes, port: e.port)
            if let i = index[key] {
                if entries[i].time < e.time { entries[i] = e }
            } else if entries.count < limit {
                index[key] = entries.count
                entries.append(e)
            }
        }
    }
}

extension AddrV2Entry {
    /// An `addr` (pre-BIP155) entry as an `addrv2` entry.
    init(legacy a: TimestampedAddress) {
        let ip = a.address.ip
        let v4Mapped: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]
        let address: AddrV2Address
        if ip.count == 16 && Array(ip.prefix(12)) == v4Mapped {
            address = .ipv4(Array(ip.suffix(4)))
        } else if ip.count == 16 {
            address = .ipv6(ip)
        } else {
            address = .unknown(networkID: 0, bytes: ip)
        }
        self.init(time: a.time, services: a.address.services, address: address, port: a.address.port)
    }

    /// This entry as an `addr` entry; nil for networks `addr` cannot carry (Tor v3, I2P, CJDNS).
    var legacy: TimestampedAddress? {
        switch address {
        case .ipv4(let b):
            return TimestampedAddress(
                time: time, address: NetworkAddress(services: services, ip: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] + b, port: port))
        case .ipv6(let b):
            return TimestampedAddress(time: time, address: NetworkAddress(services: services, ip: b, port: port))
        default:
            return nil
        }
    }
}

extension NetworkAddress {
    /// The `version` address field for a socket address (unspecified when unknown).
    init(socketAddress: SocketAddress?) {
        guard let socketAddress else {
            self = .unspecified
            return
        }
        let port = UInt16(clamping: socketAddress.port ?? 0)
        // sockaddr_in: family (2), port (2), address (4); sockaddr_in6: family, port, flow info (4), address (16).
        let raw: [UInt8] = socketAddress.withSockAddr { ptr, size in
            Array(UnsafeRawBufferPointer(start: UnsafeRawPointer(ptr), count: size))
        }
        switch socketAddress {
        case .v4 where raw.count >= 8:
            self.init(services: [], ipv4: raw[4], raw[5], raw[6], raw[7], port: port)
        case .v6 where raw.count >= 24:
            self.init(services: [], ip: Array(raw[8..<24]), port: port)
        default:
            self = .unspecified
        }
    }
}
