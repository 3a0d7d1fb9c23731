import Bitcoin
import BitcoinP2P
import Logging
#if canImport(Glibc)
    import Glibc
#endif
import NIOCore
import NIOPosix
import Primitives
import Synchronization
import Testing

/// Settings with short timers for loopback tests.
func testConfiguration(listen: Bool = true, connect: [Int] = []) -> P2PConfiguration {
    var c = P2PConfiguration(magic: .regtest)
    if listen { c.listen = PeerEndpoint(host: "127.0.0.1", port: 0) }
    c.connect = connect.map { PeerEndpoint(host: "127.0.0.1", port: $0) }
    c.tickInterval = .milliseconds(50)
    c.handshakeTimeout = .seconds(3)
    c.blockStallTimeout = .seconds(1)
    c.reconnectInitialDelay = .milliseconds(100)
    c.reconnectMaxDelay = .milliseconds(400)
    return c
}

typealias TestNode = PeerManager<NetTestChain, NetTestChain>

func makeNode(_ chain: NetTestChain, _ config: P2PConfiguration, group: any EventLoopGroup) -> TestNode {
    var logger = Logger(label: "hemi.p2p.test")
    logger.logLevel = getenv("HEMI_P2P_LOG") == nil ? .critical : .debug
    return TestNode(configuration: config, chain: chain, mempool: chain, group: group, logger: logger)
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes; returns whether it held.
func waitUntil(_ timeout: Duration = .seconds(10), _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return await condition()
}

/// A hand-driven peer: writes arbitrary bytes, reads the node's messages through the real decoder.
/// Used for hostile and stalling peers.
struct ScriptedPeer: ~Copyable {
    let channel: NIOAsyncChannel<ReceivedMessage, ByteBuffer>
    let magic: NetworkMagic

    static func connect(port: Int, group: any EventLoopGroup, magic: NetworkMagic = .regtest) async throws
        -> ScriptedPeer
    {
        let ch = try await ClientBootstrap(group: group).connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(P2PMessageDecoder(magic: magic))
                return try NIOAsyncChannel<ReceivedMessage, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
        return ScriptedPeer(channel: ch, magic: magic)
    }

    /// Runs `body` with a session; closes the connection afterwards. A watchdog closes the channel
    /// after `timeout` so that a test fails instead of hanging.
    consuming func run<R: Sendable>(
        timeout: Duration = .seconds(10), _ body: (inout Session) async throws -> R
    ) async throws -> R {
        let ch = channel
        let watchdog = Task {
            try? await Task.sleep(for: timeout)
            try? await ch.channel.close()
        }
        defer { watchdog.cancel() }
        return try await ch.executeThenClose { inbound, outbound in
            var s = Session(iterator: inbound.makeAsyncIterator(), outbound: outbound, magic: magic)
            return try await body(&s)
        }
    }

    struct Session {
        var iterator: NIOAsyncChannelInboundStream<ReceivedMessage>.AsyncIterator
        let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
        let magic: NetworkMagic
        var received: [Message] = []

        func sendBytes(_ bytes: [UInt8]) async throws { try await outbound.write(ByteBuffer(bytes: bytes)) }
        func send(_ m: Message) async throws { try await sendBytes(MessageEnvelope.encode(m, magic: magic)) }

        /// The next message, or nil when the connection closed (or failed).
        mutating func next() async -> Message? {
            do {
                guard let r = try await iterator.next() else { return nil }
                received.append(r.message)
                return r.message
            } catch {
                return nil
            }
        }

        /// Reads until a message matching `match` arrives; nil if the connection closed first.
        mutating func waitFor(_ match: (Message) -> Bool) async -> Message? {
            while let m = await next() { if match(m) { return m } }
            return nil
        }

        /// Reads until the node closes the connection; returns the messages seen meanwhile.
        mutating func drainUntilClosed() async -> [Message] {
            var seen: [Message] = []
            while let m = await next() { seen.append(m) }
            return seen
        }

        /// A full version/verack handshake as an inbound peer of the node.
        mutating func handshake(startHeight: Int32 = 0, services: ServiceFlags = [.network, .witness]) async throws
            -> Bool
        {
            try await send(
                .version(
                    VersionMessage(
                        services: services, timestamp: 1_700_000_000,
                        addrRecv: NetworkAddress(services: [], ipv4: 127, 0, 0, 1, port: 0),
                        nonce: UInt64.random(in: 1...UInt64.max), userAgent: "/scripted:0/", startHeight: startHeight)))
            var gotVersion = false
            while let m = await next() {
                switch m {
                case .version: gotVersion = true
                case .verack:
                    try await send(.verack)
                    return gotVersion
                default: continue
                }
            }
            return false
        }
    }
}

/// A flag settable from any task.
final class Flag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}
