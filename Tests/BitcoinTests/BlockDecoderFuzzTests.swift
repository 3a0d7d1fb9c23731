import Testing
import Primitives
import Bitcoin
import TestSupport

/// Random corruption of real inputs: decoders must throw or succeed, never trap, and anything that
/// decodes must re-encode to the same bytes it was decoded from.
@Suite struct BlockDecoderFuzzTests {
    @Test func blockDecoderSurvivesCorruption() throws {
        let raw = try loadSingleBlock("block169482.dat").raw
        var rng = SplitMix64(seed: 0xf022)
        var decoded = 0
        for i in 0..<3000 {
            var b = raw
            switch i % 4 {
            case 0:  // flip a few bytes anywhere
                for _ in 0..<(1 + Int(rng.next() % 4)) { b[Int(rng.next() % UInt64(b.count))] ^= UInt8(truncatingIfNeeded: rng.next() | 1) }
            case 1:  // truncate
                b = Array(b.prefix(Int(rng.next() % UInt64(b.count))))
            case 2:  // corrupt the structure near the start (counts, lengths)
                let at = 80 + Int(rng.next() % 200)
                b[at] = [0xfd, 0xfe, 0xff, 0x00][Int(rng.next() % 4)]
            default:  // splice random bytes
                let at = Int(rng.next() % UInt64(b.count))
                b.insert(contentsOf: (0..<Int(rng.next() % 16)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: at)
            }
            if let block = try? Block(bytes: b) {
                decoded += 1
                #expect(block.serialized() == b)
            }
        }
        #expect(decoded > 0)
    }

    @Test func headerAndBlockFilesSurviveCorruption() {
        var rng = SplitMix64(seed: 0xf1e5)
        for _ in 0..<3000 {
            let n = Int(rng.next() % 400)
            var b = (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            if rng.next() % 2 == 0 && n >= 8 {
                // Plausible blk framing with a random length.
                b.replaceSubrange(0..<4, with: ChainParams.mainnet.magic)
            }
            _ = try? HeaderFile.parse(b)
            _ = try? BlockFile.parse(b)
            _ = try? BlockHeader(bytes: b)
        }
    }
}
