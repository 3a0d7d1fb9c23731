/// Arbitrary-precision unsigned arithmetic on little-endian `UInt64` limbs, just enough for
/// MODEXP (EIP-198): conversion from/to big-endian bytes, comparison, schoolbook multiplication,
/// Knuth's algorithm D remainder and Montgomery (CIOS) multiplication.
///
/// Array-level helpers allocate; the hot routines work on raw pointers that callers allocate once.
/// Every pointer routine documents its length requirements; callers are internal to this module
/// and size their buffers from already-bounded operand lengths.
enum Limbs {
    // MARK: - Word helpers

    /// `a * b + t + c` as a 128-bit (hi, lo) pair; cannot overflow.
    @inline(__always)
    static func mulAdd(_ a: UInt64, _ b: UInt64, _ t: UInt64, _ c: UInt64) -> (hi: UInt64, lo: UInt64) {
        // (2^64−1)² + 2·(2^64−1) = 2^128 − 1: the wrapping operators never wrap.
        let p = UInt128(a) &* UInt128(b) &+ UInt128(t) &+ UInt128(c)
        return (UInt64(truncatingIfNeeded: p &>> 64), UInt64(truncatingIfNeeded: p))
    }

    // MARK: - Arrays

    /// Drops high zero limbs.
    static func normalized(_ a: [UInt64]) -> [UInt64] {
        var n = a.count
        while n > 0 && a[n - 1] == 0 { n -= 1 }
        return n == a.count ? a : Array(a[0..<n])
    }

    /// The value of `bytes ‖ 0x00 × trailingZeroBytes` read big-endian, normalized.
    /// `bytes.count + trailingZeroBytes` must already be bounded by the caller.
    static func fromBigEndian(_ bytes: ArraySlice<UInt8>, trailingZeroBytes: Int) -> [UInt64] {
        // Leading zero bytes do not change the value; skip them so the limb count stays small.
        var start = bytes.startIndex
        while start < bytes.endIndex && bytes[start] == 0 { start += 1 }
        let significant = bytes.endIndex - start
        if significant == 0 { return [] }
        let total = significant + trailingZeroBytes
        var out = [UInt64](repeating: 0, count: (total + 7) / 8)
        // Byte at significance `pos` (0 = least significant) goes to limb pos / 8.
        var pos = total - 1
        for i in start..<bytes.endIndex {
            out[pos >> 3] |= UInt64(bytes[i]) << UInt64((pos & 7) * 8)
            pos -= 1
        }
        return normalized(out)
    }

