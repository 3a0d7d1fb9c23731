public import Ethereum
public import Primitives

/// A receipt as the node stores it: the consensus receipt plus what JSON-RPC reports beside it
/// (sender, contract address, gas used by this transaction, effective gas price, the OP Stack L1
/// data-fee fields, and the block-wide index of its first log).
public struct ReceiptRecord: Sendable, Equatable {
    public var receipt: Receipt
    public var transactionHash: Bytes32
    public var from: Bytes20
    public var to: Bytes20?
    public var contractAddress: Bytes20?
    public var gasUsed: UInt64
    public var effectiveGasPrice: UInt256
    /// Ecotone: `zeroBytes × 4 + nonZeroBytes × 16` of the signed envelope (zero for deposits).
    public var l1GasUsed: UInt64
    public var l1GasPrice: UInt256
    public var l1Fee: UInt256
    public var firstLogIndex: UInt64

    public init(
        receipt: Receipt, transactionHash: Bytes32, from: Bytes20, to: Bytes20?, contractAddress: Bytes20?,
        gasUsed: UInt64, effectiveGasPrice: UInt256, l1GasUsed: UInt64, l1GasPrice: UInt256, l1Fee: UInt256,
        firstLogIndex: UInt64
    ) {
        self.receipt = receipt
        self.transactionHash = transactionHash
        self.from = from
        self.to = to
        self.contractAddress = contractAddress
        self.gasUsed = gasUsed
        self.effectiveGasPrice = effectiveGasPrice
        self.l1GasUsed = l1GasUsed
        self.l1GasPrice = l1GasPrice
        self.l1Fee = l1Fee
        self.firstLogIndex = firstLogIndex
    }

    func appendRLP(to out: inout [UInt8]) {
        RLP.appendList(to: &out) { o in
            RLP.append(bytes: receipt.encoded(), to: &o)
            RLP.append(transactionHash, to: &o)
            RLP.append(from, to: &o)
            RLP.append(to, to: &o)
            RLP.append(contractAddress, to: &o)
            RLP.append(gasUsed, to: &o)
            RLP.append(effectiveGasPrice, to: &o)
            RLP.append(l1GasUsed, to: &o)
            RLP.append(l1GasPrice, to: &o)
            RLP.append(l1Fee, to: &o)
            RLP.append(firstLogIndex, to: &o)
        }
    }

    static func read(_ r: inout RLPReader) throws(L2ChainError) -> ReceiptRecord {
        do {
            var l = try r.readList()
            let enc = try l.readBytes()
            let receipt: Receipt
            do { receipt = try Receipt.decode(enc) } catch { throw L2ChainError.corrupt("receipt: \(error)") }
            let hash = try l.readBytes32()
            let from = try l.readBytes20()
            let to = try readOptionalAddress(&l)
            let created = try readOptionalAddress(&l)
            let rec = ReceiptRecord(
                receipt: receipt, transactionHash: hash, from: from, to: to, contractAddress: created,
                gasUsed: try l.readUInt64(), effectiveGasPrice: try l.readUInt256(), l1GasUsed: try l.readUInt64(),
                l1GasPrice: try l.readUInt256(), l1Fee: try l.readUInt256(), firstLogIndex: try l.readUInt64())
            try l.expectEnd()
            return rec
        } catch let e as L2ChainError {
            throw e
        } catch {
            throw .corrupt("receipt record: \(error)")
        }
    }

    static func readOptionalAddress(_ l: inout RLPReader) throws(RLPError) -> Bytes20? {
        let b = try l.readBytes()
        if b.isEmpty { return nil }
        guard b.count == 20 else { throw RLPError.wrongLength(offset: l.offset, expected: 20, got: b.count) }
        return Bytes20(b)
    }

    static func encodeList(_ records: [ReceiptRecord]) -> [UInt8] {
        var out: [UInt8] = []
        RLP.appendList(to: &out) { o in for r in records { r.appendRLP(to: &o) } }
        return out
    }

    static func decodeList(_ bytes: [UInt8]) throws(L2ChainError) -> [ReceiptRecord] {
        var r = RLPReader(bytes)
        var l: RLPReader
        do { l = try r.readList() } catch { throw .corrupt("receipts: \(error)") }
        var out: [ReceiptRecord] = []
        while !l.isAtEnd { out.append(try read(&l)) }
        return out
    }
}

/// Errors of the chain store.
public enum L2ChainError: Error, Sendable, CustomStringConvertible {
    case storage(String)
    case corrupt(String)
    case chainIDMismatch(stored: UInt64, configured: UInt64)
    case notFound(String)
    /// Historical state older than the kept reverse diffs.
    case historyPruned(requested: UInt64, oldest: UInt64)
    case invalidBlock(String)

    public var description: String {
        switch self {
        case .storage(let s): return "storage: \(s)"
        case .corrupt(let s): return "corrupt chain data: \(s)"
        case .chainIDMismatch(let s, let c): return "datadir holds chain id \(s), configured \(c)"
        case .notFound(let s): return "not found: \(s)"
        case .historyPruned(let r, let o): return "state of block \(r) pruned (oldest kept \(o))"
        case .invalidBlock(let s): return "invalid block: \(s)"
        }
    }
}
