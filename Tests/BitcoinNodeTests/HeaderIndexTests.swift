import Bitcoin
import BitcoinConsensus
import BitcoinNode
import BitcoinView
import KVStore
import Primitives
import TestSupport
import Testing

enum NodeHeaders {
    static let mainnet: [BlockHeader] = (try? HeaderFile.parse(TestData.bytes("bitcoin/headers/mainnet_1_32260.bin"))) ?? []
    static let testnet3: [BlockHeader] = (try? HeaderFile.parse(TestData.bytes("bitcoin/headers/testnet3_0_9999.txt"))) ?? []

    static func require() throws {
        if mainnet.count != 32260 || testnet3.count != 10000 { throw TestDataError.notFound(TestData.path("bitcoin/headers")) }
    }
}

/// A fixed "now" after every test header (2033).
let nodeTestNow: Int64 = 2_000_000_000

func headerNode(_ params: ChainParams, checkpoints: [UInt64: BlockHash] = [:], now: Int64? = nodeTestNow) throws -> BitcoinChain<MemoryStore> {
    try BitcoinChain(
        store: MemoryStore(tables: NodeTables.all), config: ChainConfig(params: params, checkpoints: checkpoints, now: { now }))
}

@Suite struct HeaderIndexTests {
    /// The 32,260 first mainnet headers (16 retargets, the first difficulty change at 32256) go into
    /// the index in batches of 2000 through the header rules; the best header, its cumulative work
    /// and the bits agree with `HeaderChainVerifier` and the published chain.
    @Test func mainnetHeaders() throws {
        try NodeHeaders.require()
        let node = try headerNode(.mainnet)
        var i = 0
        while i < NodeHeaders.mainnet.count {
            let batch = Array(NodeHeaders.mainnet[i..<min(i + 2000, NodeHeaders.mainnet.count)])
            let r = try node.acceptHeaders(batch)
            #expect(r.added == batch.count)
            i += batch.count
        }
        var verifier = try HeaderChainVerifier(params: .mainnet, options: .init(now: nodeTestNow))
        try verifier.append(contentsOf: NodeHeaders.mainnet)
        #expect(node.bestHeader.height == 32260)
        #expect(node.bestHeader.hash == verifier.tipHash)
        #expect(node.bestHeader.chainWork == verifier.chainWork)
        #expect(node.bestChainHash(atHeight: 32256).flatMap { node.entry($0)?.header.bits } == 0x1d00_d86a)
        // Nothing is connected yet; the download list starts at height 1.
        #expect(node.tip.height == 0)
        let want = node.blocksToDownload(limit: 128)
        #expect(want.count == 128)
        #expect(want.first == NodeHeaders.mainnet[0].computeHash())
        // Locator: 10 newest, then doubling steps, genesis last.
        let loc = node.locator()
        #expect(loc.first == node.bestHeader.hash)
        #expect(loc.last == ChainParams.mainnet.genesisHash)
        #expect(loc.count < 30)
        // Serving: the headers after the locator's first known hash.
        let served = node.headers(locator: [NodeHeaders.mainnet[99].computeHash()], limit: 2000)
        #expect(served == Array(NodeHeaders.mainnet[100..<2100]))
        // Re-sending known headers adds nothing.
        #expect(try node.acceptHeaders(Array(NodeHeaders.mainnet[0..<100])).added == 0)
    }

    /// Testnet3's first 10,000 headers include 20-minute min-difficulty blocks and the walk-back rule.
    @Test func testnet3Headers() throws {
        try NodeHeaders.require()
        let node = try headerNode(.testnet3)
        #expect(NodeHeaders.testnet3[0].computeHash() == ChainParams.testnet3.genesisHash)
        let rest = Array(NodeHeaders.testnet3.dropFirst())
        for start in stride(from: 0, to: rest.count, by: 2000) {
            try node.acceptHeaders(Array(rest[start..<min(start + 2000, rest.count)]))
        }
        #expect(node.bestHeader.height == 9999)
        #expect(node.bestHeader.hash == NodeHeaders.testnet3[9999].computeHash())
    }

    /// Solves a regtest header on `parent` with the given fields.
    static func header(on parent: BlockIndexEntry, time: UInt32? = nil, bits: UInt32 = 0x207f_ffff, version: Int32 = 0x2000_0000, salt: UInt8 = 0)
        -> BlockHeader
    {
        var h = BlockHeader(
            version: version, prevBlock: parent.hash, merkleRoot: Bytes32(Array(repeating: salt, count: 32)), time: time ?? parent.header.time + 60,
            bits: bits, nonce: 0)
        _ = BlockMiner.grind(&h, powLimit: ChainParams.regtest.powLimit)
        return h
    }

