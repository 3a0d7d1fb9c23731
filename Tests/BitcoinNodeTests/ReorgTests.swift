import Bitcoin
import BitcoinConsensus
import BitcoinNode
import BitcoinTestSupport
import BitcoinView
import KVStore
import Primitives
import TestSupport
import Testing

@Suite struct ReorgTests {
    /// Builds `base` blocks on a fresh node; returns the node, the generator state and the blocks.
    static func base(_ n: Int, seed: UInt64) async throws -> (BitcoinChain<MemoryStore>, ChainGenerator, [Block]) {
        let chain = try memoryNode()
        var gen = ChainGenerator(seed: seed)
        var blocks = [ChainParams.regtest.genesis]
        for _ in 0..<n { blocks.append(try await gen.mineNext(chain)) }
        return (chain, gen, blocks)
    }

    /// A fresh node fed `blocks` (genesis first) in order.
    static func fresh(_ blocks: [Block]) async throws -> BitcoinChain<MemoryStore> {
        let c = try memoryNode()
        for b in blocks.dropFirst() { try await c.acceptBlock(b) }
        return c
    }

    /// Two nodes share 110 blocks, then mine competing branches apart (A: 10 blocks, B: 12 blocks,
    /// both with spends and keystones). A receives B's branch and reorganises to it (depth 10); then
    /// A's branch grows to 13 and A receives it back. Each time the tip is the most-work chain and
    /// every index equals a fresh node's on that chain and the recomputation from its blocks.
    @Test func competingBranchesConvergeOnMostWork() async throws {
        let (a, genBase, baseBlocks) = try await Self.base(110, seed: 7)
        let b = try await Self.fresh(baseBlocks)
        var genA = genBase
        var genB = genBase
        genB.branchSalt = 1
        genB.rng = SplitMix64(seed: 99)
        var branchA: [Block] = []
        var branchB: [Block] = []
        for _ in 0..<10 { branchA.append(try await genA.mineNext(a)) }
        for _ in 0..<12 { branchB.append(try await genB.mineNext(b)) }
        #expect(a.tip.height == 120 && b.tip.height == 122)
        // A learns B's branch: reorg of depth 10.
        for blk in branchB { try await a.acceptBlock(blk) }
        #expect(a.tip.hash == b.tip.hash)
        #expect(a.tip.height == 122)
        let chainB = baseBlocks + branchB
        expectSameIndexes(try dumpIndexes(a), try dumpIndexes(try await Self.fresh(chainB)), "after reorg to B")
        try verifyIndexes(a, blocks: chainB)
        // Blocks of A's branch stay in the index as a side chain.
        #expect(a.entry(branchA[9].computeHash())?.status.contains(.dataStored) == true)
        #expect(a.activeHash(atHeight: 115) == branchB[4].computeHash())

        // A's branch grows past B (13 > 12) on a third node; A reorganises back.
        let c = try await Self.fresh(baseBlocks + branchA)
        for _ in 0..<3 { branchA.append(try await genA.mineNext(c)) }
        for blk in branchA.suffix(3) { try await a.acceptBlock(blk) }
        #expect(a.tip.hash == branchA[12].computeHash())
        let chainA = baseBlocks + branchA
        expectSameIndexes(try dumpIndexes(a), try dumpIndexes(c), "after reorg back to A")
        try verifyIndexes(a, blocks: chainA)
    }

    /// A fork's headers arrive first, then its blocks newest first: the node waits for the missing
    /// ancestors and switches to the fork once the last missing block (the fork's first, which alone
    /// has less work than the tip) arrives.
    @Test func forkBlocksArrivingNewestFirst() async throws {
        let (a, genBase, baseBlocks) = try await Self.base(20, seed: 13)
        var genA = genBase
        for _ in 0..<3 { try await genA.mineNext(a) }
        let b = try await Self.fresh(baseBlocks)
        var genB = genBase
        genB.branchSalt = 4
        var branchB: [Block] = []
        for _ in 0..<5 { branchB.append(try await genB.mineNext(b)) }
        try a.acceptHeaders(branchB.map(\.header))
        #expect(a.bestHeader.hash == b.tip.hash)
        #expect(a.blocksToDownload(limit: 10) == branchB.map { $0.computeHash() })
        for blk in branchB.reversed() { try await a.acceptBlock(blk) }
        #expect(a.tip.hash == b.tip.hash)
        expectSameIndexes(try dumpIndexes(a), try dumpIndexes(b), "fork delivered newest first")
    }

