public import Ethereum
internal import Hashing
public import Primitives

/// The ordered-trie roots a block header commits to (Yellow Paper §4.3; EIP-2718 typed values;
/// EIP-4895 withdrawals): each is `orderedTrieRoot` over the items' consensus encodings.
public enum BlockRoots {
    /// `transactionsRoot`: values are EIP-2718 envelopes (legacy: its RLP list).
    public static func computeTransactionsRoot(_ transactions: [Transaction]) -> Bytes32 {
        orderedTrieRoot(transactions.map { $0.encodedEnvelope() })
    }

    /// `receiptsRoot`: values are `Receipt.encoded()` (typed: `type ‖ rlp`).
    public static func computeReceiptsRoot(_ receipts: [Receipt]) -> Bytes32 {
        orderedTrieRoot(receipts.map { $0.encoded() })
    }

    /// `withdrawalsRoot` (EIP-4895): values are `rlp([index, validatorIndex, address, amount])`.
    public static func computeWithdrawalsRoot(_ withdrawals: [Withdrawal]) -> Bytes32 {
        orderedTrieRoot(withdrawals.map { $0.rlpEncoded() })
    }

    /// `ommersHash`: Keccak-256 of the RLP list of the ommer headers.
    public static func computeOmmersHash(_ ommers: [BlockHeader]) -> Bytes32 {
        var out: [UInt8] = []
        RLP.append(list: ommers, to: &out)
        return Keccak256.hash(out)
    }
}
