public import Bitcoin
import Primitives

/// Confirmation-based fee estimation, a simplified Bitcoin Core `CBlockPolicyEstimator`
/// (policy/fees.cpp), short horizon only:
///
/// - Fee-rate buckets from 1 sat/vB, each 5 % above the previous, up to 10,000 sat/vB (Core's
///   `FEE_SPACING`, `MIN_BUCKET_FEERATE`, `MAX_BUCKET_FEERATE`).
/// - A transaction is tracked when it enters the mempool (not when re-admitted after a reorg) with the
///   tip height at that moment. When a block at height h confirms it, `blocks = h − entry height`
///   (≥ 1) is recorded: for every target t ≥ blocks its bucket's "confirmed within t" count grows; its
///   bucket's total grows, and its fee rate is added to the bucket's fee-rate sum.
/// - A tracked transaction that leaves without confirming (replaced, evicted, expired, conflicted)
///   counts as a failure for every target t ≤ the blocks it waited. Tracked transactions still in the
///   mempool for ≥ t blocks count as failures for target t when estimating.
/// - Every new block multiplies all counts by `decay` (0.962, Core's `SHORT_DECAY`: a half-life of
///   ~18 blocks). Blocks at or below the highest height already seen (reorgs) are ignored.
/// - `estimate(target:)` scans buckets from the highest rate down, grouping adjacent buckets until the
///   group has ≥ 0.5 / (1 − decay) ≈ 13 decayed transactions (Core's `SUFFICIENT_TXS_SHORT`); a group
///   whose confirmed-within-target share ≥ 85 % (Core's `SUCCESS_PCT`) passes and starts a new group,
///   a failing group keeps growing into lower buckets. The answer is the average fee rate of the
///   bucket holding the median transaction of the lowest passing group; nil if none passed.
///
/// Differences from Core, on purpose: one horizon (targets 1 … 12) instead of three, no
/// conservative/economical modes, and the median bucket's average rate is returned as is.
public struct FeeEstimator: Sendable {
    /// Largest target (Core's short horizon).
    public static let maxTarget = 12
    /// Per-block decay of all statistics.
    public static let decay = 0.962
    /// Share of transactions that must confirm within the target.
    public static let successThreshold = 0.85
    /// Decayed transactions a bucket group needs before it is judged.
    public static var sufficientTransactions: Double { 0.5 / (1 - decay) }

    /// Upper bounds (sat/vB) of the buckets, ascending.
    public let bucketBounds: [Double]
    /// `confirmed[t - 1][b]`: decayed count confirmed within t blocks.
    var confirmed: [[Double]]
    /// `failed[t - 1][b]`: decayed count that left unconfirmed after waiting ≥ t blocks.
    var failed: [[Double]]
    /// Decayed count of confirmed transactions per bucket, and the sum of their fee rates.
    var total: [Double]
    var feeRateSum: [Double]
    /// Tracked mempool transactions: entry height and bucket.
    var tracked: [TxID: (height: Int, bucket: Int, feeRate: Double)] = [:]
    /// Highest block height processed.
    public private(set) var bestHeight = 0

    public init() {
        var bounds: [Double] = []
        var r = 1.0
        while r < 10_000 {
            bounds.append(r)
            r *= 1.05
        }
        bounds.append(10_000)
        bounds.append(.infinity)
        bucketBounds = bounds
        confirmed = Array(repeating: Array(repeating: 0, count: bounds.count), count: Self.maxTarget)
        failed = confirmed
        total = Array(repeating: 0, count: bounds.count)
        feeRateSum = total
    }

    /// The bucket of `feeRate` (sat/vB): the first whose upper bound is ≥ the rate.
    public func bucket(of feeRate: Double) -> Int {
        var lo = 0, hi = bucketBounds.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if bucketBounds[mid] >= feeRate { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    /// Number of tracked (unconfirmed) transactions.
    public var trackedCount: Int { tracked.count }

    /// Starts tracking a transaction that entered the mempool when the tip was at `height`.
    public mutating func track(_ txid: TxID, feeRate: Double, height: Int) {
        tracked[txid] = (height, bucket(of: feeRate), feeRate)
    }

    /// A tracked transaction left the mempool without confirming.
    public mutating func removeUnconfirmed(_ txid: TxID) {
        guard let t = tracked.removeValue(forKey: txid) else { return }
        let waited = bestHeight - t.height
        guard waited > 0 else { return }
        for target in 1...min(waited, Self.maxTarget) { failed[target - 1][t.bucket] += 1 }
    }

    /// Stops tracking without recording anything (e.g. the transaction failed re-admission after a reorg).
    public mutating func forget(_ txid: TxID) { tracked[txid] = nil }

    /// A block at `height` connected, confirming `confirmed` (mempool transactions; untracked ones are
    /// ignored). Heights at or below the best seen are ignored (reorgs).
    public mutating func processBlock(height: Int, confirmed txids: [TxID]) {
        guard height > bestHeight else {
            for id in txids { tracked[id] = nil }
            return
        }
        bestHeight = height
        for t in 0..<Self.maxTarget {
            for b in 0..<bucketBounds.count {
                confirmed[t][b] *= Self.decay
                failed[t][b] *= Self.decay
            }
        }
        for b in 0..<bucketBounds.count {
            total[b] *= Self.decay
            feeRateSum[b] *= Self.decay
        }
        for id in txids {
            guard let t = tracked.removeValue(forKey: id) else { continue }
            let blocks = height - t.height
            guard blocks > 0 else { continue }
            if blocks <= Self.maxTarget {
                for target in blocks...Self.maxTarget { confirmed[target - 1][t.bucket] += 1 }
            }
            total[t.bucket] += 1
            feeRateSum[t.bucket] += t.feeRate
        }
    }

    /// The estimated fee rate (sat/vB) to confirm within `target` blocks, or nil without enough data.
    public func estimate(target: Int) -> Double? {
        guard target >= 1, target <= Self.maxTarget else { return nil }
        // Unconfirmed transactions that have already waited ≥ target blocks.
        var waiting = Array(repeating: 0.0, count: bucketBounds.count)
        for (_, t) in tracked where bestHeight - t.height >= target { waiting[t.bucket] += 1 }
        var nConf = 0.0, nTotal = 0.0, nFail = 0.0, nWait = 0.0
        var groupStart = bucketBounds.count - 1
        var best: (near: Int, far: Int)?
        for b in stride(from: bucketBounds.count - 1, through: 0, by: -1) {
            nConf += confirmed[target - 1][b]
            nTotal += total[b]
            nFail += failed[target - 1][b]
            nWait += waiting[b]
            guard nTotal >= Self.sufficientTransactions else { continue }
            let pct = nConf / (nTotal + nFail + nWait)
            if pct < Self.successThreshold { continue }
            best = (near: b, far: groupStart)
            groupStart = b - 1
            nConf = 0
            nTotal = 0
            nFail = 0
            nWait = 0
        }
        guard let range = best else { return nil }
        // The bucket holding the median transaction of the passing group.
        let groupTotal = (range.near...range.far).reduce(0.0) { $0 + total[$1] }
        var acc = 0.0
        for b in range.near...range.far {
            acc += total[b]
            if acc >= groupTotal / 2, total[b] > 0 { return feeRateSum[b] / total[b] }
        }
        return nil
    }
}
