import BigInt
@testable import EVM
import Primitives
import TestSupport
import Testing

/// EVM arithmetic against attaswift/BigInt as an oracle (intx does the same with GMP).
struct ArithmeticTests {
    static let cases = 10_000
    static let two256 = BigUInt(1) << 256
    static let two255 = BigUInt(1) << 255

    static func big(_ x: UInt256) -> BigUInt { BigUInt(words: [UInt(x.l0), UInt(x.l1), UInt(x.l2), UInt(x.l3)]) }
    static func u256(_ b: BigUInt) -> UInt256 {
        let m = b % two256
        let w = Array(m.words) + [0, 0, 0, 0]
        return UInt256(l0: UInt64(w[0]), l1: UInt64(w[1]), l2: UInt64(w[2]), l3: UInt64(w[3]))
    }
    static func signed(_ x: UInt256) -> BigInt {
        let b = big(x)
        return b >= two255 ? BigInt(b) - BigInt(two256) : BigInt(b)
    }
    static func fromSigned(_ s: BigInt) -> UInt256 {
        s >= 0 ? u256(s.magnitude) : u256(two256 - (s.magnitude % two256))
    }

    /// Edge values: 0, 1, 2^255, 2^256-1, powers of two and their neighbours, signed extremes.
    static let edges: [UInt256] = {
        var v: [UInt256] = [.zero, .one, .max, UInt256(2), UInt256(3)]
        for k in [1, 2, 7, 8, 31, 32, 63, 64, 65, 127, 128, 129, 191, 192, 254, 255] {
            let p = UInt256.one.evmShl(k)
            v.append(p)
            v.append(p &- .one)
            v.append(p &+ .one)
        }
        v.append(UInt256.max &- .one)  // -2
        v.append(UInt256(l0: .max, l1: .max, l2: .max, l3: .max >> 1))  // 2^255 - 1
        return v
    }()

    static func random(_ g: inout SplitMix64) -> UInt256 {
        switch g.next() % 10 {
        case 0, 1: return edges[Int(g.next() % UInt64(edges.count))]
        case 2: return UInt256(g.next() >> (g.next() % 64))
        case 3: return UInt256(l0: g.next(), l1: g.next(), l2: 0, l3: 0)
        case 4: return UInt256(l0: g.next(), l1: g.next(), l2: g.next(), l3: 0)
        case 5: return UInt256(l0: g.next(), l1: g.next(), l2: g.next(), l3: g.next() >> (g.next() % 64))
        case 6: return UInt256(l0: g.next(), l1: 0, l2: g.next(), l3: .max)  // negative, sparse
        default: return UInt256(l0: g.next(), l1: g.next(), l2: g.next(), l3: g.next())
        }
    }

    /// Runs `body` on `cases` random pairs plus all edge pairs.
    static func pairs(seed: UInt64, _ body: (UInt256, UInt256) -> Void) {
        for a in edges { for b in edges { body(a, b) } }
        var g = SplitMix64(seed: seed)
        for _ in 0..<cases { body(random(&g), random(&g)) }
    }

    @Test func addSubMul() {
        Self.pairs(seed: 1) { a, b in
            #expect(a &+ b == Self.u256(Self.big(a) + Self.big(b)))
            #expect(a &- b == Self.u256(Self.big(a) + Self.two256 - Self.big(b)))
            #expect(UInt256.evmMul(a, b) == Self.u256(Self.big(a) * Self.big(b)))
        }
    }

    @Test func divMod() {
        Self.pairs(seed: 2) { a, b in
            let (q, r) = a.evmDivMod(b)
            if b.isZero {
                #expect(q == .zero && r == .zero)
            } else {
                let (bq, br) = Self.big(a).quotientAndRemainder(dividingBy: Self.big(b))
                #expect(q == Self.u256(bq), "\(a) / \(b)")
                #expect(r == Self.u256(br), "\(a) % \(b)")
            }
        }
    }

