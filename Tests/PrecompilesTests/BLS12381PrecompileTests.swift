import BigInt
import Crypto
import Foundation
import Precompiles
import Primitives
import Testing

/// EIP-2537 and EIP-4844 precompiles: published vectors, every error class, gas.
/// Vectors marked "geth" are from go-ethereum `core/vm/testdata/precompiles/*.json` (commit 02b73d4ea7);
/// the off-subgroup points are from ethereum/execution-specs' BLS test-vector generator.
@Suite struct BLS12381PrecompileTests {
    static let set = PrecompileSet(fork: .prague)
    static let p = BigUInt(
        "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab", radix: 16)!

    static func run(_ id: UInt16, _ input: [UInt8], gas: UInt64 = 10_000_000) -> PrecompileResult {
        guard let pc = set.precompile(id: id) else { return .failure(gasUsed: 0, .notImplemented) }
        return pc.run(input: input, gasLimit: gas)
    }

    /// 64-byte EIP-2537 field encoding of an integer.
    static func fp(_ v: BigUInt) -> [UInt8] {
        let b = [UInt8](v.serialize())
        return [UInt8](repeating: 0, count: 64 - b.count) + b
    }
    static func fp(dec: String) -> [UInt8] { fp(BigUInt(dec)!) }

    // Generators (EIP-2537 "H1", "H2").
    static let g1 = hex(
        "0000000000000000000000000000000017f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb"
            + "0000000000000000000000000000000008b3f481e3aaa0f1a09e30ed741d8ae4fcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946c5e7e1")
    static let g2 = hex(
        "00000000000000000000000000000000024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8"
            + "0000000000000000000000000000000013e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e"
            + "000000000000000000000000000000000ce5d527727d6e118cc9cdc6da2e351aadfd9baa8cbdd3a76d429a695160d12c923ac9cc3baca289e193548608b82801"
            + "000000000000000000000000000000000606c4a02ea734cc32acd2b02bc28b99cb3e287e85a763af267492ab572e99ab3f370d275cec1da1aaa9075ff05f79be")
    /// On E(F_p), not in G1 (execution-specs `G1_not_in_correct_subgroup`).
    static let g1NotInSubgroup =
        fp(dec: "175120027539531016442854006573889751122153014990298010045047409866982914293422983043097473453160715743839524736495")
        + fp(dec: "3886161143382294459707944199964771025143673781268592314417728386394555910678469538674068117321209145872489588747338")
    /// On the twist, order 13 (execution-specs `G2_not_in_correct_subgroup`).
    static let g2NotInSubgroup =
        fp(dec: "3922397287649913227621058437622997108794641953057758105879357683864299671651819357275859520733535654147680406731276")
        + fp(dec: "3741137028670202333708729730342450399205516524855163427388600406129033394826520864962370018146369072778910602014330")
        + fp(dec: "2318861511113254089730073927932992301121994664766687670497054556026428871746827995944986621318870599424754598753423")
        + fp(dec: "1139817624251523735913718360323397122746649955859850938514186251456988186435865415993431523202408255536265404879025")
    static let inf1 = [UInt8](repeating: 0, count: 128)
    static let inf2 = [UInt8](repeating: 0, count: 256)
    static func scalar(_ v: UInt64) -> [UInt8] { word(v) }

    // MARK: Published vectors

