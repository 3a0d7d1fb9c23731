/// base^exponent mod m on `Limbs` with a sliding window: Montgomery arithmetic (CIOS products,
/// separate squaring) for odd moduli; for even moduli m = q·2^k, Montgomery mod q and truncated
/// arithmetic mod 2^k recombined by CRT.
enum ModularExponentiation {
    /// An exponent as big-endian `bytes` followed by `trailingZeroBytes` zero bytes — EIP-198's
    /// right zero-padding of short input — so a long, mostly absent exponent is never materialized.
    struct Exponent {
        var bytes: ArraySlice<UInt8>
        var trailingZeroBytes: UInt64
    }

    /// `base^exponent mod modulus` for a normalized, non-zero modulus; the result is normalized.
    /// 0^0 = 1 (mod m), as in EIP-198 and geth.
    static func power(base: [UInt64], exponent: Exponent, modulus m: [UInt64]) -> [UInt64] {
        precondition(!m.isEmpty && m[m.count - 1] != 0, "modulus must be normalized and non-zero")
        if Limbs.isOne(m) { return [] }
        // Skip leading zero bytes of the exponent.
        var e = exponent.bytes
        while let f = e.first, f == 0 { e = e.dropFirst() }
        if e.isEmpty { return [1] }  // exponent 0 (trailing zeros keep it 0)
        let b = Limbs.remainder(base, m)
        if b.isEmpty { return [] }
        if Limbs.isOne(b) { return [1] }
        if m[0] & 1 == 1 {
            return montgomeryPower(base: b, exponent: Exponent(bytes: e, trailingZeroBytes: exponent.trailingZeroBytes), modulus: m)
        }
        return evenPower(base: b, exponent: Exponent(bytes: e, trailingZeroBytes: exponent.trailingZeroBytes), modulus: m)
    }

    /// One-limb odd modulus: the same window over `SingleLimbEngine`, whose products are two
    /// 64×64 multiplications (the case EIP-2565 prices lowest per unit of work).
    static func singleLimbPower(base: UInt64, exponent: Exponent, modulus m: UInt64) -> [UInt64] {
        let storage = UnsafeMutablePointer<UInt64>.allocate(capacity: 17)
        defer { storage.deallocate() }
        storage.initialize(repeating: 0, count: 17)
        let r1 = UInt64(truncatingIfNeeded: (UInt128(1) << 64) % UInt128(m))  // R mod m
        let r2 = UInt64(truncatingIfNeeded: (UInt128(r1) * UInt128(r1)) % UInt128(m))  // R² mod m
        let engine = SingleLimbEngine(m: m, m0inv: Limbs.negativeInverse(m), one: r1, acc: storage, table: storage + 1)
        storage[1] = engine.mul(base, r2)
        storage[0] = r1
        slidingWindow(engine, exponent)
        let r = engine.mul(storage[0], 1)
        return r == 0 ? [] : [r]
    }

    // MARK: - Even modulus: CRT over q · 2^k

    /// For m = q·2^k with q odd: x₁ = b^e mod q (Montgomery), x₂ = b^e mod 2^k (truncated
    /// products), recombined as x = x₁ + q·((x₂ − x₁)·q⁻¹ mod 2^k) (Garner). Requires 1 < b < m and
    /// e > 0 with no leading zero byte.
    static func evenPower(base: [UInt64], exponent: Exponent, modulus m: [UInt64]) -> [UInt64] {
        var k = 0
        var idx = 0
        while m[idx] == 0 {
            idx += 1
            k += 64
        }
        k += m[idx].trailingZeroBitCount
        let q = Limbs.shiftedRight(m, bits: k)
        let limbs = (k + 63) / 64
        let mask: UInt64 = k % 64 == 0 ? UInt64.max : (1 << UInt64(k % 64)) - 1
        let x2 = powerOfTwoPower(base: Limbs.low(base, limbs, mask), exponent: exponent, limbs: limbs, mask: mask)
        if Limbs.isOne(q) { return Limbs.normalized(x2) }
        let x1 = power(base: base, exponent: exponent, modulus: q)
        let d = Limbs.subtractLow(x2, Limbs.low(x1, limbs, mask), limbs, mask)
        let h = Limbs.multiplyLow(d, Limbs.inverseLow(q, limbs, mask), limbs, mask)
        return Limbs.normalized(Limbs.add(x1, Limbs.multiplyFull(q, h)))
    }

