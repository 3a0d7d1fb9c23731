import Testing
import Primitives
import Hashing
import Secp256k1

@Suite struct ECDSATests {
    static let n = Secp256k1.order

    /// n - x for a 32-byte big-endian x < n.
    static func negateModN(_ x: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var borrow = 0
        for i in (0..<32).reversed() {
            var d = Int(n[i]) - Int(x[i]) - borrow
            borrow = d < 0 ? 1 : 0
            if d < 0 { d += 256 }
            out[i] = UInt8(d)
        }
        return out
    }

    // RFC6979 (HMAC-SHA256) nonces with low-S normalisation, as Bitcoin Core signs. The expected
    // values are the widely used Trezor/python-ecdsa vectors, re-derived with an independent
    // pure-Python RFC6979 + ECDSA implementation.
    @Test(arguments: [
        ("0000000000000000000000000000000000000000000000000000000000000001", "Satoshi Nakamoto",
         "934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d82442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5"),
        ("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140", "Satoshi Nakamoto",
         "fd567d121db66e382991534ada77a6bd3106f0a1098c231e47993447cd6af2d06b39cd0eb1bc8603e159ef5c20a5c8ad685a45b06ce9bebed3f153d10d93bed5"),
        ("f8b8af8ce3c7cca5e300d33939540c10d45ce001b8f252bfbc57ba0342904181", "Alan Turing",
         "7063ae83e7f62bbb171798131b4a0564b956930092b33b07b395615d9ec7e15c58dfcc1e00a35e1572f366ffe34ba0fc47db1e7189759b9fb233c5b05ab388ea"),
    ])
    func rfc6979(key: String, text: String, expected: String) throws {
        let sk = try #require([UInt8](hex: key))
        let msg = SHA256Hash.hash(Array(text.utf8))
        let compact = Secp256k1.signECDSACompact(message: msg, privateKey: sk)
        #expect(compact?.hex == expected)
        // Determinism, and DER/compact agreement.
        #expect(Secp256k1.signECDSACompact(message: msg, privateKey: sk) == compact)
        let der = try #require(Secp256k1.signECDSA(message: msg, privateKey: sk))
        #expect(Secp256k1.isStrictDEREncoding(der))
        #expect(Secp256k1.parseDERStrictToCompact(der) == compact)
        #expect(Secp256k1.parseDERLaxToCompact(der) == compact)
        #expect(compact.flatMap(Secp256k1.derFromCompact) == der)
        // The recoverable signature is the same (R, S).
        let rec = try #require(Secp256k1.signRecoverable(message: msg, privateKey: sk))
        #expect(rec.signature64 == compact)
    }