    @Test func gethVectors() {
        // geth blsG1Add.json "bls_g1add_(2*g1+3*g1=5*g1)"
        let add1 = Self.run(
            0x0b,
            hex(
                "000000000000000000000000000000000572cbea904d67468808c8eb50a9450c9721db309128012543902d0ac358a62ae28f75bb8f1c7c42c39a8c5529bf0f4e00000000000000000000000000000000166a9d8cabc673a322fda673779d8e3822ba3ecb8670e461f73bb9021d5fd76a4c56d9d4cd16bd1bba86881979749d280000000000000000000000000000000009ece308f9d1f0131765212deca99697b112d61f9be9a5f1f3780a51335b3ff981747a0b2ca2179b96d2c0c9024e522400000000000000000000000000000000032b80d3a6f5b09f8a84623389c5f80ca69a0cddabc3097f9d9c27310fd43be6e745256c634af45ca3473b0590ae30d1"
            ))
        #expect(
            add1
                == .success(
                    gasUsed: 375,
                    output: hex(
                        "0000000000000000000000000000000010e7791fb972fe014159aa33a98622da3cdc98ff707965e536d8636b5fcc5ac7a91a8c46e59a00dca575af0f18fb13dc0000000000000000000000000000000016ba437edcc6551e30c10512367494bfb6b01cc6681e8a4c3cd2501832ab5c4abc40b4578b85cbaffbf0bcd70d67c6e2"
                    )))
        // geth blsMapG1.json "matter_fp_to_g1_0"
        let map1 = Self.run(
            0x10, hex("0000000000000000000000000000000014406e5bfb9209256a3820879a29ac2f62d6aca82324bf3ae2aa7d3c54792043bd8c791fccdb080c1a52dc68b8b69350"))
        #expect(
            map1
                == .success(
                    gasUsed: 5500,
                    output: hex(
                        "000000000000000000000000000000000d7721bcdb7ce1047557776eb2659a444166dc6dd55c7ca6e240e21ae9aa18f529f04ac31d861b54faf3307692545db700000000000000000000000000000000108286acbdf4384f67659a8abe89e712a504cb3ce1cba07a716869025d60d499a00d1da8cdc92958918c222ea93d87f0"
                    )))
        // geth blsMapG2.json "matter_fp2_to_g2_0"
        let map2 = Self.run(
            0x11,
            hex(
                "0000000000000000000000000000000014406e5bfb9209256a3820879a29ac2f62d6aca82324bf3ae2aa7d3c54792043bd8c791fccdb080c1a52dc68b8b69350000000000000000000000000000000000e885bb33996e12f07da69073e2c0cc880bc8eff26d2a724299eb12d54f4bcf26f4748bb020e80a7e3794a7b0e47a641"
            ))
        #expect(
            map2
                == .success(
                    gasUsed: 23800,
                    output: hex(
                        "000000000000000000000000000000000d029393d3a13ff5b26fe52bd8953768946c5510f9441f1136f1e938957882db6adbd7504177ee49281ecccba596f2bf000000000000000000000000000000001993f668fb1ae603aefbb1323000033fcb3b65d8ed3bf09c84c61e27704b745f540299a1872cd697ae45a5afd780f1d600000000000000000000000000000000079cb41060ef7a128d286c9ef8638689a49ca19da8672ea5c47b6ba6dbde193ee835d3b87a76a689966037c07159c10d0000000000000000000000000000000017c688ae9a8b59a7069c27f2d58dd2196cb414f4fb89da8510518a1142ab19d158badd1c3bad03408fafb1669903cd6c"
                    )))
        // geth blsG1MultiExp.json "bls_g1multiexp_single": 17·G1
        #expect(
            Self.run(0x0c, Self.g1 + Self.scalar(17))
                == .success(
                    gasUsed: 12000,
                    output: hex(
                        "000000000000000000000000000000001098f178f84fc753a76bb63709e9be91eec3ff5f7f3a5f4836f34fe8a1a6d6c5578d8fd820573cef3a01e2bfef3eaf3a000000000000000000000000000000000ea923110b733b531006075f796cc9368f2477fe26020f465468efbb380ce1f8eebaf5c770f31d320f9bd378dc758436"
                    )))
        // geth blsG2MultiExp.json "bls_g2multiexp_single": 17·G2
        #expect(
            Self.run(0x0e, Self.g2 + Self.scalar(17))
                == .success(
                    gasUsed: 22500,
                    output: hex(
                        "000000000000000000000000000000000ef786ebdcda12e142a32f091307f2fedf52f6c36beb278b0007a03ad81bf9fee3710a04928e43e541d02c9be44722e8000000000000000000000000000000000d05ceb0be53d2624a796a7a033aec59d9463c18d672c451ec4f2e679daef882cab7d8dd88789065156a1340ca9d426500000000000000000000000000000000118ed350274bc45e63eaaa4b8ddf119b3bf38418b5b9748597edfc456d9bc3e864ec7283426e840fd29fa84e7d89c934000000000000000000000000000000001594b866a28946b6d444bf0481558812769ea3222f5dfc961ca33e78e0ea62ee8ba63fd1ece9cc3e315abfa96d536944"
                    )))
    }

    /// 17·G1 by MSM, by G1ADD chains and by a 2-term MSM agree; e(17·G1, G2)·e(−G1, 17·G2) = 1.
    @Test func consistencyAcrossPrecompiles() {
        guard let p17 = Self.run(0x0c, Self.g1 + Self.scalar(17)).output,
            let p8 = Self.run(0x0c, Self.g1 + Self.scalar(8)).output,
            let p9 = Self.run(0x0c, Self.g1 + Self.scalar(9)).output,
            let q17 = Self.run(0x0e, Self.g2 + Self.scalar(17)).output
        else {
            Issue.record("MSM failed")
            return
        }
        #expect(Self.run(0x0b, p8 + p9).output == p17)
        #expect(Self.run(0x0c, Self.g1 + Self.scalar(8) + Self.g1 + Self.scalar(9)).output == p17)
        // −G1: y → p − y.
        let y = BigUInt(Data(Self.g1[64..<128]))
        let negG1 = Array(Self.g1[0..<64]) + Self.fp(Self.p - y)
        #expect(Self.run(0x0b, Self.g1 + negG1).output == Self.inf1)
        let pairOK = Self.run(0x0f, p17 + Self.g2 + negG1 + q17)
        #expect(pairOK == .success(gasUsed: 32600 * 2 + 37700, output: word(1)))
        let pairBad = Self.run(0x0f, p17 + Self.g2 + Self.g1 + q17)
        #expect(pairBad == .success(gasUsed: 32600 * 2 + 37700, output: word(0)))
    }

    // MARK: Infinity

    @Test func infinityHandling() {
        #expect(Self.run(0x0b, Self.inf1 + Self.g1).output == Self.g1)
        #expect(Self.run(0x0b, Self.inf1 + Self.inf1).output == Self.inf1)
        #expect(Self.run(0x0d, Self.g2 + Self.inf2).output == Self.g2)
        #expect(Self.run(0x0c, Self.inf1 + Self.scalar(5)).output == Self.inf1)
        #expect(Self.run(0x0c, Self.g1 + Self.scalar(0)).output == Self.inf1)
        #expect(Self.run(0x0e, Self.inf2 + Self.scalar(5)).output == Self.inf2)
        // A pair with infinity contributes 1.
        #expect(Self.run(0x0f, Self.inf1 + Self.g2).output == word(1))
        #expect(Self.run(0x0f, Self.g1 + Self.inf2).output == word(1))
        // r·G1 = O (scalar not reduced).
        let r = hex("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001")
        #expect(Self.run(0x0c, Self.g1 + r).output == Self.inf1)
    }

    // MARK: Errors (all consume all gas)

    func expectInvalid(_ id: UInt16, _ input: [UInt8], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(
            Self.run(id, input, gas: 7_777_777) == .failure(gasUsed: 7_777_777, .invalidInput), "\(what)",
            sourceLocation: sourceLocation)
    }

    @Test func badLengths() {
        for (id, unit) in [(0x0b, 256), (0x0d, 512), (0x10, 64), (0x11, 128)] as [(UInt16, Int)] {
            expectInvalid(id, [], "empty \(id)")
            expectInvalid(id, [UInt8](repeating: 0, count: unit - 1), "short \(id)")
            expectInvalid(id, [UInt8](repeating: 0, count: unit + 1), "long \(id)")
        }
        for (id, unit) in [(0x0c, 160), (0x0e, 288), (0x0f, 384)] as [(UInt16, Int)] {
            expectInvalid(id, [], "empty \(id)")
            expectInvalid(id, [UInt8](repeating: 0, count: unit - 1), "short \(id)")
            expectInvalid(id, [UInt8](repeating: 0, count: unit + 1), "long \(id)")
            expectInvalid(id, [UInt8](repeating: 0, count: 2 * unit + 7), "ragged \(id)")
        }
    }

    @Test func nonCanonicalFieldElements() {
        // x = p (≥ p) and x with a non-zero byte in the top 16.
        let pEnc = Self.fp(Self.p)
        var topByte = Array(Self.g1[0..<64])
        topByte[15] = 1
        let y = Array(Self.g1[64..<128])
        for bad in [pEnc + y, topByte + y] {
            expectInvalid(0x0b, bad + Self.g1, "G1ADD")
            expectInvalid(0x0c, bad + Self.scalar(1), "G1MSM")
            expectInvalid(0x0f, bad + Self.g2, "PAIRING")
        }
        var g2Top = Self.g2
        g2Top[128] = 0x80  // top byte of y.c0
        expectInvalid(0x0d, g2Top + Self.g2, "G2ADD top bytes")
        expectInvalid(0x0e, g2Top + Self.scalar(1), "G2MSM top bytes")
        let g2P = Array(Self.g2[0..<192]) + Self.fp(Self.p)
        expectInvalid(0x0d, Self.g2 + g2P, "G2ADD ≥ p")
        expectInvalid(0x10, pEnc, "MAP_FP_TO_G1 ≥ p")
        expectInvalid(0x10, Self.fp(Self.p + 5), "MAP_FP_TO_G1 ≥ p")
        var mapTop = Self.fp(5)
        mapTop[0] = 1
        expectInvalid(0x10, mapTop, "MAP_FP_TO_G1 top bytes")
        expectInvalid(0x11, Self.fp(5) + Self.fp(Self.p), "MAP_FP2_TO_G2 ≥ p")
        expectInvalid(0x11, mapTop + Self.fp(5), "MAP_FP2_TO_G2 top bytes")
        // p − 1 is fine.
        #expect(Self.run(0x10, Self.fp(Self.p - 1)).isSuccess)
        #expect(Self.run(0x10, Self.fp(0)).isSuccess)
    }

    @Test func offCurvePoints() {
        let off1 = Self.fp(1) + Self.fp(1)
        expectInvalid(0x0b, off1 + Self.g1, "G1ADD")
        expectInvalid(0x0c, off1 + Self.scalar(0), "G1MSM, even with scalar 0")
        expectInvalid(0x0f, off1 + Self.g2, "PAIRING G1")
        var off2 = Self.g2
        off2[255] ^= 1
        expectInvalid(0x0d, Self.g2 + off2, "G2ADD")
        expectInvalid(0x0e, off2 + Self.scalar(1), "G2MSM")
        expectInvalid(0x0f, Self.g1 + off2, "PAIRING G2")
        // (0, y) with y ≠ 0 is not infinity: (0, 3) is off the curve; (0, 2) is on it (order 3),
        // so ADD accepts it and MSM rejects it.
        expectInvalid(0x0b, Self.fp(0) + Self.fp(3) + Self.g1, "G1ADD (0, 3)")
        let order3 = Self.fp(0) + Self.fp(2)
        #expect(Self.run(0x0b, order3 + order3).isSuccess)
        expectInvalid(0x0c, order3 + Self.scalar(1), "G1MSM (0, 2)")
    }

    @Test func subgroupRequiredForMSMAndPairingOnly() {
        #expect(Self.run(0x0b, Self.g1NotInSubgroup + Self.g1).isSuccess)
        #expect(Self.run(0x0d, Self.g2NotInSubgroup + Self.g2).isSuccess)
        expectInvalid(0x0c, Self.g1NotInSubgroup + Self.scalar(1), "G1MSM")
        expectInvalid(0x0c, Self.g1 + Self.scalar(1) + Self.g1NotInSubgroup + Self.scalar(0), "G1MSM 2nd, scalar 0")
        expectInvalid(0x0e, Self.g2NotInSubgroup + Self.scalar(1), "G2MSM")
        expectInvalid(0x0f, Self.g1NotInSubgroup + Self.g2, "PAIRING G1")
        expectInvalid(0x0f, Self.g1 + Self.g2NotInSubgroup, "PAIRING G2")
        expectInvalid(0x0f, Self.inf1 + Self.g2NotInSubgroup, "PAIRING G2 next to infinity")
    }

    // MARK: Gas

    @Test func gasSchedule() {
        typealias P = BLS12381Precompiles
        #expect(P.g1MSMGas(inputLength: 160) == 12000)
        #expect(P.g1MSMGas(inputLength: 320) == 2 * 12000 * 949 / 1000)
        #expect(P.g1MSMGas(inputLength: 128 * 160) == 128 * 12000 * 519 / 1000)
        #expect(P.g1MSMGas(inputLength: 200 * 160) == 200 * 12000 * 519 / 1000)
        #expect(P.g2MSMGas(inputLength: 288) == 22500)
        #expect(P.g2MSMGas(inputLength: 2 * 288) == 45000)
        #expect(P.g2MSMGas(inputLength: 3 * 288) == 3 * 22500 * 923 / 1000)
        #expect(P.g2MSMGas(inputLength: 300 * 288) == 300 * 22500 * 524 / 1000)
        #expect(P.g1Discount.count == 128 && P.g2Discount.count == 128)
        #expect(P.pairingGas(inputLength: 384) == 70300)
        #expect(P.pairingGas(inputLength: 768) == 102900)
        // Out of gas: everything consumed.
        #expect(Self.run(0x0b, Self.g1 + Self.g1, gas: 374) == .failure(gasUsed: 374, .outOfGas))
        #expect(Self.run(0x0b, Self.g1 + Self.g1, gas: 375).isSuccess)
        #expect(Self.run(0x0d, Self.g2 + Self.g2, gas: 599) == .failure(gasUsed: 599, .outOfGas))
        #expect(Self.run(0x10, Self.fp(1), gas: 5499) == .failure(gasUsed: 5499, .outOfGas))
        #expect(Self.run(0x11, Self.fp(1) + Self.fp(2), gas: 23799) == .failure(gasUsed: 23799, .outOfGas))
        #expect(Self.run(0x11, Self.fp(1) + Self.fp(2), gas: 23800).gasUsed == 23800)
        #expect(Self.run(0x0c, Self.g1 + Self.scalar(2), gas: 11999) == .failure(gasUsed: 11999, .outOfGas))
        #expect(Self.run(0x0e, Self.g2 + Self.scalar(2), gas: 22499) == .failure(gasUsed: 22499, .outOfGas))
        #expect(Self.run(0x0f, Self.g1 + Self.g2, gas: 70299) == .failure(gasUsed: 70299, .outOfGas))
        #expect(Self.run(0x0f, Self.g1 + Self.g2, gas: 70300).gasUsed == 70300)
    }

    // MARK: KZG point evaluation (EIP-4844)

    /// geth `pointEvaluation.json` "pointEvaluation1".
    static let kzgInput = hex(
        "01e798154708fe7789429634053cbf9f99b619f9f084048927333fce637f549b564c0a11a0f704f4fc3e8acfe0f8245f0ad1347b378fbf96e206da11a5d3630624d25032e67a7e6a4910df5834b8fe70e6bcfeeac0352434196bdf4b2485d5a18f59a8d2a1a625a17f3fea0fe5eb8c896db3764f3185481bc22f91b4aaffcca25f26936857bc3a7c2539ea8ec3a952b7873033e038326e87ed3e1276fd140253fa08e9fc25fb2d9a98527fc22a2c9612fbeafdad446cbc7bcdbdcd780af2c16a"
    )
    static let kzgOutput = hex(
        "000000000000000000000000000000000000000000000000000000000000100073eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001"
    )

    @Test func kzgPointEvaluation() {
        let cancun = PrecompileSet(fork: .cancun)
        guard let pc = cancun.precompile(id: 0x0a) else {
            Issue.record("0x0a not active at Cancun")
            return
        }
        #expect(PrecompileSet(fork: .shanghai).precompile(id: 0x0a) == nil)
        #expect(pc.run(input: Self.kzgInput, gasLimit: 60_000) == .success(gasUsed: 50_000, output: Self.kzgOutput))
        #expect(pc.run(input: Self.kzgInput, gasLimit: 49_999) == .failure(gasUsed: 49_999, .outOfGas))
        func bad(_ f: (inout [UInt8]) -> Void, _ what: String) {
            var i = Self.kzgInput
            f(&i)
            #expect(pc.run(input: i, gasLimit: 60_000) == .failure(gasUsed: 60_000, .invalidInput), "\(what)")
        }
        bad({ $0.removeLast() }, "191 bytes")
        bad({ $0.append(0) }, "193 bytes")
        bad({ $0[0] = 0x02 }, "versioned hash version")
        bad({ $0[31] ^= 1 }, "versioned hash body")
        bad({ $0[95] ^= 1 }, "wrong y")
        bad({ $0[63] ^= 1 }, "wrong z")
        bad({ $0[191] ^= 1 }, "proof changed")
        // z = BLS_MODULUS (≥ r).
        bad({ $0.replaceSubrange(32..<64, with: hex("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001")) }, "z ≥ r")
        bad({ $0.replaceSubrange(64..<96, with: [UInt8](repeating: 0xff, count: 32)) }, "y ≥ r")
        // Proof without the compression flag.
        bad({ $0[144] &= 0x7f }, "proof compression flag")
    }

    /// The trivial claim p(z) = 0 for the zero polynomial: commitment = proof = infinity
    /// (0xc0 ‖ 0…), any z, y = 0 verifies; y = 1 does not.
    @Test func kzgInfinityCommitment() {
        let inf = [UInt8(0xc0)] + [UInt8](repeating: 0, count: 47)
        var vh = Array(SHA256.hash(data: inf))
        vh[0] = 0x01
        let z = word(12345)
        let good = vh + z + word(0) + inf + inf
        let cancun = PrecompileSet(fork: .cancun)
        #expect(cancun.precompile(id: 0x0a)?.run(input: good, gasLimit: 50_000).output == Self.kzgOutput)
        let wrong = vh + z + word(1) + inf + inf
        #expect(cancun.precompile(id: 0x0a)?.run(input: wrong, gasLimit: 50_000) == .failure(gasUsed: 50_000, .invalidInput))
        // Infinity flag with the sign bit set is malformed.
        var badInf = inf
        badInf[0] = 0xe0
        var vh2 = Array(SHA256.hash(data: badInf))
        vh2[0] = 0x01
        #expect(
            cancun.precompile(id: 0x0a)?.run(input: vh2 + z + word(0) + badInf + inf, gasLimit: 50_000)
                == .failure(gasUsed: 50_000, .invalidInput))
    }
}
