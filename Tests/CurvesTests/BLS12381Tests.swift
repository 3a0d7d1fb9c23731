import BigInt
import Curves
import Primitives
import TestSupport
import Testing

/// Helpers for the BLS12-381 tests: the BigUInt oracle and random elements.
enum B {
    static let p = BigUInt("1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab", radix: 16)!
    static let r = BigUInt("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001", radix: 16)!
    static let xAbs = BigUInt(0xd201_0000_0001_0000 as UInt64)

    static func big(_ a: BLS12381Fp) -> BigUInt { BigUInt(words: a.canonicalLimbs.map { UInt($0) }) }
    static func limbs(_ b: BigUInt, count: Int = 6) -> [UInt64] {
        let w = b.words
        return (0..<count).map { $0 < w.count ? UInt64(w[$0]) : 0 }
    }
    static func fp(_ b: BigUInt) -> BLS12381Fp { BLS12381Fp(canonicalLimbs: limbs(b % p))! }

    static func randomFp(_ g: inout SplitMix64) -> BLS12381Fp {
        var v = (0..<6).map { _ in g.next() }
        v[5] &= 0x0fff_ffff_ffff_ffff
        return BLS12381Fp(canonicalLimbs: v) ?? .one
    }
    static func randomFp2(_ g: inout SplitMix64) -> BLS12381Fp2 { BLS12381Fp2(randomFp(&g), randomFp(&g)) }
    static func randomFp6(_ g: inout SplitMix64) -> BLS12381Fp6 {
        BLS12381Fp6(randomFp2(&g), randomFp2(&g), randomFp2(&g))
    }
    static func randomFp12(_ g: inout SplitMix64) -> BLS12381Fp12 { BLS12381Fp12(randomFp6(&g), randomFp6(&g)) }
    static func randomScalar(_ g: inout SplitMix64) -> UInt256 {
        let b = BigUInt(words: (0..<4).map { _ in UInt(g.next()) }) % r
        let l = limbs(b, count: 4)
        return UInt256(l0: l[0], l1: l[1], l2: l[2], l3: l[3])
    }

    static func pow(_ x: BLS12381Fp12, _ e: BigUInt) -> BLS12381Fp12 {
        var acc = BLS12381Fp12.one
        var i = e.bitWidth - 1
        while i >= 0 {
            acc = acc.squared()
            if e[bitAt: i] { acc = acc * x }
            i -= 1
        }
        return acc
    }

    /// A random point of E(F_p) (almost never in G1: the cofactor is ~2^125).
    static func randomG1Curve(_ g: inout SplitMix64) -> BLS12381G1 {
        while true {
            let x = randomFp(&g)
            if let y = (x.squared() * x + BLS12381G1Curve.b).squareRoot() { return BLS12381G1(affineX: x, y: y) }
        }
    }

    /// A random point of the twist E'(F_p2) (almost never in G2).
    static func randomG2Curve(_ g: inout SplitMix64) -> BLS12381G2 {
        while true {
            let x = randomFp2(&g)
            if let y = (x.squared() * x + BLS12381G2Curve.b).squareRoot() { return BLS12381G2(affineX: x, y: y) }
        }
    }

    static func affine1(_ p: BLS12381G1) -> BLS12381Pairing.G1Affine {
        let a = p.computeAffine()!
        return .init(x: a.x, y: a.y)
    }
    static func affine2(_ q: BLS12381G2) -> BLS12381Pairing.G2Affine {
        let a = q.computeAffine()!
        return .init(x: a.x, y: a.y)
    }
}

@Suite struct BLS12381FieldTests {
    @Test func constants() {
        #expect(BLS12381Fp.modulusLimbs == B.limbs(B.p))
        #expect(B.big(BLS12381Fp.one) == 1)
        #expect(B.big(-BLS12381Fp.one) == B.p - 1)
        #expect(BLS12381Fp(canonicalLimbs: B.limbs(B.p)) == nil)
        #expect(BLS12381Fp(canonicalLimbs: B.limbs(B.p - 1)) != nil)
        #expect(B.big(BLS12381Fp(123_456_789)) == 123_456_789)
    }

