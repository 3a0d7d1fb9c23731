import EVM
import Primitives

/// A small bytecode DSL in evmone's style: `push(1) + push(2) + .add + retTop()`.
struct Bytecode: ExpressibleByArrayLiteral, CustomStringConvertible {
    var bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }
    init(arrayLiteral elements: UInt8...) { bytes = elements }
    init(_ op: Opcode) { bytes = [op.rawValue] }
    init(hex: String) { bytes = Hex.decode(hex) ?? [] }

    static func + (a: Bytecode, b: Bytecode) -> Bytecode { Bytecode(a.bytes + b.bytes) }
    static func + (a: Bytecode, b: Opcode) -> Bytecode { Bytecode(a.bytes + [b.rawValue]) }
    static func + (a: Opcode, b: Bytecode) -> Bytecode { Bytecode([a.rawValue] + b.bytes) }
    static func * (n: Int, a: Bytecode) -> Bytecode { Bytecode(Array([[UInt8]](repeating: a.bytes, count: n).joined())) }

    var count: Int { bytes.count }
    var description: String { Hex.encode(bytes) }
}

/// Shortest PUSH of `v` (PUSH1 for zero, as evmone's `push`; use `.push0` explicitly for PUSH0).
func push(_ v: UInt256) -> Bytecode {
    let be = v.bigEndianBytes
    let trimmed = Array(be.drop { $0 == 0 })
    let data = trimmed.isEmpty ? [UInt8(0)] : trimmed
    return Bytecode([0x5f + UInt8(data.count)] + data)
}

func push(_ v: UInt64) -> Bytecode { push(UInt256(v)) }
func push(_ a: EVMAddress) -> Bytecode { Bytecode([0x73] + (0..<20).map { a[$0] }) }
/// PUSHn with exactly these immediate bytes (may be truncated at the end of code on purpose).
func pushBytes(_ data: [UInt8]) -> Bytecode { Bytecode([0x5f + UInt8(data.count)] + data) }

func mstore(_ offset: UInt64, _ v: Bytecode) -> Bytecode { v + push(offset) + .mstore }
func mstore(_ offset: UInt64) -> Bytecode { push(offset) + .mstore }
func mload(_ offset: UInt64) -> Bytecode { push(offset) + .mload }
func sstore(_ key: UInt64, _ v: UInt64) -> Bytecode { push(v) + push(key) + .sstore }
func sload(_ key: UInt64) -> Bytecode { push(key) + .sload }
func tstore(_ key: UInt64, _ v: UInt64) -> Bytecode { push(v) + push(key) + .tstore }
func tload(_ key: UInt64) -> Bytecode { push(key) + .tload }
func ret(_ offset: UInt64, _ size: UInt64) -> Bytecode { push(size) + push(offset) + .return }
func revert(_ offset: UInt64, _ size: UInt64) -> Bytecode { push(size) + push(offset) + .revert }
/// Stores the top of the stack at memory 0 and returns that word.
func retTop() -> Bytecode { mstore(0) + ret(0, 32) }
func jumpi(_ dest: UInt64, _ cond: Bytecode) -> Bytecode { cond + push(dest) + .jumpi }

/// CALL-family call with constant arguments.
func call(
    _ op: Opcode = .call, gas: UInt64, to: EVMAddress, value: UInt64 = 0, argsOffset: UInt64 = 0,
    argsSize: UInt64 = 0, retOffset: UInt64 = 0, retSize: UInt64 = 0
) -> Bytecode {
    var c = push(retSize) + push(retOffset) + push(argsSize) + push(argsOffset)
    if op == .call || op == .callcode { c = c + push(value) }
    return c + push(to) + push(gas) + op
}

/// Init code that deploys `runtime` (CODECOPY the tail of itself and RETURN it).
func deploy(_ runtime: Bytecode) -> Bytecode {
    // PUSH2 len, DUP1, PUSH2 offset, PUSH1 0, CODECOPY, PUSH1 0, RETURN: 13 bytes.
    let n = UInt16(runtime.count)
    let prefix: [UInt8] = [0x61, UInt8(n >> 8), UInt8(n & 0xff), 0x80, 0x61, 0x00, 0x0c, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3]
    var p = prefix
    p[6] = UInt8(prefix.count)
    return Bytecode(p) + runtime
}

/// Init code stored in memory at 0 as big-endian words; returns (code to MSTORE it, its size).
func storeInMemory(_ code: Bytecode) -> Bytecode {
    var out = Bytecode([])
    var i = 0
    while i < code.count {
        var word = [UInt8](repeating: 0, count: 32)
        for k in 0..<32 where i + k < code.count { word[k] = code.bytes[i + k] }
        out = out + pushBytes(word) + push(UInt64(i)) + .mstore
        i += 32
    }
    return out
}

// MARK: Running

let contractAddress = EVMAddress(hex: "c0dec0dec0dec0dec0dec0dec0dec0dec0dec0de")!
let senderAddress = EVMAddress(hex: "5e4d005e4d005e4d005e4d005e4d005e4d005e4d")!
let otherAddress = EVMAddress(hex: "0000000000000000000000000000000000dead01")!

struct Run {
    var result: ExecutionResult
    var host: InMemoryHost
    var gasLimit: Int64
    var gasUsed: Int64 { gasLimit - result.gasLeft }
    var status: ExecutionStatus { result.status }
    var output: [UInt8] { result.output }
    /// The output read as one big-endian word.
    var word: UInt256 { UInt256(bigEndian: output) ?? .zero }
}

/// Runs `code` as the contract at `contractAddress`, called by `senderAddress`.
func execute(
    _ code: Bytecode, fork: Fork = .cancun, gas: Int64 = 1_000_000, input: [UInt8] = [], value: UInt256 = .zero,
    isStatic: Bool = false, context: TxContext = TxContext(), setup: (inout InMemoryHost) -> Void = { _ in }
) -> Run {
    var host = InMemoryHost(fork: fork, txContext: context)
    host.accounts[contractAddress] = Account(nonce: 1, balance: UInt256(1_000_000), code: code.bytes)
    host.accounts[senderAddress] = Account(balance: UInt256(1_000_000_000))
    setup(&host)
    let msg = Message(
        kind: .call, isStatic: isStatic, gas: gas, recipient: contractAddress, sender: senderAddress, value: value,
        input: input)
    let r = host.transact(msg)
    return Run(result: r, host: host, gasLimit: gas)
}