    @Test func divModKnuthHeavy() {
        // Dividends and divisors of every limb count, including divisors with top limb = dividend top limb.
        var g = SplitMix64(seed: 22)
        for _ in 0..<Self.cases {
            let a = UInt256(l0: g.next(), l1: g.next(), l2: g.next(), l3: g.next())
            var b = a.evmShr(Int(g.next() % 200))
            if g.next() % 3 == 0 { b = UInt256(l0: g.next(), l1: g.next(), l2: b.l2, l3: a.l3) }
            if b.isZero { continue }
            let (q, r) = a.evmDivMod(b)
            let (bq, br) = Self.big(a).quotientAndRemainder(dividingBy: Self.big(b))
            #expect(q == Self.u256(bq) && r == Self.u256(br), "\(a) / \(b)")
        }
    }

    @Test func signedDivMod() {
        Self.pairs(seed: 3) { a, b in
            let sa = Self.signed(a), sb = Self.signed(b)
            let q = UInt256.evmSDiv(a, b), r = UInt256.evmSMod(a, b)
            if b.isZero {
                #expect(q == .zero && r == .zero)
            } else {
                // BigInt's / and % truncate toward zero, as SDIV/SMOD do.
                #expect(q == Self.fromSigned(sa / sb), "sdiv \(sa) \(sb)")
                #expect(r == Self.fromSigned(sa % sb), "smod \(sa) \(sb)")
            }
        }
        // -2^255 / -1 overflows back to -2^255.
        let minInt = UInt256.one.evmShl(255)
        #expect(UInt256.evmSDiv(minInt, .max) == minInt)
    }

    @Test func comparisons() {
        Self.pairs(seed: 4) { a, b in
            #expect((a < b) == (Self.big(a) < Self.big(b)))
            #expect(UInt256.evmSLT(a, b) == (Self.signed(a) < Self.signed(b)))
            #expect(UInt256.evmSLT(b, a) == (Self.signed(a) > Self.signed(b)))  // SGT
        }
    }

    @Test func addModMulMod() {
        var g = SplitMix64(seed: 5)
        for i in 0..<(Self.cases + Self.edges.count * Self.edges.count) {
            let a: UInt256, b: UInt256
            if i < Self.edges.count * Self.edges.count {
                a = Self.edges[i / Self.edges.count]
                b = Self.edges[i % Self.edges.count]
            } else {
                a = Self.random(&g)
                b = Self.random(&g)
            }
            let m = Self.random(&g)
            if m.isZero {
                #expect(UInt256.evmAddMod(a, b, m) == .zero && UInt256.evmMulMod(a, b, m) == .zero)
                continue
            }
            let bm = Self.big(m)
            #expect(UInt256.evmAddMod(a, b, m) == Self.u256((Self.big(a) + Self.big(b)) % bm), "addmod \(a) \(b) \(m)")
            #expect(UInt256.evmMulMod(a, b, m) == Self.u256((Self.big(a) * Self.big(b)) % bm), "mulmod \(a) \(b) \(m)")
        }
    }

