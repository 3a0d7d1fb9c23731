internal import Curves
internal import Primitives

/// The BLS12-381 precompiles of EIP-2537 (Prague), byte-exact with the final EIP text:
/// 0x0b G1ADD, 0x0c G1MSM, 0x0d G2ADD, 0x0e G2MSM, 0x0f PAIRING_CHECK, 0x10 MAP_FP_TO_G1,
/// 0x11 MAP_FP2_TO_G2.
///
/// Encoding: an F_p element is 64 bytes big-endian whose top 16 bytes must be zero and whose
/// value must be < p; F_p2 is c0 ‖ c1; points are x ‖ y uncompressed, all zeros for infinity.
/// ADD checks only that points are on the curve; MSM and pairing also require the order-r
/// subgroup. Every error (bad length, bad encoding, off-curve, outside the subgroup, empty MSM or
/// pairing input) fails and consumes all gas.
public enum BLS12381Precompiles {
    // MARK: Gas (EIP-2537 "Gas schedule")

    public static let g1AddGas: UInt64 = 375
    public static let g2AddGas: UInt64 = 600
    /// The single-multiplication price the MSM formula scales.
    public static let g1MulGas: UInt64 = 12_000
    public static let g2MulGas: UInt64 = 22_500
    public static let mapFpToG1Gas: UInt64 = 5_500
    public static let mapFp2ToG2Gas: UInt64 = 23_800
    public static let pairingPerPairGas: UInt64 = 32_600
    public static let pairingBaseGas: UInt64 = 37_700

    /// EIP-2537 G1 MSM discounts for k = 1…128 (×1/1000); 519 for k > 128.
    public static let g1Discount: [UInt16] = [
        1000, 949, 848, 797, 764, 750, 738, 728, 719, 712, 705, 698, 692, 687, 682, 677, 673, 669, 665, 661, 658, 654,
        651, 648, 645, 642, 640, 637, 635, 632, 630, 627, 625, 623, 621, 619, 617, 615, 613, 611, 609, 608, 606, 604,
        603, 601, 599, 598, 596, 595, 593, 592, 591, 589, 588, 586, 585, 584, 582, 581, 580, 579, 577, 576, 575, 574,
        573, 572, 570, 569, 568, 567, 566, 565, 564, 563, 562, 561, 560, 559, 558, 557, 556, 555, 554, 553, 552, 551,
        550, 549, 548, 547, 547, 546, 545, 544, 543, 542, 541, 540, 540, 539, 538, 537, 536, 536, 535, 534, 533, 532,
        532, 531, 530, 529, 528, 528, 527, 526, 525, 525, 524, 523, 522, 522, 521, 520, 520, 519,
    ]
    /// EIP-2537 G2 MSM discounts for k = 1…128 (×1/1000); 524 for k > 128.
    public static let g2Discount: [UInt16] = [
        1000, 1000, 923, 884, 855, 832, 812, 796, 782, 770, 759, 749, 740, 732, 724, 717, 711, 704, 699, 693, 688, 683,
        679, 674, 670, 666, 663, 659, 655, 652, 649, 646, 643, 640, 637, 634, 632, 629, 627, 624, 622, 620, 618, 615,
        613, 611, 609, 607, 606, 604, 602, 600, 598, 597, 595, 593, 592, 590, 589, 587, 586, 584, 583, 582, 580, 579,
        578, 576, 575, 574, 573, 571, 570, 569, 568, 567, 566, 565, 563, 562, 561, 560, 559, 558, 557, 556, 555, 554,
        553, 552, 552, 551, 550, 549, 548, 547, 546, 545, 545, 544, 543, 542, 541, 541, 540, 539, 538, 537, 537, 536,
        535, 535, 534, 533, 532, 532, 531, 530, 530, 529, 528, 528, 527, 526, 526, 525, 524, 524,
    ]

    /// k·mul_cost·discount(k)/1000 (0 for k = 0; the call then fails for its empty input).
    public static func msmGas(pairs k: Int, mulCost: UInt64, discounts: [UInt16]) -> UInt64 {
        if k <= 0 { return 0 }
        let d = UInt64(discounts[min(k, discounts.count) - 1])
        let (a, o1) = UInt64(k).multipliedReportingOverflow(by: mulCost)
        let (b, o2) = a.multipliedReportingOverflow(by: d)
        return o1 || o2 ? UInt64.max : b / 1000
    }

