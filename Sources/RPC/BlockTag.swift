public import Primitives

/// A block selector as accepted by `eth_getBalance`, `eth_call`, … (execution-apis `BlockNumberOrTagOrHash`).
///
/// Accepted JSON (as go-ethereum `rpc.BlockNumberOrHash`):
/// - `"latest"`, `"pending"`, `"safe"`, `"finalized"`, `"earliest"`;
/// - a quantity `"0x1b4"` (at most `Int64.max`, as geth);
/// - a 32-byte hash string `"0x…"` (66 characters);
/// - EIP-1898 objects `{"blockNumber": "0x…" | tag}` or `{"blockHash": "0x…", "requireCanonical": bool}`.
public enum BlockTag: Sendable, Hashable {
    case latest
    case pending
    case safe
    case finalized
    case earliest
    case number(UInt64)
    /// EIP-1898 block hash; `requireCanonical` defaults to false.
    case hash(Bytes32, requireCanonical: Bool)

    /// Decodes a block selector; failures are `-32602`.
    public init(json: JSONValue, field: String = "block") throws(RPCError) {
        switch json {
        case .string(let s):
            if let tag = BlockTag.named(s) {
                self = tag
            } else if s.utf8.count == 66 {
                self = .hash(try json.hash(field), requireCanonical: false)
            } else {
                self = try BlockTag.number(json, field: field)
            }
        case .object(let o):
            let number = o["blockNumber"]
            let hash = o["blockHash"]
            if number != nil && hash != nil {
                throw .invalidParams("\(field): cannot specify both BlockHash and BlockNumber, choose one or the other")
            }
            if let hash {
                var canonical = false
                if let rc = o["requireCanonical"], !rc.isNull { canonical = try rc.bool("\(field).requireCanonical") }
                self = .hash(try hash.hash("\(field).blockHash"), requireCanonical: canonical)
            } else if let number {
                if case .string(let s) = number, let tag = BlockTag.named(s) {
                    self = tag
                } else {
                    self = try BlockTag.number(number, field: "\(field).blockNumber")
                }
            } else {
                throw .invalidParams("\(field): either blockNumber or blockHash must be specified")
            }
        default:
            throw .invalidParams("\(field): expected block number, tag or hash, got \(json.typeName)")
        }
    }

    private static func named(_ s: String) -> BlockTag? {
        switch s {
        case "latest": .latest
        case "pending": .pending
        case "safe": .safe
        case "finalized": .finalized
        case "earliest": .earliest
        default: nil
        }
    }

    private static func number(_ json: JSONValue, field: String) throws(RPCError) -> BlockTag {
        let n = try json.uint64(field)
        guard n <= UInt64(Int64.max) else { throw .invalidParams("\(field): block number larger than int64") }
        return .number(n)
    }

    /// The JSON form (tags as strings, numbers as quantities, hashes as EIP-1898 objects).
    public var json: JSONValue {
        switch self {
        case .latest: "latest"
        case .pending: "pending"
        case .safe: "safe"
        case .finalized: "finalized"
        case .earliest: "earliest"
        case .number(let n): .quantity(n)
        case .hash(let h, let rc): ["blockHash": .data(h), "requireCanonical": .bool(rc)]
        }
    }
}
