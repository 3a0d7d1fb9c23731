public import Primitives
public import Bitcoin
public import BitcoinConsensus

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why the mempool refused a transaction. The `String` payloads are Bitcoin Core's reject reasons.
public enum MempoolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `CheckTransaction` failed (consensus-invalid on its own).
    case invalid(BlockValidationError)
    /// A coinbase cannot enter the mempool.
    case coinbase
    /// Already in the mempool.
    case duplicate
    /// Already confirmed on the active chain.
    case alreadyConfirmed
    /// An input is neither unspent on the chain nor an output of a mempool transaction.
    case missingInputs(OutPoint)
    /// Spends a coinbase output younger than 100 blocks (counted from the next block).
    case prematureCoinbaseSpend(OutPoint)
    /// Outputs exceed inputs, or a value is out of range.
    case badAmounts
    /// Below the minimum relay fee (Core: "min relay fee not met").
    case feeTooLow(fee: Int64, vsize: Int)
    /// Below the mempool's rising minimum fee after evictions (Core: "mempool min fee not met");
    /// `required` is the fee that would have been enough.
    case mempoolMinFee(fee: Int64, required: Int64)
    /// Not final in the next block (lock time).
    case nonFinal
    /// A BIP68 relative lock time is not yet satisfied in the next block ("non-BIP68-final").
    case nonBIP68Final
    /// A script check failed with the consensus flags (Core's script error name).
    case script(input: Int, error: String)
    /// Non-standard (Core's reason: "version", "tx-size", "scriptpubkey", "dust", "multi-op-return",
    /// "bad-txns-nonstandard-inputs", "bad-witness-nonstandard", "non-mandatory-script-verify-flag (…)", …).
    case nonStandard(String)
    /// Ancestor or descendant limits ("too-long-mempool-chain, …").
    case tooLongChain(String)
    /// A conflicting transaction could not be replaced under BIP125/full-RBF rules (Core's reason:
    /// "insufficient fee, …", "too many potential replacements", "replacement-adds-unconfirmed").
    case replacementRejected(String)
    /// Spends an output of a transaction it would replace ("bad-txns-spends-conflicting-tx").
    case spendsConflictingTx
    /// Admitted, then evicted at once by the size limit ("mempool full").
    case mempoolFull
    /// The store failed.
    case storage(String)

    public var description: String {
        switch self {
        case let .invalid(e): return "invalid: \(e)"
        case .coinbase: return "coinbase"
        case .duplicate: return "txn-already-in-mempool"
        case .alreadyConfirmed: return "txn-already-known"
        case let .missingInputs(op): return "missing-inputs \(op)"
        case let .prematureCoinbaseSpend(op): return "bad-txns-premature-spend-of-coinbase \(op)"
        case .badAmounts: return "bad-txns-in-belowout (outputs exceed inputs or out of range)"
        case let .feeTooLow(f, v): return "min relay fee not met, \(f) sat for \(v) vB"
        case let .mempoolMinFee(f, r): return "mempool min fee not met, \(f) < \(r)"
        case .nonFinal: return "non-final"
        case .nonBIP68Final: return "non-BIP68-final"
        case let .script(i, e): return "mandatory-script-verify-flag-failed (input \(i): \(e))"
        case let .nonStandard(r): return r
        case let .tooLongChain(r): return r
        case let .replacementRejected(r): return r
        case .spendsConflictingTx: return "bad-txns-spends-conflicting-tx"
        case .mempoolFull: return "mempool full"
        case let .storage(s): return "storage: \(s)"
        }
    }
}

/// A transaction in the mempool with its in-pool relatives' totals (Core's `CTxMemPoolEntry`).
public struct MempoolEntry: Sendable, Hashable {
    public let tx: Transaction
    public let txid: TxID
    public let fee: Int64
    /// Policy virtual size: max(weight, sigop cost × 20) / 4, rounded up.
    public let vsize: Int
    public let weight: Int
    public let sigOpsCost: Int
    /// Serialized size (witness included), for the size limit.
    public let size: Int
    /// Arrival time (UNIX seconds) and the tip height at arrival.
    public let time: Int64
    public let height: Int
    /// Arrival sequence number (template order).
    public let sequence: UInt64
    /// Mempool transactions this one spends, and those spending it.
    public internal(set) var parents: Set<TxID> = []
    public internal(set) var children: Set<TxID> = []
    /// Totals over the in-mempool ancestors, this entry included.
    public internal(set) var ancestorCount = 1
    public internal(set) var ancestorVSize = 0
    public internal(set) var ancestorFees: Int64 = 0
    /// Totals over the in-mempool descendants, this entry included.
    public internal(set) var descendantCount = 1
    public internal(set) var descendantVSize = 0
    public internal(set) var descendantFees: Int64 = 0

