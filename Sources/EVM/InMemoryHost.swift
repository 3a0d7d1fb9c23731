public import Primitives
internal import Hashing

/// An account in `InMemoryHost`.
public struct Account: Sendable, Equatable {
    public var nonce: UInt64
    public var balance: UInt256
    public private(set) var code: [UInt8]
    public private(set) var codeHash: Bytes32
    public var storage: [UInt256: UInt256]

    public init(nonce: UInt64 = 0, balance: UInt256 = .zero, code: [UInt8] = [], storage: [UInt256: UInt256] = [:]) {
        self.nonce = nonce
        self.balance = balance
        self.code = code
        self.codeHash = Keccak256.hash(code)
        self.storage = storage
    }

    public mutating func setCode(_ c: [UInt8]) {
        code = c
        codeHash = Keccak256.hash(c)
    }

    /// EIP-161: no code, zero nonce, zero balance.
    public var isEmpty: Bool { nonce == 0 && balance.isZero && code.isEmpty }
}

/// A log record emitted by LOG0…LOG4.
public struct Log: Sendable, Equatable {
    public var address: EVMAddress
    public var topics: [Bytes32]
    public var data: [UInt8]
}

/// A simple in-memory world state implementing `EVMHost`, with nested calls and creates and
/// snapshot journaling (whole-state copy-on-write snapshots per frame). Meant for unit tests, tools
/// and a future CLI; it has no precompiles, no transaction validation and no gas refund cap — those
/// belong to the transaction executor.
public struct InMemoryHost: EVMHost {
    struct SlotKey: Hashable {
        var address: EVMAddress
        var key: UInt256
    }

    public var fork: Fork
    public var accounts: [EVMAddress: Account] = [:]
    public var txContext: TxContext
    public var blockHashes: [UInt64: Bytes32] = [:]
    public private(set) var logs: [Log] = []

    var original: [SlotKey: UInt256] = [:]
    var transient: [SlotKey: UInt256] = [:]
    var warmAccounts: Set<EVMAddress> = []
    var warmSlots: Set<SlotKey> = []
    var destructed: Set<EVMAddress> = []
    var createdInTx: Set<EVMAddress> = []
    var analyses = CodeAnalysisCache()
    /// Per-depth stacks and memory buffers reused across calls (shared by copies of this host value;
    /// use one host per thread).
    let buffers = FrameBuffers()

    public init(fork: Fork, txContext: TxContext = TxContext()) {
        self.fork = fork
        self.txContext = txContext
    }

    // MARK: Transactions

    /// Runs a top-level message as a transaction would: resets the per-transaction state (original
    /// storage values, transient storage, access lists, logs), pre-warms sender, recipient, coinbase
    /// (EIP-3651) and the precompile addresses, executes, and applies SELFDESTRUCTs. It does not charge
    /// intrinsic gas, bump the sender nonce for calls, or cap refunds.
    public mutating func transact(_ message: Message, accessList: [(EVMAddress, [UInt256])] = []) -> ExecutionResult {
        original = [:]
        transient = [:]
        warmAccounts = []
        warmSlots = []
        destructed = []
        createdInTx = []
        logs = []
        if fork >= .berlin {
            warmAccounts.insert(message.sender)
            if !message.kind.isCreate { warmAccounts.insert(message.recipient) }
            for i in 1...Self.precompileCount(fork) { warmAccounts.insert(Self.precompileAddress(i)) }
            for (a, keys) in accessList {
                warmAccounts.insert(a)
                for k in keys { warmSlots.insert(SlotKey(address: a, key: k)) }
            }
        }
        if fork >= .shanghai { warmAccounts.insert(txContext.coinbase) }
        let r = call(message)
        for a in destructed { accounts[a] = nil }
        destructed = []
        return r
    }

    static func precompileCount(_ fork: Fork) -> Int {
        fork >= .prague ? 0x11 : fork >= .cancun ? 0x0a : fork >= .istanbul ? 9 : fork >= .byzantium ? 8 : 4
    }

    static func precompileAddress(_ i: Int) -> EVMAddress { EVMAddress(a: 0, b: 0, c: UInt32(i).byteSwapped) }

    // MARK: Journaling

    struct Snapshot {
        var accounts: [EVMAddress: Account]
        var transient: [SlotKey: UInt256]
        var warmAccounts: Set<EVMAddress>
        var warmSlots: Set<SlotKey>
        var logs: [Log]
        var destructed: Set<EVMAddress>
        var createdInTx: Set<EVMAddress>
    }

