import Testing
import Primitives
import Hashing
import Secp256k1
import Bitcoin

/// BIP32 vectors (bitcoin/bips/bip32.json): 17 chains from 4 seeds, and 16 invalid keys.
@Suite struct HDKeyTests {
    struct Chain: Sendable, CustomStringConvertible {
        let vector: Int
        let seed: [UInt8]
        let path: String
        let xpub: String
        let xprv: String
        var description: String { "vector \(vector) \(path)" }
    }

    static func load() throws -> (chains: [Chain], invalid: [(key: String, reason: String)]) {
        guard let j = try VectorJSON.load("bitcoin/bips/bip32.json") as? [String: Any],
              let valid = j["valid"] as? [[String: Any]], let invalid = j["invalid"] as? [[String: String]]
        else { throw VectorFormatError("bip32.json layout") }
        var chains: [Chain] = []
        for v in valid {
            guard let n = v["vector"] as? Int, let seedHex = v["seed"] as? String, let seed = [UInt8](hex: seedHex),
                  let cs = v["chains"] as? [[String: String]] else { throw VectorFormatError("bip32 vector") }
            for c in cs {
                guard let path = c["path"], let xpub = c["xpub"], let xprv = c["xprv"] else {
                    throw VectorFormatError("bip32 chain")
                }
                chains.append(Chain(vector: n, seed: seed, path: path, xpub: xpub, xprv: xprv))
            }
        }
        let bad = try invalid.map { d throws -> (String, String) in
            guard let k = d["key"], let r = d["reason"] else { throw VectorFormatError("bip32 invalid") }
            return (k, r)
        }
        return (chains, bad)
    }

    @Test func validChains() throws {
        let (chains, _) = try Self.load()
        #expect(chains.count == 17)
        var xprvOK = 0, xpubOK = 0
        for c in chains {
            let master = try #require(HDKey(seed: c.seed))
            let key = try #require(master.derive(path: c.path), "\(c)")
            let prv = key.encode(network: .main)
            let pub = key.neutered().encode(network: .main)
            #expect(prv == c.xprv, "\(c) xprv")
            #expect(pub == c.xpub, "\(c) xpub")
            // Parsing gives the same key back, and re-serializes identically.
            let parsedPrv = try HDKey.decode(c.xprv, network: .main)
            let parsedPub = try HDKey.decode(c.xpub, network: .main)
            #expect(parsedPrv == key, "\(c) parsed xprv")
            #expect(parsedPub == key.neutered(), "\(c) parsed xpub")
            #expect(parsedPub.encode(network: .main) == c.xpub)
            // Not valid on the test networks (different version bytes).
            #expect(throws: HDKeyError.self) { try HDKey.decode(c.xprv, network: .testnet) }
            if prv == c.xprv && parsedPrv == key { xprvOK += 1 }
            if pub == c.xpub && parsedPub == key.neutered() { xpubOK += 1 }
        }
        #expect(xprvOK == 17)
        #expect(xpubOK == 17)
    }

    /// Public-only derivation (CKDpub) agrees with neutering the private child, wherever the
    /// step is non-hardened; hardened steps from a public key fail.
    @Test func publicDerivationMatches() throws {
        let (chains, _) = try Self.load()
        var checked = 0
        for c in chains {
            guard let indices = HDKey.parsePath(c.path), let last = indices.last else { continue }
            let parentPath = c.path.split(separator: "/").dropLast().joined(separator: "/")
            let parent = try #require(HDKey(seed: c.seed)?.derive(path: parentPath))
            let viaPublic = parent.neutered().derive(last)
            if last & HDKey.hardenedBit == 0 {
                #expect(viaPublic?.encode(network: .main) == c.xpub, "\(c)")
                checked += 1
            } else {
                #expect(viaPublic == nil, "\(c): hardened from public")
            }
            let child = try #require(parent.derive(last))
            #expect(child.parentFingerprint == parent.computeFingerprint())
            #expect(child.childNumber == last)
            #expect(child.depth == parent.depth + 1)
        }
        #expect(checked > 0)
    }

    static func expectedError(_ reason: String) -> HDKeyError? {
        switch reason {
        case "pubkey version / prvkey mismatch": return .publicVersionWithPrivateKey
        case "prvkey version / pubkey mismatch": return .privateVersionWithPublicKey
        case "invalid pubkey prefix 04": return .invalidPublicKeyPrefix(4)
        case "invalid prvkey prefix 04": return .invalidPrivateKeyPrefix(4)
        case "invalid pubkey prefix 01": return .invalidPublicKeyPrefix(1)
        case "invalid prvkey prefix 01": return .invalidPrivateKeyPrefix(1)
        case "zero depth with non-zero parent fingerprint": return .zeroDepthWithParentFingerprint
        case "zero depth with non-zero index": return .zeroDepthWithChildNumber
        case "private key 0 not in 1..n-1", "private key n not in 1..n-1": return .privateKeyOutOfRange
        case "invalid checksum": return .invalidChecksum
        default:
            if reason.hasPrefix("invalid pubkey 0") { return .invalidPublicKey }
            return nil
        }
    }

    /// Vector 5: each key is rejected, for the reason the BIP gives.
    @Test func invalidKeys() throws {
        let (_, invalid) = try Self.load()
        #expect(invalid.count == 16)
        var passed = 0
        for (key, reason) in invalid {
            var got: HDKeyError?
            do {
                _ = try HDKey.decode(key, network: .main)
            } catch {
                got = error
            }
            if reason == "unknown extended key version" {
                if case .unknownVersion = got { passed += 1 } else { Issue.record("\(reason): got \(String(describing: got))") }
                continue
            }
            let expected = try #require(Self.expectedError(reason), "unmapped reason \(reason)")
            #expect(got == expected, "\(reason): got \(String(describing: got))")
            if got == expected { passed += 1 }
            // Rejected on every network.
            for n in AddressNetwork.all { #expect(throws: HDKeyError.self) { try HDKey.decode(key, network: n) } }
        }
        #expect(passed == 16)
    }

    @Test func pathsAndSeeds() {
        #expect(HDKey.parsePath("m") == [])
        #expect(HDKey.parsePath("m/0H/1/2'/3h") == [0x8000_0000, 1, 0x8000_0002, 0x8000_0003])
        #expect(HDKey.parsePath("0/1") == [0, 1])
        #expect(HDKey.parsePath("m/2147483648") == nil)
        #expect(HDKey.parsePath("m//1") == nil)
        #expect(HDKey.parsePath("m/-1") == nil)
        #expect(HDKey.parsePath("m/1HH") == nil)
        #expect(HDKey.parsePath("m/+1") == nil)
        #expect(HDKey(seed: [UInt8](repeating: 1, count: 15)) == nil)
        #expect(HDKey(seed: [UInt8](repeating: 1, count: 65)) == nil)
        let tprv = HDKey(seed: [UInt8](repeating: 1, count: 16))!.encode(network: .testnet)
        #expect(tprv.hasPrefix("tprv"))
        #expect((try? HDKey.decode(tprv, network: .regtest)) != nil)
        #expect((try? HDKey.decode(tprv, network: .main)) == nil)
    }
}
