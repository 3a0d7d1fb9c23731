import Bitcoin
import BitcoinNode
import BitcoinP2P
import KVStore
import Logging
import NIOCore
import NIOPosix
import Primitives
import Testing

/// The P2P delegates over the real chain: two `ChainService`s (in-memory stores, full validation,
/// scripts included, the real mempool) connected by `PeerManager`s on loopback.
@Suite struct P2PAdapterTests {
    static func node() async throws -> ChainService<MemoryStore> {
        let s = try ChainService(store: MemoryStore(tables: NodeTables.all), config: ChainConfig(params: .regtest))
        try await s.activateBestChain()
        return s
    }

    static let logger: Logger = {
        var l = Logger(label: "hemi.p2p.test")
        l.logLevel = .critical
        return l
    }()

    static func config(connect: Int? = nil) -> P2PConfiguration {
        var c = P2PConfiguration(magic: .regtest)
        c.listen = PeerEndpoint(host: "127.0.0.1", port: 0)
        if let connect { c.connect = [PeerEndpoint(host: "127.0.0.1", port: connect)] }
        c.tickInterval = .milliseconds(50)
        c.reconnectInitialDelay = .milliseconds(100)
        return c
    }

    static func waitUntil(_ timeout: Duration = .seconds(20), _ condition: () async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return await condition()
    }

    /// Spends the OP_TRUE coinbase output of `block` to `script`, paying a 1,000-sat fee.
    static func spend(coinbaseOf raw: [UInt8], to script: [UInt8]) throws -> Transaction {
        let cb = try Block(bytes: raw).transactions[0]
        return Transaction(
            version: 2, inputs: [TxIn(prevout: OutPoint(txid: cb.computeTxID(), vout: 0), scriptSig: [])],
            outputs: [TxOut(value: cb.outputs[0].value - 1000, scriptPubKey: script)])
    }

    @Test func bSyncsAFromRealChainWithSpendsAndTxRelay() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let a = try await Self.node()
        let opTrue: [UInt8] = [0x51]
        var early: [BlockHeader] = []
        for _ in 0..<110 { early.append(try await a.mine(payTo: opTrue)) }
        // Spend block 1's coinbase (mature after 100) through A's mempool into block 111.
        let spend1 = try Self.spend(coinbaseOf: #require(await a.rawBlock(early[0].computeHash())), to: [0x52])
        #expect(await a.acceptTransaction(spend1, raw: spend1.serialized(), from: PeerID(rawValue: 0)) == .accepted)
        _ = try await a.mine(payTo: opTrue)
        #expect(await a.p2pStatus().tipHeight == 111)
        #expect(await a.mempoolCount() == 0)
        #expect(await a.balance(script: [0x52]) == UInt64(spend1.outputs[0].value))

        let pa = PeerManager(configuration: Self.config(), chain: a, mempool: a, group: group, logger: Self.logger)
        let portA = try #require(try await pa.start())
        let b = try await Self.node()
        let pb = PeerManager(
            configuration: Self.config(connect: portA), chain: b, mempool: b, group: group, logger: Self.logger)
        try await pb.start()
        #expect(await Self.waitUntil { await b.p2pStatus().tipHeight == 111 })
        #expect(await b.p2pStatus().tipHash == a.p2pStatus().tipHash)
        #expect(await b.balance(script: [0x52]) == (await a.balance(script: [0x52])))
        #expect(await b.balance(script: opTrue) == (await a.balance(script: opTrue)))

        // A transaction entering A's mempool is relayed to B's mempool (inv, getdata, tx, validated by B).
        let spend2 = try Self.spend(coinbaseOf: #require(await a.rawBlock(early[1].computeHash())), to: [0x53])
        #expect(await a.acceptTransaction(spend2, raw: spend2.serialized(), from: PeerID(rawValue: 0)) == .accepted)
        await pa.announceTransaction(txid: spend2.computeTxID(), wtxid: spend2.computeWTxID())
        #expect(await Self.waitUntil { await b.knowsTransaction(spend2.computeTxID(), isWitnessID: false) })

        // A mines it and announces the block; B follows and its mempool empties.
        let h = try await a.mine(payTo: opTrue)
        await pa.announceBlock(h)
        #expect(await Self.waitUntil { await b.p2pStatus().tipHash == h.computeHash() })
        #expect(await Self.waitUntil { await b.mempoolCount() == 0 })
        #expect(await b.balance(script: [0x53]) == UInt64(spend2.outputs[0].value))
        #expect(await pb.statistics().bans == 0)
        await pb.shutdown()
        await pa.shutdown()
    }
}
