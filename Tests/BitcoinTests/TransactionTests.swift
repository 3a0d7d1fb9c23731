import Foundation
import Testing
import Bitcoin
import Primitives
import TestSupport

@Suite struct TransactionCodecTests {
    /// Every transaction in Core's tx_valid/tx_invalid vectors that decodes must re-encode to the
    /// same bytes, and its txid must not depend on the witness.
    @Test func coreVectorTransactionsRoundTrip() throws {
        var decoded = 0
        for file in ["bitcoin/core/tx_valid.json", "bitcoin/core/tx_invalid.json"] {
            let rows = try #require(JSONSerialization.jsonObject(with: Data(try TestData.bytes(file))) as? [Any])
            for row in rows {
                guard let r = row as? [Any], r.count == 3, let hex = r[1] as? String,
                    let bytes = [UInt8](hex: hex)
                else { continue }
                guard let tx = try? Transaction(bytes: bytes) else { continue }
                decoded += 1
                #expect(tx.serialized() == bytes, "round trip of \(hex.prefix(40))…")
                var stripped = tx
                for i in stripped.inputs.indices { stripped.inputs[i].witness = [] }
                #expect(stripped.computeTxID() == tx.computeTxID())
                #expect(tx.computeWeight() >= 4 * tx.computeBaseSize())
            }
        }
        // tx_valid has 121 cases and tx_invalid 93; a handful of invalid ones do not even decode.
        #expect(decoded > 200)
    }

    /// A known segwit transaction (BIP143 example 1 signed tx): txid and wtxid differ, weight as computed by hand.
    @Test func segwitIdentity() throws {
        let hex = "01000000000102fff7f7881a8099afa6940d42d1e7f6362bec38171ea3edf433541db4e4ad969f00000000494830450221008b9d1dc26ba6a9cb62127b02742fa9d754cd3bebf337f7a55d114c8e5cdd30be022040529b194ba3f9281a99f2b1c0a19c0489bc22ede944ccf4ecbab4cc618ef3ed01eeffffffef51e1b804cc89d182d279655c3aa89e815b1b309fe287d9b2b55d57b90ec68a0100000000ffffffff02202cb206000000001976a9148280b37df378db99f66f85c95a783a76ac7a6d5988ac9093510d000000001976a9143bde42dbee7e4dbe6a21b2d50ce2f0167faa815988ac000247304402203609e17b84f6a7d30c80bfa610b5b4542f32a8a0d5447a12fb1366d7f01cc44a0220573a954c4518331561406f90300e8f3358f51928d43c212a8caed02de67eebee0121025476c2e83188368da1ff3e292e7acafcdb3566bb0ad253f62fc70f07aeeb635711000000"
        let tx = try Transaction(bytes: try #require([UInt8](hex: hex)))
        #expect(tx.hasWitness)
        #expect(tx.computeTxID() != tx.computeWTxID())
        #expect(tx.computeTotalSize() == hex.count / 2)
        #expect(tx.computeWeight() == tx.computeBaseSize() * 3 + tx.computeTotalSize())
    }

    /// Core's UnserializeTransaction: an empty input list followed by a zero flag byte is a
    /// transaction with no inputs and no outputs (CheckTransaction rejects it later), not an error.
    @Test func zeroFlagMeansNoInputsNoOutputs() throws {
        let bytes: [UInt8] = [1, 0, 0, 0, 0, 0, 0x11, 0x22, 0x33, 0x44]
        let tx = try Transaction(bytes: bytes)
        #expect(tx.inputs.isEmpty && tx.outputs.isEmpty && tx.lockTime == 0x4433_2211)
        #expect(tx.serialized() == bytes)
    }

    @Test func rejectsSuperfluousWitnessAndBadFlag() {
        // version | marker 00 | flag 01 | 1 input | empty witness for it | locktime
        let base: [UInt8] = [1, 0, 0, 0, 0, 1, 1] + [UInt8](repeating: 0, count: 36) + [0, 0xff, 0xff, 0xff, 0xff] + [0]
        #expect(throws: DecodeError.self) { try Transaction(bytes: base + [0] + [0, 0, 0, 0]) }
        // flag 0x02: unknown optional data.
        var bad = base
        bad[5] = 2
        #expect(throws: DecodeError.self) { try Transaction(bytes: bad + [1, 1, 0x51] + [0, 0, 0, 0]) }
    }

    @Test func hugeCountsFailBeforeAllocating() {
        // 0xff CompactSize input count of 2^64-1: must be refused by the limit, not attempted.
        let bytes: [UInt8] = [1, 0, 0, 0, 0xff] + [UInt8](repeating: 0xff, count: 8)
        #expect(throws: DecodeError.self) { try Transaction(bytes: bytes) }
        // A plausible count whose inputs are not there.
        #expect(throws: DecodeError.self) { try Transaction(bytes: [1, 0, 0, 0, 0xfd, 0xff, 0x0f]) }
    }

    /// Random and mutated bytes never crash the decoder; anything it accepts re-encodes to the same bytes
    /// (modulo the non-canonical forms it rejects).
    @Test func fuzzDecoderNeverCrashes() throws {
        var rng = SplitMix64(seed: 0x5eed_2026)
        let rows = try #require(JSONSerialization.jsonObject(with: Data(try TestData.bytes("bitcoin/core/tx_valid.json"))) as? [Any])
        let seeds: [[UInt8]] = rows.compactMap { ($0 as? [Any]).flatMap { $0.count == 3 ? $0[1] as? String : nil }.flatMap { [UInt8](hex: $0) } }
        #expect(seeds.count == 121)
        var accepted = 0
        for i in 0..<30_000 {
            var b: [UInt8]
            if i % 3 == 0 {
                b = (0..<Int(rng.next() % 300)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            } else {
                b = seeds[Int(rng.next() % UInt64(seeds.count))]
                for _ in 0..<(1 + Int(rng.next() % 4)) {
                    guard !b.isEmpty else { break }
                    let at = Int(rng.next() % UInt64(b.count))
                    switch rng.next() % 3 {
                    case 0: b[at] ^= UInt8(1 << (rng.next() % 8))
                    case 1: b.remove(at: at)
                    default: b.insert(UInt8(truncatingIfNeeded: rng.next()), at: at)
                    }
                }
            }
            if let tx = try? Transaction(bytes: b) {
                accepted += 1
                #expect(tx.serialized() == b)
            }
        }
        #expect(accepted > 0)
    }
}

