public import Primitives
internal import Hashing

/// A transaction id: SHA256d of the non-witness serialization, stored in internal (wire) order.
public typealias TxID = Bytes32
/// A witness transaction id (BIP141): SHA256d of the full serialization.
public typealias WTxID = Bytes32

/// Limits applied while decoding, checked before any allocation.
public enum TxLimits {
    /// No transaction can exceed the block weight limit, so 4,000,000 bytes bounds every length.
    public static let maxSerializedSize: UInt64 = 4_000_000
    /// Upper bound on inputs/outputs: each needs at least 41 / 9 bytes.
    public static let maxInputs: UInt64 = 4_000_000 / 41
    public static let maxOutputs: UInt64 = 4_000_000 / 9
    public static let maxWitnessItems: UInt64 = 4_000_000
}

/// A reference to a transaction output.
public struct OutPoint: Hashable, Sendable, CustomStringConvertible {
    public var txid: TxID
    public var vout: UInt32

    public init(txid: TxID, vout: UInt32) {
        self.txid = txid
        self.vout = vout
    }

    /// The null outpoint used by coinbase inputs.
    public static let null = OutPoint(txid: .zero, vout: 0xffff_ffff)
    public var isNull: Bool { vout == 0xffff_ffff && txid.isZero }
    public var description: String { "\(txid.displayHex):\(vout)" }
}

public struct TxIn: Hashable, Sendable {
    public var prevout: OutPoint
    public var scriptSig: [UInt8]
    public var sequence: UInt32
    /// Witness stack (BIP141); empty when absent.
    public var witness: [[UInt8]]

    public init(prevout: OutPoint, scriptSig: [UInt8] = [], sequence: UInt32 = 0xffff_ffff, witness: [[UInt8]] = []) {
        self.prevout = prevout
        self.scriptSig = scriptSig
        self.sequence = sequence
        self.witness = witness
    }

    /// BIP68: sequence numbers with this bit set carry no relative lock-time.
    public static let sequenceDisableFlag: UInt32 = 1 << 31
    public static let sequenceTypeFlag: UInt32 = 1 << 22
    public static let sequenceLockTimeMask: UInt32 = 0x0000_ffff
    public static let sequenceFinal: UInt32 = 0xffff_ffff
}

public struct TxOut: Hashable, Sendable {
    /// Value in satoshis (signed, as Bitcoin Core's CAmount; range-checked by consensus rules).
    public var value: Int64
    public var scriptPubKey: [UInt8]

    public init(value: Int64, scriptPubKey: [UInt8]) {
        self.value = value
        self.scriptPubKey = scriptPubKey
    }
}

/// A Bitcoin transaction with optional witnesses (BIP141/BIP144 serialization).
public struct Transaction: Hashable, Sendable {
    public var version: Int32
    public var inputs: [TxIn]
    public var outputs: [TxOut]
    public var lockTime: UInt32

    public init(version: Int32 = 2, inputs: [TxIn] = [], outputs: [TxOut] = [], lockTime: UInt32 = 0) {
        self.version = version
        self.inputs = inputs
        self.outputs = outputs
        self.lockTime = lockTime
    }

    public var hasWitness: Bool { inputs.contains { !$0.witness.isEmpty } }
    public var isCoinbase: Bool { inputs.count == 1 && inputs[0].prevout.isNull }

    // MARK: Encoding

    /// Appends the serialization; `witness: false` gives the legacy (txid) form.
    public func encode(into w: inout ByteWriter, witness: Bool = true) {
        let useWitness = witness && hasWitness
        w.writeInt32LE(version)
        if useWitness {
            w.write(0x00)
            w.write(0x01)
        }
        w.writeCompactSize(inputs.count)
        for i in inputs {
            w.write(i.prevout.txid)
            w.writeUInt32LE(i.prevout.vout)
            w.writeVarBytes(i.scriptSig)
            w.writeUInt32LE(i.sequence)
        }
        w.writeCompactSize(outputs.count)
        for o in outputs {
            w.writeInt64LE(o.value)
            w.writeVarBytes(o.scriptPubKey)
        }
        if useWitness {
            for i in inputs {
                w.writeCompactSize(i.witness.count)
                for item in i.witness { w.writeVarBytes(item) }
            }
        }
        w.writeUInt32LE(lockTime)
    }

