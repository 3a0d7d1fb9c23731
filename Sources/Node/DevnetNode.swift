internal import Ethereum
internal import Foundation
public import L2Chain
public import Logging
internal import PoP
internal import Primitives
internal import KVStore
public import RPC
public import Sequencer
internal import ServiceLifecycle
internal import UnixSignals

/// Options of a development node.
public struct DevnetOptions: Sendable {
    /// Chain directory; nil with `ephemeral` uses a temporary directory removed at exit.
    public var datadir: String
    public var ephemeral: Bool
    public var host: String
    public var port: Int
    public var blockTime: UInt64
    public var accounts: Int
    public var balanceEther: UInt64
    public var mnemonic: String

    public init(
        datadir: String, ephemeral: Bool = false, host: String = "127.0.0.1", port: Int = 8545, blockTime: UInt64 = 1,
        accounts: Int = 10, balanceEther: UInt64 = 10_000, mnemonic: String = DevAccounts.mnemonic
    ) {
        self.datadir = datadir
        self.ephemeral = ephemeral
        self.host = host
        self.port = port
        self.blockTime = blockTime
        self.accounts = accounts
        self.balanceEther = balanceEther
        self.mnemonic = mnemonic
    }
}

/// The composition root of `hemi devnet`: chain store, pool, block producer, keystones, the
/// JSON-RPC server (HTTP + WebSocket) and the event publisher, run as one `ServiceGroup` that stops
/// on SIGINT/SIGTERM (the producer commits its block in progress, the store is closed).
public final class DevnetNode: Sendable {
    public let options: DevnetOptions
    public let accounts: [DevAccount]
    public let chain: L2Chain
    public let pool: TxPool
    public let producer: BlockProducer
    public let eth: EthAPI
    public let hub: SubscriptionHub
    let logger: Logger

    public init(options: DevnetOptions, logger: Logger = Logger(label: "hemi.devnet")) throws {
        self.options = options
        self.logger = logger
        accounts = DevAccounts.derive(mnemonic: options.mnemonic, count: options.accounts)
        var alloc: [Bytes20: GenesisAccount] = [:]
        let wei = UInt256(options.balanceEther) &* UInt256(1_000_000_000_000_000_000)
        for a in accounts { alloc[a.address] = GenesisAccount(balance: wei) }
        let config = ChainConfig.devnet(
            alloc: alloc, blockTime: options.blockTime, genesisTimestamp: UInt64(Date().timeIntervalSince1970))
        try FileManager.default.createDirectory(atPath: options.datadir, withIntermediateDirectories: true)
        chain = try L2Chain(path: options.datadir, config: config, indexers: [KeystoneIndexer()])
        pool = TxPool(chain: chain)
        producer = BlockProducer(chain: chain, pool: pool, blockTime: options.blockTime)
        eth = EthAPI(chain: chain, pool: pool)
        hub = SubscriptionHub()
    }

    /// The method registry of this node.
    public func makeRegistry() -> RPCMethodRegistry {
        var r = RPCMethodRegistry()
        r.registerStandardMethods(chainID: chain.config.chainID)
        eth.register(into: &r)
        KssMethods.register(into: &r, keystones: KeystoneStore(chain: chain))
        return r
    }

    /// Runs until SIGINT/SIGTERM. `onListening` gets the bound port.
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        await EthSubscriptions.registerKinds(hub)
        let (blocks, blockSink) = AsyncStream.makeStream(of: CommittedBlock.self, bufferingPolicy: .bufferingNewest(1024))
        let (pending, pendingSink) = AsyncStream.makeStream(of: Bytes32.self, bufferingPolicy: .bufferingNewest(4096))
        chain.onCommit { blockSink.yield($0) }
        pool.onAdd { pendingSink.yield($0.sealed.hash) }
        let server = RPCServer(
            configuration: RPCServerConfiguration(host: options.host, port: options.port), registry: makeRegistry(),
            hub: hub, logger: logger, onListening: onListening)
        let publisher = PublisherService(
            hub: hub, keystones: KeystoneStore(chain: chain), blocks: blocks, pending: pending,
            finish: { blockSink.finish(); pendingSink.finish() })
        let sequencer = SequencerService(producer: producer)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    .init(service: sequencer), .init(service: publisher), .init(service: server),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        try? chain.store.close()
    }
}

/// Runs the block producer thread for the lifetime of the service group.
struct SequencerService: Service {
    let producer: BlockProducer
    func run() async throws {
        producer.start()
        try? await gracefulShutdown()
        producer.stop()
    }
}

/// Publishes committed blocks (newHeads, logs, newKeystones) and pending transactions to the hub.
struct PublisherService: Service {
    let hub: SubscriptionHub
    let keystones: KeystoneStore
    let blocks: AsyncStream<CommittedBlock>
    let pending: AsyncStream<Bytes32>
    let finish: @Sendable () -> Void

    func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { g in
                g.addTask {
                    for await b in blocks { await EthSubscriptions.publish(b, hub: hub, keystones: keystones) }
                }
                g.addTask {
                    for await h in pending { await hub.publish("newPendingTransactions", result: .data(h)) }
                }
            }
        } onGracefulShutdown: {
            finish()
        }
    }
}
