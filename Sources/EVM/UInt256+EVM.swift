public import Primitives

// EVM arithmetic on `UInt256` (Yellow Paper appendix H, intx/evmone style). Everything here is
// total: division by zero gives zero, shifts of 256 or more saturate, as the EVM defines them.
// These are extensions rather than edits to `Primitives.UInt256` so that the interpreter's hot
// paths do not depend on the general-purpose (array-backed, binary long division) routines there.

extension UInt256 {
    // MARK: Construction and byte access

    /// Reads 32 big-endian bytes at `p` (no alignment needed).
    @inlinable @inline(__always)
    public init(loadingBigEndian p: UnsafeRawPointer) {
        // SAFETY: callers guarantee 32 readable bytes at `p`; loads are unaligned-safe.
        self.init(
            l0: p.loadUnaligned(fromByteOffset: 24, as: UInt64.self).bigEndian,
            l1: p.loadUnaligned(fromByteOffset: 16, as: UInt64.self).bigEndian,
            l2: p.loadUnaligned(fromByteOffset: 8, as: UInt64.self).bigEndian,
            l3: p.loadUnaligned(fromByteOffset: 0, as: UInt64.self).bigEndian)
    }

    /// Writes the value as 32 big-endian bytes at `p` (no alignment needed).
    @inlinable @inline(__always)
    public func storeBigEndian(to p: UnsafeMutableRawPointer) {
        // SAFETY: callers guarantee 32 writable bytes at `p`.
        p.storeBytes(of: l3.bigEndian, toByteOffset: 0, as: UInt64.self)
        p.storeBytes(of: l2.bigEndian, toByteOffset: 8, as: UInt64.self)
        p.storeBytes(of: l1.bigEndian, toByteOffset: 16, as: UInt64.self)
        p.storeBytes(of: l0.bigEndian, toByteOffset: 24, as: UInt64.self)
    }

    /// Keeps the low `n` bytes (0...32).
    @inlinable @inline(__always)
    public func keepingLowBytes(_ n: Int) -> UInt256 {
        let bits = n &* 8
        @inline(__always) func mask(_ limbBits: Int) -> UInt64 {
            limbBits >= 64 ? .max : (limbBits <= 0 ? 0 : (UInt64(1) &<< UInt64(limbBits)) &- 1)
        }
        return UInt256(
            l0: l0 & mask(bits), l1: l1 & mask(bits &- 64), l2: l2 & mask(bits &- 128), l3: l3 & mask(bits &- 192))
    }

    /// The value as 32 big-endian bytes in a `Bytes32` (wire order: byte 0 is the most significant).
    @inlinable public var bytes32: Bytes32 {
        Bytes32(w0: l3.byteSwapped, w1: l2.byteSwapped, w2: l1.byteSwapped, w3: l0.byteSwapped)
    }

    /// Interprets the 32 wire-order bytes of `b` as a big-endian number (how the EVM sees a hash).
    @inlinable public init(bigEndian b: Bytes32) {
        self.init(l0: b.w3.byteSwapped, l1: b.w2.byteSwapped, l2: b.w1.byteSwapped, l3: b.w0.byteSwapped)
    }

    /// The low 160 bits as an address (big-endian, as ADDRESS/CALLER push and CALL pops).
    @inlinable public var address: Bytes20 {
        // Big-endian bytes 12..<32 of the word are the address bytes 0..<20.
        let hi = UInt32(truncatingIfNeeded: l2)  // address bytes 0..<4
        let mid = l1  // address bytes 4..<12
        let lo = l0  // address bytes 12..<20
        // Bytes20 stores bytes little-endian in words: a = bytes 0..<8, b = 8..<16, c = 16..<20.
        let a = UInt64(hi.byteSwapped) | (UInt64(UInt32(truncatingIfNeeded: mid >> 32).byteSwapped) << 32)
        let b = UInt64(UInt32(truncatingIfNeeded: mid).byteSwapped) | (UInt64(UInt32(truncatingIfNeeded: lo >> 32).byteSwapped) << 32)
        let c = UInt32(truncatingIfNeeded: lo).byteSwapped
        return Bytes20(a: a, b: b, c: c)
    }

