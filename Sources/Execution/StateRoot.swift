public import EVM
internal import Ethereum
internal import Hashing
internal import MerkleTrie
public import Primitives

/// State and logs commitments (Yellow Paper §4.1, §4.3).
public enum StateCommitment {
    /// Root of the secure trie of storage: keccak(slot) → RLP(value).
    public static func computeStorageRoot(_ storage: [UInt256: UInt256]) -> Bytes32 {
        var trie = SecureMerklePatriciaTrie()
        for (k, v) in storage where !v.isZero {
            var out: [UInt8] = []
            RLP.append(v, to: &out)
            trie.insert(key: k.bytes32.bytes, value: out)
        }
        return trie.computeRoot()
    }

    /// Root of the secure account trie: keccak(address) → RLP([nonce, balance, storageRoot, codeHash]).
    public static func computeStateRoot(_ accounts: [EVMAddress: Account]) -> Bytes32 {
        var trie = SecureMerklePatriciaTrie()
        for (a, acct) in accounts {
            var payload: [UInt8] = []
            RLP.append(acct.nonce, to: &payload)
            RLP.append(acct.balance, to: &payload)
            RLP.append(bytes: computeStorageRoot(acct.storage).bytes, to: &payload)
            RLP.append(bytes: acct.codeHash.bytes, to: &payload)
            var out: [UInt8] = []
            RLP.appendHeader(payloadLength: payload.count, offset: RLP.shortListOffset, to: &out)
            out += payload
            trie.insert(key: a.bytes, value: out)
        }
        return trie.computeRoot()
    }

    /// keccak256(RLP([[address, [topics…], data]…])).
    public static func computeLogsHash(_ logs: [LogEntry]) -> Bytes32 {
        var payload: [UInt8] = []
        for l in logs {
            var item: [UInt8] = []
            RLP.append(bytes: l.address.bytes, to: &item)
            var topics: [UInt8] = []
            for t in l.topics { RLP.append(bytes: t.bytes, to: &topics) }
            RLP.appendHeader(payloadLength: topics.count, offset: RLP.shortListOffset, to: &item)
            item += topics
            RLP.append(bytes: l.data, to: &item)
            RLP.appendHeader(payloadLength: item.count, offset: RLP.shortListOffset, to: &payload)
            payload += item
        }
        var out: [UInt8] = []
        RLP.appendHeader(payloadLength: payload.count, offset: RLP.shortListOffset, to: &out)
        out += payload
        return Keccak256.hash(out)
    }
}
