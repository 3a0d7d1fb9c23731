public import Primitives
public import Bitcoin

/// A PoP keystone found in a block.
public struct FoundKeystone: Hashable, Sendable {
    /// Position of the transaction in the block.
    public var txIndex: Int
    public var txid: TxID
    /// Output index of the OP_RETURN within the transaction.
    public var outputIndex: Int
    public var keystone: KeystoneAbbrev

    public init(txIndex: Int, txid: TxID, outputIndex: Int, keystone: KeystoneAbbrev) {
        self.txIndex = txIndex
        self.txid = txid
        self.outputIndex = outputIndex
        self.keystone = keystone
    }
}

/// Finds PoP keystones in blocks as tbc's keystone indexer does (§3.1): every output of every
/// non-coinbase transaction whose script parses as `OP_RETURN <"HEMI" ‖ 76-byte keystone>`.
public enum KeystoneScan {
    /// The keystones of `block` in block order (transaction, then output).
    public static func scan(_ block: Block) -> [FoundKeystone] {
        var out: [FoundKeystone] = []
        for (t, tx) in block.transactions.enumerated() where !tx.isCoinbase {
            var txid: TxID?
            for (o, txo) in tx.outputs.enumerated() where txo.scriptPubKey.count >= 6 && txo.scriptPubKey[0] == 0x6a {
                guard let k = try? PoPPayload.keystone(fromScript: txo.scriptPubKey) else { continue }
                let id = txid ?? tx.computeTxID()
                txid = id
                out.append(FoundKeystone(txIndex: t, txid: id, outputIndex: o, keystone: k))
            }
        }
        return out
    }
}
