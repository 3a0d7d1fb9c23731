public import Primitives
public import Bitcoin
import Hashing

/// Signature hashes: legacy (pre-segwit), BIP143 (witness v0) and BIP341/BIP342 (taproot).
public enum SigHash {
    public static let all: UInt8 = 0x01
    public static let none: UInt8 = 0x02
    public static let single: UInt8 = 0x03
    public static let anyoneCanPay: UInt8 = 0x80
    /// BIP341: a 64-byte Schnorr signature means SIGHASH_DEFAULT (= ALL semantics).
    public static let `default`: UInt8 = 0x00

    /// The value Core returns for SIGHASH_SINGLE without a matching output (the "SIGHASH_SINGLE bug").
    public static let one = Bytes32(w0: 1, w1: 0, w2: 0, w3: 0)

    /// Core's legacy `SignatureHash` (SigVersion::BASE). `scriptCode` is the script from the last
    /// executed OP_CODESEPARATOR, with signatures already removed by FindAndDelete; remaining
    /// OP_CODESEPARATORs are dropped here. `hashType` is the full 32-bit value that is appended.
    public static func legacy(tx: Transaction, inputIndex: Int, scriptCode: [UInt8], hashType: Int32) -> Bytes32 {
        guard inputIndex >= 0, inputIndex < tx.inputs.count else { return one }
        let base = hashType & 0x1f
        let anyoneCanPay = hashType & 0x80 != 0
        let hashSingle = base == Int32(single)
        let hashNone = base == Int32(none)
        if hashSingle && inputIndex >= tx.outputs.count { return one }

        let code = Script.legacyScriptCode(scriptCode)
        var w = ByteWriter(capacity: 64 + 41 * tx.inputs.count + 34 * tx.outputs.count + code.bytes.count)
        w.writeInt32LE(tx.version)
        let inputs = anyoneCanPay ? inputIndex..<(inputIndex + 1) : 0..<tx.inputs.count
        w.writeCompactSize(inputs.count)
        for i in inputs {
            let input = tx.inputs[i]
            w.write(input.prevout.txid)
            w.writeUInt32LE(input.prevout.vout)
            if i == inputIndex {
                w.writeCompactSize(code.declaredLength)
                w.write(code.bytes)
            } else {
                w.writeCompactSize(0)
            }
            if i != inputIndex && (hashSingle || hashNone) {
                w.writeUInt32LE(0)
            } else {
                w.writeUInt32LE(input.sequence)
            }
        }
        let outputCount = hashNone ? 0 : (hashSingle ? inputIndex + 1 : tx.outputs.count)
        w.writeCompactSize(outputCount)
        for o in 0..<outputCount {
            if hashSingle && o != inputIndex {
                w.writeInt64LE(-1)
                w.writeCompactSize(0)
            } else {
                w.writeInt64LE(tx.outputs[o].value)
                w.writeVarBytes(tx.outputs[o].scriptPubKey)
            }
        }
        w.writeUInt32LE(tx.lockTime)
        w.writeInt32LE(hashType)
        return SHA256Hash.double(w.bytes)
    }

    /// BIP143 `SignatureHash` for witness v0. Uses the cached hashes in `precomputed` when ready,
    /// otherwise computes them.
    public static func witnessV0(
        tx: Transaction, inputIndex: Int, scriptCode: [UInt8], amount: Int64, hashType: Int32,
        precomputed: PrecomputedTransactionData?
    ) -> Bytes32 {
        guard inputIndex >= 0, inputIndex < tx.inputs.count else { return one }
        let base = hashType & 0x1f
        let anyoneCanPay = hashType & 0x80 != 0
        let cache = precomputed?.bip143Ready == true ? precomputed : nil
        var hashPrevouts = Bytes32.zero
        var hashSequence = Bytes32.zero
        var hashOutputs = Bytes32.zero
        if !anyoneCanPay {
            hashPrevouts = cache?.hashPrevouts ?? SHA256Hash.hash(SigHashParts.prevoutsHash(tx).bytes)
        }
        if !anyoneCanPay && base != Int32(single) && base != Int32(none) {
            hashSequence = cache?.hashSequence ?? SHA256Hash.hash(SigHashParts.sequencesHash(tx).bytes)
        }
        if base != Int32(single) && base != Int32(none) {
            hashOutputs = cache?.hashOutputs ?? SHA256Hash.hash(SigHashParts.outputsHash(tx).bytes)
        } else if base == Int32(single) && inputIndex < tx.outputs.count {
            var o = ByteWriter(capacity: 64)
            o.writeInt64LE(tx.outputs[inputIndex].value)
            o.writeVarBytes(tx.outputs[inputIndex].scriptPubKey)
            hashOutputs = SHA256Hash.double(o.bytes)
        }
        let input = tx.inputs[inputIndex]
        var w = ByteWriter(capacity: 160 + scriptCode.count)
        w.writeInt32LE(tx.version)
        w.write(hashPrevouts)
        w.write(hashSequence)
        w.write(input.prevout.txid)
        w.writeUInt32LE(input.prevout.vout)
        w.writeVarBytes(scriptCode)
        w.writeInt64LE(amount)
        w.writeUInt32LE(input.sequence)
        w.write(hashOutputs)
        w.writeUInt32LE(tx.lockTime)
        w.writeInt32LE(hashType)
        return SHA256Hash.double(w.bytes)
    }

