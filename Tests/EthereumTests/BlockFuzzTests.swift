import Ethereum
import Foundation
import Primitives
import TestSupport
import Testing

/// Mutated fixture blocks: the decoder never crashes, and whatever it accepts re-encodes to exactly
/// the input (strict canonical decoding admits one encoding per value).
@Suite struct BlockFuzzTests {
    static func seeds() throws -> [[UInt8]] {
        var out: [[UInt8]] = []
        for file in try Fixture.jsonFiles(under: "ethereum/BlockchainTests/ValidBlocks").prefix(40) {
            for (_, t) in try Fixture.object(file) {
                guard let t = t as? [String: Any] else { continue }
                for b in (t["blocks"] as? [[String: Any]]) ?? [] {
                    if let r = (b["rlp"] as? String).flatMap({ [UInt8](hex: $0) }) { out.append(r) }
                }
            }
        }
        return out
    }

    @Test func mutatedBlocks() throws {
        let seeds = try Self.seeds()
        try #require(!seeds.isEmpty)
        var rng = SplitMix64(seed: 0x6b6c_6f63_6b21)
        var accepted = 0
        let n = fuzzIterations(3000)
        for i in 0..<n {
            var b = seeds[i % seeds.count]
            switch rng.next() % 4 {
            case 0:  // flip a byte
                let at = Int(rng.next() % UInt64(b.count))
                b[at] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
            case 1:  // truncate
                b.removeLast(Int(rng.next() % UInt64(min(b.count, 64))) + 1)
            case 2:  // append
                b.append(UInt8(truncatingIfNeeded: rng.next()))
            default:  // overwrite a run
                let at = Int(rng.next() % UInt64(b.count))
                for j in at..<min(b.count, at + 8) { b[j] = UInt8(truncatingIfNeeded: rng.next()) }
            }
            if let block = try? Block.decode(b) {
                accepted += 1
                #expect(block.encoded() == b, "accepted a non-canonical mutation at iteration \(i)")
            }
        }
        print("mutated blocks: \(accepted)/\(n) still decode (all re-encode exactly)")
    }

    @Test func mutatedReceipts() {
        var rng = SplitMix64(seed: 42)
        let base = Receipt(
            type: .dynamicFee, succeeded: true, cumulativeGasUsed: 123_456,
            logs: [Log(address: Bytes20([UInt8](repeating: 1, count: 20)), topics: [.zero], data: [1, 2, 3])]
        ).encoded()
        for _ in 0..<fuzzIterations(2000) {
            var b = base
            let at = Int(rng.next() % UInt64(b.count))
            b[at] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
            if let r = try? Receipt.decode(b) { #expect(r.encoded() == b) }
        }
    }
}
