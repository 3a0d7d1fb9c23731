import Testing
import Primitives
import Hashing
import Bitcoin
import TestSupport

struct BlockFixture: Sendable, CustomStringConvertible {
    let file: String
    let hash: String
    let txCount: Int
    var description: String { file }
}

let blockFixtures: [BlockFixture] = [
    .init(file: "block169482.dat", hash: "0000000000000756935f1ee9d5987857b604046f846d3df56d024cdb5f368665", txCount: 14),
    .init(file: "block227835.dat", hash: "00000000000001aa077d7aa84c532a4d69bdbff519609d1da0835261b7a74eb6", txCount: 122),
    .init(file: "block227836.dat", hash: "00000000000000d0dfd4c9d588d325dce4f32c1b31b7c0064cba7025a9b9adcc", txCount: 100),
    .init(file: "block277647.dat", hash: "0000000000000000054a714e580b16c583701712ab91060e92dbde6eb1e052a8", txCount: 213),
    .init(file: "block363703.dat", hash: "0000000000000000011b2a4cb91b63886ffe0d2263fd17ac5a9b902a219e0a14", txCount: 587),
    .init(file: "block370661.dat", hash: "00000000000000001416a613602d73bbe5c79170fd8f39d509896b829cf9021e", txCount: 708),
    .init(file: "block383616.dat", hash: "00000000000000000aab6a2b34e979b09ca185584bd1aecf204f24d150ff55e9", txCount: 1731),
    .init(file: "block413567.raw", hash: "0000000000000000025aff8be8a55df8f89c77296db6198f272d6577325d4069", txCount: 1557),
    .init(file: "block481815.dat", hash: "000000000000000000893c019d81f2d48ee33892c12428f3121bbd16ed6db926", txCount: 2097),
    .init(file: "block481829.dat", hash: "000000000000000000917cba69f69b758fe396c8e30ae97bbcf08c4eb975e726", txCount: 2020),
]

func loadSingleBlock(_ file: String) throws -> FileBlock {
    let bytes = try TestData.bytes("bitcoin/blocks/" + file)
    let blocks = try BlockFile.parse(bytes)
    #expect(blocks.count == 1)
    guard let b = blocks.first else { throw BlockFileError.empty }
    return b
}

@Suite struct BlockTests {
    @Test(arguments: blockFixtures)
    func blockParsesRoundTripsAndHashes(_ f: BlockFixture) throws {
        let fb = try loadSingleBlock(f.file)
        let block = fb.block
        #expect(block.serialized() == fb.raw, "re-serialization must be byte-identical")
        #expect(block.computeHash().displayHex == f.hash)
        #expect(block.transactions.count == f.txCount)
        let (root, mutated) = block.computeMerkleRoot()
        #expect(root == block.header.merkleRoot)
        #expect(!mutated)
        // Proof of work against its own bits.
        let t = block.header.compactTarget
        #expect(!t.isNegative && !t.isOverflow)
        #expect(UInt256(littleEndian: block.computeHash()) <= t.target)
        #expect(block.computeWeight() <= BlockLimits.maxWeight)
        #expect(block.computeTotalSize() == fb.raw.count)
    }

    @Test func blk277647IsFramed() throws {
        let bytes = try TestData.bytes("bitcoin/blocks/block277647.dat")
        let fb = try loadSingleBlock("block277647.dat")
        #expect(fb.magic == BlockFile.magicValue(ChainParams.mainnet.magic))
        #expect(fb.position == 8)
        #expect(fb.raw.count == 149_164)
        #expect(bytes.count == 149_172)
    }

    @Test func witnessCommitment481829() throws {
        let block = try loadSingleBlock("block481829.dat").block
        #expect(block.computeWitnessMerkleRoot().displayHex.hasSuffix("fc2d") || block.computeWitnessMerkleRoot().hex.hasPrefix("0a02ddb2"))
        #expect(block.transactions[0].hasWitness)
        #expect(block.transactions.dropFirst().allSatisfy { !$0.hasWitness })
        let r = block.checkWitnessCommitment(segwitActive: true)
        guard case .valid = r else {
            Issue.record("commitment: \(r)")
            return
        }
        // Stripped vs total sizes differ by the coinbase witness only.
        #expect(block.computeTotalSize() > block.computeStrippedSize())
    }

