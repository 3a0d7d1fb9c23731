public import Primitives
internal import Hashing
internal import Secp256k1

/// A BIP341 script-tree leaf: a leaf version (0xc0 = BIP342 tapscript) and a script.
public struct TapLeaf: Hashable, Sendable {
    /// BIP342 tapscript.
    public static let tapscriptVersion: UInt8 = 0xc0

    public let leafVersion: UInt8
    public let script: [UInt8]

    /// Nil if the version is odd (its low bit is the control block's parity bit) — BIP341.
    public init?(leafVersion: UInt8 = TapLeaf.tapscriptVersion, script: [UInt8]) {
        guard leafVersion & 1 == 0 else { return nil }
        self.leafVersion = leafVersion
        self.script = script
    }

    /// hash_TapLeaf(leaf_version ‖ compact_size(len(script)) ‖ script).
    public func computeHash() -> Bytes32 {
        var w = ByteWriter(capacity: script.count + 10)
        w.write(leafVersion)
        w.writeVarBytes(script)
        return TaggedHash.tapLeaf.hash(w.bytes)
    }
}

/// A BIP341 script tree: leaves, and branches of two subtrees.
public indirect enum TapTree: Hashable, Sendable {
    case leaf(TapLeaf)
    case branch(TapTree, TapTree)

    /// BIP341's limit on the depth of a leaf (control-block path length).
    public static let maxDepth = 128

    /// hash_TapBranch of the two child hashes in lexicographic order.
    public static func branchHash(_ a: Bytes32, _ b: Bytes32) -> Bytes32 {
        TaggedHash.tapBranch.hash(a < b ? a.bytes + b.bytes : b.bytes + a.bytes)
    }

    /// The merkle root (for a single leaf, its leaf hash).
    public func computeMerkleRoot() -> Bytes32 {
        switch self {
        case let .leaf(l): return l.computeHash()
        case let .branch(a, b): return Self.branchHash(a.computeMerkleRoot(), b.computeMerkleRoot())
        }
    }

    /// Every leaf in depth-first, left-to-right order, with its leaf hash and its merkle path (the
    /// sibling hashes from the leaf up to the root, as a control block lists them).
    public func computeLeafPaths() -> [(leaf: TapLeaf, hash: Bytes32, path: [Bytes32])] {
        switch self {
        case let .leaf(l):
            return [(l, l.computeHash(), [])]
        case let .branch(a, b):
            let left = a.computeLeafPaths(), right = b.computeLeafPaths()
            let ra = a.computeMerkleRoot(), rb = b.computeMerkleRoot()
            return left.map { ($0.leaf, $0.hash, $0.path + [rb]) } + right.map { ($0.leaf, $0.hash, $0.path + [ra]) }
        }
    }

    /// The depth of the deepest leaf.
    public var depth: Int {
        switch self {
        case .leaf: return 0
        case let .branch(a, b): return 1 + max(a.depth, b.depth)
        }
    }

    /// The root implied by a leaf hash and a merkle path (BIP341's script-path check).
    public static func computeRoot(leafHash: Bytes32, path: [Bytes32]) -> Bytes32 {
        path.reduce(leafHash) { branchHash($0, $1) }
    }
}

/// A taproot (segwit v1) output: an internal key, an optional script tree, and the tweaked
/// output key Q = P + hash_TapTweak(P ‖ root)·G (BIP341).
public struct TaprootOutput: Hashable, Sendable {
    public let internalKeyX: [UInt8]
    public let tree: TapTree?
    public let merkleRoot: Bytes32?
    public let tweak: Bytes32
    public let outputKeyX: [UInt8]
    /// Y parity of the output key (true = odd).
    public let outputKeyParity: Bool

    /// Nil if the internal key is not a valid x-only key, the tree is deeper than 128, or
    /// (negligibly) the tweak is out of range.
    public init?(internalKeyX: [UInt8], tree: TapTree?) {
        if let t = tree, t.depth > TapTree.maxDepth { return nil }
        let root = tree?.computeMerkleRoot()
        guard let q = Secp256k1.taprootOutputKey(internalKeyX: internalKeyX, merkleRoot: root) else { return nil }
        self.internalKeyX = internalKeyX
        self.tree = tree
        self.merkleRoot = root
        self.tweak = Secp256k1.taprootTweak(internalKeyX: internalKeyX, merkleRoot: root)
        self.outputKeyX = q.outputKeyX
        self.outputKeyParity = q.parity
    }

    /// OP_1 <32-byte output key>.
    public var scriptPubKey: [UInt8] { [0x51, 0x20] + outputKeyX }

    /// The bech32m address.
    public var address: Address { .witness(WitnessProgram(valid: 1, program: outputKeyX)) }

    /// Control blocks for every leaf, in `TapTree.computeLeafPaths()` order:
    /// (leaf_version | parity) ‖ internal key ‖ merkle path.
    public func computeControlBlocks() -> [(leaf: TapLeaf, controlBlock: [UInt8])] {
        guard let tree else { return [] }
        return tree.computeLeafPaths().map { entry in
            var cb = [entry.leaf.leafVersion | (outputKeyParity ? 1 : 0)] + internalKeyX
            for h in entry.path { cb += h.bytes }
            return (entry.leaf, cb)
        }
    }
}
