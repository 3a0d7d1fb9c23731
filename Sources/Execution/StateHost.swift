public import EVM
internal import Hashing
public import Precompiles
public import Primitives

/// A log record emitted by LOG0…LOG4 (the executor's own type; `EVM.Log` has no public initialiser).
public struct LogEntry: Sendable, Equatable {
    public var address: EVMAddress
    public var topics: [Bytes32]
    public var data: [UInt8]
}

/// The world state of one transaction executor: accounts with whole-state copy-on-write snapshots per
/// frame (the `InMemoryHost` approach), plus what the transaction layer needs on top of it —
/// precompile dispatch, touched accounts for EIP-161 cleanup, the mainnet RIPEMD-160 touch quirk,
/// EIP-6780 selfdestruct rules and a record of calls into precompiles that are not implemented yet.
public struct StateHost: EVMHost {
    struct SlotKey: Hashable {
        var address: EVMAddress
        var key: UInt256
    }

    public var fork: Fork
    public var accounts: [EVMAddress: Account] = [:]
    public var txContext: TxContext
    public let precompiles: PrecompileSet
    public private(set) var logs: [LogEntry] = []
    /// Set when a call reached a precompile that exists at this fork but is a placeholder.
    public private(set) var hitUnimplementedPrecompile: Precompile.Kind?

    var original: [SlotKey: UInt256] = [:]
    var transient: [SlotKey: UInt256] = [:]
    var warmAccounts: Set<EVMAddress> = []
    var warmSlots: Set<SlotKey> = []
    var destructed: Set<EVMAddress> = []
    var createdInTx: Set<EVMAddress> = []
    var touched: Set<EVMAddress> = []
    /// Touches of 0x03 that survive reverts (geth's/Parity's mainnet block 2675119 quirk).
    var sticky: Set<EVMAddress> = []
    var analyses = CodeAnalysisCache()
    let buffers = FrameBuffers()

    static let ripemd = Precompile.address(3)

    public init(fork: Fork, txContext: TxContext = TxContext(), accounts: [EVMAddress: Account] = [:]) {
        self.fork = fork
        self.txContext = txContext
        self.accounts = accounts
        self.precompiles = PrecompileSet.forFork(PrecompileFork(rawValue: Int(fork.rawValue)) ?? .osaka)
    }

    /// Resets the per-transaction sets (original values, transient storage, access lists, logs).
    public mutating func beginTransaction() {
        original = [:]
        transient = [:]
        warmAccounts = []
        warmSlots = []
        destructed = []
        createdInTx = []
        touched = []
        sticky = []
        logs = []
        hitUnimplementedPrecompile = nil
    }

    /// Marks an account or slot warm (EIP-2929 transaction pre-warming).
    public mutating func warm(_ address: EVMAddress) { warmAccounts.insert(address) }
    public mutating func warm(_ address: EVMAddress, key: UInt256) {
        warmSlots.insert(SlotKey(address: address, key: key))
    }

    public mutating func touch(_ address: EVMAddress) { touched.insert(address) }

    public mutating func addBalance(_ address: EVMAddress, _ v: UInt256) {
        touched.insert(address)
        if v.isZero && accounts[address] == nil && fork >= .spuriousDragon { return }
        accounts[address, default: Account()].balance = accounts[address, default: Account()].balance &+ v
    }

    /// Applies SELFDESTRUCTs and, from Spurious Dragon, deletes touched empty accounts (EIP-161).
    public mutating func finalizeTransaction() {
        for a in destructed { accounts[a] = nil }
        if fork >= .spuriousDragon {
            for a in touched.union(sticky) where accounts[a]?.isEmpty == true { accounts[a] = nil }
        }
        destructed = []
        touched = []
        sticky = []
    }

    // MARK: Journaling

    struct Snapshot {
        var accounts: [EVMAddress: Account]
        var transient: [SlotKey: UInt256]
        var warmAccounts: Set<EVMAddress>
        var warmSlots: Set<SlotKey>
        var logs: [LogEntry]
        var destructed: Set<EVMAddress>
        var createdInTx: Set<EVMAddress>
        var touched: Set<EVMAddress>
    }

    func snapshot() -> Snapshot {
        Snapshot(
            accounts: accounts, transient: transient, warmAccounts: warmAccounts, warmSlots: warmSlots, logs: logs,
            destructed: destructed, createdInTx: createdInTx, touched: touched)
    }

