import Ethereum
import Foundation
import Hashing
import MerkleTrie
import Primitives
import Testing
import TestSupport

/// Rough throughput numbers, run only with `HEMI_BENCH=1` (use `-c release`). Not a substitute for
/// the `Benchmarks/` package the conventions ask for; a quick check that nothing is pathologically slow.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["HEMI_BENCH"] != nil))
struct ThroughputSmokeTests {
    static func time(_ label: String, _ n: Int, _ body: () -> Void) {
        let start = ContinuousClock.now
        body()
        let d = ContinuousClock.now - start
        let s = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        print("bench \(label): \(n) in \(String(format: "%.3f", s)) s, \(String(format: "%.0f", Double(n) / s))/s")
    }

    @Test func trie() {
        var rng = SplitMix64(seed: 1)
        let n = 100_000
        let keys: [[UInt8]] = (0..<n).map { _ in
            Keccak256.hash((0..<8).map { _ in UInt8(truncatingIfNeeded: rng.next()) }).bytes
        }
        let value = [UInt8](repeating: 7, count: 70)
        var trie = MerklePatriciaTrie()
        Self.time("trie insert (32-byte keys, 70-byte values)", n) {
            for k in keys { trie.insert(key: k, value: value) }
        }
        Self.time("trie full root", n) { _ = trie.computeRoot() }
        Self.time("trie 1000 updates + root", 1000) {
            for k in keys.prefix(1000) { trie.insert(key: k, value: [8]) }
            _ = trie.computeRoot()
        }
        let items = (0..<n).map { i in [UInt8](repeating: UInt8(i & 0xff), count: 120) }
        Self.time("orderedTrieRoot", n) { _ = orderedTrieRoot(items) }
    }

    @Test func transactions() throws {
        let key = [UInt8](hex: "45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8") ?? []
        let unsigned = Transaction.dynamicFee(
            DynamicFeeTransaction(
                chainID: UInt256(1), nonce: 3, maxPriorityFeePerGas: UInt256(1), maxFeePerGas: UInt256(10),
                gasLimit: 100_000, to: Bytes20(hex: "095e7baea6a6c7c4c2dfeb977efac326af552d87"), value: UInt256(7),
                data: [UInt8](repeating: 1, count: 100), accessList: [],
                signature: TransactionSignature(v: .zero, r: .zero, s: .zero)))
        let tx = try #require(unsigned.signed(privateKey: key))
        let bytes = tx.encodedEnvelope()
        let n = 100_000
        Self.time("tx decode (type 2, 100-byte data)", n) {
            for _ in 0..<n { _ = try? Transaction.decode(envelope: bytes) }
        }
        Self.time("tx encode", n) { for _ in 0..<n { _ = tx.encodedEnvelope() } }
        let rules = TransactionRules(fork: .prague, chainID: UInt256(1))
        Self.time("tx signing hash", n) { for _ in 0..<n { _ = tx.computeSigningHash() } }
        Self.time("keccak256 of 200 bytes", n) {
            let b = [UInt8](repeating: 3, count: 200)
            for _ in 0..<n { _ = Keccak256.hash(b) }
        }
        Self.time("tx computeSender", 10_000) { for _ in 0..<10_000 { _ = try? tx.computeSender(rules: rules) } }
        Self.time("tx validate incl. sender recovery", 10_000) {
            for _ in 0..<10_000 { _ = try? tx.validate(rules: rules) }
        }
    }
}
