public import Primitives
public import Bitcoin
import BitcoinConsensus

/// One header in the block index (Bitcoin Core's `CBlockIndex`): the header tree holds every
/// valid header the node accepted, several per height on forks.
public struct BlockIndexEntry: Hashable, Sendable {
    public let hash: BlockHash
    public let header: BlockHeader
    public let height: UInt64
    /// Cumulative work from genesis through this header.
    public let chainWork: UInt256
    public internal(set) var status: BlockStatus
    /// Bits of the nearest ancestor-or-self that is on a retarget boundary, is genesis or does not
    /// carry the pow-limit bits (the testnet min-difficulty walk-back, answered in O(1)).
    let walkBackBits: UInt32

    public var prevHash: BlockHash { header.prevBlock }

    var row: HeaderRow {
        HeaderRow(height: height, header: header, chainWork: chainWork, status: status, walkBackBits: walkBackBits)
    }

    init(hash: BlockHash, row: HeaderRow) {
        self.hash = hash
        header = row.header
        height = row.height
        chainWork = row.chainWork
        status = row.status
        walkBackBits = row.walkBackBits
    }

    init(hash: BlockHash, header: BlockHeader, height: UInt64, chainWork: UInt256, status: BlockStatus, walkBackBits: UInt32) {
        self.hash = hash
        self.header = header
        self.height = height
        self.chainWork = chainWork
        self.status = status
        self.walkBackBits = walkBackBits
    }
}

/// A block decoded together with the byte range of each transaction in its raw serialization.
public struct ParsedBlock: Sendable {
    public let block: Block
    public let hash: BlockHash
    /// (start, length) of each transaction in `raw`.
    public let txRanges: [(start: UInt32, length: UInt32)]
    public let txids: [TxID]
    public let raw: [UInt8]

    /// Decodes `raw` (witness serialization), rejecting trailing bytes and oversize input.
    public init(raw: [UInt8]) throws(NodeError) {
        guard raw.count <= BlockLimits.maxSerializedSize else {
            throw .undecodableBlock(.tooLarge(offset: 0, value: UInt64(raw.count), limit: UInt64(BlockLimits.maxSerializedSize)))
        }
        var r = ByteReader(raw)
        do {
            let header = try BlockHeader.decode(from: &r)
            // A transaction takes at least 60 bytes; bound the count before reserving.
            let n = try r.readCompactSize(limit: UInt64(raw.count / 60 + 1))
            var txs: [Transaction] = []
            var ranges: [(start: UInt32, length: UInt32)] = []
            txs.reserveCapacity(n)
            ranges.reserveCapacity(n)
            for _ in 0..<n {
                let start = r.offset
                txs.append(try Transaction.decode(from: &r))
                ranges.append((UInt32(start), UInt32(r.offset - start)))
            }
            try r.expectEnd()
            block = Block(header: header, transactions: txs)
            txRanges = ranges
        } catch {
            throw .undecodableBlock(error)
        }
        hash = block.header.computeHash()
        txids = block.transactions.map { $0.computeTxID() }
        self.raw = raw
    }

    /// Serializes `block` (with witness) and records the ranges.
    public init(block: Block) throws(NodeError) {
        try self.init(raw: block.serialized(witness: true))
    }
}