    @Test func witnessCommitment481815() throws {
        let block = try loadSingleBlock("block481815.dat").block
        #expect(!block.transactions.contains { $0.hasWitness })
        let idx = try #require(block.witnessCommitmentIndex())
        let committed = Bytes32(block.transactions[0].outputs[idx].scriptPubKey[6..<38])
        #expect(committed.hex.hasPrefix("3d030767"))
        #expect(committed.hex.hasSuffix("f3b7"))
        // Pre-activation the commitment is not checked; no witness is present, so it passes.
        #expect(block.checkWitnessCommitment(segwitActive: false) == .noCommitment)
        // The commitment equals sha256d(wtxid root || 32 zero bytes).
        let expected = SHA256Hash.double(block.computeWitnessMerkleRoot().bytes + [UInt8](repeating: 0, count: 32))
        #expect(expected == committed)
        // Under segwit rules the coinbase lacks the reserved value witness.
        #expect(block.checkWitnessCommitment(segwitActive: true) == .invalid(reason: "bad-witness-nonce-size"))
    }

    @Test func witnessCommitmentDetectsTampering() throws {
        var block = try loadSingleBlock("block481829.dat").block
        var out = block.transactions[0].outputs
        let idx = try #require(block.witnessCommitmentIndex())
        out[idx].scriptPubKey[10] ^= 1
        block.transactions[0].outputs = out
        #expect(block.checkWitnessCommitment(segwitActive: true) == .invalid(reason: "bad-witness-merkle-match"))
        // Removing the commitment while witness data remains: unexpected-witness.
        block.transactions[0].outputs.remove(at: idx)
        #expect(block.checkWitnessCommitment(segwitActive: true) == .invalid(reason: "unexpected-witness"))
    }

    @Test func merkleMutationDetection() throws {
        let block = try loadSingleBlock("block169482.dat").block
        let ids = block.transactions.map { $0.computeTxID() }
        // 14 txs: duplicating the last two gives 16 leaves with the same root (CVE-2012-2459).
        let dup = ids + ids.suffix(2)
        let (root, mutated) = Merkle.computeRoot(dup)
        #expect(root == block.header.merkleRoot)
        #expect(mutated)
        // A single leaf is its own root; the empty list gives zero.
        #expect(Merkle.computeRoot([ids[0]]).root == ids[0])
        #expect(Merkle.computeRoot([]).root == .zero)
        // Odd count: the last is paired with itself, which is not a mutation.
        #expect(!Merkle.computeRoot(Array(ids.prefix(3))).mutated)
    }

    @Test func mainnetFirst439BlocksLinkUp() throws {
        let bytes = try TestData.bytes("bitcoin/blocks/mainnet_0_438.blkdat")
        let blocks = try BlockFile.parse(bytes)
        #expect(blocks.count == 439)
        #expect(blocks.reduce(0) { $0 + $1.block.transactions.count } == 446)
        var prev = BlockHash.zero
        for (h, fb) in blocks.enumerated() {
            #expect(fb.block.header.prevBlock == prev, "height \(h)")
            #expect(fb.block.serialized() == fb.raw)
            let (root, mutated) = fb.block.computeMerkleRoot()
            #expect(root == fb.block.header.merkleRoot && !mutated, "height \(h)")
            prev = fb.block.computeHash()
        }
        #expect(blocks[0].block == ChainParams.mainnet.genesis)
        #expect(prev.displayHex == "0000000025c6b644f8add734be7e666fa4afa43ca0204d623a0c0b1fd2104c7a")
    }