    /// b^e mod 2^k with b given as `limbs` limbs already masked to k bits.
    static func powerOfTwoPower(base: [UInt64], exponent: Exponent, limbs n: Int, mask: UInt64) -> [UInt64] {
        if Limbs.isZero(base) { return [UInt64](repeating: 0, count: n) }
        let tableCount = 16
        // Layout: acc | product | table(tableCount·n)
        let total = n + n + tableCount * n
        let arena = UnsafeMutablePointer<UInt64>.allocate(capacity: total)
        defer { arena.deallocate() }
        arena.initialize(repeating: 0, count: total)
        let acc = arena, product = arena + n, table = arena + 2 * n
        // SAFETY: base has exactly n limbs.
        for (i, x) in base.enumerated() where i < n { table[i] = x }
        acc[0] = 1
        slidingWindow(PowerOfTwoEngine(n: n, mask: mask, acc: acc, product: product, table: table), exponent)
        return Array(UnsafeBufferPointer(start: acc, count: n))
    }

    // MARK: - Window driver

    /// Sliding-window left-to-right exponentiation (HAC 14.85) over an engine that owns the
    /// accumulator and a table of odd powers base^1, base^3, …. `e` has no leading zero byte.
    static func slidingWindow<E: ExponentiationEngine>(_ engine: E, _ e: Exponent) {
        let bitCount = e.bytes.count * 8 - Int(e.bytes[e.bytes.startIndex].leadingZeroBitCount)
        let w = bitCount <= 8 ? 1 : bitCount <= 128 ? 3 : bitCount <= 768 ? 4 : 5
        engine.prepareTable(count: 1 << (w - 1))
        let bytes = e.bytes
        let last = bytes.endIndex - 1
        @inline(__always) func bit(_ i: Int) -> Int { Int((bytes[last - (i >> 3)] >> UInt8(i & 7)) & 1) }
        var i = bitCount - 1
        var started = false
        while i >= 0 {
            if bit(i) == 0 {
                engine.square()
                i -= 1
                continue
            }
            var l = max(i - w + 1, 0)
            while bit(l) == 0 { l += 1 }
            var value = 0
            var k = i
            while k >= l {
                value = (value << 1) | bit(k)
                k -= 1
            }
            if started {
                for _ in 0...(i - l) { engine.square() }
                engine.multiply(table: value >> 1)
            } else {
                engine.load(table: value >> 1)
                started = true
            }
            i = l - 1
        }
        // Trailing zero bytes: 8 squarings each; 0 and 1 are fixed points, so stop early there.
        var remaining = e.trailingZeroBytes
        while remaining > 0 {
            if engine.accumulatorIsZeroOrOne() { break }
            for _ in 0..<8 { engine.square() }
            remaining -= 1
        }
    }

    // MARK: - Odd modulus: Montgomery

    static func montgomeryPower(base: [UInt64], exponent: Exponent, modulus: [UInt64]) -> [UInt64] {
        let n = modulus.count
        if n == 1 { return singleLimbPower(base: base[0], exponent: exponent, modulus: modulus[0]) }
        // R² mod m with R = 2^(64n).
        var r2src = [UInt64](repeating: 0, count: 2 * n + 1)
        r2src[2 * n] = 1
        let r2 = Limbs.remainder(r2src, modulus)
        let tableCount = 16  // enough for w ≤ 5
        // Layout: m | r2 | one(R mod m) | acc | scratch(2n+2) | table(tableCount·n) | tmp(n)
        let total = n * 6 + 2 + tableCount * n + n
        let arena = UnsafeMutablePointer<UInt64>.allocate(capacity: total)
        defer { arena.deallocate() }
        arena.initialize(repeating: 0, count: total)
        let m = arena, r2p = arena + n, one = arena + 2 * n, acc = arena + 3 * n, t = arena + 4 * n
        let table = arena + 6 * n + 2, tmp = table + tableCount * n
        // SAFETY: modulus has n limbs; r2 and base are reduced mod m, so at most n limbs each.
        for (i, x) in modulus.enumerated() { m[i] = x }
        for (i, x) in r2.enumerated() { r2p[i] = x }
        for (i, x) in base.enumerated() { tmp[i] = x }
        let m0inv = Limbs.negativeInverse(modulus[0])
        // one = R mod m = MontMul(1, R²); table[0] = base·R mod m.
        acc[0] = 1
        Limbs.montgomeryMultiply(one, acc, r2p, m, n, m0inv, t)
        Limbs.montgomeryMultiply(table, tmp, r2p, m, n, m0inv, t)
        acc.update(from: one, count: n)
        let engine = MontgomeryEngine(m: m, n: n, m0inv: m0inv, one: one, acc: acc, t: t, table: table, tmp: tmp)
        slidingWindow(engine, exponent)
        // Leave the Montgomery domain: MontMul(acc, 1).
        tmp.update(repeating: 0, count: n)
        tmp[0] = 1
        Limbs.montgomeryMultiply(acc, acc, tmp, m, n, m0inv, t)
        return Limbs.normalized(Array(UnsafeBufferPointer(start: acc, count: n)))
    }
}