    /// 5,000 random cases of +, −, ×, negation, square and inverse against BigUInt.
    @Test func fpAgainstBigInt() {
        var g = SplitMix64(seed: 0xb15_0001)
        let p = B.p
        var failures = 0
        for i in 0..<5_000 {
            let a = i % 97 == 0 ? -BLS12381Fp.one : B.randomFp(&g)
            let b = i % 89 == 0 ? BLS12381Fp.zero : B.randomFp(&g)
            let x = B.big(a)
            let y = B.big(b)
            if B.big(a + b) != (x + y) % p { failures += 1 }
            if B.big(a - b) != (x + p - y) % p { failures += 1 }
            if B.big(a * b) != (x * y) % p { failures += 1 }
            if B.big(-a) != (p - x) % p { failures += 1 }
            if B.big(a.squared()) != (x * x) % p { failures += 1 }
            if i % 10 == 0 && !a.isZero && B.big(a.inverse()) != x.inverse(p)! { failures += 1 }
        }
        #expect(failures == 0)
    }

    @Test func bigEndianRoundTripAndSqrt() {
        var g = SplitMix64(seed: 0xb15_0002)
        for _ in 0..<200 {
            let a = B.randomFp(&g)
            #expect(BLS12381Fp(bigEndian: a.bigEndianBytes, at: 0) == a)
            let s = a.squared()
            let r = s.squareRoot()
            #expect(r == a || r == -a)
            #expect(s.isSquare)
            // Exactly one of a and −a·(non-residue −1) … −1 is a non-residue since p ≡ 3 mod 4.
            if !a.isZero { #expect(!(-s).isSquare) }
        }
        #expect(BLS12381Fp(bigEndian: [UInt8](repeating: 0xff, count: 48), at: 0) == nil)
    }

    @Test func towerLaws() {
        var g = SplitMix64(seed: 0xb15_0003)
        for _ in 0..<30 {
            let a = B.randomFp2(&g)
            let b = B.randomFp2(&g)
            let c = B.randomFp2(&g)
            #expect((a * b) * c == a * (b * c))
            #expect(a * (b + c) == a * b + a * c)
            #expect(a.squared() == a * a)
            #expect(a * a.inverse() == .one)
            // u² = −1
            let u = BLS12381Fp2(.zero, .one)
            #expect(u.squared() == -BLS12381Fp2.one)
            #expect(a.mulByXi() == a * BLS12381Fp2(.one, .one))
            if let s = a.squared().squareRoot() { #expect(s == a || s == -a) } else { Issue.record("no sqrt of a square") }
            let x = B.randomFp6(&g)
            let y = B.randomFp6(&g)
            let z = B.randomFp6(&g)
            #expect((x * y) * z == x * (y * z))
            #expect(x * (y + z) == x * y + x * z)
            #expect(x.squared() == x * x)
            #expect(x * x.inverse() == .one)
            // v³ = ξ
            let v = BLS12381Fp6(.zero, .one, .zero)
            #expect(v * v * v == BLS12381Fp6(BLS12381Fp2(.one, .one), .zero, .zero))
            #expect(x.mulBy01(a, b) == x * BLS12381Fp6(a, b, .zero))
            #expect(x.mulBy1(b) == x * BLS12381Fp6(.zero, b, .zero))
            let f = B.randomFp12(&g)
            let h = B.randomFp12(&g)
            let k = B.randomFp12(&g)
            #expect((f * h) * k == f * (h * k))
            #expect(f.squared() == f * f)
            #expect(f * f.inverse() == .one)
            // w² = v
            let w = BLS12381Fp12(.zero, .one)
            #expect(w.squared() == BLS12381Fp12(v, .zero))
            #expect(f.mulByLine(a, b, c) == f * BLS12381Fp12(BLS12381Fp6(a, b, .zero), BLS12381Fp6(.zero, c, .zero)))
        }
    }

    @Test func frobeniusIsPthPowerAndCyclotomicSquaring() {
        var g = SplitMix64(seed: 0xb15_0004)
        for _ in 0..<3 {
            let f = B.randomFp12(&g)
            #expect(f.frobenius() == B.pow(f, B.p))
            // Cyclotomic element: f^((p^6 − 1)(p^2 + 1)).
            var m = f.conjugate() * f.inverse()
            m = m.frobenius(2) * m
            #expect(m.cyclotomicSquared() == m.squared())
            #expect(m.conjugate() * m == .one)
        }
    }
}

@Suite struct BLS12381CurveTests {
    @Test func generatorsAreOnCurveWithOrderR() {
        let g1 = BLS12381G1.blsGenerator
        let g2 = BLS12381G2.blsGenerator
        let a1 = g1.computeAffine()!
        let a2 = g2.computeAffine()!
        #expect(BLS12381G1.isOnCurve(x: a1.x, y: a1.y))
        #expect(BLS12381G2.isOnCurve(x: a2.x, y: a2.y))
        #expect(g1.multiplied(by: BLS12381.order).isInfinity)
        #expect(g2.multiplied(by: BLS12381.order).isInfinity)
        #expect(g1.isInSubgroup() && g2.isInSubgroup())
    }

    @Test func groupLaws() {
        var g = SplitMix64(seed: 0xb15_0005)
        let g1 = BLS12381G1.blsGenerator
        for _ in 0..<10 {
            let a = B.randomScalar(&g)
            let b = B.randomScalar(&g)
            let pa = g1.multiplied(by: a)
            let pb = g1.multiplied(by: b)
            let sum = BigUInt(words: [UInt(a.l0), UInt(a.l1), UInt(a.l2), UInt(a.l3)])
                + BigUInt(words: [UInt(b.l0), UInt(b.l1), UInt(b.l2), UInt(b.l3)])
            #expect(pa + pb == g1.multiplied(byLimbs: B.limbs(sum, count: 5)))
            #expect(pa + pb == pb + pa)
            #expect(pa + pa == pa.doubled())
            #expect((pa - pa).isInfinity)
            #expect(pa + .infinity == pa)
        }
    }

    /// The endomorphism constants: ψ acts as [x] on G2 and σ as [−x²] on G1.
    @Test func endomorphisms() {
        var g = SplitMix64(seed: 0xb15_0006)
        let q = BLS12381G2.blsGenerator.multiplied(by: B.randomScalar(&g))
        #expect(q.psi() == q.mulByX())
        let p = BLS12381G1.blsGenerator.multiplied(by: B.randomScalar(&g))
        #expect(p.sigma() == p.mulByX().mulByX().negated())
    }

    /// The fast subgroup checks agree with r·P = O on random points in and outside the subgroups.
    @Test func subgroupChecksAgreeWithOrderMultiplication() {
        var g = SplitMix64(seed: 0xb15_0007)
        for i in 0..<20 {
            let p = i % 2 == 0 ? B.randomG1Curve(&g) : B.randomG1Curve(&g).clearCofactor()
            #expect(p.isInSubgroup() == p.isInSubgroupSlow())
            #expect(p.isInSubgroup() == (i % 2 == 1))
            let q = i % 2 == 0 ? B.randomG2Curve(&g) : B.randomG2Curve(&g).clearCofactor()
            #expect(q.isInSubgroup() == q.isInSubgroupSlow())
            #expect(q.isInSubgroup() == (i % 2 == 1))
        }
    }

    /// clear_cofactor by ψ equals multiplication by h_eff (RFC 9380 §8.8.2).
    @Test func g2CofactorClearingMatchesHEff() {
        let hEff = BigUInt(
            "0bc69f08f2ee75b3584c6a0ea91b352888e2a8e9145ad7689986ff031508ffe1329c2f178731db956d82bf015d1212b02ec0ec69d7477c1ae954cbc06689f6a359894c0adebbf6b4e8020005aaa95551",
            radix: 16)!
        var g = SplitMix64(seed: 0xb15_0008)
        for _ in 0..<4 {
            let q = B.randomG2Curve(&g)
            #expect(q.clearCofactor() == q.multiplied(byLimbs: B.limbs(hEff, count: 10)))
        }
    }

    @Test func msmMatchesNaiveSum() {
        var g = SplitMix64(seed: 0xb15_0009)
        for n in [1, 3, 4, 7, 20, 64] {
            let pts = (0..<n).map { _ in BLS12381G1.blsGenerator.multiplied(by: B.randomScalar(&g)) }
            var ks = (0..<n).map { _ in UInt256(l0: g.next(), l1: g.next(), l2: g.next(), l3: g.next()) }
            if n > 3 {
                ks[0] = .zero
                ks[1] = .max
                ks[2] = UInt256(1)
            }
            var naive = BLS12381G1.infinity
            for i in 0..<n { naive = naive + pts[i].multiplied(by: ks[i]) }
            #expect(MultiScalarMultiplication.msm(pts, ks) == naive, "n = \(n)")
        }
    }

    @Test func pairingBilinearity() {
        var g = SplitMix64(seed: 0xb15_000a)
        let p = BLS12381G1.blsGenerator
        let q = BLS12381G2.blsGenerator
        let a = B.randomScalar(&g)
        let b = B.randomScalar(&g)
        let e = BLS12381Pairing.pairing(B.affine1(p), B.affine2(q))
        #expect(!e.isOne)
        #expect(B.pow(e, B.r).isOne)
        let eab = BLS12381Pairing.pairing(B.affine1(p.multiplied(by: a)), B.affine2(q.multiplied(by: b)))
        let ab = (BigUInt(words: [UInt(a.l0), UInt(a.l1), UInt(a.l2), UInt(a.l3)])
            * BigUInt(words: [UInt(b.l0), UInt(b.l1), UInt(b.l2), UInt(b.l3)])) % B.r
        #expect(eab == B.pow(e, ab))
        // e(aP, Q)·e(−P, aQ) = 1
        #expect(
            BLS12381Pairing.check([
                (B.affine1(p.multiplied(by: a)), B.affine2(q)), (B.affine1(p.negated()), B.affine2(q.multiplied(by: a))),
            ]))
        #expect(
            !BLS12381Pairing.check([
                (B.affine1(p.multiplied(by: a)), B.affine2(q)), (B.affine1(p), B.affine2(q.multiplied(by: a))),
            ]))
    }

