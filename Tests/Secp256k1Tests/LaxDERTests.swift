import Testing
import TestSupport
import Primitives
import Hashing
import Secp256k1

/// Bitcoin Core's lax DER parser (`ecdsa_signature_parse_der_lax`), which pre-BIP66 history needs.
@Suite struct LaxDERTests {
    static let sk = [UInt8](repeating: 0, count: 31) + [1]
    static let msg = SHA256Hash.hash(Array("Satoshi Nakamoto".utf8))
    static let pub = Secp256k1.publicKey(privateKey: sk)!
    static let r = [UInt8](hex: "934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8")!
    static let s = [UInt8](hex: "2442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5")!
    static var compact: [UInt8] { r + s }

    static func int(_ v: [UInt8]) -> [UInt8] { [0x02, UInt8(v.count)] + v }
    static func seq(_ body: [UInt8]) -> [UInt8] { [0x30, UInt8(body.count)] + body }

    func verifies(_ der: [UInt8]) -> Bool { Secp256k1.verifyECDSA(signatureDER: der, publicKey: Self.pub, message: Self.msg) }

    @Test func canonical() {
        // r has its top bit set, so DER needs a 0x00 pad.
        let der = Self.seq(Self.int([0] + Self.r) + Self.int(Self.s))
        #expect(Secp256k1.isStrictDEREncoding(der))
        #expect(Secp256k1.parseDERLaxToCompact(der) == Self.compact)
        #expect(verifies(der))
    }

    @Test func laxButAccepted() {
        let cases: [(String, [UInt8])] = [
            // Negative R (no 0x00 pad): BER-invalid, but lax reads it as unsigned.
            ("negative R", Self.seq(Self.int(Self.r) + Self.int(Self.s))),
            // Superfluous leading zeros on R and S.
            ("leading zeros", Self.seq(Self.int([0, 0, 0] + Self.r) + Self.int([0, 0] + Self.s))),
            // Long-form sequence length (0x81 len).
            ("long-form sequence length", [0x30, 0x81, 0x45] + Self.int([0] + Self.r) + Self.int(Self.s)),
            // Long-form sequence length with zero-padded length-of-length bytes.
            ("long-form sequence, 4 length bytes", [0x30, 0x84, 0, 0, 0, 0x45] + Self.int([0] + Self.r) + Self.int(Self.s)),
            // Long-form integer lengths, padded with zero bytes.
            ("long-form R length", Self.seq([0x02, 0x81, 0x21, 0] + Self.r + Self.int(Self.s))),
            ("long-form S length with zeros", Self.seq(Self.int([0] + Self.r) + [0x02, 0x83, 0, 0, 0x20] + Self.s)),
            // The sequence length is not checked at all.
            ("wrong sequence length", [0x30, 0x00] + Self.int([0] + Self.r) + Self.int(Self.s)),
            // Garbage after the sequence (and after S) is ignored.
            ("trailing garbage", Self.seq(Self.int([0] + Self.r) + Self.int(Self.s)) + [0xde, 0xad, 0xbe, 0xef]),
        ]
        for (name, der) in cases {
            #expect(!Secp256k1.isStrictDEREncoding(der), "\(name) should not be strict DER")
            #expect(Secp256k1.parseDERStrictToCompact(der) == nil, "\(name): strict parse")
            #expect(Secp256k1.parseDERLaxToCompact(der) == Self.compact, "\(name): lax parse")
            #expect(verifies(der), "\(name): verify")
        }
    }