    @Test func reorgSetForkStructure() throws {
        func load(_ f: String) throws -> [Block] { try BlockFile.parse(try TestData.bytes("bitcoin/blocks/" + f)).map(\.block) }
        let main = try load("reorg_blk_0_to_4.blkdat")
        let a3 = try load("reorg_blk_3A.blkdat"), a4 = try load("reorg_blk_4A.blkdat"), a5 = try load("reorg_blk_5A.blkdat")
        #expect(main.count == 5 && a3.count == 1 && a4.count == 1 && a5.count == 1)
        #expect(main.reduce(0) { $0 + $1.transactions.count } == 9)
        // Build a block tree: hash → (parent, height, cumulative work).
        var index: [BlockHash: (parent: BlockHash, height: Int, work: UInt256)] = [:]
        for b in main + a3 + a4 + a5 {
            let h = b.computeHash()
            let (root, mutated) = b.computeMerkleRoot()
            #expect(root == b.header.merkleRoot && !mutated)
            let t = b.header.compactTarget
            #expect(UInt256(littleEndian: h) <= t.target)
            if let p = index[b.header.prevBlock] {
                index[h] = (b.header.prevBlock, p.height + 1, p.work &+ b.header.computeWork())
            } else {
                #expect(h == ChainParams.mainnet.genesisHash)
                index[h] = (.zero, 0, b.header.computeWork())
            }
        }
        let hash = { (s: String) in BlockHash(displayHex: s) ?? .zero }
        let b2 = hash("00000000952ccb1bf9b799fcd0cc654dd48363f76781f8b1c61dbf1696c39f97")
        let b3 = hash("00000000bc3589303953766cc9364130cb97bc3749bae170f476d45f1e23f850")
        let b4 = hash("000000002f264d6504013e73b9c913de9098d4d771c1bb219af475d2a01b128e")
        let b3A = hash("00000000474284d20067a4d33f6a02284e6ef70764a3a26d6a5b9df52ef663dd")
        let b5A = hash("00000000195f85184e77c18914bd0febd11278d950f5e4731a38f71ed79f044e")
        #expect(index[b3]?.parent == b2)
        #expect(index[b3A]?.parent == b2, "3A forks off 2")
        #expect(index[b3A]?.height == 3)
        #expect(index[b5A]?.height == 5)
        let w4 = try #require(index[b4]?.work), w5A = try #require(index[b5A]?.work)
        #expect(w5A > w4, "the A branch has more work")
        // Tips are blocks that no other block names as parent.
        let parents = Set(index.values.map(\.parent))
        let tips = index.keys.filter { !parents.contains($0) }
        let best = tips.max { (index[$0]?.work ?? .zero) < (index[$1]?.work ?? .zero) }
        #expect(Set(tips) == [b4, b5A])
        #expect(best == b5A)
    }

    @Test func decodeRejectsTruncationAndTrailingBytes() throws {
        let raw = try loadSingleBlock("block169482.dat").raw
        for cut in [0, 1, 79, 80, 81, raw.count / 2, raw.count - 1] {
            #expect(throws: DecodeError.self) { try Block(bytes: Array(raw.prefix(cut))) }
        }
        #expect(throws: DecodeError.self) { try Block(bytes: raw + [0]) }
        // A huge transaction count is rejected before allocation.
        var w = ByteWriter()
        w.write(raw.prefix(80))
        w.writeCompactSize(UInt64(0xffff_ffff))
        #expect(throws: DecodeError.self) { try Block(bytes: w.bytes) }
    }

    @Test func blockFileFormats() throws {
        let fb = try loadSingleBlock("block169482.dat")
        // Hex, one block per line.
        let hexFile = Array((fb.raw.hex + "\n" + fb.raw.hex + "\n").utf8)
        let parsed = try BlockFile.parse(hexFile)
        #expect(parsed.count == 2 && parsed[1].block == fb.block)
        // Framed with zero padding at the end.
        var w = ByteWriter()
        w.write(ChainParams.testnet4.magic)
        w.writeUInt32LE(UInt32(fb.raw.count))
        w.write(fb.raw)
        w.write([UInt8](repeating: 0, count: 64))
        let framed = try BlockFile.parse(w.bytes)
        #expect(framed.count == 1 && framed[0].block == fb.block)
        // Bad frame length.
        var bad = w.bytes
        bad[4] = 0xff; bad[5] = 0xff; bad[6] = 0xff; bad[7] = 0x7f
        #expect(throws: BlockFileError.self) { try BlockFile.parse(bad) }
        #expect(throws: BlockFileError.self) { try BlockFile.parse(Array("zz".utf8)) }
    }
}

