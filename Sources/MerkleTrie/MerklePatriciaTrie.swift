internal import Ethereum
internal import Hashing
public import Primitives

/// An in-memory Merkle-Patricia trie (Yellow Paper appendix D): keys are byte strings walked as
/// nibbles; nodes are leaves, extensions and 16-way branches; a node whose RLP is shorter than 32
/// bytes is inlined in its parent, otherwise referenced by keccak256; the root hash is keccak256 of
/// the root node's RLP (the empty trie: keccak256(0x80) = `56e81f…b421`).
///
/// A value type. Branches cache their reference encoding; mutations clear the cache along the
/// touched path only, so `computeRoot()` after a few updates re-hashes only those paths.
/// An empty value is the same as no value (inserting `[]` deletes), as in geth's trie.
public struct MerklePatriciaTrie: Sendable {
    var root: Node = .empty
    public private(set) var count = 0

    /// keccak256(rlp("")): the root of the empty trie.
    public static let emptyRoot: Bytes32 = Keccak256.hash([0x80])

    public init() {}

    public var isEmpty: Bool { count == 0 }

    /// The value stored under `key`, or nil.
    public func value(forKey key: some Collection<UInt8>) -> [UInt8]? {
        let path = Nibbles.from(key)
        var node = root
        var p = path[...]
        while true {
            switch node {
            case .empty:
                return nil
            case .leaf(let lp, let v):
                return lp.elementsEqual(p) ? v : nil
            case .extension(let ep, let child):
                guard p.starts(with: ep) else { return nil }
                p = p.dropFirst(ep.count)
                node = child
            case .branch(let b):
                guard let i = p.first else { return b.value }
                node = b.children[Int(i)]
                p = p.dropFirst()
            }
        }
    }

    /// Inserts or replaces; an empty value deletes the key.
    public mutating func insert(key: some Collection<UInt8>, value: [UInt8]) {
        if value.isEmpty {
            remove(key: key)
            return
        }
        let path = Nibbles.from(key)
        var added = false
        Self.insert(&root, path[...], value, &added)
        if added { count += 1 }
    }

    /// Removes `key` if present.
    public mutating func remove(key: some Collection<UInt8>) {
        let path = Nibbles.from(key)
        var removed = false
        Self.delete(&root, path[...], &removed)
        if removed { count -= 1 }
    }

    /// The root hash. Mutating only to fill the branch reference caches.
    public mutating func computeRoot() -> Bytes32 {
        if case .empty = root { return Self.emptyRoot }
        var enc: [UInt8] = []
        Self.encode(&root, into: &enc)
        return Keccak256.hash(enc)
    }

    /// The RLP of the root node (what the root hash commits to); `0x80` when empty.
    public mutating func encodedRootNode() -> [UInt8] {
        var enc: [UInt8] = []
        Self.encode(&root, into: &enc)
        return enc
    }

    /// All entries in ascending key order.
    public func entries() -> [(key: [UInt8], value: [UInt8])] {
        var out: [(key: [UInt8], value: [UInt8])] = []
        out.reserveCapacity(count)
        var prefix: [UInt8] = []
        Self.walk(root, &prefix) { k, v in
            out.append((Nibbles.toBytes(k), v))
            return true
        }
        return out
    }

    /// The smallest key strictly greater than `key` (O(position) in-order walk; not for hot paths).
    public func nextKey(after key: [UInt8]) -> [UInt8]? {
        let target = Nibbles.from(key)
        var found: [UInt8]?
        var prefix: [UInt8] = []
        Self.walk(root, &prefix) { k, _ in
            if k.lexicographicallyPrecedes(target) || k == target { return true }
            found = Nibbles.toBytes(k)
            return false
        }
        return found
    }

    /// The largest key strictly smaller than `key`.
    public func previousKey(before key: [UInt8]) -> [UInt8]? {
        let target = Nibbles.from(key)
        var found: [UInt8]?
        var prefix: [UInt8] = []
        Self.walk(root, &prefix) { k, _ in
            guard k.lexicographicallyPrecedes(target) else { return false }
            found = Nibbles.toBytes(k)
            return true
        }
        return found
    }
}

// MARK: Nodes

/// Trie nodes. `path` arrays hold one nibble (0...15) per element.
enum Node: Sendable {
    case empty
    case leaf([UInt8], [UInt8])
    indirect case `extension`([UInt8], Node)
    case branch(Branch)
}

