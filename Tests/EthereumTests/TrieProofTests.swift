import Ethereum
import Hashing
import MerkleTrie
import Primitives
import Testing
import TestSupport

@Suite struct TrieProofTests {
    static func randomTrie(_ rng: inout SplitMix64, count: Int, keyLength: Int) -> (
        MerklePatriciaTrie, [[UInt8]: [UInt8]]
    ) {
        var trie = MerklePatriciaTrie()
        var model: [[UInt8]: [UInt8]] = [:]
        for _ in 0..<count {
            let key = (0..<(1 + Int(rng.next() % UInt64(keyLength)))).map { _ in
                UInt8([0x00, 0x01, 0x10, 0xab, 0xff][Int(rng.next() % 5)])
            }
            let value = (0..<(1 + Int(rng.next() % 40))).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            trie.insert(key: key, value: value)
            model[key] = value
        }
        return (trie, model)
    }

    /// Proofs of present keys give their values; proofs of absent keys prove absence; both after
    /// the proof nodes pass through an untrusted decoder.
    @Test func presentAndAbsentKeys() throws {
        var rng = SplitMix64(seed: 99)
        for _ in 0..<30 {
            var (trie, model) = Self.randomTrie(&rng, count: 1 + Int(rng.next() % 80), keyLength: 4)
            let root = trie.computeRoot()
            for (k, v) in model {
                let proof = trie.computeProof(forKey: k)
                #expect(!proof.isEmpty)
                #expect(try MerklePatriciaTrie.verifyProof(root: root, key: k, proof: proof) == v)
            }
            for _ in 0..<20 {
                let k = (0..<Int(rng.next() % 6)).map { _ in
                    UInt8([0x00, 0x01, 0x10, 0xab, 0xff, 0x77][Int(rng.next() % 6)])
                }
                let proof = trie.computeProof(forKey: k)
                #expect(try MerklePatriciaTrie.verifyProof(root: root, key: k, proof: proof) == model[k])
            }
        }
    }

    /// Secure-trie style keys (32-byte hashes) with account-sized values, as eth_getProof serves them.
    @Test func hashedKeys() throws {
        var trie = SecureMerklePatriciaTrie()
        for i in 0..<500 {
            trie.insert(key: [UInt8(i & 0xff), UInt8(i >> 8)], value: [UInt8](repeating: UInt8(i & 0xff), count: 70))
        }
        let root = trie.computeRoot()
        var inner = trie.trie
        for i in stride(from: 0, to: 500, by: 7) {
            let hashed = Keccak256.hash([UInt8(i & 0xff), UInt8(i >> 8)]).bytes
            let proof = inner.computeProof(forKey: hashed)
            #expect(
                try MerklePatriciaTrie.verifyProof(root: root, key: hashed, proof: proof)
                    == [UInt8](repeating: UInt8(i & 0xff), count: 70))
        }
    }

    @Test func tamperedOrIncompleteProofsFail() throws {
        var rng = SplitMix64(seed: 5)
        var (trie, model) = Self.randomTrie(&rng, count: 200, keyLength: 6)
        let root = trie.computeRoot()
        var checked = 0
        for (k, _) in model.prefix(50) {
            let proof = trie.computeProof(forKey: k)
            // Dropping the last node leaves a hash reference unresolved (when there is more than the root).
            if proof.count > 1 {
                #expect(throws: TrieProofError.self) {
                    _ = try MerklePatriciaTrie.verifyProof(root: root, key: k, proof: Array(proof.dropLast()))
                }
            }
            // Every proof node is on the path, so flipping any byte of any node breaks a hash link.
            for (ni, node) in proof.enumerated() {
                var bad = proof
                bad[ni][Int(rng.next() % UInt64(node.count))] ^= 0x01
                #expect(throws: TrieProofError.self) {
                    _ = try MerklePatriciaTrie.verifyProof(root: root, key: k, proof: bad)
                }
                checked += 1
            }
        }
        #expect(checked > 0)
        // Wrong root.
        if let (k, _) = model.first {
            let proof = trie.computeProof(forKey: k)
            #expect(throws: TrieProofError.self) {
                _ = try MerklePatriciaTrie.verifyProof(root: Bytes32.zero, key: k, proof: proof)
            }
        }
        // Empty trie: empty proof, absence.
        var empty = MerklePatriciaTrie()
        #expect(empty.computeProof(forKey: [1]).isEmpty)
        #expect(try MerklePatriciaTrie.verifyProof(root: MerklePatriciaTrie.emptyRoot, key: [1], proof: []) == nil)
    }

    /// Random garbage as proof nodes never crashes the verifier.
    @Test func fuzzVerifier() {
        var rng = SplitMix64(seed: 11)
        for _ in 0..<fuzzIterations(2_000) {
            var nodes: [[UInt8]] = []
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                var n: [UInt8] = []
                RLP.appendList(to: &n) { o in
                    let items = Int(rng.next() % 18)
                    for _ in 0..<items {
                        let len = Int(rng.next() % 40)
                        RLP.append(bytes: (0..<len).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, to: &o)
                    }
                }
                if rng.next() % 4 == 0, !n.isEmpty {
                    n[Int(rng.next() % UInt64(n.count))] = UInt8(truncatingIfNeeded: rng.next())
                }
                nodes.append(n)
            }
            let root = Keccak256.hash(nodes[0])
            let key = (0..<Int(rng.next() % 5)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            _ = try? MerklePatriciaTrie.verifyProof(root: root, key: key, proof: nodes)
        }
    }
}
