import Bitcoin
import BitcoinNode
import BitcoinTestSupport
import BitcoinView
import Hashing
import KVStore
import Primitives
import TestSupport
import Testing

/// Regtest's limit bits (work ≈ 2 per header) and a 128× harder target (work ≈ 256 per header).
private let easyBits: UInt32 = 0x207f_ffff
private let hardBits: UInt32 = 0x2000_ffff

/// Mines headers for tests. Proof of work is decided from the hash bytes alone (not by node code):
/// with `easyBits` the target is 0x7fffff·2^232, so a hash whose most significant byte (the last in
/// internal order) is below 0x7f is valid and one at or above 0x80 is invalid; with `hardBits`
/// (target 0xffff·2^224) a valid hash has a zero top byte and a second byte below 0xff.
struct HeaderMiner {
    var counter: UInt32 = 0

    static func meets(_ hash: BlockHash, _ bits: UInt32) -> Bool {
        let b = hash.bytes
        return bits == hardBits ? (b[31] == 0 && b[30] < 0xff) : b[31] < 0x7f
    }

    mutating func header(on parent: BlockHash, bits: UInt32 = easyBits, valid: Bool = true) -> BlockHeader {
        counter += 1
        var h = BlockHeader(
            version: 0x2000_0000, prevBlock: parent, merkleRoot: SHA256Hash.hash(Array("header \(counter)".utf8)),
            time: 1_700_000_000 + counter, bits: bits, nonce: 0)
        while true {
            let hash = h.computeHash()
            if valid ? Self.meets(hash, bits) : hash.bytes[31] >= 0x80 { return h }
            h.nonce += 1
        }
    }

    mutating func chain(on parent: BlockHash, count: Int, bits: UInt32 = easyBits) -> [BlockHeader] {
        var out: [BlockHeader] = []
        var p = parent
        for _ in 0..<count {
            let h = header(on: p, bits: bits)
            out.append(h)
            p = h.computeHash()
        }
        return out
    }
}

/// An independent model of the header tree: cumulative work per header (the sum of each header's
/// `2^256 / (target + 1)`), the canonical tip = most work, ties keep the earlier tip.
struct HeaderTreeModel {
    var work: [BlockHash: UInt256] = [:]
    var parent: [BlockHash: BlockHash] = [:]
    var height: [BlockHash: UInt64] = [:]
    var tip: BlockHash

    init(genesis: ExternalGenesis) {
        let g = genesis.header.computeHash()
        work[g] = genesis.chainWork
        height[g] = genesis.height
        tip = g
    }

    mutating func add(_ headers: [BlockHeader]) {
        for h in headers {
            let hash = h.computeHash()
            let w = (work[h.prevBlock] ?? .zero) &+ h.computeWork()
            work[hash] = w
            parent[hash] = h.prevBlock
            height[hash] = (height[h.prevBlock] ?? 0) + 1
            if w > (work[tip] ?? .zero) { tip = hash }
        }
    }

    /// The canonical chain from the tip down to the genesis, by height.
    func canonical() -> [UInt64: BlockHash] {
        var out: [UInt64: BlockHash] = [:]
        var cur: BlockHash? = tip
        while let c = cur, let h = height[c] {
            out[h] = c
            cur = parent[c]
        }
        return out
    }
}

/// Every entry of every table of an external-header store.
func dumpExternal<S: KVStore>(_ store: S) throws -> [String: [KVPair]] {
    var out: [String: [KVPair]] = [:]
    for spec in ExternalHeaderTables.all {
        let t = try store.table(spec.name)
        out[spec.name] = try store.read { r in try r.entries(t) }
    }
    return out
}

/// A store wrapper that counts write transactions and can abort the next one after its body ran
/// (a crash before commit).
final class CountingStore<Inner: KVStore>: KVStore, @unchecked Sendable {
    struct InjectedFailure: Error {}
    let inner: Inner
    var writes = 0
    var failNextCommit = false

    init(_ inner: Inner) { self.inner = inner }

    func table(_ name: String) throws(KVStoreError) -> KVTable { try inner.table(name) }
    func beginRead() throws(KVStoreError) -> Inner.ReadTransaction { try inner.beginRead() }
    func read<R>(_ body: (Inner.ReadTransaction) throws -> R) throws -> R { try inner.read(body) }
    func write<R>(_ body: (Inner.WriteTransaction) throws -> R) throws -> R {
        writes += 1
        let fail = failNextCommit
        failNextCommit = false
        return try inner.write { w in
            let r = try body(w)
            if fail { throw InjectedFailure() }
            return r
        }
    }
}

