import Bitcoin
import BitcoinConsensus
import BitcoinNode
import BitcoinTestSupport
import BitcoinView
import KVStore
import Primitives
import TestSupport
import Testing

@Suite struct ChainServiceTests {
    /// Headers-first sync between two chains through the sync-engine API, without a network: B asks A
    /// for headers with its locator until none are new, then downloads the blocks B lists as missing,
    /// out of order within each batch. B ends with A's tip and identical index tables.
    @Test func headersFirstSyncThroughTheServiceAPI() async throws {
        let a = try memoryNode()
        var gen = ChainGenerator(seed: 41)
        for _ in 0..<115 { try await gen.mineNext(a) }
        let b = try ChainService(store: MemoryStore(tables: NodeTables.all), config: ChainConfig(params: .regtest, scriptParallelism: 1))
        // An unconnected header is reported as an orphan.
        let orphan = try #require(a.headers(locator: [], limit: 5).last)
        var bogus = orphan
        bogus.prevBlock = Bytes32(Array(repeating: 7, count: 32))
        if case .failure(.orphanHeader) = await b.acceptHeaders([bogus]) {} else { Issue.record("expected orphanHeader") }
        // Headers, in batches of 40.
        while true {
            let hs = a.headers(locator: await b.blockLocator(), limit: 40)
            if hs.isEmpty { break }
            let r = try await b.acceptHeaders(hs).get()
            #expect(r.added == hs.count)
        }
        #expect(await b.bestHeader().hash == a.tip.hash)
        #expect(await b.bestHeight() == 0)
        // Blocks, each batch delivered in reverse order (children before parents).
        var rounds = 0
        while true {
            let want = await b.blocksToDownload(max: 16)
            if want.isEmpty { break }
            rounds += 1
            for h in want.reversed() {
                let raw = try #require(try a.rawBlock(h))
                _ = try await b.acceptBlock(raw: raw).get()
            }
        }
        #expect(rounds >= 115 / 16)
        #expect(await b.tip().hash == a.tip.hash)
        #expect(await b.bestHeight() == 115)
        // Duplicate delivery.
        let again = try await b.acceptBlock(raw: try #require(try a.rawBlock(a.tip.hash))).get()
        #expect(again.accepted == .duplicate && !again.newTip)
        // Same indexes; the view is usable off the actor.
        let dumpA = try dumpIndexes(a)
        let dumpB = try await b.withChain { try dumpIndexes($0) }
        expectSameIndexes(dumpB, dumpA, "synced node")
        let view = try await b.view()
        #expect(view.pinnedHeight == 115)
        // Serving: B answers getheaders like A.
        #expect(await b.headers(locator: [ChainParams.regtest.genesisHash], stop: .zero, max: 2000) == a.headers(locator: [ChainParams.regtest.genesisHash]))
    }
}