    /// MULMOD's 512-by-256-bit path (full-width products, moduli with a non-zero top limb, every
    /// normalisation shift) against BigUInt, including moduli that force Knuth's quotient corrections.
    @Test func mulModFullWidth() {
        var g = SplitMix64(seed: 7)
        let fieldPrimes = [
            UInt256(l0: 0x3c20_8c16_d87c_fd47, l1: 0x9781_6a91_6871_ca8d, l2: 0xb850_45b6_8181_585d, l3: 0x3064_4e72_e131_a029),  // BN254 p
            UInt256(l0: 0xffff_fffe_ffff_fc2f, l1: .max, l2: .max, l3: .max),  // secp256k1 p
            UInt256(l0: 1, l1: 0, l2: 0, l3: 1),  // 2^192 + 1
            UInt256(l0: .max, l1: .max, l2: .max, l3: 1),  // 2^193 - 1
            UInt256(l0: 0, l1: 0, l2: 0, l3: 1 << 63),  // 2^255
            .max,
        ]
        for i in 0..<4000 {
            var m: UInt256
            if i < 600 {
                m = fieldPrimes[i % fieldPrimes.count]
            } else {
                let shift = g.next() % 64
                m = UInt256(l0: g.next(), l1: g.next(), l2: g.next(), l3: max(1, g.next() >> shift))
            }
            let a: UInt256, b: UInt256
            switch i % 4 {
            case 0: (a, b) = (m &- .one, m &- .one)
            case 1: (a, b) = (.max, UInt256(l0: g.next(), l1: g.next(), l2: g.next(), l3: g.next()))
            default:
                a = UInt256(l0: g.next(), l1: g.next(), l2: g.next(), l3: g.next())
                b = UInt256(l0: g.next(), l1: g.next(), l2: g.next(), l3: g.next())
            }
            let want = Self.u256((Self.big(a) * Self.big(b)) % Self.big(m))
            #expect(UInt256.evmMulMod(a, b, m) == want, "mulmod \(a) \(b) \(m)")
        }
    }

    /// The interpreter's MULMOD (Barrett reduction with a per-frame reciprocal cache) against
    /// BigUInt: every modulus is used several times in a row (so the Barrett path runs, including for
    /// moduli just above 2^192 and 2^256 − 1) and in alternation (so the cache is replaced), and moduli
    /// outside Barrett's range (0, 1, 2^192, small) fall back.
    @Test func mulModBarrettCache() {
        var g = SplitMix64(seed: 8)
        let p192 = UInt256(l0: 0, l1: 0, l2: 0, l3: 1)
        var moduli: [UInt256] = [
            .zero, .one, p192, p192 &+ .one, p192 &- .one, .max, .max &- .one, UInt256.one.evmShl(255),
            UInt256(l0: 0x3c20_8c16_d87c_fd47, l1: 0x9781_6a91_6871_ca8d, l2: 0xb850_45b6_8181_585d, l3: 0x3064_4e72_e131_a029),
            UInt256(l0: 0xffff_fffe_ffff_fc2f, l1: .max, l2: .max, l3: .max),
        ]
        for _ in 0..<200 { moduli.append(Self.random(&g)) }
        var cache = MulModCache()
        for (n, m) in moduli.enumerated() {
            for i in 0..<(n % 7 == 3 ? 1 : 40) {
                let a: UInt256, b: UInt256
                switch i % 5 {
                case 0: (a, b) = (m &- .one, m &- .one)
                case 1: (a, b) = (.max, .max)
                case 2: (a, b) = (m, Self.random(&g))
                default: (a, b) = (Self.random(&g), UInt256(l0: g.next(), l1: g.next(), l2: g.next(), l3: g.next()))
                }
                let want = m.isZero ? UInt256.zero : Self.u256((Self.big(a) * Self.big(b)) % Self.big(m))
                #expect(UInt256.evmMulMod(a, b, m, cache: &cache) == want, "mulmod \(a) \(b) \(m)")
            }
        }
    }

    /// Oracle for EXP: square-and-multiply on BigUInt, truncating to the low four words after each step
    /// (cheaper in debug builds than `power(_:modulus:)`, which divides).
    static func expOracle(_ a: UInt256, _ e: UInt256) -> BigUInt {
        func trunc(_ x: BigUInt) -> BigUInt { BigUInt(words: Array(x.words.prefix(4))) }
        var result = BigUInt(1), base = big(a), k = big(e)
        while k > 0 {
            if k.words[0] & 1 == 1 { result = trunc(result * base) }
            k >>= 1
            if k > 0 { base = trunc(base * base) }
        }
        return result
    }

