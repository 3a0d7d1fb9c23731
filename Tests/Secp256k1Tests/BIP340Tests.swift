import Testing
import Primitives
import Hashing
import Secp256k1
import TestSupport

/// BIP340 test vectors (bitcoin/bips:bip-0340/test-vectors.csv).
@Suite struct BIP340Tests {
    struct Vector: Sendable, CustomStringConvertible {
        let index: Int
        let secretKey: [UInt8]?
        let publicKey: [UInt8]
        let auxRand: [UInt8]?
        let message: [UInt8]
        let signature: [UInt8]
        let valid: Bool
        var description: String { "vector \(index)" }
    }

    static func load() throws -> [Vector] {
        let text = try TestData.text("bitcoin/bips/bip340-test-vectors.csv")
        var out: [Vector] = []
        for line in text.split(whereSeparator: \.isNewline).dropFirst() {
            let f = line.split(separator: ",", maxSplits: 7, omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 7, let index = Int(f[0]),
                  let pk = [UInt8](hex: f[2]), let msg = [UInt8](hex: f[4]), let sig = [UInt8](hex: f[5])
            else { throw TestDataError.notFound("malformed BIP340 row: \(line)") }
            out.append(Vector(
                index: index, secretKey: f[1].isEmpty ? nil : [UInt8](hex: f[1]), publicKey: pk,
                auxRand: f[3].isEmpty ? nil : [UInt8](hex: f[3]), message: msg, signature: sig,
                valid: f[6] == "TRUE"))
        }
        return out
    }

    @Test func allNineteenVectors() throws {
        let vectors = try Self.load()
        #expect(vectors.count == 19)
        var signed = 0, verified = 0
        for v in vectors {
            if let sk = v.secretKey {
                let xpk = Secp256k1.xOnlyPublicKey(privateKey: sk)
                #expect(xpk?.x == v.publicKey, "\(v): public key")
                let sig = Secp256k1.signSchnorr(message: v.message, privateKey: sk, auxRandom: v.auxRand)
                #expect(sig == v.signature, "\(v): signature \(sig?.hex ?? "nil")")
                if sig == v.signature { signed += 1 }
            }
            let ok = Secp256k1.verifySchnorr(signature: v.signature, message: v.message, publicKeyX: v.publicKey)
            #expect(ok == v.valid, "\(v): verification")
            if ok == v.valid { verified += 1 }
        }
        #expect(signed == vectors.filter { $0.secretKey != nil }.count)
        #expect(verified == 19)
    }

    @Test func signVerifyRoundTripAndTamper() {
        let sk = [UInt8](repeating: 0x42, count: 32)
        let msg = SHA256Hash.hash(Array("hemi".utf8))
        let aux = [UInt8](repeating: 7, count: 32)
        guard let sig = Secp256k1.signSchnorr(message: msg, privateKey: sk, auxRandom: aux),
              let pk = Secp256k1.xOnlyPublicKey(privateKey: sk) else {
            Issue.record("signing failed"); return
        }
        #expect(Secp256k1.verifySchnorr(signature: sig, message: msg.bytes, publicKeyX: pk.x))
        var bad = sig
        bad[63] ^= 1
        #expect(!Secp256k1.verifySchnorr(signature: bad, message: msg.bytes, publicKeyX: pk.x))
        // Different aux randomness gives a different, equally valid signature.
        let sig2 = Secp256k1.signSchnorr(message: msg, privateKey: sk, auxRandom: [UInt8](repeating: 8, count: 32))
        #expect(sig2 != sig)
        #expect(sig2.map { Secp256k1.verifySchnorr(signature: $0, message: msg.bytes, publicKeyX: pk.x) } == true)
        // Invalid inputs are rejected, not trapped.
        #expect(Secp256k1.signSchnorr(message: msg, privateKey: [UInt8](repeating: 0, count: 32), auxRandom: aux) == nil)
        #expect(Secp256k1.signSchnorr(message: msg, privateKey: Secp256k1.order, auxRandom: aux) == nil)
        #expect(Secp256k1.signSchnorr(message: msg, privateKey: sk, auxRandom: [1, 2, 3]) == nil)
        #expect(!Secp256k1.isValidXOnlyPublicKey([UInt8](repeating: 0xff, count: 32)))
        #expect(Secp256k1.isValidXOnlyPublicKey(pk.x))
        // x-only from the full key: X, and the parity is the compressed prefix's low bit.
        let full = Secp256k1.publicKey(privateKey: sk, compressed: true)!
        let fromFull = Secp256k1.xOnlyPublicKey(publicKey: full)
        #expect(fromFull?.x == pk.x && fromFull?.x == Array(full[1...]))
        #expect(fromFull?.parity == (full[0] == 3) && pk.parity == (full[0] == 3))
        #expect(Secp256k1.xOnlyPublicKey(publicKey: [2] + [UInt8](repeating: 0, count: 31) + [7]) == nil)
    }
}
