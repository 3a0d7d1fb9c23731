import Testing
import BigInt
import Primitives
import TestSupport

typealias Rng = SplitMix64

let two256 = BigUInt(1) << 256

func big(_ x: UInt256) -> BigUInt { BigUInt(words: [UInt(x.l0), UInt(x.l1), UInt(x.l2), UInt(x.l3)]) }

func small(_ b: BigUInt) -> UInt256 {
    let m = b % two256
    var limbs: [UInt64] = [0, 0, 0, 0]
    for (i, w) in m.words.enumerated() where i < 4 { limbs[i] = UInt64(w) }
    return UInt256(l0: limbs[0], l1: limbs[1], l2: limbs[2], l3: limbs[3])
}

/// Values with structure: edge cases, sparse limbs, runs of ones, small numbers, powers of two ± 1.
func randomValue(_ r: inout Rng) -> UInt256 {
    func limb(_ r: inout Rng) -> UInt64 {
        switch r.next() % 6 {
        case 0: return 0
        case 1: return .max
        case 2: return r.next() >> (r.next() % 64)
        case 3: return 1 << (r.next() % 64)
        default: return r.next()
        }
    }
    switch r.next() % 10 {
    case 0: return [UInt256.zero, .one, .max, UInt256(l0: 0, l1: 0, l2: 0, l3: 1 << 63), UInt256(l0: .max, l1: .max, l2: .max, l3: .max >> 1)][Int(r.next() % 5)]
    case 1: return UInt256(r.next() % 1000)
    case 2:
        let p = UInt256.one << Int(r.next() % 256)
        return r.next() % 2 == 0 ? p &- .one : p &+ (r.next() % 2 == 0 ? .zero : .one)
    case 3: return UInt256(r.next())
    default: return UInt256(l0: limb(&r), l1: limb(&r), l2: limb(&r), l3: limb(&r))
    }
}

@Suite struct UInt256Tests {
    static let count = 10_000

    @Test func arithmeticMatchesBigInt() {
        var r = Rng(seed: 0x256)
        for _ in 0..<Self.count {
            let a = randomValue(&r), b = randomValue(&r)
            let A = big(a), B = big(b)
            // Add / sub with overflow flags.
            let (s, o) = a.addingReportingOverflow(b)
            #expect(big(s) == (A + B) % two256 && o == (A + B >= two256), "\(a) + \(b)")
            let (d, u) = a.subtractingReportingOverflow(b)
            #expect(big(d) == (A + two256 - B) % two256 && u == (A < B), "\(a) - \(b)")
            // Multiply: full width and wrapping.
            let (hi, lo) = a.multipliedFullWidth(by: b)
            let P = A * B
            #expect(big(hi) == P >> 256 && big(lo) == P % two256, "\(a) * \(b)")
            #expect((a &* b) == lo)
            #expect(a.multipliedReportingOverflow(by: b).overflow == (P >= two256))
            // Divide / remainder.
            if !b.isZero {
                let (q, m) = a.quotientAndRemainder(dividingBy: b)
                #expect(big(q) == A / B && big(m) == A % B, "\(a) / \(b)")
                #expect(a / b == q && a % b == m)
            }
            // Compare.
            #expect((a < b) == (A < B) && (a == b) == (A == B) && (a > b) == (A > B))
            // Bitwise.
            #expect(big(a & b) == A & B && big(a | b) == A | B && big(a ^ b) == A ^ B)
            #expect(big(~a) == two256 - 1 - A)
        }
    }

    @Test func shiftsMatchBigInt() {
        var r = Rng(seed: 0x5111)
        for i in 0..<Self.count {
            let a = randomValue(&r)
            let A = big(a)
            let n = i < 300 ? i : Int(r.next() % 300)
            #expect(big(a << n) == (A << n) % two256, "\(a) << \(n)")
            #expect(big(a >> n) == A >> n, "\(a) >> \(n)")
            let bits = A == 0 ? 0 : String(A, radix: 2).count
            #expect(a.bitLength == bits)
            #expect(a.leadingZeroBitCount == 256 - bits)
            #expect(a.trailingZeroBitCount == (A == 0 ? 256 : A.trailingZeroBitCount))
            if n < 256 { #expect(a.bit(n) == (((A >> n) & 1) == 1)) }
        }
    }

    @Test func textMatchesBigInt() {
        var r = Rng(seed: 0x7e47)
        for _ in 0..<Self.count {
            let a = randomValue(&r)
            let A = big(a)
            #expect(a.description == A.description)
            #expect(a.hexString == "0x" + String(A, radix: 16))
            #expect(UInt256(decimal: A.description) == a)
            #expect(UInt256(hex: String(A, radix: 16)) == a)
            #expect(UInt256(hex: "0x" + String(A, radix: 16, uppercase: true)) == a)
            #expect(UInt256(bigEndian: a.bigEndianBytes) == a)
            #expect(UInt256(littleEndian: a.littleEndianBytes32) == a)
            #expect(UInt256(littleEndian: Array(a.bigEndianBytes.reversed())) == a)
            #expect(a.uint64IfFits == (A < BigUInt(1) << 64 ? UInt64(A) : nil))
        }
    }

    @Test func edgeCases() {
        // Decimal overflow and bad digits.
        let max = "115792089237316195423570985008687907853269984665640564039457584007913129639935"
        #expect(UInt256(decimal: max) == .max)
        #expect(UInt256(decimal: "115792089237316195423570985008687907853269984665640564039457584007913129639936") == nil)
        #expect(UInt256(decimal: "") == nil && UInt256(decimal: "12a") == nil && UInt256(decimal: "-1") == nil)
        #expect(UInt256(decimal: "0000000000000000000000000000000000000000000000000000000000000000000000000000000001") == .one)
        // Hex length and digits.
        #expect(UInt256(hex: String(repeating: "f", count: 64)) == .max)
        #expect(UInt256(hex: String(repeating: "f", count: 65)) == nil)
        #expect(UInt256(hex: "0x") == nil && UInt256(hex: "") == nil && UInt256(hex: "0xg") == nil)
        #expect(UInt256(hex: "0xabc") == UInt256(0xabc))
        #expect(UInt256(bigEndian: [UInt8](repeating: 1, count: 33)) == nil)
        #expect(UInt256.zero.description == "0" && UInt256.zero.hexString == "0x0")
        // Division at the top of the range (the long-division remainder can exceed 2^255).
        let top = UInt256(l0: 1, l1: 0, l2: 0, l3: 1 << 63)  // 2^255 + 1
        let (q, m) = UInt256.max.quotientAndRemainder(dividingBy: top)
        #expect(q == .one && m == UInt256.max &- top)
        #expect(UInt256.max / .max == .one && UInt256.max % .max == .zero)
        #expect((UInt256.max &- .one) / .max == .zero)
        // Shifts by negative amounts go the other way; ≥ 256 gives zero.
        #expect(UInt256.one << -1 == .zero && UInt256(2) >> -1 == UInt256(4))
        #expect(UInt256.max << 256 == .zero && UInt256.max >> 1000 == .zero)
    }
}