struct Branch: Sendable {
    var children: [Node]
    var value: [UInt8]?
    /// The reference encoding (inline RLP if < 32 bytes, else the 33-byte hash string); nil when dirty.
    var cachedRef: [UInt8]?

    init() {
        children = [Node](repeating: .empty, count: 16)
        value = nil
        cachedRef = nil
    }
}

enum Nibbles {
    static func from(_ key: some Collection<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(key.count * 2)
        for b in key {
            out.append(b >> 4)
            out.append(b & 0x0f)
        }
        return out
    }

    /// Packs an even number of nibbles into bytes (keys in the trie are always whole bytes).
    static func toBytes(_ n: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(n.count / 2)
        var i = 0
        while i + 1 < n.count {
            out.append(n[i] << 4 | n[i + 1])
            i += 2
        }
        return out
    }

    /// Hex-prefix encoding (Yellow Paper appendix C): flag nibble `2·leaf + odd`, then the path.
    static func appendHexPrefix(_ path: [UInt8], leaf: Bool, to out: inout [UInt8]) {
        var enc: [UInt8] = []
        enc.reserveCapacity(path.count / 2 + 1)
        let odd = path.count & 1 == 1
        let flag: UInt8 = (leaf ? 2 : 0) + (odd ? 1 : 0)
        var i = 0
        if odd {
            enc.append(flag << 4 | (path.first ?? 0))
            i = 1
        } else {
            enc.append(flag << 4)
        }
        while i + 1 < path.count {
            enc.append(path[i] << 4 | path[i + 1])
            i += 2
        }
        RLP.append(bytes: enc, to: &out)
    }

    static func commonPrefixLength(_ a: [UInt8], _ b: ArraySlice<UInt8>) -> Int {
        var n = 0
        var bi = b.startIndex
        while n < a.count && bi < b.endIndex && a[n] == b[bi] {
            n += 1
            bi += 1
        }
        return n
    }
}

extension MerklePatriciaTrie {
    // MARK: Insert
    //
    // Mutation is in place: each case moves the payload out of `node` (setting it to `.empty`) so the
    // arrays it holds are uniquely referenced and can be modified without copying, then puts the
    // result back. A trie value that has been copied still shares nodes; those copy on write.

    static func insert(_ node: inout Node, _ path: ArraySlice<UInt8>, _ value: [UInt8], _ added: inout Bool) {
        switch node {
        case .empty:
            added = true
            node = .leaf(Array(path), value)
        case .leaf(let lp, let lv):
            let common = Nibbles.commonPrefixLength(lp, path)
            if common == lp.count && common == path.count {
                node = .leaf(lp, value)
                return
            }
            added = true
            var b = Branch()
            let leafRest = lp[common...]
            if let first = leafRest.first {
                b.children[Int(first)] = .leaf(Array(leafRest.dropFirst()), lv)
            } else {
                b.value = lv
            }
            let newRest = path.dropFirst(common)
            if let first = newRest.first {
                b.children[Int(first)] = .leaf(Array(newRest.dropFirst()), value)
            } else {
                b.value = value
            }
            node = common > 0 ? .extension(Array(lp[..<common]), .branch(b)) : .branch(b)
        case .extension(let ep, var child):
            let common = Nibbles.commonPrefixLength(ep, path)
            if common == ep.count {
                node = .empty
                insert(&child, path.dropFirst(common), value, &added)
                node = .extension(ep, child)
                return
            }
            added = true
            var b = Branch()
            let extRest = ep[(common + 1)...]
            b.children[Int(ep[common])] = extRest.isEmpty ? child : .extension(Array(extRest), child)
            let newRest = path.dropFirst(common)
            if let first = newRest.first {
                b.children[Int(first)] = .leaf(Array(newRest.dropFirst()), value)
            } else {
                b.value = value
            }
            node = common > 0 ? .extension(Array(ep[..<common]), .branch(b)) : .branch(b)
        case .branch(var b):
            node = .empty
            b.cachedRef = nil
            if let first = path.first {
                insert(&b.children[Int(first)], path.dropFirst(), value, &added)
            } else {
                if b.value == nil { added = true }
                b.value = value
            }
            node = .branch(b)
        }
    }

    // MARK: Delete