    @Test func signVerifyRecoverRoundTrips() throws {
        for seed in 1...24 {
            let sk = SHA256Hash.hash([UInt8(seed)]).bytes
            let msg = SHA256Hash.hash([UInt8(seed), 0xaa])
            let pubC = try #require(Secp256k1.publicKey(privateKey: sk, compressed: true))
            let pubU = try #require(Secp256k1.publicKey(privateKey: sk, compressed: false))
            #expect(pubC.count == 33 && pubU.count == 65 && pubU[0] == 4)
            #expect(Secp256k1.normalizePublicKey(pubC, compressed: false) == pubU)
            #expect(Secp256k1.normalizePublicKey(pubU, compressed: true) == pubC)

            let der = try #require(Secp256k1.signECDSA(message: msg, privateKey: sk))
            #expect(Secp256k1.verifyECDSA(signatureDER: der, publicKey: pubC, message: msg))
            #expect(Secp256k1.verifyECDSA(signatureDER: der, publicKey: pubU, message: msg))
            #expect(Secp256k1.isLowS(signatureDER: der))
            let otherMsg = SHA256Hash.hash([UInt8(seed), 0xbb])
            #expect(!Secp256k1.verifyECDSA(signatureDER: der, publicKey: pubC, message: otherMsg))

            let rec = try #require(Secp256k1.signRecoverable(message: msg, privateKey: sk))
            #expect((0...3).contains(rec.recoveryID))
            #expect(Secp256k1.recoverPublicKey(signature64: rec.signature64, recoveryID: rec.recoveryID, message: msg) == pubU)
            #expect(Secp256k1.recoverPublicKey(
                signature64: rec.signature64, recoveryID: rec.recoveryID, message: msg, compressed: true) == pubC)
            // A wrong recovery id gives a different key or none.
            let wrong = Secp256k1.recoverPublicKey(signature64: rec.signature64, recoveryID: rec.recoveryID ^ 1, message: msg)
            #expect(wrong != pubU)
            #expect(Secp256k1.verifyECDSA(compactSignature: rec.signature64, publicKey: pubC, message: msg))
        }
    }

    @Test func recoverRejectsBadInput() {
        let msg = SHA256Hash.hash([1])
        let zero = [UInt8](repeating: 0, count: 64)
        #expect(Secp256k1.recoverPublicKey(signature64: zero, recoveryID: 0, message: msg) == nil)
        #expect(Secp256k1.recoverPublicKey(signature64: [1, 2, 3], recoveryID: 0, message: msg) == nil)
        var ok = [UInt8](repeating: 0, count: 64)
        ok[31] = 1
        ok[63] = 1
        #expect(Secp256k1.recoverPublicKey(signature64: ok, recoveryID: 4, message: msg) == nil)
        #expect(Secp256k1.recoverPublicKey(signature64: ok, recoveryID: -1, message: msg) == nil)
        // R = n overflows.
        #expect(Secp256k1.recoverPublicKey(signature64: Self.n + Array(ok[32...]), recoveryID: 0, message: msg) == nil)
    }

    @Test func lowSDetectionAndNormalisation() throws {
        let sk = SHA256Hash.hash(Array("low-s".utf8)).bytes
        let msg = SHA256Hash.hash(Array("message".utf8))
        let pub = try #require(Secp256k1.publicKey(privateKey: sk))
        let low = try #require(Secp256k1.signECDSACompact(message: msg, privateKey: sk))
        let high = Array(low[0..<32]) + Self.negateModN(Array(low[32...]))
        #expect(Secp256k1.isLowS(compactSignature: low))
        #expect(!Secp256k1.isLowS(compactSignature: high))
        #expect(Secp256k1.normalizeS(compactSignature: high) == low)
        #expect(Secp256k1.normalizeS(compactSignature: low) == low)
        // libsecp256k1 rejects high S; Core's verify normalises first and accepts it.
        #expect(!Secp256k1.verifyECDSA(compactSignature: high, publicKey: pub, message: msg))
        let highDER = try #require(Secp256k1.derFromCompact(high))
        #expect(!Secp256k1.isLowS(signatureDER: highDER))
        #expect(Secp256k1.verifyECDSA(signatureDER: highDER, publicKey: pub, message: msg))
        #expect(!Secp256k1.isLowS(signatureDER: [0x30, 0x00]))  // unparseable → not low-S
        // S = n/2 is the largest low S; n/2 + 1 is high.
        let halfN = [UInt8](hex: "7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0")!
        var halfPlus = halfN
        halfPlus[31] += 1
        #expect(Secp256k1.isLowS(compactSignature: Array(low[0..<32]) + halfN))
        #expect(!Secp256k1.isLowS(compactSignature: Array(low[0..<32]) + halfPlus))
    }

    @Test func keyValidityAndTweaks() throws {
        #expect(!Secp256k1.isValidPrivateKey([UInt8](repeating: 0, count: 32)))
        #expect(!Secp256k1.isValidPrivateKey(Self.n))
        #expect(Secp256k1.isValidPrivateKey(Self.negateModN([UInt8](repeating: 0, count: 31) + [1])))
        #expect(Secp256k1.publicKey(privateKey: Self.n) == nil)
        // (k + t)·G == k·G + t·G.
        let k = SHA256Hash.hash([9]).bytes, t = SHA256Hash.hash([10]).bytes
        let kt = try #require(Secp256k1.privateKeyTweakAdd(k, tweak: t))
        let pk = try #require(Secp256k1.publicKey(privateKey: k))
        #expect(Secp256k1.publicKeyTweakAdd(pk, tweak: t) == Secp256k1.publicKey(privateKey: kt))
        #expect(Secp256k1.publicKeyTweakAdd(pk, tweak: t, compressed: false)
            == Secp256k1.publicKey(privateKey: kt, compressed: false))
        // k + (n - k) = 0 is rejected; a tweak ≥ n is rejected.
        #expect(Secp256k1.privateKeyTweakAdd(k, tweak: Self.negateModN(k)) == nil)
        #expect(Secp256k1.privateKeyTweakAdd(k, tweak: Self.n) == nil)
        #expect(Secp256k1.publicKeyTweakAdd(pk, tweak: Self.n) == nil)
        #expect(Secp256k1.privateKeyNegate(k) == Self.negateModN(k))
        // Taproot: the tweaked secret key's x-only key is the output key.
        let merkle = SHA256Hash.hash([11])
        for root in [nil, merkle] {
            let xpk = try #require(Secp256k1.xOnlyPublicKey(privateKey: k))
            let out = try #require(Secp256k1.taprootOutputKey(internalKeyX: xpk.x, merkleRoot: root))
            let tsk = try #require(Secp256k1.taprootTweakPrivateKey(k, merkleRoot: root))
            #expect(Secp256k1.xOnlyPublicKey(privateKey: tsk)?.x == out.outputKeyX)
            #expect(Secp256k1.xOnlyPublicKey(privateKey: tsk)?.parity == out.parity)
            let tweak = Secp256k1.taprootTweak(internalKeyX: xpk.x, merkleRoot: root)
            #expect(Secp256k1.checkTapTweak(internalKeyX: xpk.x, tweak: tweak, outputKeyX: out.outputKeyX, parity: out.parity))
            #expect(!Secp256k1.checkTapTweak(internalKeyX: xpk.x, tweak: tweak, outputKeyX: out.outputKeyX, parity: !out.parity))
            let msg = SHA256Hash.hash([12])
            let sig = try #require(Secp256k1.signSchnorr(message: msg, privateKey: tsk, auxRandom: nil))
            #expect(Secp256k1.verifySchnorr(signature: sig, message: msg.bytes, publicKeyX: out.outputKeyX))
        }
        #expect(Secp256k1.taprootOutputKey(internalKeyX: [UInt8](repeating: 0xff, count: 32), merkleRoot: nil) == nil)
    }
}

