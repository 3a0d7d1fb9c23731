import Hashing
import Primitives
import Secp256k1
import Testing

@Suite struct RecoveryTests {
    static let key = [UInt8](hex: "45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8") ?? []

    @Test func signThenRecover() throws {
        let expected = try #require(Secp256k1.publicKey(privateKey: Self.key, compressed: false))
        for i in 0..<20 {
            let msg = Keccak256.hash([UInt8(i)])
            let (sig, recid) = try #require(Secp256k1.signRecoverable(message: msg, privateKey: Self.key))
            #expect(sig.count == 64 && (0...1).contains(recid))
            #expect(
                Secp256k1.recoverPublicKey(signature64: sig, recoveryID: recid, message: msg) == expected)
            // The other parity recovers a different key (or none).
            #expect(
                Secp256k1.recoverPublicKey(signature64: sig, recoveryID: recid ^ 1, message: msg)
                    != expected)
        }
    }

    @Test func rejectsMalformedInput() throws {
        let msg = Keccak256.hash([1])
        let (sig, recid) = try #require(Secp256k1.signRecoverable(message: msg, privateKey: Self.key))
        #expect(
            Secp256k1.recoverPublicKey(signature64: Array(sig.prefix(63)), recoveryID: recid, message: msg)
                == nil)
        #expect(Secp256k1.recoverPublicKey(signature64: sig, recoveryID: 4, message: msg) == nil)
        #expect(Secp256k1.recoverPublicKey(signature64: sig, recoveryID: -1, message: msg) == nil)
        let zeroR = [UInt8](repeating: 0, count: 32) + sig[32...]
        #expect(Secp256k1.recoverPublicKey(signature64: zeroR, recoveryID: recid, message: msg) == nil)
        let bigS = Array(sig[..<32]) + Secp256k1.order  // s = n overflows
        #expect(Secp256k1.recoverPublicKey(signature64: bigS, recoveryID: recid, message: msg) == nil)
        #expect(Secp256k1.signRecoverable(message: msg, privateKey: [UInt8](repeating: 0, count: 32)) == nil)
    }
}
