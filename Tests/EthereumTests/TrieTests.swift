import Ethereum
import Foundation
import Hashing
import MerkleTrie
import Primitives
import Testing
import TestSupport

/// ethereum/tests TrieTests: `{in: [[k, v], …] | {k: v}, root}`; strings starting with `0x` are hex,
/// others raw UTF-8; a null (or empty) value deletes.
@Suite struct TrieFixtureTests {
    static func decode(_ s: String) -> [UInt8] {
        if s.hasPrefix("0x"), let b = [UInt8](hex: s) { return b }
        return Array(s.utf8)
    }

    static func pairs(_ input: Any) throws -> [([UInt8], [UInt8]?)] {
        if let list = input as? [[Any]] {
            return try list.map { p in
                guard p.count == 2, let k = p[0] as? String else { throw FixtureError.shape("\(p)") }
                return (decode(k), (p[1] as? String).map(decode))
            }
        }
        if let dict = input as? [String: Any] {
            // "anyorder": order must not matter; use a fixed order.
            return dict.sorted(by: { $0.key < $1.key }).map { (decode($0.key), ($0.value as? String).map(decode)) }
        }
        throw FixtureError.shape("\(input)")
    }

    static func runFile(_ name: String, secure: Bool) throws -> (passed: Int, total: Int) {
        let tests = try Fixture.object("ethereum/TrieTests/\(name)")
        var passed = 0
        for (test, t) in tests.sorted(by: { $0.key < $1.key }) {
            guard let t = t as? [String: Any], let input = t["in"], let rootHex = t["root"] as? String,
                let expected = Bytes32(hex: rootHex)
            else { throw FixtureError.shape(test) }
            let ps = try pairs(input)
            var got: Bytes32
            if secure {
                var trie = SecureMerklePatriciaTrie()
                for (k, v) in ps {
                    if let v { trie.insert(key: k, value: v) } else { trie.remove(key: k) }
                }
                got = trie.computeRoot()
            } else {
                var trie = MerklePatriciaTrie()
                for (k, v) in ps {
                    if let v { trie.insert(key: k, value: v) } else { trie.remove(key: k) }
                }
                got = trie.computeRoot()
                // Same root when the final map is built from scratch, in reverse order.
                var final: [[UInt8]: [UInt8]] = [:]
                for (k, v) in ps { final[k] = (v?.isEmpty ?? true) ? nil : v }
                var fresh = MerklePatriciaTrie()
                for (k, v) in final.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }).reversed() {
                    fresh.insert(key: k, value: v)
                }
                #expect(fresh.computeRoot() == got, "\(name) \(test): rebuilt")
                #expect(ReferenceTrie.root(final) == got, "\(name) \(test): reference builder")
            }
            #expect(got == expected, "\(name) \(test)")
            if got == expected { passed += 1 }
        }
        print("TrieTests/\(name): \(passed)/\(tests.count)")
        return (passed, tests.count)
    }

    @Test(arguments: [
        ("trietest.json", false), ("trieanyorder.json", false), ("trietest_secureTrie.json", true),
        ("trieanyorder_secureTrie.json", true), ("hex_encoded_securetrie_test.json", true),
    ])
    func rootVectors(file: String, secure: Bool) throws {
        let r = try Self.runFile(file, secure: secure)
        #expect(r.total > 0)
        #expect(r.passed == r.total)
    }

    /// trietestnextprev.json: `tests: [key, previous, next]` over the keys in `in` ("" means none).
    @Test func nextPrevious() throws {
        let tests = try Fixture.object("ethereum/TrieTests/trietestnextprev.json")
        var passed = 0
        var total = 0
        for (name, t) in tests {
            guard let t = t as? [String: Any], let keys = t["in"] as? [String], let cases = t["tests"] as? [[String]]
            else { throw FixtureError.shape(name) }
            var trie = MerklePatriciaTrie()
            for k in keys { trie.insert(key: Array(k.utf8), value: Array(k.utf8)) }
            for c in cases {
                guard c.count == 3 else { throw FixtureError.shape("\(c)") }
                total += 1
                let prev = trie.previousKey(before: Array(c[0].utf8)).map { String(decoding: $0, as: UTF8.self) } ?? ""
                let next = trie.nextKey(after: Array(c[0].utf8)).map { String(decoding: $0, as: UTF8.self) } ?? ""
                #expect(prev == c[1], "\(name) prev(\(c[0]))")
                #expect(next == c[2], "\(name) next(\(c[0]))")
                if prev == c[1] && next == c[2] { passed += 1 }
            }
        }
        print("TrieTests/trietestnextprev.json: \(passed)/\(total) cases")
        #expect(passed == total)
    }
}

@Suite struct TriePropertyTests {
    @Test func emptyRoot() {
        var t = MerklePatriciaTrie()
        #expect(t.computeRoot().hex == "56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421")
        #expect(orderedTrieRoot([]) == MerklePatriciaTrie.emptyRoot)
    }

