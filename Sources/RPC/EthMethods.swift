internal import EVM
internal import Ethereum
public import L2Chain
public import Primitives
public import Sequencer
import Synchronization

/// The `eth_` namespace over an `L2Chain` and its `TxPool`.
public final class EthAPI: Sendable {
    public let chain: L2Chain
    public let pool: TxPool
    let filters = FilterManager()
    /// Largest block range of one `eth_getLogs` and most logs returned (else -32005).
    public static let maxLogRange: UInt64 = 10_000
    public static let maxLogs = 10_000
    /// Suggested priority fee (0.001 gwei, the OP Stack's usual minimum suggestion).
    public static let suggestedTip = UInt256(1_000_000)

    public init(chain: L2Chain, pool: TxPool) {
        self.chain = chain
        self.pool = pool
        let filters = self.filters
        pool.onAdd { t in filters.pendingTransaction(t.sealed.hash) }
    }

    // MARK: - Block selection

    /// The block number a tag selects (nil: no such block).
    func number(_ tag: BlockTag) throws(RPCError) -> UInt64? {
        let head = chain.snapshot.number
        switch tag {
        case .latest, .pending: return head
        case .safe: return chain.safeNumber
        case .finalized: return chain.finalizedNumber
        case .earliest: return 0
        case .number(let n): return n <= head ? n : nil
        case .hash(let h, _): return try rpc { () throws(L2ChainError) in try chain.number(ofBlock: h) }
        }
    }

    func header(_ tag: BlockTag) throws(RPCError) -> SealedBlockHeader? {
        guard let n = try number(tag) else { return nil }
        return try rpc { () throws(L2ChainError) in try chain.header(number: n) }
    }

    /// State and header for a state query; `-32000 header not found` if the block does not exist.
    func state(_ tag: BlockTag) throws(RPCError) -> ([EVMAddress: Account], SealedBlockHeader) {
        let snap = chain.snapshot
        if tag == .latest || tag == .pending { return (snap.accounts, snap.head) }
        guard let n = try number(tag), let h = try rpc({ () throws(L2ChainError) in try chain.header(number: n) }) else {
            throw .invalidInput("header not found")
        }
        if n == snap.number { return (snap.accounts, snap.head) }
        guard let accounts = try rpc({ () throws(L2ChainError) in try chain.accounts(atBlock: n) }) else {
            throw .invalidInput("header not found")
        }
        return (accounts, h)
    }

    func context(_ h: SealedBlockHeader) -> L2BlockContext {
        L2BlockContext(
            number: h.header.number, timestamp: h.header.timestamp, gasLimit: h.header.gasLimit,
            baseFee: h.header.baseFeePerGas ?? .zero, coinbase: h.header.coinbase, prevRandao: h.header.mixHash,
            parentHash: h.header.parentHash)
    }

    func blockJSON(_ n: UInt64, full: Bool) throws(RPCError) -> JSONValue {
        try rpc { () throws(L2ChainError) -> JSONValue in
            guard let h = try chain.header(number: n), let txs = try chain.transactions(number: n),
                let rs = try chain.receipts(number: n)
            else { return .null }
            return EthFormat.block(h, transactions: txs, receipts: rs, full: full)
        }
    }

    var nextBaseFee: UInt256 {
        let h = chain.snapshot.head.header
        return chain.config.computeNextBaseFee(parentGasUsed: h.gasUsed, parentBaseFee: h.baseFeePerGas ?? .zero)
    }

    // MARK: - Transactions

    func transactionJSON(hash: Bytes32) throws(RPCError) -> JSONValue {
        if let loc = try rpc({ () throws(L2ChainError) in try chain.location(ofTransaction: hash) }) {
            return try rpc { () throws(L2ChainError) -> JSONValue in
                guard let h = try chain.header(number: loc.block), let txs = try chain.transactions(number: loc.block),
                    let rs = try chain.receipts(number: loc.block), loc.index < txs.count, loc.index < rs.count
                else { return .null }
                return EthFormat.transaction(
                    txs[loc.index], hash: hash, from: rs[loc.index].from, block: h, index: loc.index, receipt: rs[loc.index])
            }
        }
        if let p = pool.transaction(hash: hash) {
            return EthFormat.transaction(p.sealed.transaction, hash: hash, from: p.sender, block: nil, index: nil, receipt: nil)
        }
        return .null
    }

    func receiptJSON(hash: Bytes32) throws(RPCError) -> JSONValue {
        guard let loc = try rpc({ () throws(L2ChainError) in try chain.location(ofTransaction: hash) }) else { return .null }
        return try rpc { () throws(L2ChainError) -> JSONValue in
            guard let h = try chain.header(number: loc.block), let txs = try chain.transactions(number: loc.block),
                let rs = try chain.receipts(number: loc.block), loc.index < txs.count, loc.index < rs.count
            else { return .null }
            return EthFormat.receipt(rs[loc.index], tx: txs[loc.index], block: h, index: loc.index)
        }
    }

    static func poolError(_ e: PoolError) -> RPCError {
        switch e {
        case .decode, .invalid: return .invalidInput(e.description)
        case .tooLarge: return .limitExceeded(e.description)
        default: return .invalidInput(e.description)
        }
    }

    // MARK: - Logs

