import Testing
import TestSupport
import Primitives
import Hashing
import Secp256k1
import Bitcoin

@Suite struct Base58Tests {
    /// bitcoin/core/base58_encode_decode.json: 21 pairs, checked in both directions.
    @Test func coreVectors() throws {
        let rows = try #require(try VectorJSON.load("bitcoin/core/base58_encode_decode.json") as? [[String]])
        #expect(rows.count == 21)
        var passed = 0
        for row in rows {
            let bytes = try #require([UInt8](hex: row[0]))
            let enc = Base58.encode(bytes)
            let dec = Base58.decode(row[1], maxLength: 256)
            #expect(enc == row[1], "encode \(row[0])")
            #expect(dec == bytes, "decode \(row[1])")
            if enc == row[1] && dec == bytes { passed += 1 }
        }
        #expect(passed == 21)
    }

    @Test func invalidAndLimits() {
        #expect(Base58.decode("invalid", maxLength: 100) == nil)  // 'l' is not in the alphabet
        #expect(Base58.decode("0OIl", maxLength: 100) == nil)
        #expect(Base58.decode(" 2g", maxLength: 100) == nil)  // whitespace is not skipped
        #expect(Base58.decode("\u{0}2g", maxLength: 100) == nil)
        #expect(Base58.decode("2g", maxLength: 1) == [0x61])
        #expect(Base58.decode("2g", maxLength: 0) == nil)
        #expect(Base58.decode("111", maxLength: 3) == [0, 0, 0])
        #expect(Base58.decode("111", maxLength: 2) == nil)
        #expect(Base58.decode("", maxLength: 0) == [])
        // A huge input is refused without quadratic work.
        #expect(Base58.decode(String(repeating: "z", count: 1_000_000), maxLength: 100) == nil)
        // The exact boundary: 32 bytes of 0xff need 44 digits.
        let max32 = Base58.encode([UInt8](repeating: 0xff, count: 32))
        #expect(Base58.decode(max32, maxLength: 32) == [UInt8](repeating: 0xff, count: 32))
        #expect(Base58.decode(max32, maxLength: 31) == nil)
        // Base58Check.
        let payload: [UInt8] = [0, 1, 2, 3, 4, 5]
        let s = Base58.encodeCheck(payload)
        #expect(Base58.decodeCheck(s, maxPayloadLength: 6) == payload)
        #expect(Base58.decodeCheck(s, maxPayloadLength: 5) == nil)
        var chars = Array(s)
        chars[chars.count - 1] = chars[chars.count - 1] == "z" ? "y" : "z"
        #expect(Base58.decodeCheck(String(chars), maxPayloadLength: 6) == nil)
        #expect(Base58.decodeCheck("", maxPayloadLength: 6) == nil)
        #expect(Base58.decodeCheck("1111", maxPayloadLength: 6) == nil)  // four zero bytes: bad checksum
    }

    @Test func randomRoundTrips() {
        var rng = SplitMix64(seed: 58)
        for _ in 0..<500 {
            let n = Int(rng.next() % 40)
            let zeros = Int(rng.next() % 4)
            let bytes = [UInt8](repeating: 0, count: zeros) + (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            #expect(Base58.decode(Base58.encode(bytes), maxLength: bytes.count) == bytes)
            #expect(Base58.decodeCheck(Base58.encodeCheck(bytes), maxPayloadLength: bytes.count) == bytes)
        }
    }
}

@Suite struct KeyIOTests {
    static func network(_ chain: String) throws -> AddressNetwork {
        switch chain {
        case "main": return .main
        case "test", "testnet", "testnet4": return .testnet
        case "signet": return .signet
        case "regtest": return .regtest
        default: throw VectorFormatError("unknown chain \(chain)")
        }
    }

    static func flipCase(_ s: String) -> String {
        String(s.map { c in
            if c.isLowercase { return Character(c.uppercased()) }
            if c.isUppercase { return Character(c.lowercased()) }
            return c
        })
    }