    /// The address as a number (zero-extended to 256 bits).
    @inlinable public init(address x: Bytes20) {
        let b0_4 = UInt32(truncatingIfNeeded: x.a).byteSwapped  // bytes 0..<4 big-endian
        let b4_8 = UInt32(truncatingIfNeeded: x.a >> 32).byteSwapped
        let b8_12 = UInt32(truncatingIfNeeded: x.b).byteSwapped
        let b12_16 = UInt32(truncatingIfNeeded: x.b >> 32).byteSwapped
        let b16_20 = x.c.byteSwapped
        self.init(
            l0: (UInt64(b12_16) << 32) | UInt64(b16_20),
            l1: (UInt64(b4_8) << 32) | UInt64(b8_12),
            l2: UInt64(b0_4), l3: 0)
    }

    /// The value as an `Int` if it is at most `limit` (used for offsets and sizes).
    @inlinable @inline(__always)
    public func clampedInt(limit: UInt64) -> Int? {
        (l1 | l2 | l3) == 0 && l0 <= limit ? Int(truncatingIfNeeded: l0) : nil
    }

    // MARK: Multiplication

    /// `a * b mod 2^256`, unrolled (the hot MUL path).
    @inlinable @inline(__always)
    public static func evmMul(_ a: UInt256, _ b: UInt256) -> UInt256 {
        @inline(__always) func mac(_ x: UInt64, _ y: UInt64, _ add: UInt64, _ carry: UInt64) -> (hi: UInt64, lo: UInt64) {
            let t = UInt128(x) &* UInt128(y) &+ UInt128(add) &+ UInt128(carry)
            return (UInt64(truncatingIfNeeded: t >> 64), UInt64(truncatingIfNeeded: t))
        }
        // Row a0.
        let (c0, r0) = mac(a.l0, b.l0, 0, 0)
        let (c1, p1) = mac(a.l0, b.l1, 0, c0)
        let (c2, p2) = mac(a.l0, b.l2, 0, c1)
        var p3 = a.l0 &* b.l3 &+ c2
        // Row a1.
        let (d0, r1) = mac(a.l1, b.l0, p1, 0)
        let (d1, q2) = mac(a.l1, b.l1, p2, d0)
        p3 = p3 &+ a.l1 &* b.l2 &+ d1
        // Row a2.
        let (e0, r2) = mac(a.l2, b.l0, q2, 0)
        p3 = p3 &+ a.l2 &* b.l1 &+ e0
        // Row a3.
        let r3 = p3 &+ a.l3 &* b.l0
        return UInt256(l0: r0, l1: r1, l2: r2, l3: r3)
    }

    /// The full 512-bit product, least significant limb first, written to `out[0..<8]`.
    @inlinable
    static func mulFull(_ a: UInt256, _ b: UInt256, into out: UnsafeMutablePointer<UInt64>) {
        let al = (a.l0, a.l1, a.l2, a.l3), bl = (b.l0, b.l1, b.l2, b.l3)
        @inline(__always) func limb(_ t: (UInt64, UInt64, UInt64, UInt64), _ i: Int) -> UInt64 {
            switch i {
            case 0: return t.0
            case 1: return t.1
            case 2: return t.2
            default: return t.3
            }
        }
        // SAFETY: `out` has 8 limbs (callers allocate them).
        for i in 0..<8 { out[i] = 0 }
        for i in 0..<4 {
            var carry: UInt64 = 0
            let x = limb(al, i)
            for j in 0..<4 {
                let t = UInt128(x) &* UInt128(limb(bl, j)) &+ UInt128(out[i + j]) &+ UInt128(carry)
                out[i + j] = UInt64(truncatingIfNeeded: t)
                carry = UInt64(truncatingIfNeeded: t >> 64)
            }
            out[i + 4] = carry
        }
    }

    // MARK: Division (Knuth algorithm D, TAOCP 4.3.1)