    /// Random insert/update/delete sequences over small alphabets (to force shared prefixes, inline
    /// nodes and branch values) give the same root as building the final map from scratch, computed
    /// both with a fresh trie and with the independent reference builder; roots are also checked
    /// mid-sequence so branch caches are exercised.
    @Test func randomSequencesMatchRebuild() {
        var rng = SplitMix64(seed: 42)
        for round in 0..<300 {
            var trie = MerklePatriciaTrie()
            var model: [[UInt8]: [UInt8]] = [:]
            let ops = 1 + Int(rng.next() % 120)
            let keyLenMax = 1 + Int(rng.next() % 5)
            for step in 0..<ops {
                let len = Int(rng.next() % UInt64(keyLenMax + 1))
                let key = (0..<len).map { _ in UInt8([0x00, 0x01, 0x10, 0x11, 0xab, 0xff][Int(rng.next() % 6)]) }
                if rng.next() % 3 == 0 {
                    trie.remove(key: key)
                    model[key] = nil
                } else {
                    let vlen = Int(rng.next() % 40)  // short values give inline nodes; long force hashing
                    let value = (0..<vlen).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                    trie.insert(key: key, value: value)
                    model[key] = value.isEmpty ? nil : value
                }
                if step % 17 == 0 { _ = trie.computeRoot() }
                #expect(trie.count == model.count)
            }
            var fresh = MerklePatriciaTrie()
            for (k, v) in model { fresh.insert(key: k, value: v) }
            let root = trie.computeRoot()
            #expect(root == fresh.computeRoot(), "round \(round)")
            #expect(root == ReferenceTrie.root(model), "round \(round) reference")
            for (k, v) in model { #expect(trie.value(forKey: k) == v) }
            #expect(trie.entries().map(\.key) == model.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }))
            // Deleting everything returns to the empty root.
            for k in model.keys { trie.remove(key: k) }
            #expect(trie.computeRoot() == MerklePatriciaTrie.emptyRoot)
            #expect(trie.isEmpty)
        }
    }

    /// A copied trie is independent: mutating the copy (in place, with caches filled) leaves the
    /// original's contents and root unchanged.
    @Test func valueSemantics() {
        var a = MerklePatriciaTrie()
        for i in 0..<200 { a.insert(key: [UInt8(i), UInt8(i / 3)], value: [UInt8](repeating: UInt8(i), count: 40)) }
        let rootA = a.computeRoot()
        var b = a
        for i in 0..<100 { b.remove(key: [UInt8(i), UInt8(i / 3)]) }
        b.insert(key: [0xff], value: [1])
        #expect(b.computeRoot() != rootA)
        #expect(a.computeRoot() == rootA)
        #expect(a.count == 200 && b.count == 101)
        #expect(a.value(forKey: [0, 0]) != nil && b.value(forKey: [0, 0]) == nil)
    }

    @Test func orderedRootMatchesManualTrie() {
        let items: [[UInt8]] = (0..<300).map { i in [UInt8](repeating: UInt8(i & 0xff), count: 1 + i % 50) }
        var t = MerklePatriciaTrie()
        for (i, it) in items.enumerated() { t.insert(key: RLP.encode(UInt64(i)), value: it) }
        #expect(orderedTrieRoot(items) == t.computeRoot())
        #expect(
            orderedTrieRoot(items)
                == ReferenceTrie.root(
                    Dictionary(
                        uniqueKeysWithValues: items.enumerated().map { (RLP.encode(UInt64($0.offset)), $0.element) })))
    }
}

/// An independent, deliberately naive trie-root builder used as an oracle: it builds each node
/// directly from the sorted set of (nibble path, value) pairs below it.
enum ReferenceTrie {
    static func root(_ map: [[UInt8]: [UInt8]]) -> Bytes32 {
        let entries = map.filter { !$0.value.isEmpty }.map { (nibbles($0.key), $0.value) }
        if entries.isEmpty { return Keccak256.hash([0x80]) }
        return Keccak256.hash(node(entries, depth: 0))
    }

    static func nibbles(_ k: [UInt8]) -> [UInt8] { k.flatMap { [$0 >> 4, $0 & 0x0f] } }

    static func hexPrefix(_ p: ArraySlice<UInt8>, leaf: Bool) -> [UInt8] {
        let p = Array(p)
        var flag: UInt8 = leaf ? 0x20 : 0
        var out: [UInt8] = []
        var rest = p[...]
        if p.count % 2 == 1 {
            flag |= 0x10 | p[0]
            rest = p.dropFirst()
        }
        out.append(flag)
        var i = rest.startIndex
        while i < rest.endIndex {
            out.append(rest[i] << 4 | rest[i + 1])
            i += 2
        }
        return out
    }

    static func ref(_ enc: [UInt8]) -> RLPItem {
        enc.count < 32 ? (try? RLP.decode(enc)) ?? .bytes([]) : .bytes(Keccak256.hash(enc).bytes)
    }

    static func node(_ entries: [([UInt8], [UInt8])], depth: Int) -> [UInt8] {
        if entries.count == 1, let (k, v) = entries.first {
            return RLPItem.list([.bytes(hexPrefix(k[depth...], leaf: true)), .bytes(v)]).encoded()
        }
        // Longest common prefix beyond depth.
        var common = 0
        while true {
            let d = depth + common
            guard let first = entries.first, d < first.0.count else { break }
            let c = first.0[d]
            if entries.allSatisfy({ d < $0.0.count && $0.0[d] == c }) { common += 1 } else { break }
        }
        if common > 0 {
            let child = node(entries, depth: depth + common)
            let first = entries[0].0
            return RLPItem.list([.bytes(hexPrefix(first[depth..<(depth + common)], leaf: false)), ref(child)]).encoded()
        }
        var items: [RLPItem] = []
        for n in 0..<16 {
            let sub = entries.filter { depth < $0.0.count && $0.0[depth] == UInt8(n) }
            items.append(sub.isEmpty ? .bytes([]) : ref(node(sub, depth: depth + 1)))
        }
        let value = entries.first(where: { $0.0.count == depth })?.1 ?? []
        items.append(.bytes(value))
        return RLPItem.list(items).encoded()
    }
}