    public func serialized(witness: Bool = true) -> [UInt8] {
        var w = ByteWriter(capacity: 256)
        encode(into: &w, witness: witness)
        return w.bytes
    }

    /// Decodes one transaction from the reader. Follows Bitcoin Core's rules: the segwit marker is
    /// recognised when the input count is zero and the next byte is the flag 0x01; a witness flag
    /// with all-empty witnesses is rejected ("superfluous witness record").
    public static func decode(from r: inout ByteReader, allowWitness: Bool = true) throws(DecodeError) -> Transaction {
        let version = try r.readInt32LE()
        var inCount = try r.readCompactSize(limit: TxLimits.maxInputs)
        var flags: UInt8 = 0
        var inputs: [TxIn] = []
        var outputs: [TxOut] = []
        var readOutputs = true
        if inCount == 0 && allowWitness {
            // Core's UnserializeTransaction: an empty vin may be the segwit marker. A zero flag
            // byte means "no inputs and no outputs" (CheckTransaction rejects such a tx later).
            flags = try r.readUInt8()
            if flags != 0 {
                inCount = try r.readCompactSize(limit: TxLimits.maxInputs)
            } else {
                readOutputs = false
            }
        }
        inputs.reserveCapacity(min(inCount, r.remaining / 41))
        for _ in 0..<inCount {
            let txid = try r.readBytes32()
            let vout = try r.readUInt32LE()
            let script = try r.readVarBytes(limit: TxLimits.maxSerializedSize)
            let seq = try r.readUInt32LE()
            inputs.append(TxIn(prevout: OutPoint(txid: txid, vout: vout), scriptSig: script, sequence: seq))
        }
        let outCount = readOutputs ? try r.readCompactSize(limit: TxLimits.maxOutputs) : 0
        outputs.reserveCapacity(min(outCount, r.remaining / 9))
        for _ in 0..<outCount {
            let value = try r.readInt64LE()
            let script = try r.readVarBytes(limit: TxLimits.maxSerializedSize)
            outputs.append(TxOut(value: value, scriptPubKey: script))
        }
        if flags & 1 != 0 {
            flags ^= 1
            var any = false
            for i in 0..<inputs.count {
                let n = try r.readCompactSize(limit: TxLimits.maxWitnessItems)
                var stack: [[UInt8]] = []
                stack.reserveCapacity(min(n, r.remaining))
                for _ in 0..<n { stack.append(try r.readVarBytes(limit: TxLimits.maxSerializedSize)) }
                if !stack.isEmpty { any = true }
                inputs[i].witness = stack
            }
            if !any { throw .invalid(offset: r.offset, reason: "superfluous witness record") }
        }
        if flags != 0 { throw .invalid(offset: r.offset, reason: "unknown transaction optional data") }
        let lockTime = try r.readUInt32LE()
        return Transaction(version: version, inputs: inputs, outputs: outputs, lockTime: lockTime)
    }

    /// Decodes exactly one transaction from `bytes` (no trailing data allowed).
    public init(bytes: [UInt8]) throws(DecodeError) {
        var r = ByteReader(bytes)
        self = try Transaction.decode(from: &r)
        try r.expectEnd()
    }

    // MARK: Identity and size

    /// SHA256d of the legacy serialization (display with `.displayHex`).
    public func computeTxID() -> TxID { SHA256Hash.double(serialized(witness: false)) }
    /// SHA256d of the full serialization (equals the txid without witnesses).
    public func computeWTxID() -> WTxID { SHA256Hash.double(serialized(witness: true)) }

    public func computeBaseSize() -> Int { serialized(witness: false).count }
    public func computeTotalSize() -> Int { serialized(witness: true).count }
    /// BIP141 weight: base size × 3 + total size.
    public func computeWeight() -> Int { computeBaseSize() * 3 + computeTotalSize() }
    /// Virtual size, rounded up.
    public func computeVSize() -> Int { (computeWeight() + 3) / 4 }
}