    static func expectRule(_ rule: HeaderRule, _ body: () throws(NodeError) -> Void) {
        do {
            try body()
            Issue.record("expected \(rule.rawValue)")
        } catch {
            if case let .invalidHeader(e) = error { #expect(e.rule == rule) } else { Issue.record("expected \(rule.rawValue), got \(error)") }
        }
    }

    /// Each header rule rejects a header that breaks only it (regtest headers, ground to their target).
    @Test func headerRulesReject() throws {
        let node = try headerNode(.regtest, now: 1_296_688_602 + 100_000)
        var parent = node.tip
        for i in 0..<12 {
            let h = Self.header(on: parent, salt: UInt8(i))
            try node.acceptHeaders([h])
            parent = try #require(node.entry(h.computeHash()))
        }
        // Wrong difficulty (harder than the required pow-limit bits).
        Self.expectRule(.badDiffBits) { () throws(NodeError) in try node.acceptHeaders([Self.header(on: parent, bits: 0x2000_ffff)]) }
        // Time at the median time past of the last 11.
        let times = (0..<11).compactMap { node.ancestor(of: parent.hash, atHeight: parent.height - UInt64($0))?.header.time }.sorted()
        Self.expectRule(.timeTooOld) { () throws(NodeError) in try node.acceptHeaders([Self.header(on: parent, time: times[5])]) }
        // More than 2 hours after "now".
        Self.expectRule(.timeTooNew) { () throws(NodeError) in
            try node.acceptHeaders([Self.header(on: parent, time: UInt32(1_296_688_602 + 100_000 + 7201))])
        }
        // Version 1 after BIP34.
        Self.expectRule(.badVersion) { () throws(NodeError) in try node.acceptHeaders([Self.header(on: parent, version: 1)]) }
        // Proof of work: a header whose hash misses the target.
        var weak = Self.header(on: parent)
        while ProofOfWork.check(hash: weak.computeHash(), bits: weak.bits, powLimit: ChainParams.regtest.powLimit) { weak.nonce &+= 1 }
        Self.expectRule(.highHash) { () throws(NodeError) in try node.acceptHeaders([weak]) }
        // Unknown parent.
        var orphan = Self.header(on: parent)
        orphan.prevBlock = Bytes32(Array(repeating: 1, count: 32))
        #expect(throws: NodeError.self) { try node.acceptHeaders([orphan]) }
        // A valid prefix is kept when a later header fails.
        let good = Self.header(on: parent, salt: 99)
        var bad = good
        bad.prevBlock = good.computeHash()
        bad.bits = 0x2000_ffff
        _ = BlockMiner.grind(&bad, powLimit: ChainParams.regtest.powLimit)
        Self.expectRule(.badDiffBits) { () throws(NodeError) in try node.acceptHeaders([good, bad]) }
        #expect(node.entry(good.computeHash()) != nil)
        #expect(node.bestHeader.hash == good.computeHash())
    }

    /// Checkpoints: a header contradicting one is rejected, and so is any new header forking below the
    /// highest checkpoint already in the index.
    @Test func checkpoints() throws {
        let probe = try headerNode(.regtest)
        var parent = probe.tip
        var chain: [BlockHeader] = []
        for i in 0..<8 {
            let h = Self.header(on: parent, salt: UInt8(i))
            try probe.acceptHeaders([h])
            chain.append(h)
            parent = try #require(probe.entry(h.computeHash()))
        }
        let node = try headerNode(.regtest, checkpoints: [5: chain[4].computeHash()])
        // A different header at height 5 contradicts the checkpoint.
        try node.acceptHeaders(Array(chain[0..<4]))
        let h4 = try #require(node.entry(chain[3].computeHash()))
        #expect(throws: NodeError.self) { try node.acceptHeaders([Self.header(on: h4, salt: 200)]) }
        // The real one passes; afterwards a fork at height 3 is refused.
        try node.acceptHeaders(Array(chain[4..<8]))
        #expect(node.bestHeader.height == 8)
        let h2 = try #require(node.entry(chain[1].computeHash()))
        do {
            try node.acceptHeaders([Self.header(on: h2, salt: 201)])
            Issue.record("fork below the checkpoint accepted")
        } catch {
            if case .checkpointMismatch(height: 3, _) = error {} else { Issue.record("unexpected \(error)") }
        }
    }

    /// The 116-byte hVM header record (§5.4): fields in order, big-endian, hashes display order.
    @Test func hvmHeaderRecord() throws {
        let node = try headerNode(.regtest)
        let h = Self.header(on: node.tip, salt: 3)
        try node.acceptHeaders([h])
        let e = try #require(node.entry(h.computeHash()))
        let rec = HeaderRecord(hash: e.hash, height: e.height, header: e.header, chainWork: e.chainWork).hvmRecord()
        #expect(rec.count == 116)
        #expect(Array(rec[0..<4]) == [0, 0, 0, 1])
        #expect(Array(rec[4..<36]) == e.hash.bytes.reversed())
        #expect(Array(rec[36..<40]) == [0x20, 0, 0, 0])
        #expect(Array(rec[40..<72]) == ChainParams.regtest.genesisHash.bytes.reversed())
        #expect(Array(rec[72..<104]) == h.merkleRoot.bytes.reversed())
        let be = { (v: UInt32) -> [UInt8] in [UInt8(v >> 24), UInt8((v >> 16) & 0xff), UInt8((v >> 8) & 0xff), UInt8(v & 0xff)] }
        #expect(Array(rec[104..<108]) == be(h.time))
        #expect(Array(rec[108..<112]) == be(h.bits))
        #expect(Array(rec[112..<116]) == be(h.nonce))
    }
}