    mutating func restore(_ s: Snapshot) {
        if touched.contains(Self.ripemd) && !s.touched.contains(Self.ripemd) { sticky.insert(Self.ripemd) }
        accounts = s.accounts
        transient = s.transient
        warmAccounts = s.warmAccounts
        warmSlots = s.warmSlots
        logs = s.logs
        destructed = s.destructed
        createdInTx = s.createdInTx
        touched = s.touched
    }

    mutating func transfer(from: EVMAddress, to: EVMAddress, _ value: UInt256) {
        touched.insert(to)
        touched.insert(from)
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
        guard let code = accounts[address]?.code, offset >= 0, offset < code.count else { return 0 }
        let n = Swift.min(buffer.count, code.count - offset)
        guard n > 0, let dst = buffer.baseAddress else { return 0 }
        code.withUnsafeBytes { src in
            // SAFETY: [offset, offset + n) is inside `code` and n <= buffer.count.
            if let base = src.baseAddress { dst.copyMemory(from: base + offset, byteCount: n) }
        }
        return n
    }

    public func delegate(of address: EVMAddress) -> EVMAddress? {
        guard let code = accounts[address]?.code else { return nil }
        return Self.delegation(in: code)
    }

    /// The EIP-7702 delegate in a `0xef0100 ‖ address` designator.
    public static func delegation(in code: [UInt8]) -> EVMAddress? {
        guard code.count == 23, code[0] == 0xef, code[1] == 0x01, code[2] == 0x00 else { return nil }
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

    /// Hashes BLOCKHASH returns during block execution (ancestors by number; missing ones give
    /// zero). Nil for state tests, which use geth's `vmTestBlockHash` rule instead.
    public var blockHashes: [UInt64: Bytes32]?

    /// The ancestor's hash from `blockHashes`; without them (state tests, geth's `vmTestBlockHash`)
    /// keccak256 of the block number's decimal digits.
    public func blockHash(number: UInt64) -> Bytes32 {
        if let blockHashes { return blockHashes[number] ?? .zero }
        return Keccak256.hash(Array(String(number).utf8))
    }

    public mutating func emitLog(address: EVMAddress, topics: [Bytes32], data: [UInt8]) {
        logs.append(LogEntry(address: address, topics: topics, data: data))
    }

    public mutating func selfDestruct(_ address: EVMAddress, beneficiary: EVMAddress) -> Bool {
        let bal = balance(address)
        touched.insert(beneficiary)
        if fork >= .cancun && !createdInTx.contains(address) {
            // EIP-6780: only the balance moves; the account stays.
            if beneficiary != address { transfer(from: address, to: beneficiary, bal) }
            return false
        }
        if beneficiary != address {
            transfer(from: address, to: beneficiary, bal)
        }
        if accounts[address] != nil { accounts[address]?.balance = .zero }  // burned if beneficiary == self
        return destructed.insert(address).inserted
    }

    public mutating func call(_ message: Message) -> ExecutionResult {
        if message.kind.isCreate { return create(message) }
        let snap = snapshot()
        if message.kind == .call || message.kind == .callCode {
            if fork < .spuriousDragon && message.kind == .call && accounts[message.recipient] == nil {
                accounts[message.recipient] = Account()  // pre-EIP-161 CALL creates the account
            }
            transfer(from: message.sender, to: message.recipient, message.value)
        }
        // A CALL/STATICCALL whose code address differs from the recipient reached it through an
        // EIP-7702 delegation; a delegation to a precompile runs empty code (geth checks the target).
        let viaDelegation =
            (message.kind == .call || message.kind == .staticCall) && message.codeAddress != message.recipient
        if !viaDelegation, let p = precompiles.precompile(at: message.codeAddress) {
            let gas = UInt64(Swift.max(message.gas, 0))
            switch p.run(input: message.input, gasLimit: gas) {
            case .success(let used, let out):
                return ExecutionResult(status: .success, gasLeft: Int64(gas - Swift.min(used, gas)), output: out)
            case .failure(_, let e):
                if e == .notImplemented { hitUnimplementedPrecompile = p.kind }
                restore(snap)
                return ExecutionResult(status: .halt(.precompileFailure), gasLeft: 0)
            }
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
            ? InMemoryHost.createAddress(sender: sender, nonce: nonce)
            : InMemoryHost.create2Address(sender: sender, salt: message.salt, initCode: message.input)
        accounts[sender, default: Account()].nonce = nonce + 1
        if fork >= .berlin { warmAccounts.insert(address) }
        if let existing = accounts[address], existing.nonce != 0 || !existing.code.isEmpty || !existing.storage.isEmpty
        {
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
}
