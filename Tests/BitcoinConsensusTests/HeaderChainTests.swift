import Testing
import Primitives
import Hashing
import Bitcoin
import BitcoinConsensus
import TestSupport

/// Loaded once per process.
enum Headers {
    static let mainnet: [BlockHeader] = (try? HeaderFile.parse(TestData.bytes("bitcoin/headers/mainnet_1_32260.bin"))) ?? []
    static let testnet3: [BlockHeader] = (try? HeaderFile.parse(TestData.bytes("bitcoin/headers/testnet3_0_9999.txt"))) ?? []
}

/// A fixed "now" well after every test header (2033).
let testNow: Int64 = 2_000_000_000

func requireData() throws {
    if Headers.mainnet.count != 32260 || Headers.testnet3.count != 10000 {
        throw TestDataError.notFound(TestData.path("bitcoin/headers"))
    }
}

/// Verifies `headers` (the first at height `start`, chained on genesis or `anchor`).
func run(
    _ params: ChainParams, _ headers: some Sequence<BlockHeader>, anchor: HeaderChainVerifier.Anchor = .genesis,
    pow: Bool = true, now: Int64 = testNow
) -> Result<HeaderChainVerifier, HeaderValidationError> {
    do throws(HeaderValidationError) {
        var v = try HeaderChainVerifier(params: params, anchor: anchor, options: .init(now: now, checkProofOfWork: pow))
        try v.append(contentsOf: headers)
        return .success(v)
    } catch {
        return .failure(error)
    }
}

/// Mainnet headers by height (index 0 = genesis).
func mainnetByHeight() -> [BlockHeader] { [ChainParams.mainnet.genesis.header] + Headers.mainnet }

@Suite struct HeaderChainTests {
    @Test func mainnetFileVerifies() throws {
        try requireData()
        let r = run(.mainnet, Headers.mainnet)
        let v = try r.get()
        #expect(v.tipHeight == 32260)
        #expect(v.tipHash == Headers.mainnet[32259].computeHash())
        #expect(v.skippedChecks == 0)
        // 32256 blocks (0...32255) at difficulty 1, then 5 at 1d00d86a.
        let w1 = CompactTarget(bits: 0x1d00_ffff).work, w2 = CompactTarget(bits: 0x1d00_d86a).work
        #expect(v.chainWork == w1 &* UInt256(32256) &+ w2 &* UInt256(5))
        #expect(Headers.mainnet[32255].bits == 0x1d00_d86a)
    }

    @Test func testnet3FileVerifies() throws {
        try requireData()
        #expect(Headers.testnet3[0].computeHash() == ChainParams.testnet3.genesisHash)
        let v = try run(.testnet3, Headers.testnet3.dropFirst()).get()
        #expect(v.tipHeight == 9999)
        #expect(v.skippedChecks == 0)
        // The same chain is invalid under mainnet rules (min-difficulty blocks, different genesis).
        #expect(throws: HeaderValidationError.self) { try run(.mainnet, Headers.testnet3.dropFirst()).get() }
    }

    @Test func retargetAt32256() throws {
        try requireData()
        let hs = mainnetByHeight()
        let last = ChainEntry(height: 32255, time: hs[32255].time, bits: hs[32255].bits)
        let first = ChainEntry(height: 30240, time: hs[30240].time, bits: hs[30240].bits)
        #expect(ProofOfWork.calculateNextWorkRequired(last: last, first: first, params: .mainnet) == 0x1d00_d86a)
        #expect(hs[32256].bits == 0x1d00_d86a)
    }

