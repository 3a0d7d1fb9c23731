public import Primitives
public import Bitcoin
import Hashing

/// Per-transaction hashes shared by every input's signature checks (Core's
/// `PrecomputedTransactionData`): BIP143's hashPrevouts/hashSequence/hashOutputs and BIP341's
/// single-SHA256 prevouts/amounts/scriptPubKeys/sequences/outputs. Build once per transaction.
public struct PrecomputedTransactionData: Sendable {
    /// The outputs being spent, one per input, or empty when unknown.
    public let spentOutputs: [TxOut]
    /// True when `spentOutputs` has one entry per input.
    public let spentOutputsReady: Bool
    /// True when the BIP143 hashes below are filled in (otherwise they are computed on demand).
    public let bip143Ready: Bool
    /// True when the BIP341 hashes are filled in; taproot signature checks fail without them.
    public let bip341Ready: Bool

    // Single SHA256 (BIP341) of the serialized prevouts, sequences and outputs.
    public let prevoutsSingleHash: Bytes32
    public let sequencesSingleHash: Bytes32
    public let outputsSingleHash: Bytes32
    public let spentAmountsSingleHash: Bytes32
    public let spentScriptsSingleHash: Bytes32
    // Double SHA256 (BIP143).
    public let hashPrevouts: Bytes32
    public let hashSequence: Bytes32
    public let hashOutputs: Bytes32

    /// Core's `PrecomputedTransactionData::Init`. `spentOutputs` must be empty or have one entry per
    /// input (anything else is treated as missing). Hashes are computed only for the sighash
    /// schemes the transaction's witnesses may use, unless `force` is set.
    public init(tx: Transaction, spentOutputs: [TxOut], force: Bool = false) {
        let ready = !spentOutputs.isEmpty && spentOutputs.count == tx.inputs.count
        self.spentOutputs = ready ? spentOutputs : []
        self.spentOutputsReady = ready
        var usesSegwit = force
        var usesTaproot = force
        for (i, input) in tx.inputs.enumerated() where !(usesSegwit && usesTaproot) {
            if input.witness.isEmpty { continue }
            if ready && spentOutputs[i].scriptPubKey.count == 34 && spentOutputs[i].scriptPubKey[0] == 0x51 {
                usesTaproot = true
            } else {
                usesSegwit = true
            }
        }
        if usesSegwit || usesTaproot {
            prevoutsSingleHash = SigHashParts.prevoutsHash(tx)
            sequencesSingleHash = SigHashParts.sequencesHash(tx)
            outputsSingleHash = SigHashParts.outputsHash(tx)
        } else {
            prevoutsSingleHash = .zero
            sequencesSingleHash = .zero
            outputsSingleHash = .zero
        }
        if usesSegwit {
            hashPrevouts = SHA256Hash.hash(prevoutsSingleHash.bytes)
            hashSequence = SHA256Hash.hash(sequencesSingleHash.bytes)
            hashOutputs = SHA256Hash.hash(outputsSingleHash.bytes)
            bip143Ready = true
        } else {
            hashPrevouts = .zero
            hashSequence = .zero
            hashOutputs = .zero
            bip143Ready = false
        }
        if usesTaproot && ready {
            var amounts = ByteWriter(capacity: 8 * spentOutputs.count)
            var scripts = ByteWriter(capacity: 35 * spentOutputs.count)
            for o in spentOutputs {
                amounts.writeInt64LE(o.value)
                scripts.writeVarBytes(o.scriptPubKey)
            }
            spentAmountsSingleHash = SHA256Hash.hash(amounts.bytes)
            spentScriptsSingleHash = SHA256Hash.hash(scripts.bytes)
            bip341Ready = true
        } else {
            spentAmountsSingleHash = .zero
            spentScriptsSingleHash = .zero
            bip341Ready = false
        }
    }
}

/// Serializations shared by the sighash schemes.
enum SigHashParts {
    static func prevoutsHash(_ tx: Transaction) -> Bytes32 {
        var w = ByteWriter(capacity: 36 * tx.inputs.count)
        for i in tx.inputs {
            w.write(i.prevout.txid)
            w.writeUInt32LE(i.prevout.vout)
        }
        return SHA256Hash.hash(w.bytes)
    }

    static func sequencesHash(_ tx: Transaction) -> Bytes32 {
        var w = ByteWriter(capacity: 4 * tx.inputs.count)
        for i in tx.inputs { w.writeUInt32LE(i.sequence) }
        return SHA256Hash.hash(w.bytes)
    }

    static func outputsHash(_ tx: Transaction) -> Bytes32 {
        var w = ByteWriter(capacity: 34 * tx.outputs.count)
        for o in tx.outputs {
            w.writeInt64LE(o.value)
            w.writeVarBytes(o.scriptPubKey)
        }
        return SHA256Hash.hash(w.bytes)
    }

    static func outputHash(_ o: TxOut) -> Bytes32 {
        var w = ByteWriter(capacity: 9 + o.scriptPubKey.count)
        w.writeInt64LE(o.value)
        w.writeVarBytes(o.scriptPubKey)
        return SHA256Hash.hash(w.bytes)
    }
}