    /// Map-to-curve lands on the curve, and after cofactor clearing in the subgroup.
    @Test func mapToCurveLandsInSubgroups() {
        var g = SplitMix64(seed: 0xb15_000b)
        for _ in 0..<10 {
            let p = BLS12381Map.mapToCurveG1(B.randomFp(&g))
            let a = p.computeAffine()!
            #expect(BLS12381G1.isOnCurve(x: a.x, y: a.y))
            #expect(p.clearCofactor().isInSubgroupSlow())
            let q = BLS12381Map.mapToCurveG2(B.randomFp2(&g))
            let b = q.computeAffine()!
            #expect(BLS12381G2.isOnCurve(x: b.x, y: b.y))
            #expect(q.clearCofactor().isInSubgroupSlow())
        }
    }
}

@Suite struct BLS12381PreparedPairingTests {
    /// The Miller loop with precomputed G2 lines equals the plain one (multi-pair, random points).
    @Test func preparedMillerLoopMatches() {
        var g = SplitMix64(seed: 0xb15_000c)
        let pairs = (0..<3).map { _ in
            (B.affine1(BLS12381G1.blsGenerator.multiplied(by: B.randomScalar(&g))),
                B.affine2(BLS12381G2.blsGenerator.multiplied(by: B.randomScalar(&g))))
        }
        let plain = BLS12381Pairing.millerLoop(pairs)
        let prepared = BLS12381Pairing.millerLoop(prepared: pairs.map { ($0.0, BLS12381Pairing.G2Prepared($0.1)) })
        #expect(plain == prepared)
    }
}