    /// Divides the `m`-limb number `u` by the `n`-limb number `v` (`v[n-1] != 0`, `m >= n`).
    /// Writes `m - n + 1` quotient limbs to `q` (if non-nil) and `n` remainder limbs to `r`.
    /// `scratch` needs `m + 1 + n` limbs.
    @usableFromInline
    static func knuthDivide(
        u: UnsafePointer<UInt64>, m: Int, v: UnsafePointer<UInt64>, n: Int,
        q: UnsafeMutablePointer<UInt64>?, r: UnsafeMutablePointer<UInt64>, scratch: UnsafeMutablePointer<UInt64>
    ) {
        // SAFETY: all pointers cover the limb counts stated above; indices below stay within them.
        if n == 1 {
            let d = v[0]
            var rem: UInt64 = 0
            var j = m - 1
            while j >= 0 {
                let (qq, rr) = d.dividingFullWidth((rem, u[j]))  // rem < d, so no overflow
                q?[j] = qq
                rem = rr
                j -= 1
            }
            r[0] = rem
            return
        }
        let s = UInt64(v[n - 1].leadingZeroBitCount)
        let un = scratch  // m + 1 limbs
        let vn = scratch + (m + 1)  // n limbs
        if s == 0 {
            for i in 0..<n { vn[i] = v[i] }
            for i in 0..<m { un[i] = u[i] }
            un[m] = 0
        } else {
            for i in stride(from: n - 1, to: 0, by: -1) { vn[i] = (v[i] << s) | (v[i - 1] >> (64 - s)) }
            vn[0] = v[0] << s
            un[m] = u[m - 1] >> (64 - s)
            for i in stride(from: m - 1, to: 0, by: -1) { un[i] = (u[i] << s) | (u[i - 1] >> (64 - s)) }
            un[0] = u[0] << s
        }
        let vtop = vn[n - 1], vnext = vn[n - 2]
        let recip = reciprocal2by1(vtop)
        var j = m - n
        while j >= 0 {
            let ujn = un[j + n], ujn1 = un[j + n - 1]
            var qhat: UInt64, rhat: UInt64, rhatOverflow = false
            if ujn >= vtop {
                qhat = .max
                (rhat, rhatOverflow) = ujn1.addingReportingOverflow(vtop)
            } else {
                (qhat, rhat) = udivrem2by1(ujn, ujn1, vtop, recip)
            }
            while !rhatOverflow {
                let (ph, pl) = qhat.multipliedFullWidth(by: vnext)
                if ph > rhat || (ph == rhat && pl > un[j + n - 2]) {
                    qhat &-= 1
                    (rhat, rhatOverflow) = rhat.addingReportingOverflow(vtop)
                } else {
                    break
                }
            }
            // Multiply and subtract.
            var borrow: UInt64 = 0, carry: UInt64 = 0
            for i in 0..<n {
                let (ph, pl) = qhat.multipliedFullWidth(by: vn[i])
                let (pl2, c1) = pl.addingReportingOverflow(carry)
                carry = ph &+ (c1 ? 1 : 0)
                let (t, b1) = un[i + j].subtractingReportingOverflow(pl2)
                let (t2, b2) = t.subtractingReportingOverflow(borrow)
                un[i + j] = t2
                borrow = (b1 ? 1 : 0) &+ (b2 ? 1 : 0)
            }
            let (t, b1) = un[j + n].subtractingReportingOverflow(carry)
            let (t2, b2) = t.subtractingReportingOverflow(borrow)
            un[j + n] = t2
            if b1 || b2 {
                // qhat was one too large: add the divisor back.
                qhat &-= 1
                var c: UInt64 = 0
                for i in 0..<n {
                    let (s1, o1) = un[i + j].addingReportingOverflow(vn[i])
                    let (s2, o2) = s1.addingReportingOverflow(c)
                    un[i + j] = s2
                    c = (o1 ? 1 : 0) &+ (o2 ? 1 : 0)
                }
                un[j + n] &+= c
            }
            q?[j] = qhat
            j -= 1
        }
        if s == 0 {
            for i in 0..<n { r[i] = un[i] }
        } else {
            for i in 0..<n { r[i] = (un[i] >> s) | (un[i + 1] << (64 - s)) }
        }
    }