    static func delete(_ node: inout Node, _ path: ArraySlice<UInt8>, _ removed: inout Bool) {
        switch node {
        case .empty:
            return
        case .leaf(let lp, _):
            if lp.elementsEqual(path) {
                removed = true
                node = .empty
            }
        case .extension(let ep, var child):
            guard path.starts(with: ep) else { return }
            node = .empty
            delete(&child, path.dropFirst(ep.count), &removed)
            node = removed ? joinExtension(ep, child) : .extension(ep, child)
        case .branch(var b):
            node = .empty
            if let first = path.first {
                delete(&b.children[Int(first)], path.dropFirst(), &removed)
            } else if b.value != nil {
                removed = true
                b.value = nil
            }
            if removed {
                b.cachedRef = nil
                node = collapse(b)
            } else {
                node = .branch(b)
            }
        }
    }

    /// An extension over `child` after a deletion below it, merged into the child where needed.
    static func joinExtension(_ ep: [UInt8], _ child: Node) -> Node {
        switch child {
        case .empty: return .empty
        case .leaf(let lp, let v): return .leaf(ep + lp, v)
        case .extension(let p2, let c2): return .extension(ep + p2, c2)
        case .branch: return .extension(ep, child)
        }
    }

    /// A branch with fewer than two entries left becomes a leaf or an extension.
    static func collapse(_ b: Branch) -> Node {
        var only = -1
        var n = 0
        for i in 0..<16 {
            if case .empty = b.children[i] { continue }
            n += 1
            only = i
            if n > 1 { return .branch(b) }
        }
        if n == 0 {
            if let v = b.value { return .leaf([], v) }
            return .empty
        }
        if b.value != nil { return .branch(b) }
        return joinExtension([UInt8(only)], b.children[only])
    }

    // MARK: Encoding

    /// Appends the node's RLP, filling branch caches beneath it.
    static func encode(_ node: inout Node, into out: inout [UInt8]) {
        switch node {
        case .empty:
            out.append(0x80)
        case .leaf(let lp, let v):
            RLP.appendList(to: &out) { o in
                Nibbles.appendHexPrefix(lp, leaf: true, to: &o)
                RLP.append(bytes: v, to: &o)
            }
        case .extension(let ep, var child):
            node = .empty
            RLP.appendList(to: &out) { o in
                Nibbles.appendHexPrefix(ep, leaf: false, to: &o)
                appendReference(&child, to: &o)
            }
            node = .extension(ep, child)
        case .branch(var b):
            node = .empty
            RLP.appendList(to: &out) { o in
                for i in 0..<16 { appendReference(&b.children[i], to: &o) }
                if let v = b.value { RLP.append(bytes: v, to: &o) } else { o.append(0x80) }
            }
            node = .branch(b)
        }
    }

    /// Appends how a parent refers to `node`: its RLP inline if shorter than 32 bytes, else keccak256 of it.
    static func appendReference(_ node: inout Node, to out: inout [UInt8]) {
        switch node {
        case .empty:
            out.append(0x80)
            return
        case .branch(let b):
            if let c = b.cachedRef {
                out.append(contentsOf: c)
                return
            }
        default: break
        }
        var enc: [UInt8] = []
        encode(&node, into: &enc)
        var ref: [UInt8]
        if enc.count < 32 {
            ref = enc
        } else {
            ref = []
            ref.reserveCapacity(33)
            RLP.append(Keccak256.hash(enc), to: &ref)
        }
        out.append(contentsOf: ref)
        if case .branch(var b) = node {
            node = .empty
            b.cachedRef = ref
            node = .branch(b)
        }
    }

    // MARK: Walk

    /// In-order walk (a key sorts before its extensions); `body` returns false to stop.
    @discardableResult
    static func walk(_ node: Node, _ prefix: inout [UInt8], _ body: ([UInt8], [UInt8]) -> Bool) -> Bool {
        switch node {
        case .empty:
            return true
        case .leaf(let lp, let v):
            let n = prefix.count
            prefix.append(contentsOf: lp)
            let go = body(prefix, v)
            prefix.removeLast(prefix.count - n)
            return go
        case .extension(let ep, let child):
            let n = prefix.count
            prefix.append(contentsOf: ep)
            let go = walk(child, &prefix, body)
            prefix.removeLast(prefix.count - n)
            return go
        case .branch(let b):
            if let v = b.value, !body(prefix, v) { return false }
            for i in 0..<16 {
                prefix.append(UInt8(i))
                let go = walk(b.children[i], &prefix, body)
                prefix.removeLast()
                if !go { return false }
            }
            return true
        }
    }
}