    /// Logs of blocks `from...to` matching `criteria`.
    func logs(from: UInt64, to: UInt64, criteria: LogCriteria) throws(RPCError) -> [JSONValue] {
        guard from <= to else { return [] }
        guard to - from < Self.maxLogRange else {
            throw .limitExceeded("block range too large (max \(Self.maxLogRange))")
        }
        var out: [JSONValue] = []
        for n in from...to {
            let found = try rpc { () throws(L2ChainError) -> [JSONValue] in
                guard let h = try chain.header(number: n), criteria.mayMatch(h.header.logsBloom),
                    let rs = try chain.receipts(number: n)
                else { return [] }
                var o: [JSONValue] = []
                for (i, r) in rs.enumerated() {
                    for (j, l) in r.receipt.logs.enumerated() where criteria.matches(l) {
                        o.append(EthFormat.log(l, block: h, txHash: r.transactionHash, txIndex: i, logIndex: r.firstLogIndex + UInt64(j)))
                    }
                }
                return o
            }
            out += found
            if out.count > Self.maxLogs { throw .limitExceeded("query returned more than \(Self.maxLogs) results") }
        }
        return out
    }

    func logs(filter o: JSONObject) throws(RPCError) -> [JSONValue] {
        let criteria = try LogCriteria(json: o)
        if let bh = o["blockHash"], !bh.isNull {
            if o["fromBlock"].map({ !$0.isNull }) == true || o["toBlock"].map({ !$0.isNull }) == true {
                throw .invalidParams("cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other")
            }
            guard let n = try rpc({ () throws(L2ChainError) in try chain.number(ofBlock: try bh.hashOrThrow()) }) else {
                throw .invalidInput("unknown block")
            }
            return try logs(from: n, to: n, criteria: criteria)
        }
        let head = chain.snapshot.number
        let from = try o["fromBlock"].flatMap { $0.isNull ? nil : $0 }.map { v throws(RPCError) in try v.blockTag("fromBlock") } ?? .latest
        let to = try o["toBlock"].flatMap { $0.isNull ? nil : $0 }.map { v throws(RPCError) in try v.blockTag("toBlock") } ?? .latest
        let f = try number(from) ?? head
        let t = try number(to) ?? head
        if f > t { throw .invalidParams("invalid block range params") }
        return try logs(from: f, to: Swift.min(t, head), criteria: criteria)
    }

    // MARK: - Fees

    func feeHistory(count: UInt64, newest: UInt64, percentiles: [Double]) throws(RPCError) -> JSONValue {
        let blocks = Swift.min(count, 1024, newest + 1)
        let oldest = newest + 1 - blocks
        var baseFees: [JSONValue] = []
        var ratios: [JSONValue] = []
        var rewards: [JSONValue] = []
        var last: SealedBlockHeader?
        for n in oldest...newest where blocks > 0 {
            guard let h = try rpc({ () throws(L2ChainError) in try chain.header(number: n) }) else { break }
            let bf = h.header.baseFeePerGas ?? .zero
            baseFees.append(.quantity(bf))
            ratios.append(.number(String(Double(h.header.gasUsed) / Double(Swift.max(h.header.gasLimit, 1)))))
            if !percentiles.isEmpty {
                let rs = try rpc { () throws(L2ChainError) in try chain.receipts(number: n) } ?? []
                let txs = try rpc { () throws(L2ChainError) in try chain.transactions(number: n) } ?? []
                var tips: [(UInt256, UInt64)] = []
                for (i, t) in txs.enumerated() where i < rs.count && t.type != .deposit {
                    tips.append((t.effectiveTip(baseFee: bf) ?? .zero, rs[i].gasUsed))
                }
                tips.sort { $0.0 < $1.0 }
                let total = tips.reduce(UInt64(0)) { $0 + $1.1 }
                var row: [JSONValue] = []
                for p in percentiles {
                    if tips.isEmpty {
                        row.append(.quantity(UInt64(0)))
                        continue
                    }
                    let threshold = Double(total) * p / 100
                    var acc: UInt64 = 0
                    var pick = tips[tips.count - 1].0
                    for (tip, g) in tips {
                        acc += g
                        if Double(acc) >= threshold {
                            pick = tip
                            break
                        }
                    }
                    row.append(.quantity(pick))
                }
                rewards.append(.array(row))
            }
            last = h
        }
        if let last {
            baseFees.append(
                .quantity(
                    chain.config.computeNextBaseFee(
                        parentGasUsed: last.header.gasUsed, parentBaseFee: last.header.baseFeePerGas ?? .zero)))
        }
        var o = JSONObject()
        o.append("oldestBlock", .quantity(oldest))
        o.append("baseFeePerGas", .array(baseFees))
        o.append("gasUsedRatio", .array(ratios))
        o.append("baseFeePerBlobGas", .array(baseFees.map { _ in .quantity(UInt64(0)) }))
        o.append("blobGasUsedRatio", .array(ratios.map { _ in .number("0") }))
        if !percentiles.isEmpty { o.append("reward", .array(rewards)) }
        return .object(o)
    }
}

extension JSONValue {
    func hashOrThrow() throws(L2ChainError) -> Bytes32 {
        guard case .string(let s) = self, let h = Bytes32(hex: s.dropFirst(2)) else { throw .notFound("block hash") }
        return h
    }
}
