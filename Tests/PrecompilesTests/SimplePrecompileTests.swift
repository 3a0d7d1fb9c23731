import BigInt
import Foundation
import Hashing
import Precompiles
import Primitives
import Secp256k1
import TestSupport
import Testing

@Suite struct HashAndIdentityTests {
    @Test func sha256() {
        let r = SHA256Precompile.run(input: [], gasLimit: 60)
        #expect(r == .success(gasUsed: 60, output: hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")))
        let abc = SHA256Precompile.run(input: Array("abc".utf8), gasLimit: 100)
        #expect(abc.output == hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))
        #expect(SHA256Precompile.run(input: [1], gasLimit: 71) == .failure(gasUsed: 71, .outOfGas))
        #expect(SHA256Precompile.run(input: [1], gasLimit: 72).isSuccess)
    }

    @Test func ripemd160() {
        let r = RIPEMD160Precompile.run(input: [], gasLimit: 600)
        #expect(r == .success(gasUsed: 600, output: hex("0000000000000000000000009c1185a5c5e9fc54612808977ee8f548b2258d31")))
        let abc = RIPEMD160Precompile.run(input: Array("abc".utf8), gasLimit: 720)
        #expect(abc.output == hex("0000000000000000000000008eb208f7e05d987a9b044a8e98c6b087f15a0bfc"))
        #expect(RIPEMD160Precompile.run(input: [1], gasLimit: 719) == .failure(gasUsed: 719, .outOfGas))
    }

    @Test func identity() {
        let data: [UInt8] = Array(0..<70)
        #expect(Identity.run(input: data, gasLimit: 24) == .success(gasUsed: 24, output: data))
        #expect(Identity.run(input: data, gasLimit: 23) == .failure(gasUsed: 23, .outOfGas))
        #expect(Identity.run(input: [], gasLimit: 15) == .success(gasUsed: 15, output: []))
        #expect(Identity.run(input: [], gasLimit: 0) == .failure(gasUsed: 0, .outOfGas))
    }
}

@Suite struct EcrecoverTests {
    static let n = BigUInt("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", radix: 16)!

    func address(ofPrivateKey k: [UInt8]) -> [UInt8]? {
        guard let pub = Secp256k1.publicKey(privateKey: k, compressed: false) else { return nil }
        return [UInt8](repeating: 0, count: 12) + Keccak256.hash(pub[1...]).bytes[12...]
    }

    func be32(_ x: BigUInt) -> [UInt8] {
        let d = [UInt8](x.serialize())
        return [UInt8](repeating: 0, count: 32 - d.count) + d
    }

    /// ethereum/tests stPreCompiledContracts2 CallEcrecover0: signed by the well-known test key.
    @Test func knownVector() {
        let input = hex(
            """
            18c547e4f7b0f325ad1e56f57e26c745b09a3e503d86e00e5255ff7f715d3d1c
            000000000000000000000000000000000000000000000000000000000000001c
            73b1693892219d736caba55bdb67216e485557ea6b6af75f37096c9aa6a5a75f
            eeb940b1d03b21e36b0e47e79769f095fe2ab855bd91e3a38756b7d75a9c4549
            """)
        let r = Ecrecover.run(input: input, gasLimit: 3000)
        #expect(r == .success(gasUsed: 3000, output: hex("000000000000000000000000a94f5374fce5edbc8e2a8697c15331677e6ebf0b")))
        #expect(address(ofPrivateKey: hex("45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8"))
            == hex("000000000000000000000000a94f5374fce5edbc8e2a8697c15331677e6ebf0b"))
        // Out of gas below 3000.
        #expect(Ecrecover.run(input: input, gasLimit: 2999) == .failure(gasUsed: 2999, .outOfGas))
        // Trailing bytes beyond 128 are ignored.
        #expect(Ecrecover.run(input: input + [1, 2, 3], gasLimit: 5000).output == r.output)
    }

    @Test func invalidInputsGiveEmptyOutputAndCharge3000() {
        let good = hex(
            """
            18c547e4f7b0f325ad1e56f57e26c745b09a3e503d86e00e5255ff7f715d3d1c
            000000000000000000000000000000000000000000000000000000000000001c
            73b1693892219d736caba55bdb67216e485557ea6b6af75f37096c9aa6a5a75f
            eeb940b1d03b21e36b0e47e79769f095fe2ab855bd91e3a38756b7d75a9c4549
            """)
        func mutated(_ f: (inout [UInt8]) -> Void) -> PrecompileResult {
            var x = good
            f(&x)
            return Ecrecover.run(input: x, gasLimit: 100_000)
        }
        let empty = PrecompileResult.success(gasUsed: 3000, output: [])
        #expect(mutated { $0[63] = 27 }.output?.count == 32)  // other parity: some other key, still 32 bytes
        #expect(mutated { $0[63] = 29 } == empty)
        #expect(mutated { $0[63] = 0 } == empty)
        #expect(mutated { $0[63] = 1 } == empty)
        #expect(mutated { $0[32] = 1 } == empty)  // v with high bytes set
        #expect(mutated { $0[62] = 1 } == empty)
        #expect(mutated { for i in 64..<96 { $0[i] = 0 } } == empty)  // r = 0
        #expect(mutated { for i in 96..<128 { $0[i] = 0 } } == empty)  // s = 0
        #expect(mutated { $0.replaceSubrange(64..<96, with: be32(Self.n)) } == empty)  // r = n
        #expect(mutated { $0.replaceSubrange(96..<128, with: be32(Self.n)) } == empty)  // s = n
        #expect(mutated { $0.replaceSubrange(96..<128, with: [UInt8](repeating: 0xff, count: 32)) } == empty)
        #expect(Ecrecover.run(input: [], gasLimit: 3000) == empty)
        #expect(Ecrecover.run(input: Array(good[0..<100]), gasLimit: 3000).gasUsed == 3000)
    }

    @Test func roundTripsIncludingHighS() {
        var rng = SplitMix64(seed: 0xec5ec)
        var checked = 0
        for _ in 0..<200 {
            let key = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let msg = Bytes32((0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })
            guard let expected = address(ofPrivateKey: key),
                let (sig, recid) = Secp256k1.signRecoverable(message: msg, privateKey: key)
            else { continue }
            let r = Array(sig[0..<32]), s = Array(sig[32..<64])
            let input = msg.bytes + word(UInt64(27 + recid)) + r + s
            #expect(Ecrecover.run(input: input, gasLimit: 3000) == .success(gasUsed: 3000, output: expected))
            // (r, n − s) with the other parity recovers the same key: no low-s rule here.
            let highS = be32(Self.n - BigUInt(Data(s)))
            let flipped = msg.bytes + word(UInt64(27 + (recid ^ 1))) + r + highS
            #expect(Ecrecover.run(input: flipped, gasLimit: 3000).output == expected)
            // The wrong parity recovers some other key (or none).
            let wrong = Ecrecover.run(input: msg.bytes + word(UInt64(27 + (recid ^ 1))) + r + s, gasLimit: 3000)
            #expect(wrong.output != expected)
            checked += 1
        }
        #expect(checked > 190)
    }
}
