public import Primitives
public import Bitcoin

/// What the header rules need to know about one block of a chain.
public struct ChainEntry: Hashable, Sendable {
    public var height: Int
    public var time: UInt32
    public var bits: UInt32

    public init(height: Int, time: UInt32, bits: UInt32) {
        self.height = height
        self.time = time
        self.bits = bits
    }
}

/// Read access to the ancestors of a chain tip, by height. Returns nil when the entry is not
/// available (a verifier anchored at a trusted header knows nothing below it).
public protocol AncestorProvider {
    func ancestor(atHeight height: Int) -> ChainEntry?

    /// The testnet walk-back from `last`: the bits of the nearest block at or below `last` that is on a
    /// retarget boundary, is genesis, or does not carry `limitBits`. Nil when it reaches a missing
    /// ancestor. The default walks `ancestor(atHeight:)`; a chain store can answer in O(1).
    func minDifficultyWalkBack(from last: ChainEntry, interval: Int, limitBits: UInt32) -> UInt32?
}

extension AncestorProvider {
    public func minDifficultyWalkBack(from last: ChainEntry, interval: Int, limitBits: UInt32) -> UInt32? {
        var e = last
        while e.height > 0 && e.height % interval != 0 && e.bits == limitBits {
            guard let p = ancestor(atHeight: e.height - 1) else { return nil }
            e = p
        }
        return e.bits
    }
}

/// Proof-of-work rules (Bitcoin Core `pow.cpp`).
public enum ProofOfWork {
    /// Core's `CheckProofOfWorkImpl`: the target decoded from `bits` must be positive, must not
    /// overflow, must not exceed `powLimit`, and `hash` (as a little-endian number) must not exceed it.
    public static func check(hash: BlockHash, bits: UInt32, powLimit: UInt256) -> Bool {
        let t = CompactTarget(bits: bits)
        if t.isNegative || t.target.isZero || t.isOverflow || t.target > powLimit { return false }
        return UInt256(littleEndian: hash) <= t.target
    }

    /// Core's `CalculateNextWorkRequired` for the block after `last`, where `first` is the block
    /// 2015 blocks before `last` (the start of the period; the famous off-by-one means the period's
    /// first block's *parent* timespan is never measured).
    ///
    /// The actual timespan is clamped to [timespan/4, timespan×4]; the new target is the old one
    /// (from `last`, or from `first` under BIP94) × actual / timespan (256-bit wrapping arithmetic, as
    /// `arith_uint256`), capped at the pow limit.
    public static func calculateNextWorkRequired(last: ChainEntry, first: ChainEntry, params: ChainParams) -> UInt32 {
        if params.powNoRetargeting { return last.bits }
        var actual = Int64(last.time) - Int64(first.time)
        let span = params.powTargetTimespan
        if actual < span / 4 { actual = span / 4 }
        if actual > span * 4 { actual = span * 4 }
        // BIP94 (testnet4): use the first block of the period, which cannot be a min-difficulty block.
        let base = params.enforceBIP94 ? first.bits : last.bits
        var target = CompactTarget(bits: base).target
        target = target &* UInt256(UInt64(actual))
        target = target / UInt256(UInt64(span))
        if target > params.powLimit { target = params.powLimit }
        return CompactTarget.encode(target)
    }

    /// Core's `GetNextWorkRequired`: the `bits` a block at `last.height + 1` with time `newTime` must
    /// carry. Returns nil when an ancestor it needs is not available from `ancestors`.
    ///
    /// - Off a retarget boundary the bits are the parent's; on testnets (`powAllowMinDifficultyBlocks`)
    ///   a block more than 2 × spacing (20 minutes) after its parent may use the pow limit, and
    ///   otherwise the bits are those of the last block that is not a min-difficulty block or is on a
    ///   boundary (the walk-back).
    /// - On a boundary (height % 2016 == 0) `calculateNextWorkRequired` with the block at
    ///   `last.height - 2015`.
    public static func nextWorkRequired(
        last: ChainEntry, newTime: UInt32, params: ChainParams, ancestors: some AncestorProvider
    ) -> UInt32? {
        let interval = params.difficultyAdjustmentInterval
        let limitBits = params.powLimitBits
        if (last.height + 1) % interval != 0 {
            if params.powAllowMinDifficultyBlocks {
                if Int64(newTime) > Int64(last.time) + params.powTargetSpacing * 2 { return limitBits }
                return ancestors.minDifficultyWalkBack(from: last, interval: interval, limitBits: limitBits)
            }
            return last.bits
        }
        let firstHeight = last.height - (interval - 1)
        guard firstHeight >= 0, let first = ancestors.ancestor(atHeight: firstHeight) else { return nil }
        return calculateNextWorkRequired(last: last, first: first, params: params)
    }

    /// Core's `GetMedianTimePast` of the chain ending at `last`: the median of the times of `last` and
    /// up to 10 ancestors (fewer near genesis). Nil when an ancestor it needs is unavailable.
    public static func medianTimePast(last: ChainEntry, ancestors: some AncestorProvider) -> Int64? {
        let n = min(11, last.height + 1)
        return withUnsafeTemporaryAllocation(of: Int64.self, capacity: 11) { buf -> Int64? in
            buf[0] = Int64(last.time)
            var i = 1
            while i < n {
                guard let e = ancestors.ancestor(atHeight: last.height - i) else { return nil }
                buf[i] = Int64(e.time)
                i += 1
            }
            // Insertion sort of at most 11 values.
            var a = 1
            while a < n {
                let v = buf[a]
                var b = a - 1
                while b >= 0 && buf[b] > v {
                    buf[b + 1] = buf[b]
                    b -= 1
                }
                buf[b + 1] = v
                a += 1
            }
            return buf[n / 2]
        }
    }
}