    /// `floor((2^128 - 1) / d) - 2^64` for a normalised `d` (top bit set): the reciprocal that lets
    /// `udivrem2by1` divide by `d` with multiplications (Möller & Granlund, "Improved division by
    /// invariant integers", 2011). One 128-by-64 division, done once per `knuthDivide`: Swift lowers
    /// `dividingFullWidth` to the `__udivti3` library call, which is slow in the Knuth loop.
    @usableFromInline @inline(__always)
    static func reciprocal2by1(_ d: UInt64) -> UInt64 {
        // (2^128 - 1) - d·2^64 = (~d)·2^64 + (2^64 - 1); ~d < d, so the quotient fits 64 bits.
        d.dividingFullWidth((~d, .max)).quotient
    }

    /// `(u1·2^64 + u0) / d` and the remainder, for a normalised `d` with reciprocal `v` and `u1 < d`
    /// (Möller & Granlund, algorithm 4).
    @usableFromInline @inline(__always)
    static func udivrem2by1(_ u1: UInt64, _ u0: UInt64, _ d: UInt64, _ v: UInt64) -> (UInt64, UInt64) {
        let (ph, pl) = v.multipliedFullWidth(by: u1)
        let (q0, c) = pl.addingReportingOverflow(u0)
        var q1 = ph &+ u1 &+ (c ? 1 : 0) &+ 1
        var r = u0 &- q1 &* d
        if r > q0 {
            q1 &-= 1
            r &+= d
        }
        if r >= d {
            q1 &+= 1
            r &-= d
        }
        return (q1, r)
    }

    @inlinable @inline(__always)
    var significantLimbs: Int {
        l3 != 0 ? 4 : l2 != 0 ? 3 : l1 != 0 ? 2 : l0 != 0 ? 1 : 0
    }

    /// Unsigned quotient and remainder; division by zero gives (0, 0) as the EVM's DIV/MOD do.
    @inlinable
    public func evmDivMod(_ d: UInt256) -> (quotient: UInt256, remainder: UInt256) {
        if d.isZero { return (.zero, .zero) }
        if (l1 | l2 | l3 | d.l1 | d.l2 | d.l3) == 0 { return (UInt256(l0 / d.l0), UInt256(l0 % d.l0)) }
        if self < d { return (.zero, self) }
        return Self.divModSlow(self, d)
    }

