import Testing
import TestSupport
import Primitives
import Bitcoin

/// Fuzz-style checks: random and mutated strings never crash the decoders, and whatever decodes
/// re-encodes to the same string (Base58 is canonical; segwit addresses re-encode in lower case).
@Suite struct DecoderFuzzTests {
    static let base58Chars = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz")
    static let bech32Chars = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l")
    static let seeds = [
        "1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo", "36j4NfKv6Akva9amjWrLG6MuSQym1GuEmm",
        "5JuW2AMDYu4xVwRG9DZWGiD9ebYiRnjvZtjR2vZAY8R4V9oN4ez", "L5nJeqKmpHp4P7F8ZYyjhUuW9BSxgvjSYtzuJX58Pt3oL3xkKNJA",
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", "bcrt1qdavt4j2sd7dlhqtw8wgfjy6nxcz3zqzm3xr3tx",
        "xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W1EGMcet8",
        "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi",
    ]

    static func randomString(_ rng: inout SplitMix64) -> String {
        let len = Int(rng.next() % 120)
        switch rng.next() % 5 {
        case 0: return String((0..<len).map { _ in base58Chars[Int(rng.next() % UInt64(base58Chars.count))] })
        case 1:
            let hrp = ["bc", "tb", "bcrt", "BC", "x", ""][Int(rng.next() % 6)]
            return hrp + "1" + String((0..<len).map { _ in bech32Chars[Int(rng.next() % UInt64(bech32Chars.count))] })
        case 2:  // arbitrary bytes, including invalid UTF-8 (repaired) and controls
            return String(decoding: (0..<len).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, as: UTF8.self)
        case 3:  // arbitrary Unicode scalars
            return String(String.UnicodeScalarView((0..<len).compactMap { _ in Unicode.Scalar(UInt32(rng.next() % 0x11_0000)) }))
        default:  // a mutated valid string
            var chars = Array(seeds[Int(rng.next() % UInt64(seeds.count))])
            for _ in 0..<(Int(rng.next() % 3) + 1) where !chars.isEmpty {
                let i = Int(rng.next() % UInt64(chars.count))
                switch rng.next() % 3 {
                case 0: chars[i] = base58Chars[Int(rng.next() % UInt64(base58Chars.count))]
                case 1: chars.remove(at: i)
                default: chars.insert(bech32Chars[Int(rng.next() % UInt64(bech32Chars.count))], at: i)
                }
            }
            return String(chars)
        }
    }

    @Test func decodersNeverCrash() {
        var rng = SplitMix64(seed: 0xfeed_beef)
        for _ in 0..<4000 {
            let s = Self.randomString(&rng)
            if let b = Base58.decode(s, maxLength: 128) {
                #expect(Base58.encode(b) == s)
            }
            if let b = Base58.decodeCheck(s, maxPayloadLength: 128) {
                #expect(Base58.encodeCheck(b) == s)
            }
            if let d = Bech32.decode(s) {
                #expect(Bech32.encode(hrp: d.hrp, data: d.data, variant: d.variant) == s.lowercased())
            }
            for net in AddressNetwork.all {
                if let a = Address.decode(s, network: net) {
                    #expect(a.encode(network: net) == s || a.encode(network: net) == s.lowercased(), "\(s)")
                    #expect(Address(scriptPubKey: a.scriptPubKey) == a)
                }
                if let w = WIF.decode(s, network: net) { #expect(w.encode(network: net) == s) }
                if let k = try? HDKey.decode(s, network: net) { #expect(k.encode(network: net) == s) }
            }
        }
        // The seeds themselves decode, so the mutation branch is exercising real parsers.
        #expect(Address.decode(Self.seeds[0], network: .main) != nil)
    }

    @Test func hdKeyBytesNeverCrash() {
        var rng = SplitMix64(seed: 32)
        let valid = (try? HDKey.decode(Self.seeds[9], network: .main))?.serializedBytes(network: .main) ?? []
        #expect(valid.count == 78)
        for _ in 0..<3000 {
            var b = valid
            for _ in 0..<(Int(rng.next() % 4) + 1) {
                b[Int(rng.next() % 78)] = UInt8(truncatingIfNeeded: rng.next())
            }
            if rng.next() % 8 == 0 { b = Array(b.prefix(Int(rng.next() % 80))) }
            if let k = try? HDKey.decode(bytes: b, network: .main) {
                #expect(k.serializedBytes(network: .main) == b)
            }
        }
    }
}