@Suite struct GenesisTests {
    @Test(arguments: Network.allCases)
    func genesisHashMatchesCore(_ n: Network) {
        let p = ChainParams.forNetwork(n)
        #expect(p.genesis.computeHash() == p.genesisHash, "\(n)")
        #expect(p.genesis.header.prevBlock == .zero)
        #expect(p.genesis.computeMerkleRoot().root == p.genesis.header.merkleRoot)
        let t = p.genesis.header.compactTarget
        #expect(UInt256(littleEndian: p.genesisHash) <= t.target)
        #expect(t.target <= p.powLimit)
        #expect(p.difficultyAdjustmentInterval == 2016)
    }

    @Test func genesisMerkleRoots() {
        #expect(ChainParams.mainnet.genesis.header.merkleRoot.displayHex == "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b")
        #expect(ChainParams.testnet4.genesis.header.merkleRoot.displayHex == "7aa0a7ae1e223414cb807e40cd57e667b718e42aaf9306db9102fe28912b7b4e")
    }

    @Test func powLimitBits() {
        #expect(ChainParams.mainnet.powLimitBits == 0x1d00_ffff)
        #expect(ChainParams.regtest.powLimitBits == 0x207f_ffff)
        #expect(ChainParams.signet.powLimitBits == 0x1e03_77ae)
    }
}

@Suite struct CompactTargetTests {
    // Vectors from Bitcoin Core's arith_uint256_tests / pow_tests (SetCompact / GetCompact).
    @Test func coreVectors() {
        struct V { let bits: UInt32; let hex: String; let neg: Bool; let ovf: Bool; let back: UInt32 }
        let vs: [V] = [
            V(bits: 0, hex: "0", neg: false, ovf: false, back: 0),
            V(bits: 0x0012_3456, hex: "0", neg: false, ovf: false, back: 0),
            V(bits: 0x0100_3456, hex: "0", neg: false, ovf: false, back: 0),
            V(bits: 0x0200_0056, hex: "0", neg: false, ovf: false, back: 0),
            V(bits: 0x0300_0000, hex: "0", neg: false, ovf: false, back: 0),
            V(bits: 0x0400_0000, hex: "0", neg: false, ovf: false, back: 0),
            V(bits: 0x0092_3456, hex: "0", neg: false, ovf: false, back: 0),
            V(bits: 0x0180_3456, hex: "0", neg: false, ovf: false, back: 0),
            V(bits: 0x0280_0056, hex: "0", neg: false, ovf: false, back: 0),
            V(bits: 0x0380_0000, hex: "0", neg: false, ovf: false, back: 0),
            V(bits: 0x0480_0000, hex: "0", neg: false, ovf: false, back: 0),
            V(bits: 0x0112_3456, hex: "12", neg: false, ovf: false, back: 0x0112_0000),
            V(bits: 0x0181_3456, hex: "1", neg: true, ovf: false, back: 0x0181_0000),
            V(bits: 0x0212_3456, hex: "1234", neg: false, ovf: false, back: 0x0212_3400),
            V(bits: 0x0312_3456, hex: "123456", neg: false, ovf: false, back: 0x0312_3456),
            V(bits: 0x0412_3456, hex: "12345600", neg: false, ovf: false, back: 0x0412_3456),
            V(bits: 0x0492_3456, hex: "12345600", neg: true, ovf: false, back: 0x0492_3456),
            V(bits: 0x0500_9234, hex: "92340000", neg: false, ovf: false, back: 0x0500_9234),
            V(bits: 0x2012_3456, hex: "1234560000000000000000000000000000000000000000000000000000000000", neg: false, ovf: false, back: 0x2012_3456),
            V(bits: 0xff12_3456, hex: "0", neg: false, ovf: true, back: 0),
        ]
        for v in vs {
            let c = CompactTarget(bits: v.bits)
            #expect(c.target == UInt256(hex: v.hex), "bits \(String(v.bits, radix: 16))")
            #expect(c.isNegative == v.neg, "bits \(String(v.bits, radix: 16))")
            #expect(c.isOverflow == v.ovf, "bits \(String(v.bits, radix: 16))")
            if !v.ovf {
                #expect(CompactTarget.encode(c.target, negative: c.isNegative) == v.back, "bits \(String(v.bits, radix: 16))")
            }
        }
        // Core: 0x01fedcba is negative with value 0x7e (GetCompact gives 0x01fe0000).
        let c = CompactTarget(bits: 0x01fe_dcba)
        #expect(c.target == UInt256(0x7e) && c.isNegative)
        #expect(CompactTarget.encode(c.target, negative: true) == 0x01fe_0000)
        // Overflow boundaries.
        #expect(CompactTarget(bits: 0x2200_00ff).isOverflow == false)
        #expect(CompactTarget(bits: 0x2200_0100).isOverflow)
        #expect(CompactTarget(bits: 0x2100_ffff).isOverflow == false)
        #expect(CompactTarget(bits: 0x2101_0000).isOverflow)
        #expect(CompactTarget(bits: 0x2300_0001).isOverflow)
        #expect(CompactTarget(bits: 0x2300_0000).isOverflow == false)
    }

