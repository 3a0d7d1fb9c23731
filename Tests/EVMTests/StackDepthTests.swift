import EVM
import Primitives
import Testing

/// A host that delegates to `InMemoryHost` but runs nested calls itself, recording the native stack
/// address at each depth: the distance between depths is the native stack one EVM call level costs
/// (interpreter frame + host frames), which decides whether depth 1024 fits in a thread's stack.
struct StackProbeHost: EVMHost {
    var inner: InMemoryHost
    var addresses: [Int: UInt] = [:]

    func accountExists(_ a: EVMAddress) -> Bool { inner.accountExists(a) }
    func balance(_ a: EVMAddress) -> UInt256 { inner.balance(a) }
    func codeSize(_ a: EVMAddress) -> Int { inner.codeSize(a) }
    func codeHash(_ a: EVMAddress) -> Bytes32 { inner.codeHash(a) }
    func copyCode(_ a: EVMAddress, offset: Int, into b: UnsafeMutableRawBufferPointer) -> Int {
        inner.copyCode(a, offset: offset, into: b)
    }
    func delegate(of a: EVMAddress) -> EVMAddress? { inner.delegate(of: a) }
    func storage(_ a: EVMAddress, key: UInt256) -> UInt256 { inner.storage(a, key: key) }
    mutating func setStorage(_ a: EVMAddress, key: UInt256, value: UInt256) -> StorageStatus {
        inner.setStorage(a, key: key, value: value)
    }
    func transientStorage(_ a: EVMAddress, key: UInt256) -> UInt256 { inner.transientStorage(a, key: key) }
    mutating func setTransientStorage(_ a: EVMAddress, key: UInt256, value: UInt256) {
        inner.setTransientStorage(a, key: key, value: value)
    }
    mutating func accessAccount(_ a: EVMAddress) -> AccessStatus { inner.accessAccount(a) }
    mutating func accessStorage(_ a: EVMAddress, key: UInt256) -> AccessStatus { inner.accessStorage(a, key: key) }
    var txContext: TxContext { inner.txContext }
    func blockHash(number: UInt64) -> Bytes32 { inner.blockHash(number: number) }
    mutating func selfDestruct(_ a: EVMAddress, beneficiary: EVMAddress) -> Bool {
        inner.selfDestruct(a, beneficiary: beneficiary)
    }
    mutating func emitLog(address: EVMAddress, topics: [Bytes32], data: [UInt8]) {
        inner.emitLog(address: address, topics: topics, data: data)
    }

    mutating func call(_ message: Message) -> ExecutionResult {
        var marker = message.depth
        addresses[message.depth] = withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
        guard let code = inner.accounts[message.codeAddress]?.code, !code.isEmpty else {
            return ExecutionResult(status: .success, gasLeft: message.gas)
        }
        return Interpreter.execute(message: message, code: CodeAnalysis(code: code), fork: inner.fork, host: &self)
    }
}

struct StackDepthTests {
    @Test func nativeStackPerCallLevel() {
        // Self-recursion to depth 20 (Homestead: all gas passed on).
        let c = push(0) + push(0) + push(0) + push(0) + push(0) + push(contractAddress) + push(100) + .gas + .sub
            + .call + .stop
        var inner = InMemoryHost(fork: .homestead)
        inner.accounts[contractAddress] = Account(code: c.bytes)
        var host = StackProbeHost(inner: inner)
        let r = host.call(Message(depth: 0, gas: 30 * 200, recipient: contractAddress, sender: senderAddress))
        #expect(r.status == .success)
        let depths = host.addresses.keys.sorted()
        #expect(depths.count > 10)
        let perLevel = (host.addresses[depths[1]]!, host.addresses[depths.last!]!)
        let bytes = Int(perLevel.0) - Int(perLevel.1)
        let per = bytes / (depths.count - 2)
        print("native stack per EVM call level: \(per) bytes (depth 1024 needs ~\(per * 1024 / 1024) KiB)")
        #expect(per > 0)
    }
}
