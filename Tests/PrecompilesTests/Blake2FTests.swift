import Precompiles
import Testing

/// EIP-152 test vectors 0–9 (vector 8, 2^32 − 1 rounds, is checked for gas only).
@Suite struct Blake2FTests {
    static let h = "48c9bdf267e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d182e6ad7f520e511f6c3e2b8c68059b6bbd41fbabd9831f79217e1319cde05b"
    static let m = "6162630000000000000000000000000000000000000000000000000000000000" + String(repeating: "0", count: 192)
    static let t = "03000000000000000000000000000000"

    static func input(rounds: String, final: String) -> [UInt8] { hex(rounds + h + m + t + final) }

    @Test func vectors0to3AreErrors() {
        // 0: empty input; 1: 212 bytes; 2: 214 bytes; 3: final flag 2.
        let v1 = Array(Self.input(rounds: "0000000c", final: "01").dropLast())
        let v2 = Self.input(rounds: "0000000c", final: "01") + [0]
        let v3 = Self.input(rounds: "0000000c", final: "02")
        for (i, v) in [[], v1, v2, v3].enumerated() {
            #expect(Blake2F.run(input: v, gasLimit: 1_000) == .failure(gasUsed: 1_000, .invalidInput), "vector \(i)")
        }
        #expect(v1.count == 212 && v2.count == 214)
    }

    @Test func vectors4to9() {
        let cases: [(String, String, String)] = [
            ("00000000", "01", "08c9bcf367e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d282e6ad7f520e511f6c3e2b8c68059b9442be0454267ce079217e1319cde05b"),
            ("0000000c", "01", "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923"),
            ("0000000c", "00", "75ab69d3190a562c51aef8d88f1c2775876944407270c42c9844252c26d2875298743e7f6d5ea2f2d3e8d226039cd31b4e426ac4f2d3d666a610c2116fde4735"),
            ("00000001", "01", "b63a380cb2897d521994a85234ee2c181b5f844d2c624c002677e9703449d2fba551b3a8333bcdf5f2f7e08993d53923de3d64fcc68c034e717b9293fed7a421"),
            // Not in EIP-152: 0xffff rounds (cross-checked in several public implementations).
            ("0000ffff", "01", "183ed9b1e5594bcdd715a4e4fd7b0dc2eaa2ef9bda48242af64c687081142156621bc94bb2d5aa99d83c2f1a5d9c426e1b6a1755a5e080f6217e2a5f3b9c4624"),
        ]
        for (rounds, f, out) in cases {
            let input = Self.input(rounds: rounds, final: f)
            let gas = UInt64(rounds, radix: 16)!
            #expect(Blake2F.run(input: input, gasLimit: gas) == .success(gasUsed: gas, output: hex(out)), "\(rounds) \(f)")
            if gas > 0 {
                #expect(Blake2F.run(input: input, gasLimit: gas - 1) == .failure(gasUsed: gas - 1, .outOfGas))
            }
        }
    }

    @Test func vector8GasOnly() {
        let input = Self.input(rounds: "ffffffff", final: "01")
        #expect(Blake2F.gas(input: input) == 4_294_967_295)
        #expect(Blake2F.run(input: input, gasLimit: 4_294_967_294) == .failure(gasUsed: 4_294_967_294, .outOfGas))
    }
}
