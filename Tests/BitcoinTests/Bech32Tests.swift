import Testing
import Primitives
import Bitcoin

/// BIP173 / BIP350 vectors (bitcoin/bips/bip173.json, bip350.json). We follow BIP350: witness
/// v1+ must use bech32m, so BIP173's three v1+ addresses with a bech32 checksum are invalid.
@Suite struct Bech32Tests {
    static func networkFor(_ address: String) -> AddressNetwork? {
        let lower = address.lowercased()
        for net in AddressNetwork.all where lower.hasPrefix(net.bech32HRP + "1") { return net }
        return nil
    }

    func checkValidStrings(_ strings: [String], variant: Bech32.Variant) -> Int {
        var passed = 0
        for s in strings {
            let d = Bech32.decode(s)
            #expect(d?.variant == variant, "\(s)")
            guard let d else { continue }
            let again = Bech32.encode(hrp: d.hrp, data: d.data, variant: variant)
            #expect(again == s.lowercased(), "\(s) re-encodes")
            // Any single-character change breaks the checksum (bech32 detects up to 4 errors).
            var chars = Array(s.lowercased())
            if let last = chars.indices.last {
                chars[last] = chars[last] == "q" ? "p" : "q"
                #expect(Bech32.decode(String(chars)) == nil, "\(s) with a changed last character")
            }
            if d.variant == variant && again == s.lowercased() { passed += 1 }
        }
        return passed
    }

    func checkInvalidStrings(_ cases: [[String: Any]], variant: Bech32.Variant) throws -> Int {
        var passed = 0
        for c in cases {
            let s = try #require(c["string"] as? String)
            let d = Bech32.decode(s)
            #expect(d == nil, "\(c["reason"] ?? ""): \(s.unicodeScalars.map { String($0.value, radix: 16) })")
            if d == nil { passed += 1 }
        }
        return passed
    }

    func checkValidAddresses(_ cases: [[String: Any]]) throws -> (valid: Int, rejectedV1Bech32: Int) {
        var valid = 0, rejected = 0
        for c in cases {
            let address = try #require(c["address"] as? String)
            let script = try #require((c["scriptPubKey"] as? String).flatMap { [UInt8](hex: $0) })
            let net = try #require(Self.networkFor(address), "no network for \(address)")
            let decoded = Address.decode(address, network: net)
            if c["note"] != nil {
                // BIP173-only: v1+ with a bech32 checksum. Invalid under BIP350 on every network.
                for n in AddressNetwork.all { #expect(Address.decode(address, network: n) == nil, "\(address)") }
                #expect(Bech32.decode(address)?.variant == .bech32, "\(address) is still a valid bech32 string")
                if decoded == nil { rejected += 1 }
                continue
            }
            #expect(decoded?.scriptPubKey == script, "\(address)")
            #expect(decoded?.encode(network: net) == address.lowercased(), "\(address) re-encodes")
            #expect(Address(scriptPubKey: script) == decoded, "\(address) from its scriptPubKey")
            if decoded?.scriptPubKey == script && decoded?.encode(network: net) == address.lowercased() { valid += 1 }
        }
        return (valid, rejected)
    }

    func checkInvalidAddresses(_ cases: [[String: Any]]) throws -> Int {
        var passed = 0
        for c in cases {
            let address = try #require(c["address"] as? String)
            var ok = true
            for n in AddressNetwork.all {
                let d = Address.decode(address, network: n)
                #expect(d == nil, "\(address) (\(c["reason"] ?? "")) accepted on \(n)")
                ok = ok && d == nil
            }
            if ok { passed += 1 }
        }
        return passed
    }

    @Test func bip173() throws {
        let j = try #require(try VectorJSON.load("bitcoin/bips/bip173.json") as? [String: Any])
        let validStrings = try #require(j["valid_bech32"] as? [String])
        let invalidStrings = try #require(j["invalid_bech32"] as? [[String: Any]])
        let validAddrs = try #require(j["valid_addresses"] as? [[String: Any]])
        let invalidAddrs = try #require(j["invalid_addresses"] as? [[String: Any]])
        #expect(validStrings.count == 7 && invalidStrings.count == 12 && validAddrs.count == 6 && invalidAddrs.count == 10)
        #expect(checkValidStrings(validStrings, variant: .bech32) == 7)
        #expect(try checkInvalidStrings(invalidStrings, variant: .bech32) == 12)
        let (valid, rejected) = try checkValidAddresses(validAddrs)
        #expect(valid == 3)
        #expect(rejected == 3)  // the three v1+ bech32 addresses, invalid under BIP350
        #expect(try checkInvalidAddresses(invalidAddrs) == 10)
    }

    @Test func bip350() throws {
        let j = try #require(try VectorJSON.load("bitcoin/bips/bip350.json") as? [String: Any])
        let validStrings = try #require(j["valid_bech32m"] as? [String])
        let invalidStrings = try #require(j["invalid_bech32m"] as? [[String: Any]])
        let validAddrs = try #require(j["valid_addresses"] as? [[String: Any]])
        let invalidAddrs = try #require(j["invalid_addresses"] as? [[String: Any]])
        #expect(validStrings.count == 7 && invalidStrings.count == 14 && validAddrs.count == 8 && invalidAddrs.count == 15)
        #expect(checkValidStrings(validStrings, variant: .bech32m) == 7)
        #expect(try checkInvalidStrings(invalidStrings, variant: .bech32m) == 14)
        let (valid, rejected) = try checkValidAddresses(validAddrs)
        #expect(valid == 8 && rejected == 0)
        #expect(try checkInvalidAddresses(invalidAddrs) == 15)
    }

    @Test func lengthAndCaseRules() {
        let data = [UInt8](repeating: 0, count: 81)
        #expect(Bech32.encode(hrp: "a", data: data, variant: .bech32)?.count == 89)
        #expect(Bech32.encode(hrp: "ab", data: data, variant: .bech32)?.count == 90)
        #expect(Bech32.encode(hrp: "abc", data: data, variant: .bech32) == nil)  // 91 > 90
        #expect(Bech32.encode(hrp: "", data: [], variant: .bech32) == nil)
        #expect(Bech32.encode(hrp: "a", data: [32], variant: .bech32) == nil)
        let s = Bech32.encode(hrp: "abc", data: Array(0..<32), variant: .bech32m)!
        #expect(Bech32.decode(s)?.data == Array(0..<32))
        #expect(Bech32.decode(s.uppercased())?.hrp == "abc")
        #expect(Bech32.decode("A" + s.dropFirst()) == nil)  // mixed case
        #expect(Bech32.convertBits([0xff], from: 8, to: 5, pad: true) == [31, 28])
        #expect(Bech32.convertBits([31, 28], from: 5, to: 8, pad: false) == [0xff])
        #expect(Bech32.convertBits([31, 29], from: 5, to: 8, pad: false) == nil)  // non-zero padding
        #expect(Bech32.convertBits([32], from: 5, to: 8, pad: false) == nil)
    }
}