@Suite struct ExternalHeaderTests {
    /// An effective genesis well above height 0 with arbitrary prior work (as the hVM starts).
    static func genesis(_ miner: inout HeaderMiner) -> ExternalGenesis {
        let h = miner.header(on: SHA256Hash.hash(Array("before genesis".utf8)))
        return ExternalGenesis(header: h, height: 840_000, chainWork: UInt256(1_000_000_007))
    }

    static func id(_ n: Int) -> Bytes32 { SHA256Hash.hash(Array("upstream \(n)".utf8)) }

    /// Random batches (extensions, light forks, heavy forks that reorg, forks of forks): after each
    /// add the tip, the kind and every canonical height match the independent model; then removing
    /// the batches in reverse order (tip after removal = the tip before the batch, upstream id = the id
    /// before it) restores every table byte for byte at every step, back to the fresh store.
    @Test(arguments: [UInt64(1), 2, 3])
    func addRemoveRoundTripsAreByteIdentical(seed: UInt64) throws {
        var miner = HeaderMiner()
        let g = Self.genesis(&miner)
        let store = CountingStore(MemoryStore(tables: ExternalHeaderTables.all))
        let chain = try ExternalHeaderChain(store: store, params: .regtest, genesis: g)
        #expect(chain.upstreamStateId == ExternalHeaderTables.defaultUpstreamStateId)
        var model = HeaderTreeModel(genesis: g)
        var rng = SplitMix64(seed: seed)
        var known: [BlockHash] = [g.header.computeHash()]
        var history: [(batch: [BlockHeader], dump: [String: [KVPair]], tip: HeaderRecord, id: Bytes32)] = []
        var kinds: Set<String> = []
        for step in 0..<40 {
            let before = (try dumpExternal(store), chain.tip, chain.upstreamStateId)
            // Parent: usually the tip, sometimes any known header (a fork).
            let parent = rng.next() % 3 == 0 ? known[Int(rng.next() % UInt64(known.count))] : model.tip
            let bits = rng.next() % 4 == 0 ? hardBits : easyBits
            let batch = miner.chain(on: parent, count: 1 + Int(rng.next() % 4), bits: bits)
            let oldTip = model.tip
            model.add(batch)
            let writes = store.writes
            let result = try chain.addHeaders(batch, upstreamStateId: Self.id(step))
            #expect(store.writes == writes + 1, "one write transaction per batch")
            #expect(result.canonicalTip.hash == model.tip)
            #expect(result.lastAdded.hash == batch[batch.count - 1].computeHash())
            let expectedKind: ExternalInsertKind =
                model.tip == oldTip ? .forkExtend : (parent == oldTip ? .chainExtend : .chainFork)
            #expect(result.kind == expectedKind)
            kinds.insert("\(result.kind)")
            #expect(chain.upstreamStateId == Self.id(step))
            try expectMatchesModel(chain, model)
            known += batch.map { $0.computeHash() }
            history.append((batch, before.0, before.1, before.2))
        }
        #expect(kinds.count == 3, "the random batches should cover extend, fork-extend and reorg: \(kinds)")
        // Unwind every batch, newest first.
        for (batch, dump, tip, id) in history.reversed() {
            let writes = store.writes
            let removed = try chain.removeHeaders(batch, tipAfterRemoval: tip.header, upstreamStateId: id)
            #expect(store.writes == writes + 1)
            #expect(removed.canonicalTip == tip)
            #expect(removed.parentOfRemoved.hash == batch[0].prevBlock)
            #expect(chain.tip == tip)
            #expect(chain.upstreamStateId == id)
            #expect(try dumpExternal(store) == dump, "store differs after removing a batch")
        }
        #expect(chain.headerCount == 1)
    }

    /// Checks tip, canonical heights and the view against the model.
    func expectMatchesModel<S: KVStore>(_ chain: ExternalHeaderChain<S>, _ model: HeaderTreeModel) throws {
        #expect(chain.tip.hash == model.tip)
        #expect(chain.tip.chainWork == model.work[model.tip])
        let canonical = model.canonical()
        let view = try chain.view()
        defer { view.close() }
        #expect(view.pinnedHash == model.tip)
        #expect(try view.bestHeader().hash == model.tip)
        for (h, hash) in canonical {
            #expect(chain.header(height: h)?.hash == hash)
            #expect(try view.header(height: h)?.hash == hash)
            #expect(try view.isCanonical(hash))
        }
        let top = canonical.keys.max() ?? 0
        #expect(try view.header(height: top + 1) == nil)
        #expect(try view.header(height: 839_999) == nil)
        for (hash, w) in model.work {
            let rec = try view.header(hash: hash)
            #expect(rec?.chainWork == w)
            #expect(rec?.height == model.height[hash])
            #expect(try view.isCanonical(hash) == (canonical[model.height[hash] ?? 0] == hash))
        }
    }