    init(tx: Transaction, txid: TxID, fee: Int64, vsize: Int, weight: Int, sigOpsCost: Int, size: Int, time: Int64, height: Int, sequence: UInt64) {
        self.tx = tx
        self.txid = txid
        self.fee = fee
        self.vsize = vsize
        self.weight = weight
        self.sigOpsCost = sigOpsCost
        self.size = size
        self.time = time
        self.height = height
        self.sequence = sequence
        ancestorVSize = vsize
        ancestorFees = fee
        descendantVSize = vsize
        descendantFees = fee
    }

    /// Fee rate in sat/vB.
    public var feeRate: Double { Double(fee) / Double(max(vsize, 1)) }

    /// Core's descendant score: the better of its own rate and its package-with-descendants rate
    /// (eviction removes the entry with the lowest).
    public var descendantScore: Double {
        max(feeRate, Double(descendantFees) / Double(max(descendantVSize, 1)))
    }
}

/// Why entries left the mempool (for the fee estimator and callers).
public enum MempoolRemovalReason: Sendable, Hashable {
    case block, conflict, replaced, expiry, sizeLimit, reorg
}

/// The mempool: unconfirmed transactions admitted under ``MempoolPolicy`` (Bitcoin Core's rules; see
/// ``BitcoinChain/acceptToMempool(_:now:)``), with in-pool ancestor/descendant bookkeeping, full-RBF
/// replacement, a size cap with eviction of the lowest descendant-score packages and a rising
/// minimum fee, expiry, and a confirmation-based ``FeeEstimator``.
///
/// Entries keep arrival order (``MempoolEntry/sequence``), and a child always arrives after its
/// parents, so arrival order is a valid block order.
public struct Mempool: Sendable {
    /// Relay policy (Core's defaults).
    public var policy = MempoolPolicy()
    /// Minimum relay fee rate in sat/vB (``MempoolPolicy/minRelayFeeRate`` / 1000).
    public var minFeeRate: Int64 {
        get { policy.minRelayFeeRate / 1000 }
        set { policy.minRelayFeeRate = newValue * 1000 }
    }
    public private(set) var entries: [TxID: MempoolEntry] = [:]
    /// Outpoints spent by mempool transactions.
    public private(set) var spentBy: [OutPoint: TxID] = [:]
    /// Sum of the entries' serialized sizes plus the per-entry overhead (what the size cap limits).
    public private(set) var usage = 0
    /// Sum of the entries' vsizes.
    public private(set) var totalVSize = 0
    var nextSequence: UInt64 = 0
    /// Core's rolling minimum fee (sat/kvB, fractional while decaying).
    var rollingMinimumFeeRate: Double = 0
    var lastRollingFeeUpdate: Int64 = 0
    var blockSinceLastRollingFeeBump = false
    /// Confirmation statistics for fee estimation.
    public var estimator = FeeEstimator()

    public init() {}

    public var count: Int { entries.count }

    /// Entries in arrival order.
    public var ordered: [MempoolEntry] { entries.values.sorted { $0.sequence < $1.sequence } }

    // MARK: - Relatives

    /// In-mempool ancestors of a transaction whose in-mempool parents are `parents` (not including it).
    func ancestors(ofParents parents: Set<TxID>) -> Set<TxID> {
        var seen = Set<TxID>()
        var stack = Array(parents)
        while let id = stack.popLast() {
            guard seen.insert(id).inserted, let e = entries[id] else { continue }
            stack.append(contentsOf: e.parents)
        }
        return seen
    }

    /// `txid` and its in-mempool descendants.
    public func descendants(of txid: TxID) -> Set<TxID> {
        var seen = Set<TxID>()
        var stack = [txid]
        while let id = stack.popLast() {
            guard seen.insert(id).inserted, let e = entries[id] else { continue }
            stack.append(contentsOf: e.children)
        }
        return seen
    }

    // MARK: - Insert and remove

    mutating func makeSequence() -> UInt64 {
        nextSequence += 1
        return nextSequence
    }

    /// Adds an entry whose parents are all in the pool; updates every relative's totals.
    mutating func insert(_ entry: MempoolEntry) {
        var e = entry
        e.parents = Set(e.tx.inputs.compactMap { entries[$0.prevout.txid] != nil ? $0.prevout.txid : nil })
        let ancestors = ancestors(ofParents: e.parents)
        e.ancestorCount = 1 + ancestors.count
        e.ancestorVSize = e.vsize
        e.ancestorFees = e.fee
        for a in ancestors {
            guard var ae = entries[a] else { continue }
            e.ancestorVSize += ae.vsize
            e.ancestorFees += ae.fee
            ae.descendantCount += 1
            ae.descendantVSize += e.vsize
            ae.descendantFees += e.fee
            if e.parents.contains(a) { ae.children.insert(e.txid) }
            entries[a] = ae
        }
        entries[e.txid] = e
        for i in e.tx.inputs { spentBy[i.prevout] = e.txid }
        usage += e.size + policy.entryOverhead
        totalVSize += e.vsize
    }