    func snapshot() -> Snapshot {
        Snapshot(
            accounts: accounts, transient: transient, warmAccounts: warmAccounts, warmSlots: warmSlots, logs: logs,
            destructed: destructed, createdInTx: createdInTx)
    }

    mutating func restore(_ s: Snapshot) {
        accounts = s.accounts
        transient = s.transient
        warmAccounts = s.warmAccounts
        warmSlots = s.warmSlots
        logs = s.logs
        destructed = s.destructed
        createdInTx = s.createdInTx
    }

    mutating func transfer(from: EVMAddress, to: EVMAddress, _ value: UInt256) {
        if value.isZero { return }
        accounts[from, default: Account()].balance = accounts[from, default: Account()].balance &- value
        accounts[to, default: Account()].balance = accounts[to, default: Account()].balance &+ value
    }

    // MARK: EVMHost

    public func accountExists(_ address: EVMAddress) -> Bool {
        guard let a = accounts[address] else { return false }
        return fork < .spuriousDragon || !a.isEmpty
    }

    public func balance(_ address: EVMAddress) -> UInt256 { accounts[address]?.balance ?? .zero }

    public func codeSize(_ address: EVMAddress) -> Int { accounts[address]?.code.count ?? 0 }

    public func codeHash(_ address: EVMAddress) -> Bytes32 {
        guard accountExists(address), let a = accounts[address] else { return .zero }
        return a.codeHash
    }

    public func copyCode(_ address: EVMAddress, offset: Int, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let code = accounts[address]?.code, offset < code.count else { return 0 }
        let n = Swift.min(buffer.count, code.count - offset)
        guard n > 0, let dst = buffer.baseAddress else { return 0 }
        code.withUnsafeBytes { src in
            // SAFETY: [offset, offset + n) is inside the non-empty `code` and n <= buffer.count.
            guard let base = src.baseAddress else { return }
            dst.copyMemory(from: base + offset, byteCount: n)
        }
        return n
    }

    public func delegate(of address: EVMAddress) -> EVMAddress? {
        guard let code = accounts[address]?.code, code.count == 23, code[0] == 0xef, code[1] == 0x01, code[2] == 0x00
        else { return nil }
        return EVMAddress(code[3...])
    }

    public func storage(_ address: EVMAddress, key: UInt256) -> UInt256 {
        accounts[address]?.storage[key] ?? .zero
    }

    public mutating func setStorage(_ address: EVMAddress, key: UInt256, value: UInt256) -> StorageStatus {
        let current = storage(address, key: key)
        let k = SlotKey(address: address, key: key)
        let orig: UInt256
        if let o = original[k] {
            orig = o
        } else {
            original[k] = current
            orig = current
        }
        let status = StorageStatus.classify(original: orig, current: current, new: value)
        accounts[address, default: Account()].storage[key] = value.isZero ? nil : value
        return status
    }

    public func transientStorage(_ address: EVMAddress, key: UInt256) -> UInt256 {
        transient[SlotKey(address: address, key: key)] ?? .zero
    }

    public mutating func setTransientStorage(_ address: EVMAddress, key: UInt256, value: UInt256) {
        transient[SlotKey(address: address, key: key)] = value.isZero ? nil : value
    }

    public mutating func accessAccount(_ address: EVMAddress) -> AccessStatus {
        warmAccounts.insert(address).inserted ? .cold : .warm
    }

    public mutating func accessStorage(_ address: EVMAddress, key: UInt256) -> AccessStatus {
        warmSlots.insert(SlotKey(address: address, key: key)).inserted ? .cold : .warm
    }

    public func blockHash(number: UInt64) -> Bytes32 { blockHashes[number] ?? .zero }

    public mutating func emitLog(address: EVMAddress, topics: [Bytes32], data: [UInt8]) {
        logs.append(Log(address: address, topics: topics, data: data))
    }

    public mutating func selfDestruct(_ address: EVMAddress, beneficiary: EVMAddress) -> Bool {
        let bal = balance(address)
        if fork >= .cancun && !createdInTx.contains(address) {
            // EIP-6780: only the balance moves; the account stays.
            if beneficiary != address { transfer(from: address, to: beneficiary, bal) }
            return false
        }
        if beneficiary != address {
            transfer(from: address, to: beneficiary, bal)
        } else {
            accounts[address]?.balance = .zero  // burned
        }
        return destructed.insert(address).inserted
    }