    /// Each kind of bad batch is refused with its typed error and changes nothing.
    @Test func badBatchesAreRefusedWithoutChanges() throws {
        var miner = HeaderMiner()
        let g = Self.genesis(&miner)
        let gh = g.header.computeHash()
        let store = MemoryStore(tables: ExternalHeaderTables.all)
        let chain = try ExternalHeaderChain(store: store, params: .regtest, genesis: g)
        let main = miner.chain(on: gh, count: 5)
        try chain.addHeaders(main, upstreamStateId: Self.id(1))
        let fork = miner.chain(on: main[1].computeHash(), count: 1)
        try chain.addHeaders(fork, upstreamStateId: Self.id(2))
        let snapshot = try dumpExternal(store)
        let tip = chain.tip

        func refuses(_ expected: ExternalHeaderError, _ body: () throws -> Void) throws {
            do {
                try body()
                Issue.record("accepted; expected \(expected)")
            } catch {
                #expect(error as? ExternalHeaderError == expected)
            }
            #expect(try dumpExternal(store) == snapshot)
            #expect(chain.tip == tip)
            #expect(chain.upstreamStateId == Self.id(2))
        }
        let stranger = miner.header(on: SHA256Hash.hash(Array("nowhere".utf8)))
        try refuses(.unknownParent(hash: stranger.computeHash(), parent: stranger.prevBlock)) {
            _ = try chain.addHeaders([stranger], upstreamStateId: Self.id(9))
        }
        try refuses(.emptyBatch) { _ = try chain.addHeaders([], upstreamStateId: Self.id(9)) }
        let next = miner.header(on: main[4].computeHash())
        try refuses(.duplicate(main[4].computeHash())) { _ = try chain.addHeaders([main[4], next], upstreamStateId: Self.id(9)) }
        let a = miner.header(on: main[4].computeHash())
        let unrelated = miner.header(on: main[0].computeHash())
        try refuses(.notContiguous(index: 1)) { _ = try chain.addHeaders([a, unrelated], upstreamStateId: Self.id(9)) }
        let bad = miner.header(on: main[4].computeHash(), valid: false)
        try refuses(.invalidProofOfWork(bad.computeHash())) { _ = try chain.addHeaders([bad], upstreamStateId: Self.id(9)) }
        // Removing a header that is not a leaf (main[3] has child main[4]).
        try refuses(.wouldLeaveDangling(removed: main[3].computeHash(), child: main[4].computeHash())) {
            _ = try chain.removeHeaders([main[3]], tipAfterRemoval: main[2], upstreamStateId: Self.id(9))
        }
        // Removing main[1]…main[4] leaves the fork (child of main[1]) dangling.
        try refuses(.wouldLeaveDangling(removed: main[1].computeHash(), child: fork[0].computeHash())) {
            _ = try chain.removeHeaders(Array(main[1...4]), tipAfterRemoval: main[0], upstreamStateId: Self.id(9))
        }
        try refuses(.removingGenesis) { _ = try chain.removeHeaders([g.header], tipAfterRemoval: g.header, upstreamStateId: Self.id(9)) }
        try refuses(.unknownHeader(next.computeHash())) {
            _ = try chain.removeHeaders([next], tipAfterRemoval: main[4], upstreamStateId: Self.id(9))
        }
        try refuses(.tipAfterRemovalIsRemoved(main[4].computeHash())) {
            _ = try chain.removeHeaders([main[4]], tipAfterRemoval: main[4], upstreamStateId: Self.id(9))
        }
        try refuses(.notContiguous(index: 1)) {
            _ = try chain.removeHeaders([main[3], fork[0]], tipAfterRemoval: main[2], upstreamStateId: Self.id(9))
        }
        // After removing main[4] the most-work header is main[3] (4 easy headers above the genesis vs
        // the fork's 3).
        try refuses(.wrongTipAfterRemoval(given: fork[0].computeHash(), expected: main[3].computeHash())) {
            _ = try chain.removeHeaders([main[4]], tipAfterRemoval: fork[0], upstreamStateId: Self.id(9))
        }
        // Removing the fork: the tip must stay main[4].
        try refuses(.wrongTipAfterRemoval(given: main[1].computeHash(), expected: main[4].computeHash())) {
            _ = try chain.removeHeaders(fork, tipAfterRemoval: main[1], upstreamStateId: Self.id(9))
        }
        // And the valid forms of the same removals succeed.
        let r1 = try chain.removeHeaders(fork, tipAfterRemoval: main[4], upstreamStateId: Self.id(3))
        #expect(r1.kind == .forkDescend)
        let r2 = try chain.removeHeaders([main[4]], tipAfterRemoval: main[3], upstreamStateId: Self.id(4))
        #expect(r2.kind == .chainDescend)
        #expect(chain.tip.hash == main[3].computeHash())
    }

