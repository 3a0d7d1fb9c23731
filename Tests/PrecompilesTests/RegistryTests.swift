import Precompiles
import Primitives
import Testing

@Suite struct RegistryTests {
    @Test func activeAddressesPerFork() {
        func ids(_ f: PrecompileFork) -> [UInt16] { PrecompileSet(fork: f).precompiles.map(\.kind.rawValue) }
        #expect(ids(.frontier) == [1, 2, 3, 4])
        #expect(ids(.homestead) == [1, 2, 3, 4])
        #expect(ids(.spuriousDragon) == [1, 2, 3, 4])
        #expect(ids(.byzantium) == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(ids(.petersburg) == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(ids(.istanbul) == Array(1...9))
        #expect(ids(.berlin) == Array(1...9))
        #expect(ids(.shanghai) == Array(1...9))
        #expect(ids(.cancun) == Array(1...10))
        #expect(ids(.prague) == Array(1...0x11))
        #expect(ids(.osaka) == Array(1...0x11) + [0x100])
    }

    @Test func cachedSetsEqualFreshOnes() {
        for f in PrecompileFork.allCases {
            #expect(PrecompileSet.forFork(f) == PrecompileSet(fork: f))
            #expect(PrecompileSet.forFork(f).fork == f)
        }
    }

    @Test func addressEncodingAndLookup() {
        #expect(Precompile.Kind.ecrecover.address.hex == "0000000000000000000000000000000000000001")
        #expect(Precompile.Kind.bls12MapFp2ToG2.address.hex == "0000000000000000000000000000000000000011")
        #expect(Precompile.Kind.p256Verify.address.hex == "0000000000000000000000000000000000000100")
        let osaka = PrecompileSet(fork: .osaka)
        for p in osaka.precompiles {
            #expect(osaka.precompile(at: p.address) == p)
            #expect(Bytes20(hex: p.address.hex) == p.address)
        }
        #expect(osaka.addresses.count == 18)
        // Not precompiles.
        for h in [
            "0000000000000000000000000000000000000000", "0000000000000000000000000000000000000012",
            "00000000000000000000000000000000000000ff", "0000000000000000000000000000000000000101",
            "0000000000000000000000000000000000010001", "0100000000000000000000000000000000000001",
            "0000000000000000000000010000000000000001", "a94f5374fce5edbc8e2a8697c15331677e6ebf0b",
        ] {
            #expect(!osaka.contains(Bytes20(hex: h)!), "\(h)")
        }
        #expect(!PrecompileSet(fork: .istanbul).contains(Precompile.Kind.kzgPointEvaluation.address))
        #expect(!PrecompileSet(fork: .prague).contains(Precompile.Kind.p256Verify.address))
        #expect(PrecompileSet(fork: .frontier).run(address: Precompile.address(5), input: [], gasLimit: 100) == nil)
    }