    @Test func overflowParsesButNeverVerifies() {
        let zero = [UInt8](repeating: 0, count: 64)
        let cases: [(String, [UInt8])] = [
            // 33 significant bytes in R.
            ("R of 33 bytes", Self.seq(Self.int([1] + Self.r) + Self.int(Self.s))),
            ("S of 33 bytes", Self.seq(Self.int([0] + Self.r) + Self.int([1] + Self.s))),
            // R = n and S = n fit in 32 bytes but are out of range.
            ("R = n", Self.seq(Self.int([0] + Secp256k1.order) + Self.int(Self.s))),
            ("S = n", Self.seq(Self.int([0] + Self.r) + Self.int([0] + Secp256k1.order))),
        ]
        for (name, der) in cases {
            #expect(Secp256k1.parseDERLaxToCompact(der) == zero, "\(name): parses to the zero signature")
            #expect(!verifies(der), "\(name)")
            #expect(Secp256k1.parseDERStrictToCompact(der) == nil, "\(name): strict parse rejects")
        }
        // Zero-length R parses as R = 0 and cannot verify.
        let emptyR = Self.seq([0x02, 0x00] + Self.int(Self.s))
        #expect(Secp256k1.parseDERLaxToCompact(emptyR) == [UInt8](repeating: 0, count: 32) + Self.s)
        #expect(!verifies(emptyR))
    }

    @Test func rejected() {
        let good = Self.seq(Self.int([0] + Self.r) + Self.int(Self.s))
        var wrongTag = good
        wrongTag[0] = 0x31
        var wrongIntTag = good
        wrongIntTag[2] = 0x03
        let cases: [(String, [UInt8])] = [
            ("empty", []),
            ("only 0x30", [0x30]),
            ("not a sequence", wrongTag),
            ("R not an integer", wrongIntTag),
            ("missing S", Self.seq(Self.int([0] + Self.r))),
            ("R longer than input", [0x30, 0x44, 0x02, 0x60] + Self.r),
            ("S truncated", Array(good.dropLast(1))),
            ("sequence length-of-length beyond input", [0x30, 0x85, 0, 0]),
            ("integer length of 4+ significant bytes", Self.seq([0x02, 0x84, 1, 0, 0, 0x20] + Self.r + Self.int(Self.s))),
        ]
        for (name, der) in cases {
            #expect(Secp256k1.parseDERLaxToCompact(der) == nil, "\(name)")
            #expect(!verifies(der), "\(name)")
            #expect(!Secp256k1.isLowS(signatureDER: der), "\(name)")
        }
    }

    @Test func strictDERRules() {
        let good = Self.seq(Self.int([0] + Self.r) + Self.int(Self.s))
        #expect(Secp256k1.isStrictDEREncoding(good))
        #expect(!Secp256k1.isStrictDEREncoding(good + [0]))
        #expect(!Secp256k1.isStrictDEREncoding(Self.seq(Self.int([0, 0x10]) + Self.int(Self.s))))  // padded positive
        #expect(Secp256k1.isStrictDEREncoding(Self.seq(Self.int([0x10]) + Self.int(Self.s))))
        #expect(!Secp256k1.isStrictDEREncoding(Self.seq(Self.int([]) + Self.int(Self.s))))
        #expect(!Secp256k1.isStrictDEREncoding([]))
    }

    /// Random mutations of a valid signature never crash either parser, and whatever strict parses
    /// lax parses identically.
    @Test func mutationsNeverCrash() {
        var rng = SplitMix64(seed: 0x5eed)
        let good = Self.seq(Self.int([0] + Self.r) + Self.int(Self.s))
        for _ in 0..<3000 {
            var der = good
            let edits = Int(rng.next() % 4) + 1
            for _ in 0..<edits {
                switch rng.next() % 4 {
                case 0 where !der.isEmpty: der[Int(rng.next() % UInt64(der.count))] = UInt8(truncatingIfNeeded: rng.next())
                case 1 where !der.isEmpty: der.remove(at: Int(rng.next() % UInt64(der.count)))
                case 2: der.insert(UInt8(truncatingIfNeeded: rng.next()), at: Int(rng.next() % UInt64(der.count + 1)))
                default: der = Array(der.prefix(Int(rng.next() % UInt64(der.count + 1))))
                }
            }
            let lax = Secp256k1.parseDERLaxToCompact(der)
            if let strict = Secp256k1.parseDERStrictToCompact(der) { #expect(lax == strict, "\(der.hex)") }
            _ = Secp256k1.isLowS(signatureDER: der)
            _ = verifies(der)
        }
    }
}