    /// A heavier branch whose 3rd block carries an input with a bad signature: the node connects the
    /// first two, marks the bad block failed and its descendants failed-parent, returns to the best
    /// valid chain, and rejects headers and blocks built on the invalid block.
    @Test func invalidBranchIsMarkedAndAbandoned() async throws {
        let (a, genBase, baseBlocks) = try await Self.base(105, seed: 11)
        // A valid branch of 5 on A.
        var genA = genBase
        var branchA: [Block] = []
        for _ in 0..<5 { branchA.append(try await genA.mineNext(a)) }
        // A heavier branch of 8 built on another node without script checks, with block 3 corrupted.
        var genB = genBase
        genB.branchSalt = 2
        genB.rng = SplitMix64(seed: 5)
        var branchB: [Block] = []
        let bNoScripts = try memoryNode(verifyScripts: false)
        for blk in baseBlocks.dropFirst() { try await bNoScripts.acceptBlock(blk) }
        for i in 0..<8 {
            if i == 2 {
                // Corrupt one signature of a spend (flip a byte in the last witness or scriptSig).
                let height = Int(bNoScripts.tip.height) + 1
                var (txs, fees) = genB.transactions(height: height, maxTxs: 2)
                try #require(!txs.isEmpty)
                if !txs[0].inputs[0].witness.isEmpty {
                    txs[0].inputs[0].witness[0][5] ^= 1
                } else {
                    txs[0].inputs[0].scriptSig[6] ^= 1
                }
                let payTo = genB.wallet.keys[0].script
                let blk = try bNoScripts.makeBlock(payTo: payTo, transactions: txs, fees: fees)
                try await bNoScripts.acceptBlock(blk)
                genB.wallet.apply(blk, height: height)
                branchB.append(blk)
            } else {
                branchB.append(try await genB.mineNext(bNoScripts))
            }
        }
        let validTip = a.tip.hash
        var sawFailure = false
        for blk in branchB {
            do {
                try await a.acceptBlock(blk)
            } catch {
                switch error {
                case .invalidBlock, .knownInvalid: sawFailure = true
                case .orphanHeader: break  // a child of a block rejected for its invalid parent
                default: throw error
                }
            }
        }
        #expect(sawFailure)
        // It failed for the corrupted signature (scripts are verified), not for anything else.
        #expect(a.lastFailure?.hash == branchB[2].computeHash())
        #expect(a.lastFailure?.error.reason.hasPrefix("mandatory-script-verify-flag-failed") == true)
        let bad = branchB[2].computeHash()
        #expect(a.entry(bad)?.status.contains(.failed) == true)
        // B4…B6 arrived before B3 was tried (the branch overtook A at B6): marked failed-parent.
        for d in branchB[3...5] { #expect(a.entry(d.computeHash())?.status.contains(.failedParent) == true) }
        // B7, B8 arrived after: rejected, never entered the index.
        for d in branchB[6...] { #expect(a.entry(d.computeHash()) == nil) }
        // The first two branch blocks were valid and stay so.
        for d in branchB[0...1] { #expect(a.entry(d.computeHash())?.status.contains(.fullyValidated) == true) }
        // Back on the valid chain, with indexes equal to a fresh node's on it.
        #expect(a.tip.hash == validTip)
        #expect(a.bestHeader.hash == validTip)
        let chainA = baseBlocks + branchA
        try verifyIndexes(a, blocks: chainA)
        // A header extending the invalid branch is rejected.
        var child = branchB[7].header
        child.prevBlock = branchB[7].computeHash()
        #expect(throws: NodeError.self) { try a.acceptHeaders([child]) }
    }
}

@Suite struct WindUnwindPropertyTests {
    /// Unwind random depths and wind back (sometimes only part way, sometimes to a side block), and
    /// after every step compare every index table with the one a fresh node built at that height
    /// while growing along the same chain.
    @Test func unwindRewindMatchesFreshNode() async throws {
        let reference = try memoryNode()
        var gen = ChainGenerator(seed: 21)
        var blocks = [ChainParams.regtest.genesis]
        var refDumps: [[String: [KVPair]]] = [try dumpIndexes(reference)]
        for _ in 0..<125 {
            blocks.append(try await gen.mineNext(reference))
            refDumps.append(try dumpIndexes(reference))
        }
        let node = try await ReorgTests.fresh(blocks)
        expectSameIndexes(try dumpIndexes(node), refDumps[125], "initial")
        var rng = SplitMix64(seed: 77)
        for round in 0..<12 {
            let tipHeight = Int(node.tip.height)
            let depth = 1 + Int(rng.next() % 40)
            let target = max(0, tipHeight - depth)
            try node.unwind(to: blocks[target].computeHash())
            #expect(node.tip.height == UInt64(target))
            expectSameIndexes(try dumpIndexes(node), refDumps[target], "round \(round): unwound to \(target)")
            // Wind forward to a random height up to the end.
            let forward = target + Int(rng.next() % UInt64(125 - target + 1))
            try await node.wind(to: blocks[forward].computeHash())
            #expect(node.tip.height == UInt64(forward))
            expectSameIndexes(try dumpIndexes(node), refDumps[forward], "round \(round): wound to \(forward)")
        }
        // activateBestChain returns to the most-work chain.
        try await node.activateBestChain()
        #expect(node.tip.height == 125)
        expectSameIndexes(try dumpIndexes(node), refDumps[125], "after activateBestChain")
    }
}
