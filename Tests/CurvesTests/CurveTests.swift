import BigInt
import Curves
import Primitives
import TestSupport
import Testing

@Suite struct CurveTests {
    @Test func g1GroupLaw() {
        var g = SplitMix64(seed: 21)
        let gen = G1.generator
        #expect(G1.isOnCurve(x: Fp(1), y: Fp(2)))
        #expect(gen.multiplied(by: bn254Order).isInfinity)
        #expect(gen.multiplied(by: bn254Order &- .one) == gen.negated())
        #expect(gen + gen == gen.doubled())
        #expect(gen + gen.negated() == .infinity)
        #expect(gen + .infinity == gen)
        #expect(G1.infinity + gen == gen)
        for _ in 0..<20 {
            let a = H.randomScalar(&g)
            let b = H.randomScalar(&g)
            let pa = gen.multiplied(by: a)
            let pb = gen.multiplied(by: b)
            let sum = H.u256((H.big(a) + H.big(b)) % H.r)
            #expect(pa + pb == gen.multiplied(by: sum))
            #expect(pa + pb == pb + pa)
            let prod = H.u256((H.big(a) * H.big(b)) % H.r)
            #expect(pa.multiplied(by: b) == gen.multiplied(by: prod))
            let aff = pa.computeAffine()!
            #expect(G1.isOnCurve(x: aff.x, y: aff.y))
        }
        // Unreduced 256-bit scalars (EIP-196 allows any) act modulo r.
        for _ in 0..<10 {
            let k = H.randomU256(&g)
            #expect(gen.multiplied(by: k) == gen.multiplied(by: H.u256(H.big(k) % H.r)))
        }
        // Small multiples against repeated addition.
        var acc = G1.infinity
        for k in 0..<40 {
            #expect(gen.multiplied(by: UInt256(UInt64(k))) == acc)
            acc = acc + gen
        }
    }

    @Test func g2GroupLawAndSubgroup() {
        var g = SplitMix64(seed: 22)
        let gen = G2.generator
        let a = gen.computeAffine()!
        #expect(G2.isOnCurve(x: a.x, y: a.y))
        #expect(gen.isInSubgroup())
        #expect(gen.multiplied(by: bn254Order).isInfinity)
        #expect(gen + gen == gen.doubled())
        for _ in 0..<5 {
            let s = H.randomScalar(&g)
            let q = gen.multiplied(by: s)
            #expect(q.isInSubgroup())
            let qa = q.computeAffine()!
            #expect(G2.isOnCurve(x: qa.x, y: qa.y))
            // ψ acts on G2 as multiplication by p.
            #expect(q.psi() == q.multiplied(by: H.u256(H.p % H.r)))
        }
        for _ in 0..<5 {
            let q = H.twistPointOutsideSubgroup(&g)
            let qa = q.computeAffine()!
            #expect(G2.isOnCurve(x: qa.x, y: qa.y))
            #expect(!q.isInSubgroup())
            #expect(!q.isInSubgroupSlow())
            // Clearing part of the cofactor does not land in G2 either, but r-multiples of a
            // non-subgroup point are in the (order-cofactor) complement: check agreement both ways.
            let rq = q.multiplied(by: bn254Order)
            #expect(rq.isInSubgroup() == rq.isInSubgroupSlow())
        }
        // Fast and slow tests agree on random subgroup points and their sums with outsiders.
        for _ in 0..<5 {
            let q = G2.generator.multiplied(by: H.randomScalar(&g))
            #expect(q.isInSubgroup() && q.isInSubgroupSlow())
            let mixed = q + H.twistPointOutsideSubgroup(&g)
            #expect(mixed.isInSubgroup() == mixed.isInSubgroupSlow())
            #expect(!mixed.isInSubgroup())
        }
        #expect(G2.infinity.isInSubgroup())
    }
}

@Suite struct PairingTests {
    @Test func bilinearity() {
        var g = SplitMix64(seed: 31)
        let p = G1.generator
        let q = G2.generator
        let e = Pairing.pairing(H.affine(p), H.affine(q))
        #expect(e != .one)  // non-degenerate
        #expect(H.pow(e, H.r) == .one)  // in G_T
        for _ in 0..<3 {
            let a = H.randomScalar(&g)
            let b = H.randomScalar(&g)
            let lhs = Pairing.pairing(H.affine(p.multiplied(by: a)), H.affine(q.multiplied(by: b)))
            let ab = (H.big(a) * H.big(b)) % H.r
            #expect(lhs == H.pow(e, ab))
            // e(aP, bQ) · e(−abP, Q) = 1
            let pab = p.multiplied(by: H.u256(ab)).negated()
            #expect(
                BN254.pairingCheck([
                    (H.affine(p.multiplied(by: a)), H.affine(q.multiplied(by: b))), (H.affine(pab), H.affine(q)),
                ]))
            #expect(
                !BN254.pairingCheck([
                    (H.affine(p.multiplied(by: a)), H.affine(q.multiplied(by: b))),
                    (H.affine(pab.negated()), H.affine(q)),
                ]))
        }
        // e(P1 + P2, Q) = e(P1, Q) e(P2, Q)
        let p1 = p.multiplied(by: UInt256(5))
        let p2 = p.multiplied(by: UInt256(7))
        #expect(
            Pairing.pairing(H.affine(p1 + p2), H.affine(q)) == Pairing.pairing(H.affine(p1), H.affine(q))
                * Pairing.pairing(H.affine(p2), H.affine(q)))
    }

    /// The fast hard part equals the textbook exponent (p^12 − 1)/r times m = 2u(6u² + 3u + 1).
    @Test func finalExponentiationMatchesDefinition() {
        var g = SplitMix64(seed: 32)
        let f = H.randomFp12(&g)
        let p = H.p
        let r = H.r
        let u = BigUInt(Pairing.u)
        let m = 2 * u * (6 * u * u + 3 * u + 1)
        let e = (p.power(12) - 1) / r
        #expect(Pairing.finalExponentiation(f) == H.pow(f, e * m))
    }
}
