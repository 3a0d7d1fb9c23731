import Crypto
import Foundation
import Precompiles
import Primitives
import Testing

/// P256VERIFY (EIP-7951): signatures made by swift-crypto's P-256 signer verify; every malformed
/// input returns empty output at the fixed price; only running out of gas fails.
@Suite struct P256VerifyTests {
    static func input(message: [UInt8], key: P256.Signing.PrivateKey) throws -> [UInt8] {
        let digest = SHA256.hash(data: message)
        let sig = try key.signature(for: digest)
        return Array(digest) + Array(sig.rawRepresentation) + Array(key.publicKey.rawRepresentation)
    }

    static let one = [UInt8](repeating: 0, count: 31) + [1]

    @Test func validSignaturesVerify() throws {
        for i in 0..<50 {
            let key = P256.Signing.PrivateKey()
            let input = try Self.input(message: Array("message \(i)".utf8), key: key)
            #expect(input.count == 160)
            #expect(P256Verify.run(input: input, gasLimit: 10_000) == .success(gasUsed: 6_900, output: Self.one))
        }
    }

    @Test func invalidInputsReturnEmptyAtTheFixedPrice() throws {
        let key = P256.Signing.PrivateKey()
        let good = try Self.input(message: Array("hemi".utf8), key: key)
        func expectEmpty(_ input: [UInt8], _ why: String) {
            #expect(P256Verify.run(input: input, gasLimit: 6_900) == .success(gasUsed: 6_900, output: []), "\(why)")
        }
        // Any single flipped bit of hash, r, s or the key.
        for byte in stride(from: 0, to: 160, by: 7) {
            var b = good
            b[byte] ^= 0x01
            expectEmpty(b, "bit flip at byte \(byte)")
        }
        expectEmpty(Array(good.dropLast()), "159 bytes")
        expectEmpty(good + [0], "161 bytes")
        expectEmpty([], "empty")
        // r = 0, s = 0, r = n (out of range), point at infinity (0, 0), x = p.
        var b = good
        for i in 32..<64 { b[i] = 0 }
        expectEmpty(b, "r = 0")
        b = good
        for i in 64..<96 { b[i] = 0 }
        expectEmpty(b, "s = 0")
        let n = [UInt8](hex: "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551")!
        b = good
        b.replaceSubrange(32..<64, with: n)
        expectEmpty(b, "r = n")
        b = good
        for i in 96..<160 { b[i] = 0 }
        expectEmpty(b, "infinity")
        let p = [UInt8](hex: "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff")!
        b = good
        b.replaceSubrange(96..<128, with: p)
        expectEmpty(b, "x = p")
    }

    @Test func outOfGasFailsWithAllGas() throws {
        let input = try Self.input(message: [1, 2, 3], key: P256.Signing.PrivateKey())
        #expect(P256Verify.run(input: input, gasLimit: 6_899) == .failure(gasUsed: 6_899, .outOfGas))
    }
}