    @usableFromInline
    static func divModSlow(_ a: UInt256, _ d: UInt256) -> (quotient: UInt256, remainder: UInt256) {
        let m = a.significantLimbs, n = d.significantLimbs
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 16) { buf in
            // SAFETY: 16 limbs: u at 0..<4, v at 4..<8, q at 8..<12, r at 12..<16; the Knuth scratch
            // (m + 1 + n <= 9 limbs) is a second temporary allocation.
            let p = buf.baseAddress!
            p[0] = a.l0; p[1] = a.l1; p[2] = a.l2; p[3] = a.l3
            p[4] = d.l0; p[5] = d.l1; p[6] = d.l2; p[7] = d.l3
            for i in 8..<16 { p[i] = 0 }
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 9) { sc in
                knuthDivide(u: p, m: m, v: p + 4, n: n, q: p + 8, r: p + 12, scratch: sc.baseAddress!)
            }
            return (UInt256(l0: p[8], l1: p[9], l2: p[10], l3: p[11]), UInt256(l0: p[12], l1: p[13], l2: p[14], l3: p[15]))
        }
    }

    /// `n`-limb value `u` (least significant first) modulo `m` (non-zero).
    @usableFromInline
    static func mod(limbs u: UnsafePointer<UInt64>, count: Int, _ m: UInt256) -> UInt256 {
        var k = count
        while k > 0 && u[k - 1] == 0 { k -= 1 }
        let n = m.significantLimbs
        if k < n {
            // u < 2^(64k) <= m: already reduced (k < n means fewer limbs than the modulus).
            var r = UInt256.zero
            for i in 0..<k { r[limb: i] = u[i] }
            return r
        }
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 8 + 4 + 13) { buf in
            // SAFETY: v 4 limbs at 0, r 4 limbs at 4, scratch (k+1+n <= 13) at 8.
            let p = buf.baseAddress!
            p[0] = m.l0; p[1] = m.l1; p[2] = m.l2; p[3] = m.l3
            p[4] = 0; p[5] = 0; p[6] = 0; p[7] = 0
            knuthDivide(u: u, m: k, v: p, n: n, q: nil, r: p + 4, scratch: p + 8)
            return UInt256(l0: p[4], l1: p[5], l2: p[6], l3: p[7])
        }
    }

    /// `(a + b) mod m` with a 257-bit intermediate; zero if `m` is zero (ADDMOD).
    @inlinable
    public static func evmAddMod(_ a: UInt256, _ b: UInt256, _ m: UInt256) -> UInt256 {
        if m.isZero { return .zero }
        if m.l3 != 0 && a.l3 <= m.l3 && b.l3 <= m.l3 {
            // Operands at most slightly above a modulus of 193+ bits (the usual case in modular
            // arithmetic code): a < (m.l3 + 1)·2^192 <= 2m, so one conditional subtraction reduces each,
            // and their sum (< 2m) needs one more; a sum past 2^256 wraps back below it.
            let x = a < m ? a : a &- m, y = b < m ? b : b &- m
            let (t, c) = x.addingReportingOverflow(y)
            return c || t >= m ? t &- m : t
        }
        let (s, carry) = a.addingReportingOverflow(b)
        if !carry {
            if s < m { return s }
            if (s.l1 | s.l2 | s.l3 | m.l1 | m.l2 | m.l3) == 0 { return UInt256(s.l0 % m.l0) }
        }
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 5) { buf in
            // SAFETY: 5 limbs, all written before the call.
            let p = buf.baseAddress!
            p[0] = s.l0; p[1] = s.l1; p[2] = s.l2; p[3] = s.l3; p[4] = carry ? 1 : 0
            return mod(limbs: p, count: 5, m)
        }
    }

    /// `(a * b) mod m` with a 512-bit intermediate; zero if `m` is zero (MULMOD).
    @inlinable
    public static func evmMulMod(_ a: UInt256, _ b: UInt256, _ m: UInt256) -> UInt256 {
        if m.isZero { return .zero }
        if (a.l1 | a.l2 | a.l3 | b.l1 | b.l2 | b.l3 | m.l1 | m.l2 | m.l3) == 0 {
            let t = UInt128(a.l0) &* UInt128(b.l0)
            return UInt256(UInt64(truncatingIfNeeded: t % UInt128(m.l0)))
        }
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 8) { buf in
            // SAFETY: mulFull writes all 8 limbs.
            let p = buf.baseAddress!
            mulFull(a, b, into: p)
            return mod(limbs: p, count: 8, m)
        }
    }

    // MARK: MULMOD by Barrett reduction

    /// MULMOD with a per-frame cache of the Barrett reciprocal of the last modulus: modular
    /// arithmetic code (field multiplications) uses one modulus over and over, and Barrett's
    /// multiplications replace Knuth's quotient-digit loop (about 2.3× faster on a 512-bit product).
    /// A modulus is only given a reciprocal the second time in a row it is seen, so code that changes
    /// the modulus every time pays one comparison, not a reciprocal per MULMOD. Exact for every input:
    /// moduli outside Barrett's range (at most 2^192, including 0 and 1) take `evmMulMod`.
    @inline(__always)
    static func evmMulMod(_ a: UInt256, _ b: UInt256, _ m: UInt256, cache: inout MulModCache) -> UInt256 {
        // Barrett with 5-limb μ needs 2^192 < m: four significant limbs and not exactly 2^192.
        if m.l3 == 0 || (m.l3 == 1 && (m.l2 | m.l1 | m.l0) == 0) { return evmMulMod(a, b, m) }
        if m != cache.modulus {
            cache.modulus = m
            cache.hasMu = false
            return evmMulMod(a, b, m)
        }
        if !cache.hasMu {
            cache.mu = barrettMu(m)
            cache.hasMu = true
        }
        return mulModBarrett(a, b, m, cache.mu)
    }

    /// `(a * b) mod m` for 2^192 < m < 2^256 with μ = `barrettMu(m)` (out of line: the interpreter
    /// loop keeps only the cache check).
    @inline(never)
    static func mulModBarrett(_ a: UInt256, _ b: UInt256, _ m: UInt256, _ mu: MulModCache.Limbs5) -> UInt256 {
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 8) { buf in
            // SAFETY: mulFull writes all 8 limbs.
            let p = buf.baseAddress!
            mulFull(a, b, into: p)
            return barrettReduce(p, m, mu)
        }
    }

    /// μ = ⌊2^512 / m⌋ for 2^192 < m < 2^256, which fits five limbs (μ < 2^320).
    @inline(never)
    static func barrettMu(_ m: UInt256) -> MulModCache.Limbs5 {
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 9 + 4 + 6 + 4 + 14) { buf in
            // SAFETY: u = 2^512 in 9 limbs at 0, v 4 limbs at 9, q 6 limbs at 13, r 4 limbs at 19,
            // Knuth scratch (9 + 1 + 4 limbs) at 23.
            let p = buf.baseAddress!
            for i in 0..<(9 + 4 + 6 + 4) { p[i] = 0 }
            p[8] = 1
            let v = p + 9
            v[0] = m.l0; v[1] = m.l1; v[2] = m.l2; v[3] = m.l3
            knuthDivide(u: p, m: 9, v: v, n: 4, q: p + 13, r: p + 19, scratch: p + 23)
            return (p[13], p[14], p[15], p[16], p[17])  // q[5] is 0 because m > 2^192
        }
    }

    /// `x mod m` for the 8-limb `x` at `u` and 2^192 < m < 2^256 with μ = `barrettMu(m)`: Barrett
    /// reduction (HAC algorithm 14.42 with b = 2^64, k = 4). q3 = ⌊⌊x / b^3⌋·μ / b^5⌋ underestimates
    /// ⌊x / m⌋ by at most 2, so r = x − q3·m lies in [0, 3m) ⊂ [0, b^5) and is computed exactly
    /// modulo b^5; at most two subtractions of m finish it (HAC fact 14.43).
    @inline(__always)
    static func barrettReduce(_ u: UnsafePointer<UInt64>, _ m: UInt256, _ mu: MulModCache.Limbs5) -> UInt256 {
        @inline(__always) func limb(_ t: MulModCache.Limbs5, _ i: Int) -> UInt64 {
            switch i {
            case 0: return t.0
            case 1: return t.1
            case 2: return t.2
            case 3: return t.3
            default: return t.4
            }
        }
        @inline(__always) func mac(_ x: UInt64, _ y: UInt64, _ add: UInt64, _ carry: UInt64) -> (UInt64, UInt64) {
            let t = UInt128(x) &* UInt128(y) &+ UInt128(add) &+ UInt128(carry)
            return (UInt64(truncatingIfNeeded: t >> 64), UInt64(truncatingIfNeeded: t))
        }
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 15) { buf in
            // SAFETY: q2 = q1·μ in 10 limbs at 0, r2 = q3·m mod b^5 in 5 limbs at 10; `u` has 8 limbs.
            let q2 = buf.baseAddress!, r2 = q2 + 10
            for i in 0..<15 { q2[i] = 0 }
            let q1: MulModCache.Limbs5 = (u[3], u[4], u[5], u[6], u[7])
            for i in 0..<5 {
                var carry: UInt64 = 0
                let x = limb(q1, i)
                for j in 0..<5 { (carry, q2[i + j]) = mac(x, limb(mu, j), q2[i + j], carry) }
                q2[i + 5] = carry
            }
            let q3: MulModCache.Limbs5 = (q2[5], q2[6], q2[7], q2[8], q2[9])
            let ml: MulModCache.Limbs5 = (m.l0, m.l1, m.l2, m.l3, 0)
            for i in 0..<5 {
                var carry: UInt64 = 0
                let x = limb(q3, i)
                for j in 0..<(5 - i) { (carry, r2[i + j]) = mac(x, limb(ml, j), r2[i + j], carry) }
            }
            // r = (x mod b^5) − r2 (mod b^5), then subtract m while r >= m.
            var r: MulModCache.Limbs5 = (0, 0, 0, 0, 0)
            var borrow: UInt64 = 0
            withUnsafeMutableBytes(of: &r) { rb in
                let rp = rb.baseAddress!.assumingMemoryBound(to: UInt64.self)
                for i in 0..<5 {
                    let (d1, b1) = u[i].subtractingReportingOverflow(r2[i])
                    let (d2, b2) = d1.subtractingReportingOverflow(borrow)
                    rp[i] = d2
                    borrow = (b1 ? 1 : 0) | (b2 ? 1 : 0)
                }
            }
            var low = UInt256(l0: r.0, l1: r.1, l2: r.2, l3: r.3)
            var high = r.4
            while high != 0 || low >= m {
                let (d, o) = low.subtractingReportingOverflow(m)
                low = d
                high &-= o ? 1 : 0
            }
            return low
        }
    }

    // MARK: Signed arithmetic

    @inlinable @inline(__always) public var isNegative: Bool { l3 >> 63 == 1 }

    @inlinable @inline(__always) public var negated: UInt256 { UInt256.zero &- self }

    /// Signed division, truncating toward zero; x / 0 = 0 and -2^255 / -1 = -2^255 (SDIV).
    @inlinable
    public static func evmSDiv(_ a: UInt256, _ b: UInt256) -> UInt256 {
        if b.isZero { return .zero }
        let an = a.isNegative, bn = b.isNegative
        let q = (an ? a.negated : a).evmDivMod(bn ? b.negated : b).quotient
        return an != bn ? q.negated : q
    }

    /// Signed remainder with the sign of the dividend; x % 0 = 0 (SMOD).
    @inlinable
    public static func evmSMod(_ a: UInt256, _ b: UInt256) -> UInt256 {
        if b.isZero { return .zero }
        let an = a.isNegative
        let r = (an ? a.negated : a).evmDivMod(b.isNegative ? b.negated : b).remainder
        return an ? r.negated : r
    }

    /// Signed less-than (SLT).
    @inlinable @inline(__always)
    public static func evmSLT(_ a: UInt256, _ b: UInt256) -> Bool {
        let sa = a.l3 ^ (1 << 63), sb = b.l3 ^ (1 << 63)
        if sa != sb { return sa < sb }
        if a.l2 != b.l2 { return a.l2 < b.l2 }
        if a.l1 != b.l1 { return a.l1 < b.l1 }
        return a.l0 < b.l0
    }

    // MARK: Exponentiation, bytes, shifts

    /// `base ** exponent mod 2^256`, square-and-multiply (EXP).
    @inlinable
    public static func evmExp(_ base: UInt256, _ exponent: UInt256) -> UInt256 {
        var result = UInt256.one
        var b = base
        var e = exponent
        if (base.l1 | base.l2 | base.l3) == 0 && base.l0 == 2 {
            // 2**e is a single bit (common in Solidity code).
            return e.clampedInt(limit: 255).map { UInt256.one.evmShl($0) } ?? .zero
        }
        while !e.isZero {
            if e.l0 & 1 == 1 { result = evmMul(result, b) }
            e = e.evmShr(1)
            if e.isZero { break }
            b = evmMul(b, b)
        }
        return result
    }

    /// Number of significant bytes (EXP's dynamic gas is charged per exponent byte).
    @inlinable public var byteLength: Int { (256 - leadingZeroBitCount + 7) / 8 }

    /// Extends the sign bit of byte `b` (counted from the least significant, 0-based) (SIGNEXTEND).
    @inlinable
    public static func evmSignExtend(_ b: UInt256, _ x: UInt256) -> UInt256 {
        guard let k = b.clampedInt(limit: 30) else { return x }
        let bit = k * 8 + 7
        let mask = UInt256.one.evmShl(bit + 1) &- .one  // low bit+1 bits
        let negative = (x.evmShr(bit).l0 & 1) == 1
        return negative ? (x | ~mask) : (x & mask)
    }

    /// Byte `i` of `x`, counted from the most significant; zero if `i >= 32` (BYTE).
    @inlinable
    public static func evmByte(_ i: UInt256, _ x: UInt256) -> UInt256 {
        guard let k = i.clampedInt(limit: 31) else { return .zero }
        let limb = x[limb: 3 - k / 8]
        return UInt256((limb >> UInt64(56 - (k % 8) * 8)) & 0xff)
    }

    /// Left shift by `n` bits (0 if `n >= 256`).
    @inlinable @inline(__always)
    public func evmShl(_ n: Int) -> UInt256 {
        if n >= 256 || n < 0 { return .zero }
        let (l0, l1, l2, l3) = (self.l0, self.l1, self.l2, self.l3)
        let w = n >> 6, s = UInt64(n & 63)
        var a0 = l0, a1 = l1, a2 = l2, a3 = l3
        switch w {
        case 0: break
        case 1: (a0, a1, a2, a3) = (0, l0, l1, l2)
        case 2: (a0, a1, a2, a3) = (0, 0, l0, l1)
        default: (a0, a1, a2, a3) = (0, 0, 0, l0)
        }
        if s == 0 { return UInt256(l0: a0, l1: a1, l2: a2, l3: a3) }
        let r = 64 - s
        return UInt256(l0: a0 << s, l1: (a1 << s) | (a0 >> r), l2: (a2 << s) | (a1 >> r), l3: (a3 << s) | (a2 >> r))
    }

    /// Logical right shift by `n` bits (0 if `n >= 256`).
    @inlinable @inline(__always)
    public func evmShr(_ n: Int) -> UInt256 {
        if n >= 256 || n < 0 { return .zero }
        let (l0, l1, l2, l3) = (self.l0, self.l1, self.l2, self.l3)
        let w = n >> 6, s = UInt64(n & 63)
        var a0 = l0, a1 = l1, a2 = l2, a3 = l3
        switch w {
        case 0: break
        case 1: (a0, a1, a2, a3) = (l1, l2, l3, 0)
        case 2: (a0, a1, a2, a3) = (l2, l3, 0, 0)
        default: (a0, a1, a2, a3) = (l3, 0, 0, 0)
        }
        if s == 0 { return UInt256(l0: a0, l1: a1, l2: a2, l3: a3) }
        let r = 64 - s
        return UInt256(l0: (a0 >> s) | (a1 << r), l1: (a1 >> s) | (a2 << r), l2: (a2 >> s) | (a3 << r), l3: a3 >> s)
    }

    /// SHL: `value << shift`, zero for shifts of 256 or more (EIP-145).
    @inlinable @inline(__always)
    public static func evmShl(_ shift: UInt256, _ value: UInt256) -> UInt256 {
        guard let n = shift.clampedInt(limit: 255) else { return .zero }
        return value.evmShl(n)
    }

    /// SHR: logical `value >> shift`, zero for shifts of 256 or more (EIP-145).
    @inlinable @inline(__always)
    public static func evmShr(_ shift: UInt256, _ value: UInt256) -> UInt256 {
        guard let n = shift.clampedInt(limit: 255) else { return .zero }
        return value.evmShr(n)
    }

    /// SAR: arithmetic `value >> shift`; saturates to 0 or -1 (EIP-145).
    @inlinable
    public static func evmSar(_ shift: UInt256, _ value: UInt256) -> UInt256 {
        let neg = value.isNegative
        guard let n = shift.clampedInt(limit: 255) else { return neg ? .max : .zero }
        if !neg { return value.evmShr(n) }
        return ~((~value).evmShr(n))
    }

    /// CLZ: number of leading zero bits, 256 for zero (EIP-7939).
    @inlinable @inline(__always)
    public static func evmClz(_ x: UInt256) -> UInt256 {
        let n: Int
        if x.l3 != 0 { n = x.l3.leadingZeroBitCount }
        else if x.l2 != 0 { n = 64 + x.l2.leadingZeroBitCount }
        else if x.l1 != 0 { n = 128 + x.l1.leadingZeroBitCount }
        else { n = 192 + x.l0.leadingZeroBitCount }
        return UInt256(UInt64(n))
    }
}

/// The modulus MULMOD last saw in a frame and, once it has been seen twice in a row, its Barrett
/// reciprocal μ = ⌊2^512 / m⌋ (see `UInt256.evmMulMod(_:_:_:cache:)`).
struct MulModCache {
    typealias Limbs5 = (UInt64, UInt64, UInt64, UInt64, UInt64)
    var modulus = UInt256.zero
    var mu: Limbs5 = (0, 0, 0, 0, 0)
    var hasMu = false
}