    @Test func forkOrderMatchesEthereumForkNames() {
        let names = PrecompileFork.allCases.map { "\($0)" }
        #expect(names == [
            "frontier", "homestead", "tangerineWhistle", "spuriousDragon", "byzantium", "constantinople",
            "petersburg", "istanbul", "berlin", "london", "paris", "shanghai", "cancun", "prague", "osaka",
        ])
    }

    /// The former placeholders (KZG, BLS12-381) are implemented: on an input of the wrong shape each
    /// fails with `.invalidInput` (not `.notImplemented`) and uses all gas.
    @Test func curvePrecompilesRejectMalformedInputWithAllGas() {
        let osaka = PrecompileSet(fork: .osaka)
        for id: UInt16 in [0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11] {
            guard let p = osaka.precompile(id: id) else {
                Issue.record("0x\(String(id, radix: 16)) missing")
                continue
            }
            let r = p.run(input: [UInt8](repeating: 0xff, count: 191), gasLimit: 1_000_000)
            #expect(r == .failure(gasUsed: 1_000_000, .invalidInput), "\(p)")
        }
    }

    @Test func bn254GasEIP1108() {
        #expect(BN254Precompiles.addGas(fork: .byzantium) == 500)
        #expect(BN254Precompiles.addGas(fork: .istanbul) == 150)
        #expect(BN254Precompiles.mulGas(fork: .petersburg) == 40_000)
        #expect(BN254Precompiles.mulGas(fork: .cancun) == 6_000)
        #expect(BN254Precompiles.pairingGas(inputLength: 384, fork: .byzantium) == 260_000)
        #expect(BN254Precompiles.pairingGas(inputLength: 384, fork: .istanbul) == 113_000)
        #expect(BN254Precompiles.pairingGas(inputLength: 0, fork: .berlin) == 45_000)
        // Out of gas is reported before anything else.
        let add = Precompile(kind: .bn254Add, fork: .istanbul)
        #expect(add.run(input: [], gasLimit: 149) == .failure(gasUsed: 149, .outOfGas))
        // Empty input = (0,0) + (0,0) = the point at infinity, encoded as 64 zero bytes.
        #expect(add.run(input: [], gasLimit: 150) == .success(gasUsed: 150, output: [UInt8](repeating: 0, count: 64)))
        // An empty pairing input is the empty product: true.
        let pairing = Precompile(kind: .bn254Pairing, fork: .cancun)
        var one = [UInt8](repeating: 0, count: 32)
        one[31] = 1
        #expect(pairing.run(input: [], gasLimit: 45_000) == .success(gasUsed: 45_000, output: one))
        // A coordinate ≥ p is invalid input: all gas is consumed.
        let mul = Precompile(kind: .bn254Mul, fork: .cancun)
        #expect(mul.run(input: [UInt8](repeating: 0xff, count: 96), gasLimit: 10_000) == .failure(gasUsed: 10_000, .invalidInput))
        #expect(pairing.run(input: [UInt8](repeating: 0, count: 191), gasLimit: 100_000) == .failure(gasUsed: 100_000, .invalidInput))
    }

    /// Gas of each implemented precompile at every fork where it exists.
    @Test func gasPerPrecompilePerFork() {
        let input100 = [UInt8](repeating: 7, count: 100)  // 4 words
        for fork in PrecompileFork.allCases {
            let set = PrecompileSet(fork: fork)
            #expect(set.precompile(id: 1)?.run(input: input100, gasLimit: 10_000).gasUsed == 3000)
            #expect(set.precompile(id: 2)?.run(input: input100, gasLimit: 10_000).gasUsed == 60 + 12 * 4)
            #expect(set.precompile(id: 3)?.run(input: input100, gasLimit: 10_000).gasUsed == 600 + 120 * 4)
            #expect(set.precompile(id: 4)?.run(input: input100, gasLimit: 10_000).gasUsed == 15 + 3 * 4)
            // modexp 2^3 mod 5 with 1-byte operands.
            if let modexp = set.precompile(id: 5) {
                let r = modexp.run(input: modexpInput(base: [2], exponent: [3], modulus: [5]), gasLimit: 10_000)
                let expected: UInt64 = fork >= .osaka ? 500 : fork >= .berlin ? 200 : 0
                #expect(r == .success(gasUsed: expected, output: [3]), "\(fork)")
            }
            if let blake = set.precompile(id: 9) {
                var input = [UInt8](repeating: 0, count: 213)
                input[3] = 12
                #expect(blake.run(input: input, gasLimit: 10_000).gasUsed == 12)
            }
        }
        // Empty input: one base price each.
        let f = PrecompileSet(fork: .frontier)
        #expect(f.precompile(id: 2)?.run(input: [], gasLimit: 100).gasUsed == 60)
        #expect(f.precompile(id: 3)?.run(input: [], gasLimit: 1000).gasUsed == 600)
        #expect(f.precompile(id: 4)?.run(input: [], gasLimit: 100).gasUsed == 15)
        // Word boundaries.
        #expect(SHA256Precompile.gas(inputLength: 32) == 72)
        #expect(SHA256Precompile.gas(inputLength: 33) == 84)
        #expect(Identity.gas(inputLength: 64) == 21)
        #expect(RIPEMD160Precompile.gas(inputLength: 31) == 720)
    }
}