@Suite struct PublicKeyEncodingTests {
    /// Core's size rule and libsecp256k1's parser: compressed, uncompressed and hybrid (0x06/0x07
    /// with the Y parity in the prefix) keys all verify; malformed ones never do.
    @Test func encodings() throws {
        let sk = SHA256Hash.hash(Array("keys".utf8)).bytes
        let msg = SHA256Hash.hash(Array("msg".utf8))
        let der = try #require(Secp256k1.signECDSA(message: msg, privateKey: sk))
        let comp = try #require(Secp256k1.publicKey(privateKey: sk, compressed: true))
        let uncomp = try #require(Secp256k1.publicKey(privateKey: sk, compressed: false))
        let hybrid = [6 | (uncomp[64] & 1)] + uncomp.dropFirst()
        let wrongHybrid = [7 ^ (uncomp[64] & 1)] + uncomp.dropFirst()
        for key in [comp, uncomp, hybrid] {
            #expect(Secp256k1.hasValidPublicKeySize(key))
            #expect(Secp256k1.verifyECDSA(signatureDER: der, publicKey: key, message: msg), "\(key.hex)")
        }
        #expect(!Secp256k1.verifyECDSA(signatureDER: der, publicKey: wrongHybrid, message: msg))
        #expect(!Secp256k1.hasValidPublicKeySize([]))
        #expect(!Secp256k1.hasValidPublicKeySize(Array(comp.dropLast())))
        #expect(!Secp256k1.hasValidPublicKeySize([4] + comp.dropFirst()))
        #expect(!Secp256k1.hasValidPublicKeySize([5] + uncomp.dropFirst()))
        var offCurve = comp
        offCurve[32] ^= 1
        if !Secp256k1.isValidPublicKey(offCurve) {
            #expect(!Secp256k1.verifyECDSA(signatureDER: der, publicKey: offCurve, message: msg))
        }
        #expect(!Secp256k1.isValidPublicKey([2] + [UInt8](repeating: 0, count: 31) + [7]))  // x = 7: not on the curve
    }
}