    // Bitcoin Core pow_tests.cpp.
    @Test func coreRetargetVectors() {
        func calc(_ lastHeight: Int, _ firstTime: UInt32, _ lastTime: UInt32, _ bits: UInt32) -> UInt32 {
            ProofOfWork.calculateNextWorkRequired(
                last: ChainEntry(height: lastHeight, time: lastTime, bits: bits),
                first: ChainEntry(height: lastHeight - 2015, time: firstTime, bits: bits), params: .mainnet)
        }
        #expect(calc(32255, 1_261_130_161, 1_262_152_739, 0x1d00_ffff) == 0x1d00_d86a)  // get_next_work
        #expect(calc(2015, 1_231_006_505, 1_233_061_996, 0x1d00_ffff) == 0x1d00_ffff)  // pow limit
        #expect(calc(68543, 1_279_008_237, 1_279_297_671, 0x1c05_a3f4) == 0x1c01_68fd)  // lower clamp
        #expect(calc(46367, 1_263_163_443, 1_269_211_443, 0x1c38_7f6f) == 0x1d00_e1fd)  // upper clamp
        // No retargeting on regtest.
        #expect(ProofOfWork.calculateNextWorkRequired(
            last: ChainEntry(height: 2015, time: 1000, bits: 0x207f_ffff), first: ChainEntry(height: 0, time: 0, bits: 0x207f_ffff),
            params: .regtest) == 0x207f_ffff)
    }

    @Test func proofOfWorkRange() {
        let h = BlockHash.zero
        #expect(ProofOfWork.check(hash: h, bits: 0x1d00_ffff, powLimit: ChainParams.mainnet.powLimit))
        #expect(!ProofOfWork.check(hash: h, bits: 0x1d01_0000, powLimit: ChainParams.mainnet.powLimit))  // above limit
        #expect(!ProofOfWork.check(hash: h, bits: 0x1d80_ffff, powLimit: ChainParams.mainnet.powLimit))  // negative
        #expect(!ProofOfWork.check(hash: h, bits: 0x0100_0000, powLimit: ChainParams.mainnet.powLimit))  // zero
        #expect(!ProofOfWork.check(hash: h, bits: 0xff00_ffff, powLimit: ChainParams.regtest.powLimit))  // overflow
    }

    // MARK: Mutations of real headers

    /// Heights spread over the first ~3000 headers plus the 32256 retarget region.
    static func positions(_ rng: inout SplitMix64, count: Int) -> [Int] {
        var p = Set<Int>([1, 2, 11, 12, 2015, 2016, 2017, 32256, 32257, 32260])
        while p.count < count { p.insert(1 + Int(rng.next() % 3000)) }
        return p.sorted()
    }

    /// Verifier states after heights 0...32259 would be too many to keep; instead states are built
    /// incrementally for sorted positions and shared by the mutation tests.
    static let snapshots: [Int: HeaderChainVerifier] = {
        var rng = SplitMix64(seed: 99)
        let wanted = Set(positions(&rng, count: 0)).union(1...3000)
        var out: [Int: HeaderChainVerifier] = [:]
        guard var v = try? HeaderChainVerifier(params: .mainnet, options: .init(now: testNow, checkProofOfWork: false)) else { return [:] }
        for (i, h) in Headers.mainnet.enumerated() {
            // Snapshot of the chain ending at height i (parent of height i + 1).
            if wanted.contains(i + 1) { out[i + 1] = v }
            guard (try? v.append(h)) != nil else { return out }
        }
        return out
    }()

    /// Runs `mutate` on header `h` (height in the mainnet file) on top of the real chain 0...h-1.
    func mutatedRun(_ h: Int, pow: Bool, _ mutate: (inout BlockHeader) -> Void) -> Result<HeaderChainVerifier, HeaderValidationError> {
        guard let snap = Self.snapshots[h] else {
            return .failure(HeaderValidationError(height: h, hash: .zero, rule: .badPrevHash, detail: "no snapshot (test data missing)"))
        }
        var header = Headers.mainnet[h - 1]
        mutate(&header)
        do throws(HeaderValidationError) {
            // Same chain state, with or without proof of work.
            var v = HeaderChainVerifier.resuming(snap, checkProofOfWork: pow)
            try v.append(header)
            return .success(v)
        } catch {
            return .failure(error)
        }
    }

    @Test func nonceFlipFailsProofOfWork() throws {
        try requireData()
        var rng = SplitMix64(seed: 1)
        for h in Self.positions(&rng, count: 150) {
            let bit = UInt32(1) << UInt32(rng.next() % 32)
            let r = mutatedRun(h, pow: true) { $0.nonce ^= bit }
            guard case let .failure(e) = r else { Issue.record("height \(h): accepted"); continue }
            #expect(e.height == h && e.rule == .highHash, "\(e)")
        }
    }

    @Test func prevHashFlipBreaksLink() throws {
        try requireData()
        var rng = SplitMix64(seed: 2)
        for h in Self.positions(&rng, count: 150) {
            let byte = Int(rng.next() % 32), bit = UInt8(1) << UInt8(rng.next() % 8)
            // With PoW: the changed header no longer meets its target (Core checks PoW first).
            let r1 = mutatedRun(h, pow: true) { var b = $0.prevBlock.bytes; b[byte] ^= bit; $0.prevBlock = Bytes32(b) }
            #expect((try? r1.get()) == nil)
            if case let .failure(e) = r1 { #expect(e.height == h && e.rule == .highHash, "\(e)") }
            // Without PoW: the link rule.
            let r2 = mutatedRun(h, pow: false) { var b = $0.prevBlock.bytes; b[byte] ^= bit; $0.prevBlock = Bytes32(b) }
            if case let .failure(e) = r2 { #expect(e.height == h && e.rule == .badPrevHash, "\(e)") } else { Issue.record("height \(h): accepted") }
        }
    }

    @Test func bitsFlipFailsDifficulty() throws {
        try requireData()
        var rng = SplitMix64(seed: 3)
        for h in Self.positions(&rng, count: 150) {
            let bit = UInt32(1) << UInt32(rng.next() % 32)
            let r = mutatedRun(h, pow: false) { $0.bits ^= bit }
            if case let .failure(e) = r { #expect(e.height == h && e.rule == .badDiffBits, "\(e)") } else { Issue.record("height \(h): accepted") }
            let r2 = mutatedRun(h, pow: true) { $0.bits ^= bit }
            if case let .failure(e) = r2 {
                #expect(e.height == h && (e.rule == .highHash || e.rule == .badDiffBits), "\(e)")
            } else {
                Issue.record("height \(h): accepted")
            }
        }
    }

    @Test func timestampAtOrBelowMedianFails() throws {
        try requireData()
        var rng = SplitMix64(seed: 4)
        let hs = mainnetByHeight()
        for h in Self.positions(&rng, count: 150) {
            // MTP of the parent: median of heights max(0,h-11)...h-1.
            let window = hs[max(0, h - 11)..<h].map(\.time).sorted()
            let mtp = window[window.count / 2]
            let below = mtp - UInt32(rng.next() % 1000)
            for t in [mtp, below] {
                let r = mutatedRun(h, pow: false) { $0.time = t }
                if case let .failure(e) = r { #expect(e.height == h && e.rule == .timeTooOld, "\(e)") } else { Issue.record("height \(h): accepted") }
            }
            // One second after the median is fine (when not at a retarget, whose bits depend on time).
            if h % 2016 != 0 {
                let r = mutatedRun(h, pow: false) { $0.time = mtp + 1 }
                #expect((try? r.get()) != nil, "height \(h)")
            }
        }
    }

    @Test func futureTimeFails() throws {
        try requireData()
        let h = 1000
        let t = Int64(Headers.mainnet[h - 1].time)
        // now = time - 2h: exactly at the limit passes; one second more fails.
        let ok = run(.mainnet, Headers.mainnet.prefix(h), now: t - HeaderChainVerifier.maxFutureBlockTime)
        #expect((try? ok.get()) != nil)
        let bad = run(.mainnet, Headers.mainnet.prefix(h), now: t - HeaderChainVerifier.maxFutureBlockTime - 1)
        guard case let .failure(e) = bad else { Issue.record("accepted"); return }
        // Earlier headers have earlier times, so the first failure is at or before h.
        #expect(e.rule == .timeTooNew && e.height <= h)
    }

    @Test func trustedAnchor() throws {
        try requireData()
        let hs = mainnetByHeight()
        // Anchor at 30000: the 32256 retarget has its lookback (30240) available.
        let v = try run(.mainnet, hs[30001...], anchor: .trusted(hs[30000], height: 30000)).get()
        // The first 10 headers after the anchor lack 11 ancestors for the median time past, and the
        // 30240 retarget lacks its lookback (28224).
        #expect(v.tipHeight == 32260)
        #expect(v.skippedChecks == 11)
        // A bad 32256 bits is caught.
        var bad = Array(hs[30001...32256])
        bad[32256 - 30001].bits = 0x1d00_ffff
        if case let .failure(e) = run(.mainnet, bad, anchor: .trusted(hs[30000], height: 30000), pow: false) {
            #expect(e.height == 32256 && e.rule == .badDiffBits)
        } else {
            Issue.record("accepted")
        }
        // Anchor at 31000: the lookback is missing, so the retarget check is skipped (and counted),
        // and the first 10 headers skip the median-time check.
        let v2 = try run(.mainnet, bad[(31001 - 30001)...], anchor: .trusted(hs[31000], height: 31000), pow: false).get()
        #expect(v2.skippedChecks == 11)
        // Linkage still applies from the anchor.
        if case let .failure(e) = run(.mainnet, hs[30002...], anchor: .trusted(hs[30000], height: 30000)) {
            #expect(e.height == 30001 && e.rule == .badPrevHash || e.rule == .highHash)
        } else {
            Issue.record("accepted")
        }
        // An anchor that fails its own proof of work is rejected.
        var a = hs[30000]
        a.nonce ^= 1
        #expect(throws: HeaderValidationError.self) { try run(.mainnet, [], anchor: .trusted(a, height: 30000)).get() }
    }

    // MARK: testnet3 min-difficulty rules

    @Test func testnet3MinDifficultyWalkBack() throws {
        try requireData()
        let hs = Headers.testnet3
        let limit: UInt32 = 0x1d00_ffff
        var checkedMinDiff = 0, checkedWalkBack = 0
        var v = try HeaderChainVerifier(params: .testnet3, options: .init(now: testNow, checkProofOfWork: false))
        func attempt(_ base: HeaderChainVerifier, _ header: BlockHeader) -> HeaderValidationError? {
            var c = base
            do throws(HeaderValidationError) { try c.append(header) } catch { return error }
            return nil
        }
        for h in 1..<hs.count {
            let gap = Int64(hs[h].time) - Int64(hs[h - 1].time)
            if h % 2016 != 0 && h > 4032 && hs[h].bits == limit && gap > 1200 {
                // A 20-minute block: pulling its time inside 20 minutes makes its min difficulty invalid.
                checkedMinDiff += 1
                var m = hs[h]
                m.time = hs[h - 1].time + 1200
                let e = attempt(v, m)
                #expect(e?.height == h && e?.rule == .badDiffBits, "height \(h): \(String(describing: e))")
            }
            if h % 2016 != 0 && hs[h].bits != limit && gap <= 1200 && (hs[h - 1].bits == limit || h % 7 == 0) {
                // A real-difficulty block (some right after min-difficulty blocks, whose bits come from
                // the walk-back over them).
                // Claiming the min difficulty instead (without the 20-minute gap) is rejected.
                checkedWalkBack += 1
                var m = hs[h]
                m.bits = limit
                let e = attempt(v, m)
                #expect(e?.height == h && e?.rule == .badDiffBits, "height \(h): \(String(describing: e))")
            }
            try v.append(hs[h])
        }
        #expect(checkedMinDiff >= 20)
        #expect(checkedWalkBack >= 20)
    }
}

/// Ancestors from a plain array, using the protocol's default (looping) walk-back.
struct ArrayAncestors: AncestorProvider {
    let headers: [BlockHeader]
    func ancestor(atHeight h: Int) -> ChainEntry? {
        guard h >= 0, h < headers.count else { return nil }
        return ChainEntry(height: h, time: headers[h].time, bits: headers[h].bits)
    }
}

@Suite struct WalkBackTests {
    /// The verifier's O(1) walk-back agrees with the plain loop at every testnet3 height, for both a
    /// quick and a 20-minute-late successor.
    @Test func cachedWalkBackMatchesLoop() throws {
        try requireData()
        let hs = Headers.testnet3
        let plain = ArrayAncestors(headers: hs)
        var v = try HeaderChainVerifier(params: .testnet3, options: .init(now: testNow))
        for h in 1..<hs.count {
            let last = ChainEntry(height: h - 1, time: hs[h - 1].time, bits: hs[h - 1].bits)
            for dt: UInt32 in [1, 1201] {
                let expected = ProofOfWork.nextWorkRequired(last: last, newTime: last.time + dt, params: .testnet3, ancestors: plain)
                var probe = hs[h]
                probe.time = last.time + dt
                let e = try #require(expected)
                // The verifier reports bad-diffbits exactly when the loop says the bits are wrong.
                var c = HeaderChainVerifier.resuming(v, checkProofOfWork: false)
                var rule: HeaderRule?
                do throws(HeaderValidationError) { try c.append(probe) } catch { rule = error.rule }
                #expect((rule == .badDiffBits) == (e != probe.bits), "height \(h) dt \(dt)")
            }
            try v.append(hs[h])
        }
    }
}

// MARK: Synthetic chains (regtest mining is cheap; testnet4 without PoW)

/// Mines a regtest header (the target admits about half of all hashes).
func mineRegtest(_ h: inout BlockHeader) {
    while !ProofOfWork.check(hash: h.computeHash(), bits: h.bits, powLimit: ChainParams.regtest.powLimit) { h.nonce &+= 1 }
}

func regtestChain(_ n: Int, version: Int32 = 4, spacing: UInt32 = 600) -> [BlockHeader] {
    var prev = ChainParams.regtest.genesisHash
    var t = ChainParams.regtest.genesis.header.time
    var out: [BlockHeader] = []
    for i in 0..<n {
        t += spacing
        var h = BlockHeader(version: version, prevBlock: prev, merkleRoot: Bytes32(w0: UInt64(i), w1: 0, w2: 0, w3: 0), time: t, bits: 0x207f_ffff, nonce: 0)
        mineRegtest(&h)
        out.append(h)
        prev = h.computeHash()
    }
    return out
}

@Suite struct SyntheticHeaderTests {
    @Test func regtestChainAndVersions() throws {
        let chain = regtestChain(30)
        let v = try run(.regtest, chain).get()
        #expect(v.tipHeight == 30)
        #expect(v.chainWork == UInt256(2 * 31))
        // BIP34/65/66 are active from height 1 on regtest: version 3 is too low.
        var bad = chain
        bad[9].version = 3
        mineRegtest(&bad[9])
        if case let .failure(e) = run(.regtest, bad) { #expect(e.height == 10 && e.rule == .badVersion) } else { Issue.record("accepted") }
        // No retargeting on regtest: changing bits is bad-diffbits (if the PoW still passes).
        var b2 = Array(chain.prefix(5))
        b2[4].bits = 0x207f_fffe
        mineRegtest(&b2[4])
        if case let .failure(e) = run(.regtest, b2) { #expect(e.height == 5 && e.rule == .badDiffBits) } else { Issue.record("accepted") }
        #expect(HeaderChainVerifier.minimumVersion(height: 227_930, params: .mainnet) == nil)
        #expect(HeaderChainVerifier.minimumVersion(height: 227_931, params: .mainnet) == 2)
        #expect(HeaderChainVerifier.minimumVersion(height: 363_725, params: .mainnet) == 3)
        #expect(HeaderChainVerifier.minimumVersion(height: 388_381, params: .mainnet) == 4)
    }

    /// testnet4 (BIP94): 2015 min-difficulty blocks 1201 s apart, then the period's first block.
    @Test func testnet4Timewarp() throws {
        let p = ChainParams.testnet4
        var prev = p.genesisHash
        var t = p.genesis.header.time
        var chain: [BlockHeader] = []
        for i in 1...2015 {
            t += 1201
            let h = BlockHeader(version: 4, prevBlock: prev, merkleRoot: Bytes32(w0: UInt64(i), w1: 0, w2: 0, w3: 0), time: t, bits: 0x1d00_ffff, nonce: 0)
            chain.append(h)
            prev = h.computeHash()
        }
        let base = try run(p, chain, pow: false).get()
        #expect(base.tipHeight == 2015)
        func at2016(_ time: UInt32) -> Result<HeaderChainVerifier, HeaderValidationError> {
            var v = base
            let h = BlockHeader(version: 4, prevBlock: prev, merkleRoot: .zero, time: time, bits: 0x1d00_ffff, nonce: 0)
            do throws(HeaderValidationError) {
                try v.append(h)
                return .success(v)
            } catch { return .failure(error) }
        }
        #expect((try? at2016(t - 600).get()) != nil, "exactly 600 s back is allowed")
        if case let .failure(e) = at2016(t - 601) { #expect(e.height == 2016 && e.rule == .timewarp) } else { Issue.record("accepted") }
        // The same on testnet3 (no BIP94) is fine.
        #expect(!ChainParams.testnet3.enforceBIP94)
    }

    /// BIP94 retargets from the first block of the period, ignoring a min-difficulty last block.
    @Test func bip94UsesFirstBlockBits() {
        let first = ChainEntry(height: 0, time: 0, bits: 0x1c0f_fff0)
        let last = ChainEntry(height: 2015, time: UInt32(ChainParams.testnet4.powTargetTimespan), bits: 0x1d00_ffff)
        #expect(ProofOfWork.calculateNextWorkRequired(last: last, first: first, params: .testnet4) == 0x1c0f_fff0)
        #expect(ProofOfWork.calculateNextWorkRequired(last: last, first: first, params: .testnet3) == 0x1d00_ffff)
    }
}

