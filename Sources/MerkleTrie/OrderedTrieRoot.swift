internal import Ethereum
public import Primitives

/// Root of the trie mapping `rlp(index)` to each item, as used for the transactions, receipts
/// and withdrawals roots in block headers (Yellow Paper §4.3; EIP-4895 for withdrawals). Items are
/// the already encoded values (typed transactions and receipts as their EIP-2718 envelopes); they
/// are never empty in practice (an empty value would mean "absent" in the trie).
public func orderedTrieRoot(_ items: [[UInt8]]) -> Bytes32 {
    var trie = MerklePatriciaTrie()
    var key: [UInt8] = []
    key.reserveCapacity(9)
    for (i, item) in items.enumerated() {
        key.removeAll(keepingCapacity: true)
        RLP.append(UInt64(i), to: &key)
        trie.insert(key: key, value: item)
    }
    return trie.computeRoot()
}