    public static func g1MSMGas(inputLength: Int) -> UInt64 {
        msmGas(pairs: inputLength / 160, mulCost: g1MulGas, discounts: g1Discount)
    }
    public static func g2MSMGas(inputLength: Int) -> UInt64 {
        msmGas(pairs: inputLength / 288, mulCost: g2MulGas, discounts: g2Discount)
    }
    public static func pairingGas(inputLength: Int) -> UInt64 {
        let (a, o1) = UInt64(inputLength / 384).multipliedReportingOverflow(by: pairingPerPairGas)
        let (b, o2) = a.addingReportingOverflow(pairingBaseGas)
        return o1 || o2 ? UInt64.max : b
    }

    // MARK: Entry points

    public static func g1Add(input: [UInt8], gasLimit: UInt64) -> PrecompileResult {
        run(gas: g1AddGas, gasLimit: gasLimit) {
            guard input.count == 256, let p = decodeG1(input, 0, subgroup: false),
                let q = decodeG1(input, 128, subgroup: false)
            else { return nil }
            return encodeG1(p + q)
        }
    }

    public static func g2Add(input: [UInt8], gasLimit: UInt64) -> PrecompileResult {
        run(gas: g2AddGas, gasLimit: gasLimit) {
            guard input.count == 512, let p = decodeG2(input, 0, subgroup: false),
                let q = decodeG2(input, 256, subgroup: false)
            else { return nil }
            return encodeG2(p + q)
        }
    }

    public static func g1MSM(input: [UInt8], gasLimit: UInt64) -> PrecompileResult {
        run(gas: g1MSMGas(inputLength: input.count), gasLimit: gasLimit) {
            guard !input.isEmpty, input.count % 160 == 0 else { return nil }
            let k = input.count / 160
            var points: [BLS12381G1] = []
            var scalars: [UInt256] = []
            points.reserveCapacity(k)
            scalars.reserveCapacity(k)
            for i in 0..<k {
                guard let p = decodeG1(input, i * 160, subgroup: true) else { return nil }
                let s = readScalar(input, i * 160 + 128)
                if p.isInfinity || s.isZero { continue }
                points.append(p)
                scalars.append(s)
            }
            return encodeG1(MultiScalarMultiplication.msm(points, scalars))
        }
    }

    public static func g2MSM(input: [UInt8], gasLimit: UInt64) -> PrecompileResult {
        run(gas: g2MSMGas(inputLength: input.count), gasLimit: gasLimit) {
            guard !input.isEmpty, input.count % 288 == 0 else { return nil }
            let k = input.count / 288
            var points: [BLS12381G2] = []
            var scalars: [UInt256] = []
            points.reserveCapacity(k)
            scalars.reserveCapacity(k)
            for i in 0..<k {
                guard let p = decodeG2(input, i * 288, subgroup: true) else { return nil }
                let s = readScalar(input, i * 288 + 256)
                if p.isInfinity || s.isZero { continue }
                points.append(p)
                scalars.append(s)
            }
            return encodeG2(MultiScalarMultiplication.msm(points, scalars))
        }
    }

    public static func pairingCheck(input: [UInt8], gasLimit: UInt64) -> PrecompileResult {
        run(gas: pairingGas(inputLength: input.count), gasLimit: gasLimit) {
            guard !input.isEmpty, input.count % 384 == 0 else { return nil }
            var pairs: [(BLS12381Pairing.G1Affine, BLS12381Pairing.G2Affine)] = []
            for i in 0..<(input.count / 384) {
                guard let p = decodeG1(input, i * 384, subgroup: true),
                    let q = decodeG2(input, i * 384 + 128, subgroup: true)
                else { return nil }
                // A pair with a point at infinity contributes 1. Decoded points are affine (Z = 1).
                if p.isInfinity || q.isInfinity { continue }
                pairs.append((.init(x: p.x, y: p.y), .init(x: q.x, y: q.y)))
            }
            var out = [UInt8](repeating: 0, count: 32)
            if BLS12381Pairing.check(pairs) { out[31] = 1 }
            return out
        }
    }

    public static func mapFpToG1(input: [UInt8], gasLimit: UInt64) -> PrecompileResult {
        run(gas: mapFpToG1Gas, gasLimit: gasLimit) {
            guard input.count == 64, let u = decodeFp(input, 0) else { return nil }
            return encodeG1(BLS12381Map.mapToG1(u))
        }
    }

