public import Ethereum
public import L2Chain
public import Primitives

/// JSON shapes of blocks, transactions, receipts and logs (execution-apis schemas, with OP Stack's
/// deposit and L1-fee fields as op-geth serves them).
public enum EthFormat {
    static let zeroNonce = JSONValue.data([UInt8](repeating: 0, count: 8))

    /// A block object; `full` puts transaction objects in `transactions`, otherwise hashes.
    public static func block(
        _ header: SealedBlockHeader, transactions: [Transaction], receipts: [ReceiptRecord], full: Bool
    ) -> JSONValue {
        let h = header.header
        var o = JSONObject()
        o.append("number", .quantity(h.number))
        o.append("hash", .data(header.hash))
        o.append("parentHash", .data(h.parentHash))
        o.append("nonce", zeroNonce)
        o.append("sha3Uncles", .data(h.ommersHash))
        o.append("logsBloom", .data(h.logsBloom.bytes))
        o.append("transactionsRoot", .data(h.transactionsRoot))
        o.append("stateRoot", .data(h.stateRoot))
        o.append("receiptsRoot", .data(h.receiptsRoot))
        o.append("miner", .data(h.coinbase))
        o.append("difficulty", .quantity(h.difficulty))
        o.append("totalDifficulty", .quantity(UInt64(0)))
        o.append("extraData", .data(h.extraData))
        var size = h.encoded().count + 8
        for t in transactions {
            var enc: [UInt8] = []
            t.appendBlockEncoding(to: &enc)
            size += enc.count
        }
        o.append("size", .quantity(UInt64(size)))
        o.append("gasLimit", .quantity(h.gasLimit))
        o.append("gasUsed", .quantity(h.gasUsed))
        o.append("timestamp", .quantity(h.timestamp))
        var txs: [JSONValue] = []
        for (i, t) in transactions.enumerated() {
            let hash = i < receipts.count ? receipts[i].transactionHash : SealedTransaction(t).hash
            if full {
                let r = i < receipts.count ? receipts[i] : nil
                txs.append(
                    transaction(t, hash: hash, from: r?.from ?? .zero, block: header, index: i, receipt: r))
            } else {
                txs.append(.data(hash))
            }
        }
        o.append("transactions", .array(txs))
        o.append("uncles", .array([]))
        o.append("mixHash", .data(h.mixHash))
        if let b = h.baseFeePerGas { o.append("baseFeePerGas", .quantity(b)) }
        if let w = h.withdrawalsRoot {
            o.append("withdrawals", .array([]))
            o.append("withdrawalsRoot", .data(w))
        }
        if let g = h.blobGasUsed { o.append("blobGasUsed", .quantity(g)) }
        if let g = h.excessBlobGas { o.append("excessBlobGas", .quantity(g)) }
        if let r = h.parentBeaconBlockRoot { o.append("parentBeaconBlockRoot", .data(r)) }
        return .object(o)
    }

