public import Ethereum
internal import Hashing
public import Primitives

/// Why a Merkle-Patricia proof does not establish a value or an absence under a root.
public enum TrieProofError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No proof node hashes to a reference on the path (at `depth` nodes from the root).
    case missingNode(hash: Bytes32, depth: Int)
    /// A proof node is not a well-formed trie node.
    case malformedNode(depth: Int, RLPError)
    /// A node's shape is wrong (item count, hex-prefix flag, child reference size).
    case invalidNode(depth: Int, reason: String)

    public var description: String {
        switch self {
        case .missingNode(let h, let d): return "proof lacks node \(h) at depth \(d)"
        case .malformedNode(let d, let e): return "proof node at depth \(d): \(e)"
        case .invalidNode(let d, let r): return "proof node at depth \(d): \(r)"
        }
    }
}

extension MerklePatriciaTrie {
    /// The proof for `key` as `eth_getProof` (EIP-1186) returns it: the RLP of every node on the
    /// path from the root that its parent references by hash (the root always), root first. It
    /// proves the value, or the key's absence. Mutating only to fill hash caches. Empty for an
    /// empty trie.
    public mutating func computeProof(forKey key: some Collection<UInt8>) -> [[UInt8]] {
        if case .empty = root { return [] }
        _ = computeRoot()
        let path = Nibbles.from(key)
        var p = path[...]
        var node = root
        var proof: [[UInt8]] = []
        while true {
            var enc: [UInt8] = []
            Self.encode(&node, into: &enc)
            if proof.isEmpty || enc.count >= 32 { proof.append(enc) }
            switch node {
            case .empty, .leaf:
                return proof
            case .extension(let ep, let child):
                guard p.starts(with: ep) else { return proof }
                p = p.dropFirst(ep.count)
                node = child
            case .branch(let b):
                guard let i = p.first else { return proof }
                node = b.children[Int(i)]
                if case .empty = node { return proof }
                p = p.dropFirst()
            }
        }
    }

    /// Verifies `proof` for `key` under `root`: the value if the proof shows it, nil if the proof
    /// shows the key is absent; throws if the proof is incomplete or malformed. Every proof node
    /// is untrusted input: decoded strictly, bounds-checked, and only followed by hash.
    public static func verifyProof(
        root: Bytes32, key: some Collection<UInt8>, proof: [[UInt8]]
    ) throws(TrieProofError) -> [UInt8]? {
        if root == emptyRoot { return nil }
        var byHash: [Bytes32: [UInt8]] = [:]
        for node in proof { byHash[Keccak256.hash(node)] = node }
        let path = Nibbles.from(key)
        var p = path[...]
        guard var enc = byHash[root] else { throw .missingNode(hash: root, depth: 0) }
        var depth = 0
        while true {
            // Each step consumes at least one nibble or ends, so the loop is bounded by the key.
            let next: [UInt8]
            do {
                var r = RLPReader(enc)
                var items = try r.readList()
                try r.expectEnd()
                var count = 0
                var probe = items
                while !probe.isAtEnd {
                    try probe.skipItem()
                    count += 1
                }
                switch count {
                case 2:
                    let hp = try items.readSlice()
                    guard let (nibbles, isLeaf) = Nibbles.decodeHexPrefix(hp) else {
                        throw TrieProofError.invalidNode(depth: depth, reason: "bad hex-prefix")
                    }
                    if isLeaf {
                        let value = try items.readBytes()
                        return p.elementsEqual(nibbles) && !value.isEmpty ? value : nil
                    }
                    guard !nibbles.isEmpty else {
                        throw TrieProofError.invalidNode(depth: depth, reason: "empty extension")
                    }
                    guard p.starts(with: nibbles) else { return nil }
                    p = p.dropFirst(nibbles.count)
                    next = try Self.childReference(&items, depth: depth)
                case 17:
                    guard let i = p.first else {
                        for _ in 0..<16 { try items.skipItem() }
                        let value = try items.readBytes()
                        return value.isEmpty ? nil : value
                    }
                    for _ in 0..<Int(i) { try items.skipItem() }
                    p = p.dropFirst()
                    next = try Self.childReference(&items, depth: depth)
                default:
                    throw TrieProofError.invalidNode(depth: depth, reason: "\(count) items")
                }
            } catch let e as TrieProofError {
                throw e
            } catch let e as RLPError {
                throw .malformedNode(depth: depth, e)
            } catch {
                throw .invalidNode(depth: depth, reason: "\(error)")
            }
            depth += 1
            if next.isEmpty { return nil }  // empty child: absent
            if next.count == 32 {
                let h = Bytes32(next)
                guard let n = byHash[h] else { throw .missingNode(hash: h, depth: depth) }
                enc = n
            } else {
                enc = next  // an embedded node (its RLP, shorter than 32 bytes)
            }
        }
    }

    /// Reads a child reference: the 32-byte hash, an embedded node's raw RLP (a list shorter than 32
    /// bytes), or empty for no child.
    static func childReference(_ items: inout RLPReader, depth: Int) throws -> [UInt8] {
        let h = try items.peekHeader()
        if h.isList {
            let raw = try items.readEncodedItem()
            guard raw.count < 32 else {
                throw TrieProofError.invalidNode(depth: depth, reason: "inline node ≥ 32 bytes")
            }
            return Array(raw)
        }
        let b = try items.readBytes()
        guard b.isEmpty || b.count == 32 else {
            throw TrieProofError.invalidNode(depth: depth, reason: "child reference of \(b.count) bytes")
        }
        return b
    }
}

extension Nibbles {
    /// Inverse of the hex-prefix encoding: the nibbles and the leaf flag; nil for a bad flag nibble or
    /// non-zero padding.
    static func decodeHexPrefix(_ b: ArraySlice<UInt8>) -> ([UInt8], Bool)? {
        guard let first = b.first else { return nil }
        let flag = first >> 4
        guard flag <= 3 else { return nil }
        let odd = flag & 1 == 1
        var out: [UInt8] = []
        out.reserveCapacity(b.count * 2)
        if odd {
            out.append(first & 0x0f)
        } else if first & 0x0f != 0 {
            return nil
        }
        for x in b.dropFirst() {
            out.append(x >> 4)
            out.append(x & 0x0f)
        }
        return (out, flag >= 2)
    }
}
