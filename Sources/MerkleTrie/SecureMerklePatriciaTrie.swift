internal import Hashing
public import Primitives

/// The "secure" trie used for the state and storage tries (Yellow Paper §4.1): every key is
/// replaced by keccak256(key) before it enters the trie, bounding depth and path shape.
public struct SecureMerklePatriciaTrie: Sendable {
    public private(set) var trie = MerklePatriciaTrie()

    public init() {}

    public var count: Int { trie.count }
    public var isEmpty: Bool { trie.isEmpty }

    /// Inserts under keccak256(key); an empty value deletes.
    public mutating func insert(key: some Collection<UInt8>, value: [UInt8]) {
        trie.insert(key: Keccak256.hash(key).bytes, value: value)
    }

    /// Inserts under an already hashed key (e.g. a precomputed keccak of an address).
    public mutating func insert(hashedKey: Bytes32, value: [UInt8]) {
        trie.insert(key: hashedKey.bytes, value: value)
    }

    public mutating func remove(key: some Collection<UInt8>) {
        trie.remove(key: Keccak256.hash(key).bytes)
    }

    public func value(forKey key: some Collection<UInt8>) -> [UInt8]? {
        trie.value(forKey: Keccak256.hash(key).bytes)
    }

    /// The root hash.
    public mutating func computeRoot() -> Bytes32 { trie.computeRoot() }
}