    /// A transaction object; `block` nil for a pending transaction.
    public static func transaction(
        _ tx: Transaction, hash: Bytes32, from: Bytes20, block: SealedBlockHeader?, index: Int?, receipt: ReceiptRecord?
    ) -> JSONValue {
        var o = JSONObject()
        o.append("blockHash", block.map { .data($0.hash) } ?? .null)
        o.append("blockNumber", block.map { .quantity($0.header.number) } ?? .null)
        o.append("from", .data(from))
        o.append("gas", .quantity(tx.gasLimit))
        let baseFee = block?.header.baseFeePerGas
        switch tx {
        case .dynamicFee, .setCode, .blob:
            let price = baseFee.flatMap { tx.effectiveGasPrice(baseFee: $0) } ?? tx.maxFeePerGas
            o.append("gasPrice", .quantity(price))
            o.append("maxFeePerGas", .quantity(tx.maxFeePerGas))
            o.append("maxPriorityFeePerGas", .quantity(tx.maxPriorityFeePerGas))
        case .deposit:
            o.append("gasPrice", .quantity(UInt64(0)))
        default:
            o.append("gasPrice", .quantity(tx.maxFeePerGas))
        }
        o.append("hash", .data(hash))
        o.append("input", .data(tx.data))
        let nonce = tx.nonce ?? receipt?.receipt.depositNonce ?? 0
        o.append("nonce", .quantity(nonce))
        o.append("to", tx.to.map { .data($0) } ?? .null)
        o.append("transactionIndex", index.map { .quantity(UInt64($0)) } ?? .null)
        o.append("value", .quantity(tx.value))
        o.append("type", .quantity(UInt64(tx.type.rawValue)))
        switch tx {
        case .legacy(let t):
            if let c = t.eip155ChainID { o.append("chainId", .quantity(c)) }
        case .accessList(let t): o.append("chainId", .quantity(t.chainID))
        case .dynamicFee(let t): o.append("chainId", .quantity(t.chainID))
        case .setCode(let t): o.append("chainId", .quantity(t.chainID))
        case .blob(let t): o.append("chainId", .quantity(t.chainID))
        default: break
        }
        switch tx.type {
        case .accessList, .dynamicFee, .setCode, .blob:
            o.append("accessList", .array(tx.accessList.map(accessListEntry)))
        default: break
        }
        if case .deposit(let d) = tx {
            o.append("sourceHash", .data(d.sourceHash))
            o.append("mint", .quantity(d.mint))
            o.append("isSystemTx", .bool(d.isSystemTransaction))
            if let r = receipt?.receipt.depositReceiptVersion { o.append("depositReceiptVersion", .quantity(r)) }
            o.append("v", .quantity(UInt64(0)))
            o.append("r", .quantity(UInt64(0)))
            o.append("s", .quantity(UInt64(0)))
        } else if let sig = tx.signature {
            o.append("v", .quantity(sig.v))
            o.append("r", .quantity(sig.r))
            o.append("s", .quantity(sig.s))
            if tx.type != .legacy { o.append("yParity", .quantity(sig.v)) }
        }
        return .object(o)
    }

    static func accessListEntry(_ e: AccessListEntry) -> JSONValue {
        ["address": .data(e.address), "storageKeys": .array(e.storageKeys.map { .data($0) })]
    }

    /// A log object.
    public static func log(
        _ l: Log, block: SealedBlockHeader, txHash: Bytes32, txIndex: Int, logIndex: UInt64
    ) -> JSONValue {
        var o = JSONObject()
        o.append("address", .data(l.address))
        o.append("topics", .array(l.topics.map { .data($0) }))
        o.append("data", .data(l.data))
        o.append("blockNumber", .quantity(block.header.number))
        o.append("blockHash", .data(block.hash))
        o.append("blockTimestamp", .quantity(block.header.timestamp))
        o.append("transactionHash", .data(txHash))
        o.append("transactionIndex", .quantity(UInt64(txIndex)))
        o.append("logIndex", .quantity(logIndex))
        o.append("removed", .bool(false))
        return .object(o)
    }

    /// A receipt object.
    public static func receipt(_ r: ReceiptRecord, tx: Transaction, block: SealedBlockHeader, index: Int) -> JSONValue {
        var o = JSONObject()
        o.append("transactionHash", .data(r.transactionHash))
        o.append("transactionIndex", .quantity(UInt64(index)))
        o.append("blockHash", .data(block.hash))
        o.append("blockNumber", .quantity(block.header.number))
        o.append("from", .data(r.from))
        o.append("to", r.to.map { .data($0) } ?? .null)
        o.append("cumulativeGasUsed", .quantity(r.receipt.cumulativeGasUsed))
        o.append("gasUsed", .quantity(r.gasUsed))
        o.append("contractAddress", r.contractAddress.map { .data($0) } ?? .null)
        var logs: [JSONValue] = []
        for (i, l) in r.receipt.logs.enumerated() {
            logs.append(log(l, block: block, txHash: r.transactionHash, txIndex: index, logIndex: r.firstLogIndex + UInt64(i)))
        }
        o.append("logs", .array(logs))
        o.append("logsBloom", .data(r.receipt.logsBloom.bytes))
        o.append("type", .quantity(UInt64(r.receipt.type.rawValue)))
        o.append("status", .quantity(UInt64(r.receipt.succeeded == true ? 1 : 0)))
        o.append("effectiveGasPrice", .quantity(r.effectiveGasPrice))
        if r.receipt.type == .deposit {
            if let n = r.receipt.depositNonce { o.append("depositNonce", .quantity(n)) }
            if let v = r.receipt.depositReceiptVersion { o.append("depositReceiptVersion", .quantity(v)) }
        } else {
            o.append("l1Fee", .quantity(r.l1Fee))
            o.append("l1GasPrice", .quantity(r.l1GasPrice))
            o.append("l1GasUsed", .quantity(r.l1GasUsed))
        }
        return .object(o)
    }
}