    public static func mapFp2ToG2(input: [UInt8], gasLimit: UInt64) -> PrecompileResult {
        run(gas: mapFp2ToG2Gas, gasLimit: gasLimit) {
            guard input.count == 128, let c0 = decodeFp(input, 0), let c1 = decodeFp(input, 64) else { return nil }
            return encodeG2(BLS12381Map.mapToG2(BLS12381Fp2(c0, c1)))
        }
    }

    // MARK: Plumbing

    /// Charges `gas` (out of gas first), then runs `body`; nil from `body` is invalid input.
    @inline(__always)
    static func run(gas: UInt64, gasLimit: UInt64, _ body: () -> [UInt8]?) -> PrecompileResult {
        guard gas <= gasLimit else { return .failure(gasUsed: gasLimit, .outOfGas) }
        guard let out = body() else { return .failure(gasUsed: gasLimit, .invalidInput) }
        return .success(gasUsed: gas, output: out)
    }

    /// A 64-byte field element at `o`: top 16 bytes zero, value < p. Callers check lengths.
    static func decodeFp(_ b: [UInt8], _ o: Int) -> BLS12381Fp? {
        for i in o..<(o + 16) where b[i] != 0 { return nil }
        return BLS12381Fp(bigEndian: b, at: o + 16)
    }

    /// A 128-byte G1 point at `o`; all zeros is infinity; otherwise it must be on the curve (and
    /// in G1 when `subgroup`).
    static func decodeG1(_ b: [UInt8], _ o: Int, subgroup: Bool) -> BLS12381G1? {
        guard let x = decodeFp(b, o), let y = decodeFp(b, o + 64) else { return nil }
        if x.isZero && y.isZero { return .infinity }
        guard BLS12381G1.isOnCurve(x: x, y: y) else { return nil }
        let p = BLS12381G1(affineX: x, y: y)
        if subgroup && !p.isInSubgroup() { return nil }
        return p
    }

    /// A 256-byte G2 point at `o` (x.c0 ‖ x.c1 ‖ y.c0 ‖ y.c1), as `decodeG1`.
    static func decodeG2(_ b: [UInt8], _ o: Int, subgroup: Bool) -> BLS12381G2? {
        guard let x0 = decodeFp(b, o), let x1 = decodeFp(b, o + 64), let y0 = decodeFp(b, o + 128),
            let y1 = decodeFp(b, o + 192)
        else { return nil }
        let x = BLS12381Fp2(x0, x1)
        let y = BLS12381Fp2(y0, y1)
        if x.isZero && y.isZero { return .infinity }
        guard BLS12381G2.isOnCurve(x: x, y: y) else { return nil }
        let q = BLS12381G2(affineX: x, y: y)
        if subgroup && !q.isInSubgroup() { return nil }
        return q
    }

    static func readScalar(_ b: [UInt8], _ o: Int) -> UInt256 {
        @inline(__always) func limb(_ at: Int) -> UInt64 {
            var w: UInt64 = 0
            for i in 0..<8 { w = (w << 8) | UInt64(b[at + i]) }
            return w
        }
        return UInt256(l0: limb(o + 24), l1: limb(o + 16), l2: limb(o + 8), l3: limb(o))
    }

    static func appendFp(_ v: BLS12381Fp, to out: inout [UInt8]) {
        out.append(contentsOf: [UInt8](repeating: 0, count: 16))
        out.append(contentsOf: v.bigEndianBytes)
    }

    static func encodeG1(_ p: BLS12381G1) -> [UInt8] {
        guard let a = p.computeAffine() else { return [UInt8](repeating: 0, count: 128) }
        var out: [UInt8] = []
        out.reserveCapacity(128)
        appendFp(a.x, to: &out)
        appendFp(a.y, to: &out)
        return out
    }

    static func encodeG2(_ p: BLS12381G2) -> [UInt8] {
        guard let a = p.computeAffine() else { return [UInt8](repeating: 0, count: 256) }
        var out: [UInt8] = []
        out.reserveCapacity(256)
        appendFp(a.x.c0, to: &out)
        appendFp(a.x.c1, to: &out)
        appendFp(a.y.c0, to: &out)
        appendFp(a.y.c1, to: &out)
        return out
    }
}