/// The operations the window driver needs; engines own pointer-backed storage for one call.
protocol ExponentiationEngine {
    /// table[k] = base^(2k+1) for k < count; table[0] is already set.
    func prepareTable(count: Int)
    func square()
    func multiply(table k: Int)
    func load(table k: Int)
    func accumulatorIsZeroOrOne() -> Bool
}

struct MontgomeryEngine: ExponentiationEngine {
    let m: UnsafeMutablePointer<UInt64>, n: Int, m0inv: UInt64
    let one: UnsafeMutablePointer<UInt64>, acc: UnsafeMutablePointer<UInt64>, t: UnsafeMutablePointer<UInt64>
    let table: UnsafeMutablePointer<UInt64>, tmp: UnsafeMutablePointer<UInt64>

    func prepareTable(count: Int) {
        guard count > 1 else { return }
        Limbs.montgomeryMultiply(tmp, table, table, m, n, m0inv, t)  // base²
        for k in 1..<count {
            Limbs.montgomeryMultiply(table + k * n, table + (k - 1) * n, tmp, m, n, m0inv, t)
        }
    }
    @inline(__always) func square() { Limbs.montgomerySquare(acc, acc, m, n, m0inv, t) }
    @inline(__always) func multiply(table k: Int) { Limbs.montgomeryMultiply(acc, acc, table + k * n, m, n, m0inv, t) }
    func load(table k: Int) { acc.update(from: table + k * n, count: n) }
    func accumulatorIsZeroOrOne() -> Bool {
        var zero = true, isOne = true
        for i in 0..<n {
            if acc[i] != 0 { zero = false }
            if acc[i] != one[i] { isOne = false }
        }
        return zero || isOne
    }
}

/// Montgomery arithmetic modulo an odd 64-bit m (R = 2^64); values are single words < m.
struct SingleLimbEngine: ExponentiationEngine {
    let m: UInt64, m0inv: UInt64, one: UInt64
    let acc: UnsafeMutablePointer<UInt64>, table: UnsafeMutablePointer<UInt64>

    /// a·b·R⁻¹ mod m for a, b < m.
    @inline(__always)
    func mul(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let p = UInt128(a) &* UInt128(b)
        let q = UInt64(truncatingIfNeeded: p) &* m0inv
        // p + q·m ≡ 0 (mod 2^64) and < 2^129; its high part is < 2m.
        let (s, overflow) = p.addingReportingOverflow(UInt128(q) &* UInt128(m))
        var r = s &>> 64
        if overflow { r |= UInt128(1) &<< 64 }
        if r >= UInt128(m) { r &-= UInt128(m) }
        return UInt64(truncatingIfNeeded: r)
    }

    func prepareTable(count: Int) {
        guard count > 1 else { return }
        let sq = mul(table[0], table[0])
        for k in 1..<count { table[k] = mul(table[k - 1], sq) }
    }
    @inline(__always) func square() { acc[0] = mul(acc[0], acc[0]) }
    @inline(__always) func multiply(table k: Int) { acc[0] = mul(acc[0], table[k]) }
    func load(table k: Int) { acc[0] = table[k] }
    func accumulatorIsZeroOrOne() -> Bool { acc[0] == 0 || acc[0] == one }
}

/// Arithmetic mod 2^k on n = ⌈k/64⌉ limbs: products truncated to n limbs, top limb masked.
struct PowerOfTwoEngine: ExponentiationEngine {
    let n: Int, mask: UInt64
    let acc: UnsafeMutablePointer<UInt64>, product: UnsafeMutablePointer<UInt64>, table: UnsafeMutablePointer<UInt64>

    @inline(__always)
    func mulMod(_ r: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>) {
        Limbs.multiplyLow(product, a, b, n)
        product[n - 1] &= mask
        r.update(from: product, count: n)
    }

    func prepareTable(count: Int) {
        guard count > 1 else { return }
        let sq = table + (count - 1) * n
        mulMod(sq, table, table)
        for k in 1..<count {
            mulMod(table + k * n, table + (k - 1) * n, sq)
        }
    }
    @inline(__always) func square() { mulMod(acc, acc, acc) }
    @inline(__always) func multiply(table k: Int) { mulMod(acc, acc, table + k * n) }
    func load(table k: Int) { acc.update(from: table + k * n, count: n) }
    func accumulatorIsZeroOrOne() -> Bool {
        if acc[0] > 1 { return false }
        for i in 1..<n where acc[i] != 0 { return false }
        return true
    }
}