    @Test func exp() {
        Self.pairs(seed: 6) { a, b0 in
            // Three in four exponents are cut to 16 bits so the debug-mode oracle stays fast.
            let b = b0.l1 & 3 == 0 ? b0 : UInt256(b0.l0 & 0xffff)
            #expect(UInt256.evmExp(a, b) == Self.u256(Self.expOracle(a, b)), "\(a) ** \(b)")
        }
        #expect(UInt256.evmExp(UInt256(2), UInt256(255)) == UInt256.one.evmShl(255))
        #expect(UInt256.evmExp(UInt256(2), UInt256(256)) == .zero)
        #expect(UInt256.evmExp(.zero, .zero) == .one)
        #expect(Self.expOracle(UInt256(3), UInt256(5)) == 243)
    }

    @Test func shifts() {
        Self.pairs(seed: 7) { a, b in
            // Mix small shift amounts in so that most cases shift by < 256.
            let s = b.l1 & 1 == 0 ? UInt256(b.l0 % 300) : b
            let shift = Self.big(s)
            let expectShl = shift >= 256 ? BigUInt(0) : (Self.big(a) << Int(shift)) % Self.two256
            let expectShr = shift >= 256 ? BigUInt(0) : Self.big(a) >> Int(shift)
            #expect(UInt256.evmShl(s, a) == Self.u256(expectShl))
            #expect(UInt256.evmShr(s, a) == Self.u256(expectShr))
            let sa = Self.signed(a)
            // Arithmetic shift = floor division by 2^shift; written via magnitudes to avoid relying on
            // BigInt's rounding of negative shifts.
            let expectSar: BigInt =
                shift >= 256
                ? (sa < 0 ? -1 : 0)
                : (sa < 0 ? -(((-sa) - 1) >> Int(shift)) - 1 : sa >> Int(shift))
            #expect(UInt256.evmSar(s, a) == Self.fromSigned(expectSar), "sar \(sa) \(shift)")
        }
    }

    @Test func signExtendByteClz() {
        Self.pairs(seed: 8) { a, b in
            let k = UInt256(b.l0 % 40)
            let kk = Int(k.l0)
            // SIGNEXTEND
            let expectSE: UInt256
            if kk >= 31 {
                expectSE = a
            } else {
                let bits = 8 * (kk + 1)
                let low = Self.big(a) % (BigUInt(1) << bits)
                let neg = low >= (BigUInt(1) << (bits - 1))
                expectSE = neg ? Self.u256(Self.two256 - ((BigUInt(1) << bits) - low)) : Self.u256(low)
            }
            #expect(UInt256.evmSignExtend(k, a) == expectSE, "signextend \(kk) \(a)")
            if b.clampedInt(limit: 30) == nil { #expect(UInt256.evmSignExtend(b, a) == a) }
            // BYTE
            let expectByte = kk >= 32 ? BigUInt(0) : (Self.big(a) >> (8 * (31 - kk))) & 0xff
            #expect(UInt256.evmByte(k, a) == Self.u256(expectByte))
            if b.clampedInt(limit: 31) == nil { #expect(UInt256.evmByte(b, a) == .zero) }
            // CLZ
            let expectClz = 256 - String(Self.big(a), radix: 2).count  // bit length via binary digits
            #expect(UInt256.evmClz(a) == UInt256(UInt64(a.isZero ? 256 : expectClz)), "clz \(a)")
        }
    }

    @Test func addressAndBytesRoundTrip() {
        var g = SplitMix64(seed: 9)
        for _ in 0..<1000 {
            let x = UInt256(l0: g.next(), l1: g.next(), l2: g.next() & 0xffff_ffff, l3: 0)
            let a = x.address
            #expect(UInt256(address: a) == x)
            let be = x.bigEndianBytes
            #expect(Array(be[12...]) == (0..<20).map { a[$0] })
            #expect(x.bytes32.bytes == be)
            #expect(UInt256(bigEndian: x.bytes32) == x)
        }
    }
}