    /// Removes one entry (its descendants stay, with their ancestor totals reduced). Returns it.
    @discardableResult
    mutating func removeOne(_ txid: TxID) -> MempoolEntry? {
        guard let e = entries[txid] else { return nil }
        for a in ancestors(ofParents: e.parents) {
            guard var ae = entries[a] else { continue }
            ae.descendantCount -= 1
            ae.descendantVSize -= e.vsize
            ae.descendantFees -= e.fee
            ae.children.remove(txid)
            entries[a] = ae
        }
        for d in descendants(of: txid) where d != txid {
            guard var de = entries[d] else { continue }
            de.ancestorCount -= 1
            de.ancestorVSize -= e.vsize
            de.ancestorFees -= e.fee
            de.parents.remove(txid)
            entries[d] = de
        }
        entries[txid] = nil
        for i in e.tx.inputs where spentBy[i.prevout] == txid { spentBy[i.prevout] = nil }
        usage -= e.size + policy.entryOverhead
        totalVSize -= e.vsize
        return e
    }

    /// Removes `txid` and all its descendants; returns how many left.
    @discardableResult
    mutating func removeWithDescendants(_ txid: TxID, reason: MempoolRemovalReason) -> Int {
        let all = descendants(of: txid).filter { entries[$0] != nil }
        for id in all {
            if removeOne(id) != nil, reason != .reorg { estimator.removeUnconfirmed(id) }
        }
        return all.count
    }

    /// Removes a transaction and, recursively, mempool transactions spending its outputs.
    public mutating func remove(_ txid: TxID) { removeWithDescendants(txid, reason: .conflict) }

    /// A block connected at `height`: its transactions leave (their mempool children stay), and so do
    /// mempool transactions that conflict with it (with their descendants). Feeds the fee estimator.
    mutating func blockConnected(_ block: Block, txids: [TxID], height: Int, now: Int64) {
        var confirmed: [TxID] = []
        for (t, tx) in block.transactions.enumerated() where t < txids.count {
            if entries[txids[t]] != nil {
                removeOne(txids[t])
                confirmed.append(txids[t])
                continue
            }
            if tx.isCoinbase { continue }
            for i in tx.inputs { if let other = spentBy[i.prevout] { removeWithDescendants(other, reason: .conflict) } }
        }
        estimator.processBlock(height: height, confirmed: confirmed)
        lastRollingFeeUpdate = now
        blockSinceLastRollingFeeBump = true
    }

    /// Removes entries older than the expiry (with their descendants); returns how many left.
    @discardableResult
    public mutating func expire(now: Int64) -> Int {
        let cutoff = now - policy.expirySeconds
        var n = 0
        for e in ordered where e.time < cutoff && entries[e.txid] != nil {
            n += removeWithDescendants(e.txid, reason: .expiry)
        }
        return n
    }

    /// Core's `TrimToSize`: while over the cap, evicts the entry with the lowest descendant score and
    /// its descendants, raising the rolling minimum fee to that package's rate + the incremental
    /// relay fee. Returns the evicted txids.
    @discardableResult
    public mutating func trimToSize(now: Int64) -> Set<TxID> {
        var evicted = Set<TxID>()
        while usage > policy.maxSizeBytes, !entries.isEmpty {
            // Lowest descendant score; ties: the newest goes first.
            var worst: MempoolEntry?
            for e in entries.values {
                guard let w = worst else {
                    worst = e
                    continue
                }
                let (s, ws) = (e.descendantScore, w.descendantScore)
                if s < ws || (s == ws && e.sequence > w.sequence) { worst = e }
            }
            guard let w = worst else { break }
            let removedRate = Double(w.descendantFees) * 1000 / Double(max(w.descendantVSize, 1)) + Double(policy.incrementalRelayFeeRate)
            if removedRate > rollingMinimumFeeRate {
                rollingMinimumFeeRate = removedRate
                blockSinceLastRollingFeeBump = false
            }
            let ids = descendants(of: w.txid)
            removeWithDescendants(w.txid, reason: .sizeLimit)
            evicted.formUnion(ids)
        }
        return evicted
    }

