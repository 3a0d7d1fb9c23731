public import Primitives

/// Why bytes are not a valid consensus receipt encoding.
public enum ReceiptDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    /// The first byte is neither an RLP list nor a known receipt type.
    case unsupportedType(UInt8)
    /// The outcome field is neither a status (`0x80`/`0x01`) nor a 32-byte state root.
    case invalidOutcome(offset: Int)
    /// Deposit-only fields (`depositNonce`, `depositReceiptVersion`) on another type.
    case unexpectedDepositFields(type: TransactionType)
    case rlp(RLPError)

    public var description: String {
        switch self {
        case .empty: return "empty receipt encoding"
        case .unsupportedType(let t): return "unsupported receipt type byte 0x\([t].hex)"
        case .invalidOutcome(let o): return "receipt outcome at offset \(o) is neither a status nor a 32-byte root"
        case .unexpectedDepositFields(let t): return "deposit receipt fields on a receipt of type \(t)"
        case .rlp(let e): return "receipt: \(e)"
        }
    }
}

/// A transaction receipt as committed to by a block's `receiptsRoot` (Yellow Paper §4.3.1,
/// EIP-658 status, EIP-2718 typed receipts).
///
/// Consensus encoding (`encoded()`): `rlp([outcome, cumulativeGasUsed, logsBloom, logs])` for legacy
/// transactions, `type ‖ rlp([…])` for typed ones (0x01–0x04, Hemi 0x7C/0x7D, OP 0x7E). An OP Stack
/// deposit receipt (0x7E) appends `depositNonce` (Regolith) and `depositReceiptVersion` (Canyon)
/// when present (OP `specs/protocol/deposits.md`, "Deposit Receipt").
public struct Receipt: Hashable, Sendable {
    /// Post-transaction outcome: EIP-658 status (Byzantium on) or the intermediate state root before it.
    public enum Outcome: Hashable, Sendable {
        case status(Bool)
        case stateRoot(Bytes32)
    }

    public var type: TransactionType
    public var outcome: Outcome
    /// Gas used in the block up to and including this transaction.
    public var cumulativeGasUsed: UInt64
    public var logsBloom: Bloom
    public var logs: [Log]
    /// OP deposit receipts only: the sender's nonce before the deposit (Regolith).
    public var depositNonce: UInt64?
    /// OP deposit receipts only: `1` from Canyon (present only together with `depositNonce`).
    public var depositReceiptVersion: UInt64?

    /// A receipt; `logsBloom` defaults to the bloom of `logs`.
    public init(
        type: TransactionType, outcome: Outcome, cumulativeGasUsed: UInt64, logs: [Log], logsBloom: Bloom? = nil,
        depositNonce: UInt64? = nil, depositReceiptVersion: UInt64? = nil
    ) {
        self.type = type
        self.outcome = outcome
        self.cumulativeGasUsed = cumulativeGasUsed
        self.logs = logs
        self.logsBloom = logsBloom ?? Bloom(logs: logs)
        self.depositNonce = depositNonce
        self.depositReceiptVersion = depositReceiptVersion
    }

    /// A post-Byzantium receipt with a success flag; the bloom is computed from `logs`.
    public init(type: TransactionType, succeeded: Bool, cumulativeGasUsed: UInt64, logs: [Log]) {
        self.init(type: type, outcome: .status(succeeded), cumulativeGasUsed: cumulativeGasUsed, logs: logs)
    }

    /// True for `.status(true)`; pre-Byzantium receipts (a state root) report nil.
    public var succeeded: Bool? {
        if case .status(let s) = outcome { return s }
        return nil
    }

    /// Appends the RLP list of the fields (without the type byte).
    public func appendFields(to out: inout [UInt8]) {
        RLP.appendList(to: &out) { o in
            switch outcome {
            case .status(let s): RLP.append(s, to: &o)
            case .stateRoot(let r): RLP.append(r, to: &o)
            }
            RLP.append(cumulativeGasUsed, to: &o)
            logsBloom.appendRLP(to: &o)
            RLP.append(list: logs, to: &o)
            if let depositNonce {
                RLP.append(depositNonce, to: &o)
                if let depositReceiptVersion { RLP.append(depositReceiptVersion, to: &o) }
            }
        }
    }

    /// Appends the consensus encoding (the receipts-trie value).
    public func appendEncoded(to out: inout [UInt8]) {
        if type != .legacy { out.append(type.rawValue) }
        appendFields(to: &out)
    }

    /// The consensus encoding: `rlp(fields)` for legacy, `type ‖ rlp(fields)` for typed receipts.
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(300 + logs.count * 100)
        appendEncoded(to: &out)
        return out
    }

    /// Decodes a consensus encoding (strict canonical RLP; the whole input must be consumed).
    public static func decode(_ bytes: [UInt8]) throws(ReceiptDecodingError) -> Receipt {
        guard let first = bytes.first else { throw .empty }
        let type: TransactionType
        var r: RLPReader
        if first >= 0xc0 {
            type = .legacy
            r = RLPReader(bytes)
        } else {
            guard let t = TransactionType(rawValue: first), t != .legacy else { throw .unsupportedType(first) }
            type = t
            r = RLPReader(Array(bytes[1...]))
        }
        let f: RawFields
        do { f = try readFields(&r) } catch { throw .rlp(error) }
        let outcome: Outcome
        switch f.outcome.count {
        case 0: outcome = .status(false)
        case 1 where f.outcome[0] == 1: outcome = .status(true)
        case 32: outcome = .stateRoot(Bytes32(f.outcome))
        default: throw .invalidOutcome(offset: f.outcomeOffset)
        }
        if (f.depositNonce != nil || f.depositReceiptVersion != nil) && type != .deposit {
            throw .unexpectedDepositFields(type: type)
        }
        return Receipt(
            type: type, outcome: outcome, cumulativeGasUsed: f.cumulativeGasUsed, logs: f.logs,
            logsBloom: f.bloom, depositNonce: f.depositNonce, depositReceiptVersion: f.depositReceiptVersion)
    }

    struct RawFields {
        var outcome: [UInt8]
        var outcomeOffset: Int
        var cumulativeGasUsed: UInt64
        var bloom: Bloom
        var logs: [Log]
        var depositNonce: UInt64?
        var depositReceiptVersion: UInt64?
    }

    static func readFields(_ r: inout RLPReader) throws(RLPError) -> RawFields {
        var l = try r.readList()
        let outcomeOffset = l.offset
        let outcome = try l.readBytes()
        let cumulative = try l.readUInt64()
        let bloom = try Bloom(rlp: &l)
        let logs = try l.readList(of: Log.self)
        var f = RawFields(
            outcome: outcome, outcomeOffset: outcomeOffset, cumulativeGasUsed: cumulative, bloom: bloom, logs: logs)
        if !l.isAtEnd { f.depositNonce = try l.readUInt64() }
        if !l.isAtEnd { f.depositReceiptVersion = try l.readUInt64() }
        try l.expectEnd()
        try r.expectEnd()
        return f
    }
}
