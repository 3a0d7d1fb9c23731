import Primitives

/// A JSON-RPC error object (`{"code":…,"message":…,"data":…}`).
///
/// Codes: JSON-RPC 2.0 (-32700…-32603), EIP-1474 (-32000…-32005) and geth's execution-reverted
/// shape (code 3). Handlers throw these; anything else never reaches the wire.
public enum RPCError: Error, Sendable, Hashable, CustomStringConvertible {
    /// -32700: the text is not JSON.
    case parseError(String)
    /// -32600: JSON but not a valid request object (or an empty batch, or a batch over the limit).
    case invalidRequest(String)
    /// -32601: no such method (message as geth: "the method X does not exist/is not available").
    case methodNotFound(String)
    /// -32602: wrong number or type of params.
    case invalidParams(String)
    /// -32603: the server failed; the message must not leak internals.
    case internalError(String)
    /// -32000 (EIP-1474): missing or invalid parameters; geth also uses -32000 for most state errors.
    case invalidInput(String)
    /// -32001 (EIP-1474): requested resource not found.
    case resourceNotFound(String)
    /// -32002 (EIP-1474): requested resource not available.
    case resourceUnavailable(String)
    /// -32003 (EIP-1474): transaction creation failed.
    case transactionRejected(String)
    /// -32004 (EIP-1474): method is not implemented.
    case methodNotSupported(String)
    /// -32005 (EIP-1474): request exceeds a defined limit.
    case limitExceeded(String)
    /// geth's revert error: code 3, message `execution reverted` or `execution reverted: <reason>`,
    /// data = `0x`-hex of the revert bytes. Build it with ``executionReverted(output:)``.
    case reverted(reason: String?, output: [UInt8])
    /// Any other code/message/data.
    case custom(code: Int, message: String, data: JSONValue?)

    /// The numeric code.
    public var code: Int {
        switch self {
        case .parseError: -32700
        case .invalidRequest: -32600
        case .methodNotFound: -32601
        case .invalidParams: -32602
        case .internalError: -32603
        case .invalidInput: -32000
        case .resourceNotFound: -32001
        case .resourceUnavailable: -32002
        case .transactionRejected: -32003
        case .methodNotSupported: -32004
        case .limitExceeded: -32005
        case .reverted: 3
        case .custom(let code, _, _): code
        }
    }

    /// The human-readable message.
    public var message: String {
        switch self {
        case .parseError(let m), .invalidRequest(let m), .methodNotFound(let m), .invalidParams(let m),
            .internalError(let m), .invalidInput(let m), .resourceNotFound(let m), .resourceUnavailable(let m),
            .transactionRejected(let m), .methodNotSupported(let m), .limitExceeded(let m):
            m
        case .reverted(let reason, _): reason.map { "execution reverted: \($0)" } ?? "execution reverted"
        case .custom(_, let m, _): m
        }
    }

    /// The optional `data` member.
    public var data: JSONValue? {
        switch self {
        case .reverted(_, let output): .data(output)
        case .custom(_, _, let d): d
        default: nil
        }
    }

    /// The wire object.
    public var json: JSONValue {
        var o: JSONObject = ["code": .int(code), "message": .string(message)]
        if let data { o.append("data", data) }
        return .object(o)
    }

    public var description: String { "RPC error \(code): \(message)" }

    /// geth's revert error for EVM revert output: the reason is decoded from `Error(string)` or
    /// `Panic(uint256)` ABI data (go-ethereum `abi.UnpackRevert`); otherwise the message is plain
    /// `execution reverted`.
    public static func executionReverted(output: [UInt8]) -> RPCError {
        .reverted(reason: RevertReason.decode(output), output: output)
    }

    /// -32601 with geth's wording.
    public static func methodNotFound(method: String) -> RPCError {
        .methodNotFound("the method \(method) does not exist/is not available")
    }
}

/// Decoding of Solidity/Vyper revert payloads.
public enum RevertReason {
    /// `Error(string)` selector 0x08c379a0.
    public static let errorSelector: [UInt8] = [0x08, 0xc3, 0x79, 0xa0]
    /// `Panic(uint256)` selector 0x4e487b71.
    public static let panicSelector: [UInt8] = [0x4e, 0x48, 0x7b, 0x71]

    /// The reason text geth would print, or nil when the payload is neither `Error(string)` nor `Panic(uint256)`.
    public static func decode(_ output: [UInt8]) -> String? {
        guard output.count >= 4 else { return nil }
        let selector = Array(output[0..<4])
        let body = output[4...]
        if selector == panicSelector {
            guard body.count == 32, let code = UInt256(bigEndian: body) else { return nil }
            let known: [UInt64: String] = [
                0x00: "generic panic", 0x01: "assert(false)", 0x11: "arithmetic underflow or overflow",
                0x12: "division or modulo by zero", 0x21: "enum overflow",
                0x22: "invalid encoded storage byte array accessed",
                0x31: "out-of-bounds array access; popping on an empty array",
                0x32: "out-of-bounds access of an array or bytesN", 0x41: "out of memory",
                0x51: "uninitialized function",
            ]
            if code.l1 == 0, code.l2 == 0, code.l3 == 0, let text = known[code.l0] { return text }
            return "unknown panic code: \(code.hexString)"
        }
        guard selector == errorSelector else { return nil }
        // ABI: offset (32) | length (32) | bytes padded.
        let words = Array(body)
        guard words.count >= 64,
            let offset = readInt(words, at: 0), offset <= words.count - 32,
            let length = readInt(words, at: offset), length <= words.count - offset - 32
        else { return nil }
        let start = offset + 32
        return String(decoding: words[start..<(start + length)], as: UTF8.self)
    }

    /// A 32-byte big-endian word at `at` as a small Int, nil if it does not fit in 32 bits.
    private static func readInt(_ w: [UInt8], at: Int) -> Int? {
        guard at >= 0, w.count - at >= 32 else { return nil }
        for k in 0..<28 where w[at + k] != 0 { return nil }
        var v = 0
        for k in 28..<32 { v = v << 8 | Int(w[at + k]) }
        return v
    }
}