    /// Big-endian bytes of `a`, left-padded with zeros to `length`. `a` must fit in `length` bytes.
    static func toBigEndian(_ a: [UInt64], length: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: length)
        var pos = 0  // significance of the byte being written
        var i = length - 1
        while i >= 0 && pos < a.count * 8 {
            out[i] = UInt8(truncatingIfNeeded: a[pos >> 3] >> UInt64((pos & 7) * 8))
            pos += 1
            i -= 1
        }
        return out
    }

    /// -1, 0, 1 for normalized or unnormalized operands.
    static func compare(_ a: [UInt64], _ b: [UInt64]) -> Int {
        let n = max(a.count, b.count)
        var i = n - 1
        while i >= 0 {
            let x = i < a.count ? a[i] : 0
            let y = i < b.count ? b[i] : 0
            if x != y { return x < y ? -1 : 1 }
            i -= 1
        }
        return 0
    }

    static func isZero(_ a: [UInt64]) -> Bool { a.allSatisfy { $0 == 0 } }

    static func isOne(_ a: [UInt64]) -> Bool {
        guard let first = a.first, first == 1 else { return false }
        return a.dropFirst().allSatisfy { $0 == 0 }
    }

    /// `a mod m` for a normalized, non-zero `m`; the result is normalized.
    static func remainder(_ a: [UInt64], _ m: [UInt64]) -> [UInt64] {
        precondition(!m.isEmpty && m[m.count - 1] != 0, "modulus must be normalized and non-zero")
        let a = normalized(a)
        if compare(a, m) < 0 { return a }
        let n = m.count
        let shift = m[n - 1].leadingZeroBitCount
        var v = [UInt64](repeating: 0, count: n)
        var u = [UInt64](repeating: 0, count: a.count + 1)
        v.withUnsafeMutableBufferPointer { vp in
            m.withUnsafeBufferPointer { mp in
                // SAFETY: vp and mp both hold n ≥ 1 limbs.
                guard let vb = vp.baseAddress, let mb = mp.baseAddress else { return }
                _ = shiftLeft(vb, mb, n, shift)
            }
        }
        u.withUnsafeMutableBufferPointer { up in
            guard let ub = up.baseAddress else { return }
            a.withUnsafeBufferPointer { ap in
                // SAFETY: up holds a.count + 1 limbs, ap holds a.count ≥ n ≥ 1.
                guard let ab = ap.baseAddress else { return }
                ub[a.count] = shiftLeft(ub, ab, a.count, shift)
            }
            v.withUnsafeBufferPointer { vp in
                // SAFETY: up holds ulen = a.count + 1 ≥ n + 1 limbs, vp holds n; top limb of v is set.
                guard let vb = vp.baseAddress else { return }
                reduce(ub, a.count + 1, vb, n)
            }
            // SAFETY: the remainder occupies up[0..<n].
            shiftRight(ub, ub, n, shift)
        }
        return normalized(Array(u[0..<n]))
    }

    /// a >> bits (any bit count), normalized.
    static func shiftedRight(_ a: [UInt64], bits: Int) -> [UInt64] {
        let limbShift = bits / 64, bitShift = bits % 64
        guard limbShift < a.count else { return [] }
        var out = Array(a[limbShift...])
        out.withUnsafeMutableBufferPointer { p in
            // SAFETY: in-place shift over the buffer's own count.
            if let base = p.baseAddress { shiftRight(base, base, p.count, bitShift) }
        }
        return normalized(out)
    }

    /// The low n limbs of a (zero-extended), top limb masked.
    static func low(_ a: [UInt64], _ n: Int, _ mask: UInt64) -> [UInt64] {
        var out = [UInt64](repeating: 0, count: n)
        for i in 0..<min(n, a.count) { out[i] = a[i] }
        out[n - 1] &= mask
        return out
    }

    /// (a − b) mod 2^k on n-limb operands, top limb masked.
    static func subtractLow(_ a: [UInt64], _ b: [UInt64], _ n: Int, _ mask: UInt64) -> [UInt64] {
        var out = [UInt64](repeating: 0, count: n)
        var borrow = false
        for i in 0..<n {
            let (d1, b1) = a[i].subtractingReportingOverflow(b[i])
            let (d2, b2) = d1.subtractingReportingOverflow(borrow ? 1 : 0)
            out[i] = d2
            borrow = b1 || b2
        }
        out[n - 1] &= mask
        return out
    }

    /// a·b mod 2^k on n-limb operands, top limb masked.
    static func multiplyLow(_ a: [UInt64], _ b: [UInt64], _ n: Int, _ mask: UInt64) -> [UInt64] {
        var out = [UInt64](repeating: 0, count: n)
        out.withUnsafeMutableBufferPointer { o in
            a.withUnsafeBufferPointer { ap in
                b.withUnsafeBufferPointer { bp in
                    // SAFETY: all three buffers hold n ≥ 1 limbs.
                    if let op = o.baseAddress, let x = ap.baseAddress, let y = bp.baseAddress { multiplyLow(op, x, y, n) }
                }
            }
        }
        out[n - 1] &= mask
        return out
    }

    /// q⁻¹ mod 2^k for odd q (Newton: y ← y·(2 − q·y), doubling the correct bits each step).
    static func inverseLow(_ q: [UInt64], _ n: Int, _ mask: UInt64) -> [UInt64] {
        let qn = low(q, n, UInt64.max)
        var y = [UInt64](repeating: 0, count: n)
        y[0] = 0 &- negativeInverse(q[0])  // correct to 64 bits
        var bits = 64
        while bits < 64 * n {
            // t = 2 − q·y (mod 2^(64n))
            var t = multiplyLow(qn, y, n, UInt64.max)
            var borrow = false
            for i in 0..<n {
                let (d1, b1) = (i == 0 ? UInt64(2) : 0).subtractingReportingOverflow(t[i])
                let (d2, b2) = d1.subtractingReportingOverflow(borrow ? 1 : 0)
                t[i] = d2
                borrow = b1 || b2
            }
            y = multiplyLow(y, t, n, UInt64.max)
            bits *= 2
        }
        y[n - 1] &= mask
        return y
    }

    /// a + b, normalized.
    static func add(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        let n = max(a.count, b.count)
        var out = [UInt64](repeating: 0, count: n + 1)
        var carry = false
        for i in 0..<n {
            let (s1, o1) = (i < a.count ? a[i] : 0).addingReportingOverflow(i < b.count ? b[i] : 0)
            let (s2, o2) = s1.addingReportingOverflow(carry ? 1 : 0)
            out[i] = s2
            carry = o1 || o2
        }
        out[n] = carry ? 1 : 0
        return normalized(out)
    }

    /// a · b (full product), normalized.
    static func multiplyFull(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        guard !a.isEmpty, !b.isEmpty else { return [] }
        var out = [UInt64](repeating: 0, count: a.count + b.count)
        for i in 0..<b.count {
            var c: UInt64 = 0
            for j in 0..<a.count {
                (c, out[i + j]) = mulAdd(a[j], b[i], out[i + j], c)
            }
            out[i + a.count] = c
        }
        return normalized(out)
    }

    // MARK: - Pointer routines

    /// r[0..<n] = (a · b) mod 2^(64n). r must not alias a or b.
    @inline(__always)
    static func multiplyLow(_ r: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, _ n: Int) {
        r.update(repeating: 0, count: n)
        for i in 0..<n {
            let bi = b[i]
            if bi == 0 { continue }
            var c: UInt64 = 0
            let ri = r + i
            for j in 0..<(n - i) {
                (c, ri[j]) = mulAdd(a[j], bi, ri[j], c)
            }
        }
    }

    /// r[0..<n] = a[0..<n] << s (0 ≤ s < 64); returns the bits shifted out. r may alias a.
    @inline(__always)
    @discardableResult
    static func shiftLeft(_ r: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, _ n: Int, _ s: Int) -> UInt64 {
        if s == 0 {
            if UnsafePointer(r) != a { r.update(from: a, count: n) }
            return 0
        }
        var carry: UInt64 = 0
        for i in 0..<n {
            let x = a[i]
            r[i] = (x << UInt64(s)) | carry
            carry = x >> UInt64(64 - s)
        }
        return carry
    }

    /// r[0..<n] = a[0..<n] >> s (0 ≤ s < 64). r may alias a.
    @inline(__always)
    static func shiftRight(_ r: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, _ n: Int, _ s: Int) {
        if s == 0 {
            if UnsafePointer(r) != a { r.update(from: a, count: n) }
            return
        }
        for i in 0..<n {
            let hi: UInt64 = i + 1 < n ? a[i + 1] << UInt64(64 - s) : 0
            r[i] = (a[i] >> UInt64(s)) | hi
        }
    }

    /// r[0..<2n] = a[0..<n] * b[0..<n]. r must not alias a or b.
    @inline(__always)
    static func multiply(_ r: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, _ n: Int) {
        r.update(repeating: 0, count: 2 * n)
        for i in 0..<n {
            let bi = b[i]
            if bi == 0 { continue }
            var c: UInt64 = 0
            for j in 0..<n {
                (c, r[i + j]) = mulAdd(a[j], bi, r[i + j], c)
            }
            r[i + n] = c
        }
    }

    /// Knuth, TAOCP vol. 2, 4.3.1, algorithm D (remainder only).
    /// Requirements: `v[0..<n]` is the divisor shifted so its top bit is set (n ≥ 1);
    /// `u[0..<ulen]` is the dividend shifted by the same amount with one extra top limb
    /// (ulen ≥ n + 1), so that `u[ulen-1] < v[n-1]`. On return `u[0..<n]` is the shifted remainder;
    /// limbs above are zero.
    static func reduce(_ u: UnsafeMutablePointer<UInt64>, _ ulen: Int, _ v: UnsafePointer<UInt64>, _ n: Int) {
        let vTop = v[n - 1]
        let vNext: UInt64 = n >= 2 ? v[n - 2] : 0
        var j = ulen - n - 1
        while j >= 0 {
            // Estimate q̂ = ⌊(u[j+n]·b + u[j+n−1]) / v[n−1]⌋, capped at b − 1.
            var qhat: UInt64
            var rhat: UInt64
            var rhatOverflow = false
            let top = u[j + n]
            if top >= vTop {
                qhat = UInt64.max
                (rhat, rhatOverflow) = u[j + n - 1].addingReportingOverflow(vTop)
                // (top == vTop here by the invariant; rhat = top·b + u[j+n−1] − q̂·vTop.)
            } else {
                (qhat, rhat) = vTop.dividingFullWidth((top, u[j + n - 1]))
            }
            if n >= 2 {
                while !rhatOverflow {
                    let p = qhat.multipliedFullWidth(by: vNext)
                    if p.high > rhat || (p.high == rhat && p.low > u[j + n - 2]) {
                        qhat &-= 1
                        (rhat, rhatOverflow) = rhat.addingReportingOverflow(vTop)
                    } else {
                        break
                    }
                }
            }
            // u[j...j+n] −= q̂ · v
            var carry: UInt64 = 0
            var borrow: UInt64 = 0
            for i in 0..<n {
                let (hi, lo) = mulAdd(qhat, v[i], carry, 0)
                carry = hi
                let (t1, b1) = u[i + j].subtractingReportingOverflow(lo)
                let (t2, b2) = t1.subtractingReportingOverflow(borrow)
                u[i + j] = t2
                borrow = (b1 ? 1 : 0) &+ (b2 ? 1 : 0)
            }
            let (t1, b1) = u[j + n].subtractingReportingOverflow(carry)
            let (t2, b2) = t1.subtractingReportingOverflow(borrow)
            u[j + n] = t2
            if b1 || b2 {
                // q̂ was one too large: add v back (the final carry cancels the borrow).
                var c: UInt64 = 0
                for i in 0..<n {
                    let (s1, o1) = u[i + j].addingReportingOverflow(v[i])
                    let (s2, o2) = s1.addingReportingOverflow(c)
                    u[i + j] = s2
                    c = (o1 ? 1 : 0) &+ (o2 ? 1 : 0)
                }
                u[j + n] &+= c
            }
            j -= 1
        }
    }

    /// Montgomery product r = a·b·R⁻¹ mod m (R = 2^(64n)), CIOS method (Koç, Acar, Kaliski 1996).
    /// Requirements: a, b < m; m odd with n limbs; `m0inv` = −m⁻¹ mod 2^64; `t` has n + 2 limbs of
    /// scratch. r may alias a or b (it is written only at the end).
    @inline(__always)
    static func montgomeryMultiply(
        _ r: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>,
        _ m: UnsafePointer<UInt64>, _ n: Int, _ m0inv: UInt64, _ t: UnsafeMutablePointer<UInt64>
    ) {
        t.update(repeating: 0, count: n + 2)
        for i in 0..<n {
            let bi = b[i]
            var c: UInt64 = 0
            for j in 0..<n {
                (c, t[j]) = mulAdd(a[j], bi, t[j], c)
            }
            let (s1, o1) = t[n].addingReportingOverflow(c)
            t[n] = s1
            t[n + 1] = o1 ? 1 : 0
            let q = t[0] &* m0inv
            var (c2, _) = mulAdd(q, m[0], t[0], 0)
            for j in 1..<n {
                (c2, t[j - 1]) = mulAdd(q, m[j], t[j], c2)
            }
            let (s2, o2) = t[n].addingReportingOverflow(c2)
            t[n - 1] = s2
            t[n] = t[n + 1] &+ (o2 ? 1 : 0)
        }
        // t[0...n] < 2m: subtract m once if t ≥ m.
        var geq = t[n] != 0
        if !geq {
            geq = true
            var i = n - 1
            while i >= 0 {
                if t[i] != m[i] {
                    geq = t[i] > m[i]
                    break
                }
                i -= 1
            }
        }
        if geq {
            var borrow = false
            for i in 0..<n {
                let (d1, b1) = t[i].subtractingReportingOverflow(m[i])
                let (d2, b2) = d1.subtractingReportingOverflow(borrow ? 1 : 0)
                r[i] = d2
                borrow = b1 || b2
            }
        } else {
            r.update(from: t, count: n)
        }
    }

    /// Montgomery square r = a²·R⁻¹ mod m: the square by cross products (n(n−1)/2 word products,
    /// doubled, plus the diagonal), then a separated (SOS) Montgomery reduction — about 1.5n² word
    /// products instead of CIOS's 2n². Requirements: a < m; m odd with n limbs; `s` has 2n limbs of
    /// scratch. r may alias a.
    @inline(__always)
    static func montgomerySquare(
        _ r: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>,
        _ m: UnsafePointer<UInt64>, _ n: Int, _ m0inv: UInt64, _ s: UnsafeMutablePointer<UInt64>
    ) {
        s.update(repeating: 0, count: 2 * n)
        // Cross products a[i]·a[j], i < j.
        for i in 0..<n {
            let ai = a[i]
            var c: UInt64 = 0
            let si = s + i
            for j in (i + 1)..<n {
                (c, si[j]) = mulAdd(ai, a[j], si[j], c)
            }
            s[i + n] = c
        }
        // Double them (the sum of cross products is < a²/2, so no bit leaves the 2n limbs).
        var carry: UInt64 = 0
        for k in 0..<(2 * n) {
            let x = s[k]
            s[k] = (x << 1) | carry
            carry = x >> 63
        }
        // Add the diagonal a[i]².
        var c: UInt64 = 0
        for i in 0..<n {
            let (hi, lo) = mulAdd(a[i], a[i], s[2 * i], c)
            s[2 * i] = lo
            let (h2, o) = s[2 * i + 1].addingReportingOverflow(hi)
            s[2 * i + 1] = h2
            c = o ? 1 : 0
        }
        // Reduce: add q·m·2^(64i) to clear limb i, carrying the overflow of limb i+n to the next round.
        var top: UInt64 = 0
        for i in 0..<n {
            let q = s[i] &* m0inv
            var cc: UInt64 = 0
            let si = s + i
            for j in 0..<n {
                (cc, si[j]) = mulAdd(q, m[j], si[j], cc)
            }
            let (x1, o1) = s[i + n].addingReportingOverflow(cc)
            let (x2, o2) = x1.addingReportingOverflow(top)
            s[i + n] = x2
            top = (o1 ? 1 : 0) &+ (o2 ? 1 : 0)
        }
        // Result s[n..<2n] + top·R < 2m.
        let t = s + n
        var geq = top != 0
        if !geq {
            geq = true
            var i = n - 1
            while i >= 0 {
                if t[i] != m[i] {
                    geq = t[i] > m[i]
                    break
                }
                i -= 1
            }
        }
        if geq {
            var borrow = false
            for i in 0..<n {
                let (d1, b1) = t[i].subtractingReportingOverflow(m[i])
                let (d2, b2) = d1.subtractingReportingOverflow(borrow ? 1 : 0)
                r[i] = d2
                borrow = b1 || b2
            }
        } else {
            r.update(from: t, count: n)
        }
    }

    /// −m⁻¹ mod 2^64 for odd m0 (Newton iteration; each step doubles the correct low bits).
    static func negativeInverse(_ m0: UInt64) -> UInt64 {
        var inv: UInt64 = m0  // correct to 3 bits: m0·m0 ≡ 1 (mod 8)
        for _ in 0..<5 { inv = inv &* (2 &- m0 &* inv) }
        return 0 &- inv
    }
}
