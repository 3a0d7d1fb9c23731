public import Primitives

/// Multi-scalar multiplication Σ kᵢ·Pᵢ by Pippenger's bucket method (exact: every addition goes
/// through the complete `JacobianPoint.+`, which handles doubling and infinity). Scalars are any
/// 256-bit integers (EIP-2537 does not reduce them).
public enum MultiScalarMultiplication {
    /// The window width minimising (256/c)·(n + 2^(c+1)) additions.
    static func windowBits(_ n: Int) -> Int {
        var best = 1
        var bestCost = Int.max
        for c in 1...16 {
            let windows = (256 + c - 1) / c
            let cost = windows * (n + (1 << (c + 1)))
            if cost < bestCost {
                bestCost = cost
                best = c
            }
        }
        return best
    }

    /// Bits [start, start + width) of k (width ≤ 16).
    @inlinable static func digit(_ k: UInt256, _ start: Int, _ width: Int) -> Int {
        let limb = start >> 6
        let shift = start & 63
        var v = k[limb: limb] >> UInt64(shift)
        if shift + width > 64 && limb < 3 { v |= k[limb: limb + 1] << UInt64(64 - shift) }
        return Int(truncatingIfNeeded: v & ((1 << UInt64(width)) - 1))
    }

    /// Σ scalars[i]·points[i] by Straus' method (interleaved 4-bit windows, one shared doubling
    /// chain); best for a handful of points. The arrays must have equal length.
    public static func straus<C: WeierstrassCurve>(_ points: [JacobianPoint<C>], _ scalars: [UInt256])
        -> JacobianPoint<C>
    {
        precondition(points.count == scalars.count, "straus: points and scalars differ in length")
        let tables: [[JacobianPoint<C>]] = points.map { p in
            var t = [JacobianPoint<C>](repeating: .infinity, count: 16)
            t[1] = p
            for i in 2..<16 { t[i] = t[i - 1] + p }
            return t
        }
        let top = scalars.map(\.bitLength).max() ?? 0
        var acc = JacobianPoint<C>.infinity
        var w = (top + 3) / 4 - 1
        while w >= 0 {
            if !acc.isInfinity { acc = acc.doubled().doubled().doubled().doubled() }
            for j in 0..<points.count {
                let d = digit(scalars[j], w * 4, 4)
                if d != 0 { acc = acc + tables[j][d] }
            }
            w -= 1
        }
        return acc
    }

    /// Σ scalars[i]·points[i]; the arrays must have equal length.
    public static func msm<C: WeierstrassCurve>(_ points: [JacobianPoint<C>], _ scalars: [UInt256]) -> JacobianPoint<C> {
        precondition(points.count == scalars.count, "msm: points and scalars differ in length")
        let n = points.count
        if n == 0 { return .infinity }
        if n < 4 { return straus(points, scalars) }
        let c = windowBits(n)
        let windows = (256 + c - 1) / c
        var acc = JacobianPoint<C>.infinity
        var buckets = [JacobianPoint<C>](repeating: .infinity, count: (1 << c) - 1)
        var w = windows - 1
        while w >= 0 {
            if !acc.isInfinity {
                for _ in 0..<c { acc = acc.doubled() }
            }
            for i in 0..<buckets.count { buckets[i] = .infinity }
            let start = w * c
            let width = min(c, 256 - start)
            for i in 0..<n {
                let d = digit(scalars[i], start, width)
                if d != 0 { buckets[d - 1] = buckets[d - 1] + points[i] }
            }
            // Σ d·bucket[d] by running sums.
            var running = JacobianPoint<C>.infinity
            var sum = JacobianPoint<C>.infinity
            var j = buckets.count - 1
            while j >= 0 {
                running = running + buckets[j]
                sum = sum + running
                j -= 1
            }
            acc = acc + sum
            w -= 1
        }
        return acc
    }
}