    public mutating func call(_ message: Message) -> ExecutionResult {
        if message.kind.isCreate { return create(message) }
        let snap = snapshot()
        if message.kind == .call || message.kind == .callCode {
            transfer(from: message.sender, to: message.recipient, message.value)
        }
        guard let acct = accounts[message.codeAddress], !acct.code.isEmpty else {
            return ExecutionResult(status: .success, gasLeft: message.gas)
        }
        let analysis = analyses.analysis(hash: acct.codeHash, code: acct.code)
        let b = buffers
        let r = Interpreter.execute(message: message, code: analysis, fork: fork, host: &self, buffers: b)
        if !r.status.isSuccess { restore(snap) }
        return r
    }

    mutating func create(_ message: Message) -> ExecutionResult {
        let sender = message.sender
        let nonce = accounts[sender]?.nonce ?? 0
        if nonce == .max { return ExecutionResult(status: .halt(.nonceOverflow), gasLeft: message.gas) }  // EIP-2681
        let address =
            message.kind == .create
            ? Self.createAddress(sender: sender, nonce: nonce)
            : Self.create2Address(sender: sender, salt: message.salt, initCode: message.input)
        accounts[sender, default: Account()].nonce = nonce + 1
        if fork >= .berlin { warmAccounts.insert(address) }
        if let existing = accounts[address], existing.nonce != 0 || !existing.code.isEmpty || !existing.storage.isEmpty {
            return ExecutionResult(status: .halt(.createCollision), gasLeft: 0)  // EIP-684, EIP-7610
        }
        let snap = snapshot()
        var acct = accounts[address] ?? Account()
        acct.nonce = fork >= .spuriousDragon ? 1 : 0  // EIP-161
        accounts[address] = acct
        createdInTx.insert(address)
        transfer(from: sender, to: address, message.value)

        var m = message
        m.recipient = address
        m.codeAddress = address
        let analysis = CodeAnalysis(code: message.input)
        let b = buffers
        var r = Interpreter.execute(message: m, code: analysis, fork: fork, host: &self, buffers: b)
        guard r.status.isSuccess else {
            restore(snap)
            return r
        }
        var code = r.output
        if fork >= .london && code.first == 0xef {  // EIP-3541
            restore(snap)
            return ExecutionResult(status: .halt(.contractValidationFailure), gasLeft: 0)
        }
        if fork >= .spuriousDragon && code.count > Gas.maxCodeSize {  // EIP-170
            restore(snap)
            return ExecutionResult(status: .halt(.codeSizeExceeded), gasLeft: 0)
        }
        let deposit = Gas.codeDeposit * Int64(code.count)
        if r.gasLeft < deposit {
            if fork >= .homestead {  // EIP-2
                restore(snap)
                return ExecutionResult(status: .halt(.outOfGas), gasLeft: 0)
            }
            code = []  // Frontier: the account is created without code
        } else {
            r.gasLeft -= deposit
        }
        accounts[address, default: Account()].setCode(code)
        return ExecutionResult(status: .success, gasLeft: r.gasLeft, gasRefund: r.gasRefund, createdAddress: address)
    }

    // MARK: Addresses

    /// CREATE: the last 20 bytes of keccak256(rlp([sender, nonce])).
    public static func createAddress(sender: EVMAddress, nonce: UInt64) -> EVMAddress {
        var nonceRLP: [UInt8]
        if nonce == 0 {
            nonceRLP = [0x80]
        } else if nonce < 0x80 {
            nonceRLP = [UInt8(nonce)]
        } else {
            var be: [UInt8] = []
            var n = nonce
            while n > 0 {
                be.insert(UInt8(n & 0xff), at: 0)
                n >>= 8
            }
            nonceRLP = [0x80 + UInt8(be.count)] + be
        }
        let payload = [0x94] + (0..<20).map { sender[$0] } + nonceRLP
        let h = Keccak256.hash([0xc0 + UInt8(payload.count)] + payload)
        return EVMAddress(h.bytes[12...])
    }

    /// CREATE2 (EIP-1014): the last 20 bytes of keccak256(0xff ‖ sender ‖ salt ‖ keccak256(initCode)).
    public static func create2Address(sender: EVMAddress, salt: UInt256, initCode: [UInt8]) -> EVMAddress {
        let h = Keccak256.hash([0xff] + (0..<20).map { sender[$0] } + salt.bytes32.bytes + Keccak256.hash(initCode).bytes)
        return EVMAddress(h.bytes[12...])
    }
}
