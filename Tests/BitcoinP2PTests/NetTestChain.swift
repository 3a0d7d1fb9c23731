import Bitcoin
import BitcoinP2P
import Primitives

/// An in-memory regtest chain that implements the P2P delegates honestly: headers are checked for
/// linkage, regtest bits and proof of work (hash ≤ target), blocks for a known header and a matching,
/// unmutated merkle root; transactions for Core's `CheckTransaction` basics. Blocks are mined here
/// (regtest PoW: about two hashes per block).
actor NetTestChain: P2PChainDelegate, P2PMempoolDelegate {
    static let regtestBits: UInt32 = 0x207f_ffff

    struct Entry {
        let header: BlockHeader
        let height: Int
    }

    private(set) var entries: [BlockHash: Entry] = [:]
    /// The best header chain by height (regtest: equal work per block, first seen wins ties).
    private(set) var bestChain: [BlockHash] = []
    private(set) var blocks: [BlockHash: [UInt8]] = [:]
    /// Highest height with every block from genesis stored.
    private(set) var bestBlockHeight = 0
    private(set) var mempool: [TxID: Transaction] = [:]
    private var byWitnessID: [WTxID: TxID] = [:]
    private(set) var invalidHeadersSeen = 0
    private(set) var blocksAcceptedFrom: [PeerID: Int] = [:]

    init() {
        let g = ChainParams.regtest.genesis
        let h = g.computeHash()
        entries[h] = Entry(header: g.header, height: 0)
        bestChain = [h]
        blocks[h] = g.serialized()
    }

    /// A chain with the same headers and blocks.
    init(copying other: NetTestChain) async {
        entries = await other.entries
        bestChain = await other.bestChain
        blocks = await other.blocks
        bestBlockHeight = await other.bestBlockHeight
    }

    var tipHash: BlockHash { bestChain[bestChain.count - 1] }
    var bestBlockHash: BlockHash { bestChain[bestBlockHeight] }
    var headerHeight: Int { bestChain.count - 1 }

    /// The raw blocks of the best block chain, genesis first.
    func rawBlocksOnBestChain() -> [[UInt8]] { bestChain[0...bestBlockHeight].map { blocks[$0] ?? [] } }

    static func checkProofOfWork(_ header: BlockHeader, hash: BlockHash) -> Bool {
        let t = CompactTarget(bits: header.bits)
        guard !t.isNegative, !t.isOverflow, t.target != .zero, t.target <= ChainParams.regtest.powLimit else {
            return false
        }
        return UInt256(littleEndian: hash) <= t.target
    }

    // MARK: Mining

    /// Mines `count` blocks on the best tip; every fifth block also spends an earlier coinbase
    /// (anyone-can-spend OP_TRUE output) into an OP_RETURN and a new OP_TRUE output.
    @discardableResult
    func mine(_ count: Int) -> [BlockHeader] {
        var out: [BlockHeader] = []
        for _ in 0..<count {
            let height = bestChain.count
            let prev = tipHash
            guard let prevEntry = entries[prev] else { break }
            var heightPush = ByteWriter(capacity: 8)
            var hv = UInt64(height)
            var hb: [UInt8] = []
            while hv > 0 {
                hb.append(UInt8(hv & 0xff))
                hv >>= 8
            }
            if let last = hb.last, last & 0x80 != 0 { hb.append(0) }
            heightPush.write(UInt8(hb.count))
            heightPush.write(hb)
            heightPush.write([0x51])  // extra byte: coinbase scriptSig must be 2–100 bytes
            let coinbase = Transaction(
                version: 2,
                inputs: [TxIn(prevout: .null, scriptSig: heightPush.bytes, sequence: 0xffff_ffff)],
                outputs: [TxOut(value: 50_0000_0000, scriptPubKey: [0x51])], lockTime: 0)
            var txs = [coinbase]
            if height > 1 && height % 5 == 0, let spendBlock = blocks[bestChain[height - 1]],
                let b = try? Block(bytes: spendBlock)
            {
                let spend = Transaction(
                    version: 2,
                    inputs: [TxIn(prevout: OutPoint(txid: b.transactions[0].computeTxID(), vout: 0), scriptSig: [])],
                    outputs: [
                        TxOut(value: 0, scriptPubKey: [0x6a, 0x04, 0x48, 0x45, 0x4d, 0x49]),
                        TxOut(value: 49_0000_0000, scriptPubKey: [0x51]),
                    ])
                txs.append(spend)
            }
            var block = Block(
                header: BlockHeader(
                    version: 0x2000_0000, prevBlock: prev, merkleRoot: .zero, time: prevEntry.header.time + 1,
                    bits: Self.regtestBits, nonce: 0), transactions: txs)
            block.header.merkleRoot = block.computeMerkleRoot().root
            while !Self.checkProofOfWork(block.header, hash: block.header.computeHash()) { block.header.nonce += 1 }
            let hash = block.header.computeHash()
            entries[hash] = Entry(header: block.header, height: height)
            bestChain.append(hash)
            blocks[hash] = block.serialized()
            bestBlockHeight = height
            for tx in txs.dropFirst() { removeFromMempool(tx) }
            out.append(block.header)
        }
        return out
    }

    /// Adds `tx` to the mempool as if submitted locally.
    func submit(_ tx: Transaction) {
        let txid = tx.computeTxID()
        mempool[txid] = tx
        byWitnessID[tx.computeWTxID()] = txid
    }

    private func removeFromMempool(_ tx: Transaction) {
        let txid = tx.computeTxID()
        mempool[txid] = nil
        byWitnessID[tx.computeWTxID()] = nil
    }

    // MARK: P2PChainDelegate

    func bestHeight() async -> Int32 { Int32(bestBlockHeight) }

    func blockLocator() async -> [BlockHash] {
        BlockLocator.build(tipHeight: headerHeight) { self.bestChain.indices.contains($0) ? self.bestChain[$0] : nil }
    }

    func knowsHeader(_ hash: BlockHash) async -> Bool { entries[hash] != nil }

    func acceptHeaders(_ headers: [BlockHeader], from peer: PeerID) async -> HeadersAcceptance {
        guard let first = headers.first else { return .accepted }
        guard entries[first.prevBlock] != nil else { return .unconnected }
        for h in headers {
            let hash = h.computeHash()
            if entries[hash] != nil { continue }
            guard let parent = entries[h.prevBlock] else { return .invalid(reason: "unlinked header") }
            guard h.bits == Self.regtestBits else {
                invalidHeadersSeen += 1
                return .invalid(reason: "bad-diffbits")
            }
            guard Self.checkProofOfWork(h, hash: hash) else {
                invalidHeadersSeen += 1
                return .invalid(reason: "high-hash")
            }
            let entry = Entry(header: h, height: parent.height + 1)
            entries[hash] = entry
            if entry.height > headerHeight { adoptBestHeader(hash, entry) }
        }
        return .accepted
    }

    private func adoptBestHeader(_ hash: BlockHash, _ entry: Entry) {
        var branch: [BlockHash] = [hash]
        var cursor = entry.header.prevBlock
        while let e = entries[cursor], !(bestChain.indices.contains(e.height) && bestChain[e.height] == cursor) {
            branch.append(cursor)
            cursor = e.header.prevBlock
        }
        guard let forkHeight = entries[cursor]?.height else { return }
        bestChain.removeSubrange((forkHeight + 1)...)
        bestChain += branch.reversed()
        bestBlockHeight = min(bestBlockHeight, forkHeight)
        advanceBestBlock()
    }

    private func advanceBestBlock() {
        while bestBlockHeight + 1 < bestChain.count, blocks[bestChain[bestBlockHeight + 1]] != nil { bestBlockHeight += 1 }
    }

    func blocksToDownload(max: Int) async -> [BlockHash] {
        var out: [BlockHash] = []
        var h = bestBlockHeight + 1
        while h < bestChain.count && out.count < max {
            if blocks[bestChain[h]] == nil { out.append(bestChain[h]) }
            h += 1
        }
        return out
    }

    func acceptBlock(_ block: Block, raw: [UInt8], from peer: PeerID) async -> BlockAcceptance {
        let hash = block.header.computeHash()
        guard entries[hash] != nil else { return .unknownHeader }
        if blocks[hash] != nil { return .duplicate }
        let (root, mutated) = block.computeMerkleRoot()
        guard root == block.header.merkleRoot, !mutated else { return .invalid(reason: "bad-txnmrklroot") }
        guard let cb = block.transactions.first, cb.isCoinbase else { return .invalid(reason: "bad-cb-missing") }
        blocks[hash] = raw
        blocksAcceptedFrom[peer, default: 0] += 1
        let before = bestBlockHeight
        advanceBestBlock()
        for tx in block.transactions.dropFirst() { removeFromMempool(tx) }
        return .accepted(newTip: bestBlockHeight > before && bestChain[bestBlockHeight] == hash)
    }

    func headers(locator: [BlockHash], stop: BlockHash, max: Int) async -> [BlockHeader] {
        var start = 1
        for h in locator {
            if let e = entries[h], bestChain.indices.contains(e.height), bestChain[e.height] == h {
                start = e.height + 1
                break
            }
        }
        var out: [BlockHeader] = []
        var height = start
        while height < bestChain.count && out.count < max {
            let hash = bestChain[height]
            guard let e = entries[hash] else { break }
            out.append(e.header)
            if hash == stop { break }
            height += 1
        }
        return out
    }

    func rawBlock(_ hash: BlockHash) async -> [UInt8]? { blocks[hash] }

    // MARK: P2PMempoolDelegate

    func knowsTransaction(_ id: Bytes32, isWitnessID: Bool) async -> Bool {
        isWitnessID ? byWitnessID[id] != nil : mempool[id] != nil
    }

    func acceptTransaction(_ tx: Transaction, raw: [UInt8], from peer: PeerID) async -> TransactionAcceptance {
        // Core's CheckTransaction basics.
        if tx.inputs.isEmpty { return .invalid(reason: "bad-txns-vin-empty") }
        if tx.outputs.isEmpty { return .invalid(reason: "bad-txns-vout-empty") }
        if tx.outputs.contains(where: { $0.value < 0 }) { return .invalid(reason: "bad-txns-vout-negative") }
        if tx.isCoinbase { return .invalid(reason: "coinbase") }
        let txid = tx.computeTxID()
        if mempool[txid] != nil { return .duplicate }
        submit(tx)
        return .accepted
    }

    func transaction(_ id: Bytes32, isWitnessID: Bool) async -> Transaction? {
        if isWitnessID { return byWitnessID[id].flatMap { mempool[$0] } }
        return mempool[id]
    }
}