    /// Core's `GetMinFee`: the rolling minimum fee rate in sat/kvB. After a block it decays with a
    /// 12-hour half-life (3 h while the pool is under a quarter of the cap, 6 h under half) and drops to
    /// 0 below half the incremental relay fee; while non-zero it is at least the incremental relay fee.
    public mutating func minimumFeeRate(now: Int64) -> Int64 {
        if !blockSinceLastRollingFeeBump || rollingMinimumFeeRate == 0 {
            return Int64(rollingMinimumFeeRate.rounded())
        }
        if now > lastRollingFeeUpdate + 10 {
            var halfLife = 12.0 * 3600
            if usage < policy.maxSizeBytes / 4 {
                halfLife /= 4
            } else if usage < policy.maxSizeBytes / 2 {
                halfLife /= 2
            }
            rollingMinimumFeeRate /= pow(2.0, Double(now - lastRollingFeeUpdate) / halfLife)
            lastRollingFeeUpdate = now
            if rollingMinimumFeeRate < Double(policy.incrementalRelayFeeRate) / 2 {
                rollingMinimumFeeRate = 0
                return 0
            }
        }
        return max(Int64(rollingMinimumFeeRate.rounded()), policy.incrementalRelayFeeRate)
    }

    /// Removes everything (keeping the policy, rolling fee and estimator); returns the entries in
    /// arrival order.
    mutating func drain() -> [MempoolEntry] {
        let all = ordered
        entries = [:]
        spentBy = [:]
        usage = 0
        totalVSize = 0
        return all
    }

    // MARK: - Block templates

    /// Block-template selection: entries in arrival order within the weight and sigop budgets (a child
    /// is only taken if its mempool parents were).
    public func template(maxWeight: Int = BlockLimits.maxWeight - 4000, maxSigOpsCost: Int = BlockLimits.maxSigOpsCost - 400)
        -> [MempoolEntry]
    {
        var out: [MempoolEntry] = []
        var taken = Set<TxID>()
        var weight = 0, sigops = 0
        for e in ordered {
            guard weight + e.weight <= maxWeight, sigops + e.sigOpsCost <= maxSigOpsCost else { continue }
            guard e.parents.allSatisfy({ taken.contains($0) }) else { continue }
            out.append(e)
            taken.insert(e.txid)
            weight += e.weight
            sigops += e.sigOpsCost
        }
        return out
    }

    // MARK: - Fee estimation

    /// Fee rate (sat/vB) to pay to be confirmed within `target` blocks (1 … ``FeeEstimator/maxTarget``):
    /// the confirmation-history estimate (``FeeEstimator/estimate(target:)``) when there is enough
    /// data, otherwise the mempool projection (``projectedFeeRate(target:)``); never below the relay
    /// minimum or the rolling minimum fee.
    public mutating func estimateFee(target: Int, now: Int64) -> FeeEstimate {
        let t = min(max(target, 1), FeeEstimator.maxTarget)
        let floor = Double(max(policy.minRelayFeeRate, minimumFeeRate(now: now))) / 1000
        if let r = estimator.estimate(target: t) {
            return FeeEstimate(feeRate: max(r, floor), target: t, source: .history)
        }
        if let r = projectedFeeRate(target: t) {
            return FeeEstimate(feeRate: max(r, floor), target: t, source: .mempool)
        }
        return FeeEstimate(feeRate: floor, target: t, source: .minimum)
    }

    /// Mempool projection: sort entries by ancestor fee rate (what a miner would pick), fill `target`
    /// blocks of 1,000,000 vB; the rate of the entry that crosses that depth, + 1 sat/vB to outbid
    /// it. Nil when the mempool is shallower than `target` blocks (then anything above the minimum
    /// confirms).
    public func projectedFeeRate(target: Int) -> Double? {
        let capacity = max(target, 1) * (BlockLimits.maxWeight / 4)
        guard totalVSize > capacity else { return nil }
        let sorted = entries.values.map { e in (min(e.feeRate, Double(e.ancestorFees) / Double(max(e.ancestorVSize, 1))), e.vsize) }
            .sorted { $0.0 > $1.0 }
        var depth = 0
        for (rate, size) in sorted {
            depth += size
            if depth > capacity { return rate + 1 }
        }
        return nil
    }
}

/// A fee estimate in sat/vB.
public struct FeeEstimate: Sendable, Hashable {
    public enum Source: Sendable, Hashable {
        /// From confirmation statistics of transactions seen in the mempool.
        case history
        /// From the current mempool's depth.
        case mempool
        /// No data: the relay/mempool minimum.
        case minimum
    }
    public var feeRate: Double
    /// The target actually used (clamped to 1 … ``FeeEstimator/maxTarget``).
    public var target: Int
    public var source: Source
}