    /// bitcoin/core/key_io_valid.json, as Core's key_io_tests `key_io_valid_parse` and `_gen`.
    @Test func coreValid() throws {
        let rows = try #require(try VectorJSON.load("bitcoin/core/key_io_valid.json") as? [[Any]])
        #expect(rows.count == 70)
        var passed = 0, privkeys = 0
        for row in rows {
            guard row.count == 3, let str = row[0] as? String, let hex = row[1] as? String,
                  let meta = row[2] as? [String: Any], let chain = meta["chain"] as? String,
                  let isPrivkey = meta["isPrivkey"] as? Bool, let expected = [UInt8](hex: hex)
            else { throw VectorFormatError("bad row \(row)") }
            let net = try Self.network(chain)
            var ok = true
            func check(_ cond: Bool, _ what: String) {
                #expect(cond, "\(str) on \(chain): \(what)")
                ok = ok && cond
            }
            if isPrivkey {
                privkeys += 1
                let compressed = meta["isCompressed"] as? Bool ?? false
                let wif = WIF.decode(str, network: net)
                check(wif?.privateKey == expected, "private key")
                check(wif?.compressed == compressed, "compressed flag")
                check(wif?.encode(network: net) == str, "re-encode")
                check(Address.decode(str, network: net) == nil, "must not parse as an address")
            } else {
                let addr = Address.decode(str, network: net)
                check(addr?.scriptPubKey == expected, "scriptPubKey")
                check(WIF.decode(str, network: net) == nil, "must not parse as a private key")
                // Generation: scriptPubKey → address → the same string (Core emits lower case).
                let gen = Address(scriptPubKey: expected)
                check(Address.encode(scriptPubKey: expected, network: net) == gen?.encode(network: net), "encode(scriptPubKey:)")
                check(gen?.encode(network: net) == str.lowercased() || gen?.encode(network: net) == str, "re-encode")
                let tryCaseFlip = meta["tryCaseFlip"] as? Bool ?? false
                let flipped = Address.decode(Self.flipCase(str), network: net)
                check((flipped != nil) == tryCaseFlip, "case-flipped validity")
                if let flipped { check(flipped.scriptPubKey == expected, "case-flipped scriptPubKey") }
            }
            if ok { passed += 1 }
        }
        #expect(privkeys == 16)
        #expect(passed == 70)
    }

    /// bitcoin/core/key_io_invalid.json: no string decodes on any chain, as address or private key.
    @Test func coreInvalid() throws {
        let rows = try #require(try VectorJSON.load("bitcoin/core/key_io_invalid.json") as? [[String]])
        #expect(rows.count == 70)
        var passed = 0
        for row in rows {
            let str = try #require(row.first)
            var ok = true
            for net in AddressNetwork.all {
                let addr = Address.decode(str, network: net), wif = WIF.decode(str, network: net)
                #expect(addr == nil, "\(str) parsed as an address on \(net)")
                #expect(wif == nil, "\(str) parsed as a private key on \(net)")
                ok = ok && addr == nil && wif == nil
            }
            if ok { passed += 1 }
        }
        #expect(passed == 70)
    }

    @Test func networksAreKeptApart() throws {
        let a = Address.p2pkh(hash160([2] + [UInt8](repeating: 1, count: 32)))
        let main = a.encode(network: .main)
        #expect(main.hasPrefix("1"))
        #expect(Address.decode(main, network: .testnet) == nil)
        let w = Address.p2wpkh(Bytes20([UInt8](repeating: 7, count: 20)))
        #expect(w.encode(network: .regtest).hasPrefix("bcrt1q"))
        #expect(Address.decode(w.encode(network: .regtest), network: .testnet) == nil)
        #expect(Address.decode(w.encode(network: .testnet), network: .signet) == w)
        let k = try #require(WIF(privateKey: [UInt8](repeating: 3, count: 32), compressed: true))
        #expect(WIF.decode(k.encode(network: .main), network: .testnet) == nil)
        #expect(WIF(privateKey: [UInt8](repeating: 0, count: 32), compressed: true) == nil)
        #expect(WIF(privateKey: Secp256k1.order, compressed: false) == nil)
    }

    @Test func scriptPubKeyRecognition() {
        #expect(Address(scriptPubKey: []) == nil)
        #expect(Address(scriptPubKey: [0x6a, 0x04, 1, 2, 3, 4]) == nil)  // OP_RETURN
        #expect(Address(scriptPubKey: [0x00, 0x03, 1, 2, 3]) == nil)  // v0 needs 20 or 32 bytes
        #expect(Address(scriptPubKey: [0x51, 0x02, 1, 2]) != nil)  // v1, 2 bytes: a valid future program
        #expect(Address(scriptPubKey: [0x51, 0x01, 1]) == nil)
        #expect(Address(scriptPubKey: [0x60, 0x28] + [UInt8](repeating: 9, count: 40)) != nil)
        #expect(Address(scriptPubKey: [0x60, 0x29] + [UInt8](repeating: 9, count: 41)) == nil)
        #expect(Address(scriptPubKey: [0x4f, 0x02, 1, 2]) == nil)  // OP_1NEGATE is not a version
    }
}