    /// A heavy fork reorganises the chain on add; removing it reorganises back (chain fork both ways).
    @Test func reorgByRemoval() throws {
        var miner = HeaderMiner()
        let g = Self.genesis(&miner)
        let store = MemoryStore(tables: ExternalHeaderTables.all)
        let chain = try ExternalHeaderChain(store: store, params: .regtest, genesis: g)
        let main = miner.chain(on: g.header.computeHash(), count: 6)
        #expect(try chain.addHeaders(main, upstreamStateId: Self.id(1)).kind == .chainExtend)
        let heavy = miner.chain(on: main[2].computeHash(), count: 1, bits: hardBits)
        let added = try chain.addHeaders(heavy, upstreamStateId: Self.id(2))
        #expect(added.kind == .chainFork)
        #expect(chain.tip.hash == heavy[0].computeHash())
        #expect(chain.tip.height == 840_004)
        #expect(chain.header(height: 840_005) == nil, "the old chain's higher headers are no longer canonical")
        let view = try chain.view()
        #expect(try view.header(height: 840_004)?.hash == heavy[0].computeHash())
        #expect(try !view.isCanonical(main[3].computeHash()))
        #expect(try view.header(hash: main[5].computeHash())?.height == 840_006, "fork headers stay queryable by hash")
        #expect(view.upstreamStateId == Self.id(2))
        let removed = try chain.removeHeaders(heavy, tipAfterRemoval: main[5], upstreamStateId: Self.id(1))
        #expect(removed.kind == .chainFork)
        #expect(chain.tip.hash == main[5].computeHash())
        // The view taken before the removal still answers at its pinned tip.
        #expect(view.pinnedHash == heavy[0].computeHash())
        #expect(try view.header(height: 840_004)?.hash == heavy[0].computeHash())
        view.close()
        let after = try chain.view()
        #expect(try after.header(height: 840_006)?.hash == main[5].computeHash())
        #expect(after.upstreamStateId == Self.id(1))
    }

    /// LMDB: the upstream id and headers survive reopening; a batch whose transaction aborts before
    /// commit (injected) leaves the store, the tip and the upstream id as they were — crash safety by
    /// construction, since every batch is one transaction.
    @Test func lmdbReopenAndAbortedBatch() throws {
        let dir = TempDir()
        var miner = HeaderMiner()
        let g = Self.genesis(&miner)
        let options = LMDBOptions(mapSize: 16 << 20, durability: .noSync)
        let batch1 = miner.chain(on: g.header.computeHash(), count: 10)
        let batch2 = miner.chain(on: batch1[9].computeHash(), count: 10)
        var before: [String: [KVPair]] = [:]
        do {
            let store = CountingStore(try LMDBStore(path: dir.sub("db"), tables: ExternalHeaderTables.all, options: options))
            let chain = try ExternalHeaderChain(store: store, params: .regtest, genesis: g)
            try chain.addHeaders(batch1, upstreamStateId: Self.id(1))
            before = try dumpExternal(store)
            store.failNextCommit = true
            do {
                _ = try chain.addHeaders(batch2, upstreamStateId: Self.id(2))
                Issue.record("injected failure not raised")
            } catch {
                guard case .storage = error else { Issue.record("unexpected \(error)"); return }
            }
            #expect(try dumpExternal(store) == before)
            #expect(chain.tip.hash == batch1[9].computeHash())
            #expect(chain.upstreamStateId == Self.id(1))
            #expect(chain.header(hash: batch2[0].computeHash()) == nil)
        }
        do {
            let store = try LMDBStore(path: dir.sub("db"), tables: ExternalHeaderTables.all, options: options)
            let chain = try ExternalHeaderChain(store: store, params: .regtest, genesis: g)
            #expect(try dumpExternal(store) == before)
            #expect(chain.upstreamStateId == Self.id(1))
            #expect(chain.tip.hash == batch1[9].computeHash())
            #expect(chain.tip.height == 840_010)
            #expect(try chain.view().upstreamStateId == Self.id(1))
            // The batch can be applied after reopening.
            let r = try chain.addHeaders(batch2, upstreamStateId: Self.id(2))
            #expect(r.kind == .chainExtend)
            #expect(chain.tip.height == 840_020)
            // Another effective genesis does not open this store.
            var other = miner
            let g2 = Self.genesis(&other)
            #expect(throws: ExternalHeaderError.genesisMismatch(stored: g.header.computeHash(), given: g2.header.computeHash())) {
                _ = try ExternalHeaderChain(store: store, params: .regtest, genesis: g2)
            }
        }
    }
}
