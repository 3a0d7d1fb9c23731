import Testing
import Primitives
import Hashing

@Suite struct HashingVectorTests {
    // RIPEMD-160 vectors from the designers' page (Bosselaers).
    @Test(arguments: [
        ("", "9c1185a5c5e9fc54612808977ee8f548b2258d31"),
        ("a", "0bdc9d2d256b3ee9daae347be6f4dc835a467ffe"),
        ("abc", "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc"),
        ("message digest", "5d0689ef49d2fae572b881b123a85ffa21595f36"),
        ("abcdefghijklmnopqrstuvwxyz", "f71c27109c692c1b56bbdceb5b9d2865b3708dbc"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "12a053384a9c0c88e405a06c27dcf49ada62eb2b"),
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "b0e20b6e3116640286ed3a87a5713079b21f5189"),
        (String(repeating: "1234567890", count: 8), "9b752e45573d4b39f4dbd3323cab82bf63326bfb"),
    ])
    func ripemd160(input: String, expected: String) {
        #expect(RIPEMD160.hash(Array(input.utf8)).hex == expected)
    }

    @Test func ripemd160MillionA() {
        let data = [UInt8](repeating: 0x61, count: 1_000_000)
        #expect(RIPEMD160.hash(data).hex == "52783243c1697bdbe16d37f97f68f08325dc1528")
    }

    // Keccak-256 (original padding) vectors as Ethereum uses them.
    @Test func keccak256() {
        #expect(Keccak256.hash([UInt8]()).hex == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
        #expect(Keccak256.hash(Array("abc".utf8)).hex == "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45")
        // Crosses the 136-byte rate boundary.
        let long = [UInt8](repeating: 0x61, count: 200)
        #expect(Keccak256.hash(long).hex == Keccak256.hash(long[...]).hex)
        #expect(Keccak256.hash(Array("The quick brown fox jumps over the lazy dog".utf8)).hex
            == "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15")
    }

    /// Rate-boundary lengths (135, 136, 137 bytes and multiples); expected values from pycryptodome's
    /// `Crypto.Hash.keccak` (an independent implementation), input byte i = (7i + 3) mod 256.
    @Test(arguments: [
        (135, "00ef96af9cf4b24c7f269d922294444a197d0a33638c2e56634c57e892103a8f"),
        (136, "742061bcad767ed4c4f5883b1dcb1aad11afdcc140dc469d953759b127b9f9ed"),
        (137, "e3371f61e770abf254c34239c3b0099ad90594507415bc81dd0a10b9692bbf2a"),
        (200, "66d2cdf3ab4c5bd3c75add9b60b14ac5b7789534fa2da3f348853b847359a3a0"),
        (272, "ac141fd7b0a0ffcd2e967254d508da3ec616596493c36fa304425647d90e6de5"),
        (1000, "80cdc8dd52cbb3dbaea8f383209893fa2bb52efbd5aedbb4b26dcfe307fcdc9b"),
    ])
    func keccak256RateBoundaries(length: Int, expected: String) {
        let data = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 7 + 3) }
        #expect(Keccak256.hash(data).hex == expected)
    }

    @Test func sha256AndDouble() {
        #expect(SHA256Hash.hash(Array("abc".utf8)).hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        // Bitcoin genesis header hash, via SHA256d of its 80 bytes.
        let header = [UInt8](hex: "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c")!
        #expect(SHA256Hash.double(header).displayHex == "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f")
        #expect(hash160([UInt8](hex: "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798")!).hex
            == "751e76e8199196d454941c45d1b3a323f1433bd6")
    }

    @Test func taggedHashMatchesDefinition() {
        let tagDigest = SHA256Hash.hash(Array("TapLeaf".utf8)).bytes
        let msg: [UInt8] = [1, 2, 3]
        #expect(TaggedHash.tapLeaf.hash(msg) == SHA256Hash.hash(tagDigest + tagDigest + msg))
    }

    @Test func hmacSHA512RFC4231Case2() {
        let mac = SHA512Hash.hmac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(mac.hex == "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737")
    }
}
