import Bitcoin
import BitcoinNode
import BitcoinP2P
import KVStore
import Logging
import NIOCore
import NIOPosix
import Primitives
import Testing

/// The P2P delegates over the real chain: two `BitcoinChain`s (in-memory stores, full validation,
/// scripts included) connected by `PeerManager`s on loopback.
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

    @Test func bSyncsAFromRealChainIncludingASpend() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let a = try await Self.node()
        let poolA = P2PRelayPool()
        let opTrue: [UInt8] = [0x51]
        var firstHeader: BlockHeader? = nil
        for i in 0..<110 {
            let h = try await a.mine(payTo: opTrue, pool: poolA)
            if i == 0 { firstHeader = h }
        }
        // Spend block 1's coinbase (mature after 100) through A's relay pool into block 111.
        let status110 = await a.p2pStatus()
        #expect(status110.tipHeight == 110)
        let h1 = try #require(firstHeader).computeHash()
        let raw1 = try #require(await a.rawBlock(h1))
        let cb = try Block(bytes: raw1).transactions[0]
        let spend = Transaction(
            version: 2, inputs: [TxIn(prevout: OutPoint(txid: cb.computeTxID(), vout: 0), scriptSig: [])],
            outputs: [TxOut(value: cb.outputs[0].value - 1000, scriptPubKey: [0x52])])
        #expect(await poolA.submit(spend) == .accepted)
        _ = try await a.mine(payTo: opTrue, pool: poolA)
        #expect(await a.p2pStatus().tipHeight == 111)
        #expect(await a.balance(script: [0x52]) == UInt64(cb.outputs[0].value - 1000))

        let pa = PeerManager(configuration: Self.config(), chain: a, mempool: poolA, group: group, logger: Self.logger)
        let portA = try #require(try await pa.start())
        let b = try await Self.node()
        let poolB = P2PRelayPool()
        let pb = PeerManager(
            configuration: Self.config(connect: portA), chain: b, mempool: poolB, group: group, logger: Self.logger)
        try await pb.start()
        #expect(await Self.waitUntil { await b.p2pStatus().tipHeight == 111 })
        let sa = await a.p2pStatus()
        let sb = await b.p2pStatus()
        #expect(sb.tipHash == sa.tipHash)
        #expect(await b.balance(script: [0x52]) == (await a.balance(script: [0x52])))
        #expect(await b.balance(script: opTrue) == (await a.balance(script: opTrue)))

        // A mines one more and announces it; B follows.
        let h = try await a.mine(payTo: opTrue, pool: poolA)
        await pa.announceBlock(h)
        #expect(await Self.waitUntil { await b.p2pStatus().tipHash == h.computeHash() })
        #expect(await pb.statistics().bans == 0)
        #expect(await poolA.count == 0)  // the spend was mined
        await pb.shutdown()
        await pa.shutdown()
    }
}