    /// BIP341/BIP342 `SignatureHashSchnorr`. `annex` is the whole annex (starting 0x50) if present;
    /// `leafHash` selects the tapscript form (ext_flag 1, key_version 0, `codeSeparatorPosition`).
    /// Nil when the hash type is undefined, SIGHASH_SINGLE has no matching output, or
    /// `precomputed` lacks the spent outputs (as Core's `SignatureHashSchnorr` returns false).
    public static func taproot(
        tx: Transaction, inputIndex: Int, hashType: UInt8, precomputed: PrecomputedTransactionData,
        annex: [UInt8]? = nil, leafHash: Bytes32? = nil, codeSeparatorPosition: UInt32 = 0xffff_ffff
    ) -> Bytes32? {
        let annexHash: Bytes32? = annex.map { a in
            var w = ByteWriter(capacity: a.count + 9)
            w.writeVarBytes(a)
            return SHA256Hash.hash(w.bytes)
        }
        var outputHash: Bytes32? = nil
        return taproot(
            tx: tx, inputIndex: inputIndex, hashType: hashType, precomputed: precomputed, annexHash: annexHash,
            leafHash: leafHash, codeSeparatorPosition: codeSeparatorPosition, outputHashCache: &outputHash)
    }

    static func taproot(
        tx: Transaction, inputIndex: Int, hashType: UInt8, precomputed cache: PrecomputedTransactionData,
        annexHash: Bytes32?, leafHash: Bytes32?, codeSeparatorPosition: UInt32, outputHashCache: inout Bytes32?
    ) -> Bytes32? {
        guard inputIndex >= 0, inputIndex < tx.inputs.count else { return nil }
        guard cache.bip341Ready && cache.spentOutputsReady else { return nil }
        let outputType = hashType == SigHash.default ? SigHash.all : (hashType & 0x03)
        let inputType = hashType & 0x80
        guard hashType <= 0x03 || (hashType >= 0x81 && hashType <= 0x83) else { return nil }

        var h = TaggedHash.tapSighash.hasher()
        var w = ByteWriter(capacity: 256)
        w.write(0)  // epoch
        w.write(hashType)
        w.writeInt32LE(tx.version)
        w.writeUInt32LE(tx.lockTime)
        if inputType != SigHash.anyoneCanPay {
            w.write(cache.prevoutsSingleHash)
            w.write(cache.spentAmountsSingleHash)
            w.write(cache.spentScriptsSingleHash)
            w.write(cache.sequencesSingleHash)
        }
        if outputType == SigHash.all {
            w.write(cache.outputsSingleHash)
        }
        let extFlag: UInt8 = leafHash == nil ? 0 : 1
        w.write(extFlag << 1 + (annexHash == nil ? 0 : 1))
        let input = tx.inputs[inputIndex]
        if inputType == SigHash.anyoneCanPay {
            w.write(input.prevout.txid)
            w.writeUInt32LE(input.prevout.vout)
            let spent = cache.spentOutputs[inputIndex]
            w.writeInt64LE(spent.value)
            w.writeVarBytes(spent.scriptPubKey)
            w.writeUInt32LE(input.sequence)
        } else {
            w.writeUInt32LE(UInt32(truncatingIfNeeded: inputIndex))
        }
        if let annexHash { w.write(annexHash) }
        if outputType == SigHash.single {
            guard inputIndex < tx.outputs.count else { return nil }
            if outputHashCache == nil { outputHashCache = SigHashParts.outputHash(tx.outputs[inputIndex]) }
            if let oh = outputHashCache { w.write(oh) }
        }
        if let leafHash {
            w.write(leafHash)
            w.write(0)  // key_version
            w.writeUInt32LE(codeSeparatorPosition)
        }
        h.update(w.bytes)
        return h.finalize()
    }
}
