import BigInt
import Curves
import Primitives
import TestSupport
import Testing

@Suite struct FieldTests {
    @Test func constants() {
        #expect(H.p == BigUInt("21888242871839275222246405745257275088696311157297823662689037894645226208583"))
        #expect(H.r == BigUInt("21888242871839275222246405745257275088548364400416034343698204186575808495617"))
        #expect(Fp.one.value == .one)
        #expect(Fp(0).isZero)
        #expect(Fp(7).value == UInt256(7))
        #expect((-Fp.one).value == Fp.modulus &- .one)
    }

    @Test func canonicalEncodingRejectsValuesAtOrAboveP() {
        #expect(Fp(canonical: Fp.modulus) == nil)
        #expect(Fp(canonical: Fp.modulus &+ .one) == nil)
        #expect(Fp(canonical: .max) == nil)
        #expect(Fp(canonical: Fp.modulus &- .one) != nil)
    }

    /// 10,000 random cases each of mul, add, sub, neg, square and halve, and 5,000 inverses, against
    /// BigUInt (plus Fermat-vs-Euclid inverse agreement).
    @Test func fpAgainstBigInt() {
        var g = SplitMix64(seed: 0x0bad_cafe)
        let p = H.p
        var failures = 0
        for i in 0..<10_000 {
            // Mix in edge values now and then.
            let a: Fp
            let b: Fp
            switch i % 50 {
            case 0: (a, b) = (.zero, H.randomFp(&g))
            case 1: (a, b) = (-Fp.one, -Fp.one)
            case 2: (a, b) = (Fp(canonical: Fp.modulus &- .one)!, H.randomFp(&g))
            default: (a, b) = (H.randomFp(&g), H.randomFp(&g))
            }
            let x = H.big(a.value)
            let y = H.big(b.value)
            if H.big((a * b).value) != (x * y) % p { failures += 1 }
            if H.big((a + b).value) != (x + y) % p { failures += 1 }
            if H.big((a - b).value) != (x + p - y) % p { failures += 1 }
            if H.big((-a).value) != (p - x) % p { failures += 1 }
            if H.big(a.squared().value) != (x * x) % p { failures += 1 }
            if H.big(a.halved().value) != (x * ((p + 1) / 2)) % p { failures += 1 }
            if i % 2 == 0 && !a.isZero {
                if H.big(a.inverse().value) != x.inverse(p)! { failures += 1 }
                // Fermat agrees with the binary extended Euclid.
                if i % 100 == 4 && a.inverse() != a.power(Fp.modulus &- UInt256(2)) { failures += 1 }
            }
        }
        #expect(failures == 0)
        #expect(Fp.zero.inverse() == .zero)
    }

    /// 10,000 random F_p2 products and squares against BigUInt (the lazy-reduction Karatsuba in
    /// `Fp2.*` skips a reduction; edge values p − 1 and 0 exercise its bounds and the borrow path).
    @Test func fp2MulAgainstBigInt() {
        var g = SplitMix64(seed: 0xf2f2)
        let p = H.p
        let top = Fp(canonical: Fp.modulus &- .one)!
        var failures = 0
        for i in 0..<10_000 {
            var a = H.randomFp2(&g)
            var b = H.randomFp2(&g)
            switch i % 20 {
            case 0: (a, b) = (Fp2(top, top), Fp2(top, top))
            case 1: (a, b) = (Fp2(.zero, top), Fp2(.zero, top))  // a0b0 − a1b1 < 0
            case 2: (a, b) = (Fp2(top, .zero), Fp2(.zero, top))
            case 3: a = Fp2(.zero, a.c1)
            default: break
            }
            let (x0, x1, y0, y1) = (H.big(a.c0.value), H.big(a.c1.value), H.big(b.c0.value), H.big(b.c1.value))
            let m = a * b
            if H.big(m.c0.value) != (x0 * y0 + p * p - x1 * y1) % p { failures += 1 }
            if H.big(m.c1.value) != (x0 * y1 + x1 * y0) % p { failures += 1 }
            let s = a.squared()
            if H.big(s.c0.value) != (x0 * x0 + p * p - x1 * x1) % p { failures += 1 }
            if H.big(s.c1.value) != (2 * x0 * x1) % p { failures += 1 }
        }
        #expect(failures == 0)
    }

    @Test func fpSquareRoot() {
        var g = SplitMix64(seed: 11)
        var found = 0
        for _ in 0..<200 {
            let a = H.randomFp(&g)
            if let s = a.squareRoot() {
                #expect(s.squared() == a)
                found += 1
            } else {
                #expect((-a).squareRoot() != nil)  // −1 is a non-residue
            }
        }
        #expect(found > 50 && found < 150)
    }

    @Test func fp2Fp6Fp12FieldLaws() {
        var g = SplitMix64(seed: 12)
        for _ in 0..<50 {
            let a = H.randomFp2(&g)
            let b = H.randomFp2(&g)
            let c = H.randomFp2(&g)
            #expect(a * (b + c) == a * b + a * c)
            #expect(a.squared() == a * a)
            #expect(a * a.inverse() == .one)
            #expect(a.mulByXi() == a * Fp2(Fp(9), Fp(1)))
            #expect(Fp2(.zero, .one).squared() == -Fp2.one)
            #expect(a.conjugate() == H.pow(a, H.p))
            if let s = a.squareRoot() { #expect(s.squared() == a) }
        }
        for _ in 0..<20 {
            let a = H.randomFp6(&g)
            let b = H.randomFp6(&g)
            let c = H.randomFp6(&g)
            #expect(a * (b + c) == a * b + a * c)
            #expect((a * b) * c == a * (b * c))
            #expect(a.squared() == a * a)
            #expect(a * a.inverse() == .one)
            #expect(a.mulByV() == a * Fp6(.zero, .one, .zero))
            let s0 = H.randomFp2(&g)
            let s1 = H.randomFp2(&g)
            #expect(a.mulBy01(s0, s1) == a * Fp6(s0, s1, .zero))
        }
        let v = Fp6(.zero, .one, .zero)
        #expect(v * v * v == Fp6(Fp2(Fp(9), Fp(1)), .zero, .zero))
        for _ in 0..<10 {
            let a = H.randomFp12(&g)
            let b = H.randomFp12(&g)
            let c = H.randomFp12(&g)
            #expect(a * (b + c) == a * b + a * c)
            #expect((a * b) * c == a * (b * c))
            #expect(a.squared() == a * a)
            #expect(a * a.inverse() == .one)
        }
        let w = Fp12(.zero, .one)
        #expect(w.squared() == Fp12(v, .zero))
    }

    @Test func fp12Frobenius() {
        var g = SplitMix64(seed: 13)
        let a = H.randomFp12(&g)
        let f1 = H.pow(a, H.p)
        #expect(a.frobenius(1) == f1)
        #expect(a.frobenius(2) == f1.frobenius(1))
        #expect(a.frobenius(3) == a.frobenius(2).frobenius(1))
        #expect(a.frobenius(6) == a.conjugate())
        #expect(a.frobenius(12) == a)
    }

    @Test func cyclotomicSquaring() {
        var g = SplitMix64(seed: 14)
        for _ in 0..<5 {
            let a = H.randomFp12(&g)
            // Map into the cyclotomic subgroup with the easy part of the final exponentiation.
            var c = a.conjugate() * a.inverse()
            c = c.frobenius(2) * c
            #expect(c.cyclotomicSquared() == c.squared())
        }
    }
}
