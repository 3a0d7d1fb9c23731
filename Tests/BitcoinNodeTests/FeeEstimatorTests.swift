import Bitcoin
import BitcoinNode
import Hashing
import Primitives
import Testing

/// The estimator against a synthetic history whose answer is known by construction: every block,
/// 60 transactions arrive at rates spread over 1–100 sat/vB; a simulated miner confirms those paying
/// ≥ 20 sat/vB in the next block, those paying 10–20 sat/vB three blocks after arrival, and never
/// those below 10 (they are evicted after 12 blocks).
@Suite struct FeeEstimatorTests {
    static func synthetic(blocks: Int = 200) -> FeeEstimator {
        var est = FeeEstimator()
        var pending: [(id: TxID, rate: Double, arrived: Int)] = []
        var n: UInt64 = 0
        for height in 1...blocks {
            // Arrivals while the tip is at height − 1.
            for i in 0..<60 {
                n += 1
                let rate = 1.0 + Double((i * 37 + height * 11) % 100)
                let id = SHA256Hash.hash(Array("tx\(n)".utf8))
                est.track(id, feeRate: rate, height: height - 1)
                pending.append((id, rate, height - 1))
            }
            // Block `height`.
            var confirmed: [TxID] = []
            var keep: [(id: TxID, rate: Double, arrived: Int)] = []
            for p in pending {
                let waited = height - p.arrived
                if p.rate >= 20 || (p.rate >= 10 && waited >= 3) {
                    confirmed.append(p.id)
                } else {
                    keep.append(p)
                }
            }
            est.processBlock(height: height, confirmed: confirmed)
            pending = []
            for p in keep {
                if height - p.arrived >= 12 { est.removeUnconfirmed(p.id) } else { pending.append(p) }
            }
        }
        return est
    }

    @Test func syntheticHistory() {
        let est = Self.synthetic()
        // Within 1–2 blocks only ≥ 20 sat/vB confirms: the answer is in the lowest passing bucket
        // range at or above 20 (buckets are 5 % wide, so within [20, 20 × 1.05²)).
        for target in 1...2 {
            let r = est.estimate(target: target)
            #expect(r != nil)
            if let r { #expect(r >= 20 && r < 22.05, "target \(target): \(r)") }
        }
        // Within 3 or more blocks 10 sat/vB suffices; below 10 never confirms.
        for target in 3...FeeEstimator.maxTarget {
            let r = est.estimate(target: target)
            #expect(r != nil)
            if let r { #expect(r >= 10 && r < 11.03, "target \(target): \(r)") }
        }
        #expect(est.estimate(target: 0) == nil && est.estimate(target: FeeEstimator.maxTarget + 1) == nil)
    }

    @Test func noDataNoEstimate() {
        var est = FeeEstimator()
        #expect(est.estimate(target: 1) == nil)
        // A handful of confirmations is not enough data (≈ 13 decayed transactions needed).
        for i in 0..<5 { est.track(SHA256Hash.hash([UInt8(i)]), feeRate: 5, height: 0) }
        est.processBlock(height: 1, confirmed: (0..<5).map { SHA256Hash.hash([UInt8($0)]) })
        #expect(est.estimate(target: 1) == nil)
    }

    /// Reorged heights are ignored; buckets are 5 % apart from 1 sat/vB.
    @Test func bucketsAndReorgs() {
        var est = FeeEstimator()
        #expect(est.bucket(of: 0.5) == 0 && est.bucket(of: 1) == 0 && est.bucket(of: 1.04) == 1 && est.bucket(of: 1.06) == 2)
        #expect(est.bucket(of: 1e9) == est.bucketBounds.count - 1)
        let id = SHA256Hash.hash([1])
        est.processBlock(height: 10, confirmed: [])
        est.track(id, feeRate: 5, height: 10)
        est.processBlock(height: 10, confirmed: [id])  // same height again: ignored, tracking dropped
        #expect(est.bestHeight == 10 && est.trackedCount == 0)
    }
}