    @Test func roundTripsOverManyValues() {
        var rng = SplitMix64(seed: 42)
        for _ in 0..<20_000 {
            let bits = UInt32(truncatingIfNeeded: rng.next())
            let c = CompactTarget(bits: bits)
            if c.isOverflow { continue }
            // Decode(encode(x)) == x for every value a compact can represent.
            let enc = CompactTarget.encode(c.target, negative: c.isNegative)
            let d = CompactTarget(bits: enc)
            #expect(d.target == c.target && d.isNegative == (c.isNegative && !c.target.isZero) || c.target.isZero)
            // Encoding is canonical: encode(decode(encode)) is stable.
            #expect(CompactTarget.encode(d.target, negative: d.isNegative) == enc)
        }
    }

    @Test func work() {
        // Difficulty-1 work: 2^256 / (0xffff·2^208 + 1) = 0x100010001.
        #expect(CompactTarget(bits: 0x1d00_ffff).work == UInt256(0x1_0001_0001))
        #expect(CompactTarget(bits: 0x0181_3456).work == .zero)  // negative
        #expect(CompactTarget(bits: 0xff12_3456).work == .zero)  // overflow
        #expect(CompactTarget(bits: 0).work == .zero)
        // regtest: target 0x7fffff·2^232 → 2.
        #expect(CompactTarget(bits: 0x207f_ffff).work == UInt256(2))
    }
}


@Suite struct HeaderFileTests {
    @Test func formats() throws {
        let g = ChainParams.mainnet.genesis.header
        let raw = g.serialized()
        #expect(raw.count == 80)
        #expect(try BlockHeader(bytes: raw) == g)
        // Raw, counted, hex with CRLF and blank lines.
        #expect(try HeaderFile.parse(raw + raw).count == 2)
        #expect(try HeaderFile.parse([2, 0, 0, 0] + raw + raw).count == 2)
        #expect(throws: HeaderFileError.countMismatch(declared: 3, actual: 2)) { try HeaderFile.parse([3, 0, 0, 0] + raw + raw) }
        #expect(throws: HeaderFileError.badLength(81)) { try HeaderFile.parse(raw + [0]) }
        let text = Array((raw.hex + "\r\n\n  " + raw.hex.uppercased() + "  \n").utf8)
        let hs = try HeaderFile.parse(text)
        #expect(hs == [g, g])
        #expect(throws: HeaderFileError.badLine(2)) { try HeaderFile.parse(Array((raw.hex + "\n" + raw.hex.dropLast(2) + "\n").utf8)) }
        #expect(throws: HeaderFileError.badLine(1)) { try HeaderFile.parse(Array((String(raw.hex.dropLast(1)) + "g\n").utf8)) }
        #expect(throws: HeaderFileError.empty) { try HeaderFile.parse([]) }
        // The shared files.
        let m = try HeaderFile.parse(try TestData.bytes("bitcoin/headers/mainnet_1_32260.bin"))
        #expect(m.count == 32260 && m[0].prevBlock == ChainParams.mainnet.genesisHash)
        let t = try HeaderFile.parse(try TestData.bytes("bitcoin/headers/testnet3_0_9999.txt"))
        #expect(t.count == 10000 && t[0].computeHash() == ChainParams.testnet3.genesisHash)
        // Headers 1...438 equal the blocks of mainnet_0_438.blkdat.
        let blocks = try BlockFile.parse(try TestData.bytes("bitcoin/blocks/mainnet_0_438.blkdat"))
        for h in 1...438 { #expect(blocks[h].block.header == m[h - 1]) }
    }
}
