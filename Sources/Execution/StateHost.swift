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

/// The world state of one transaction executor: accounts in a dictionary with a per-change journal
/// (each frame's changes are undone entry by entry when it reverts, so a frame costs O(its changes),
/// not O(state)), plus what the transaction layer needs on top of it —
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

    /// Original, current and warm state of the storage slots the transaction has touched.
    var slots = SlotTable()
    var transient: [SlotKey: UInt256] = [:]
    var warmAccounts: Set<EVMAddress> = []
    var destructed: Set<EVMAddress> = []
    var createdInTx: Set<EVMAddress> = []
    var touched: Set<EVMAddress> = []
    /// Touches of 0x03 that survive reverts (geth's/Parity's mainnet block 2675119 quirk).
    var sticky: Set<EVMAddress> = []
    var analyses = CodeAnalysisCache()
    /// Observes every frame and instruction when set (debug tracing); nil in normal execution.
    public var tracer: (any StepTracer)?
    let buffers = FrameBuffers()
    /// Undo records of the changes made by the running frames (cleared per transaction).
    var journal: [JournalEntry] = []

    static let ripemd = Precompile.address(3)

    public init(fork: Fork, txContext: TxContext = TxContext(), accounts: [EVMAddress: Account] = [:]) {
        self.fork = fork
        self.txContext = txContext
        self.accounts = accounts
        self.precompiles = PrecompileSet.forFork(PrecompileFork(rawValue: Int(fork.rawValue)) ?? .osaka)
    }

    /// Resets the per-transaction sets (original values, transient storage, access lists, logs).
    public mutating func beginTransaction() {
        slots.removeAll()
        transient.removeAll(keepingCapacity: true)
        warmAccounts.removeAll(keepingCapacity: true)
        destructed.removeAll(keepingCapacity: true)
        createdInTx.removeAll(keepingCapacity: true)
        touched.removeAll(keepingCapacity: true)
        sticky.removeAll(keepingCapacity: true)
        logs.removeAll(keepingCapacity: true)
        journal.removeAll(keepingCapacity: true)
        hitUnimplementedPrecompile = nil
    }

    /// Marks an account or slot warm (EIP-2929 transaction pre-warming).
    public mutating func warm(_ address: EVMAddress) { warmAccounts.insert(address) }
    public mutating func warm(_ address: EVMAddress, key: UInt256) {
        let i = slot(address, key)
        slots.setWarm(i, true)
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
        destructed.removeAll(keepingCapacity: true)
        touched.removeAll(keepingCapacity: true)
        sticky.removeAll(keepingCapacity: true)
        journal.removeAll(keepingCapacity: true)
        slots.removeAll()  // accounts just changed outside the table (deletions)
    }

    /// The slot table index of (`a`, `k`), loading the slot from `accounts` on its first use in the
    /// transaction (then its current value is also its original value: every earlier write in the
    /// transaction would have gone through the table).
    @inline(__always)
    mutating func slot(_ a: EVMAddress, _ k: UInt256) -> Int {
        let (i, found) = slots.findOrInsert(a, k)
        if !found {
            let v = accounts[a]?.storage[k] ?? .zero
            slots.setLoaded(i, v)
        }
        return i
    }

    // MARK: Journaling

    /// How to undo one change made inside a frame.
    enum JournalEntry {
        /// The account was replaced or created: put back `old` (nil removes it).
        case account(EVMAddress, Account?)
        case balance(EVMAddress, UInt256)
        case nonce(EVMAddress, UInt64)
        /// The slot's previous value (nil: absent, i.e. zero).
        case storage(EVMAddress, UInt256, UInt256?)
        case transient(SlotKey, UInt256?)
        case warmAccount(EVMAddress)
        case warmSlot(EVMAddress, UInt256)
        case destructed(EVMAddress)
        case createdInTx(EVMAddress)
        case touched(EVMAddress)
    }

    /// A frame's starting point: the journal length and the log count.
    struct Checkpoint {
        var journal: Int
        var logs: Int
    }

    func snapshot() -> Checkpoint { Checkpoint(journal: journal.count, logs: logs.count) }

    /// Undoes every change recorded after `c`, newest first.
    mutating func restore(_ c: Checkpoint) {
        while journal.count > c.journal {
            switch journal.removeLast() {
            case .account(let a, let old): accounts[a] = old
            case .balance(let a, let v): accounts[a]?.balance = v
            case .nonce(let a, let n): accounts[a]?.nonce = n
            case .storage(let a, let k, let v):
                accounts[a]?.storage[k] = v
                if let i = slots.find(a, k) { slots.setCurrent(i, v ?? .zero) }
            case .transient(let k, let v): transient[k] = v
            case .warmAccount(let a): warmAccounts.remove(a)
            case .warmSlot(let a, let k): if let i = slots.find(a, k) { slots.setWarm(i, false) }
            case .destructed(let a): destructed.remove(a)
            case .createdInTx(let a): createdInTx.remove(a)
            case .touched(let a):
                touched.remove(a)
                // A touch of 0x03 survives the revert (geth's/Parity's mainnet block 2675119 quirk).
                if a == Self.ripemd { sticky.insert(a) }
            }
        }
        if logs.count > c.logs { logs.removeSubrange(c.logs...) }
    }

    /// Marks `a` touched (EIP-161), journaled.
    mutating func touchJournaled(_ a: EVMAddress) {
        if touched.insert(a).inserted { journal.append(.touched(a)) }
    }

    /// Creates an empty account at `a` if there is none (journaled).
    mutating func ensureAccount(_ a: EVMAddress) {
        if accounts[a] == nil {
            journal.append(.account(a, nil))
            accounts[a] = Account()
        }
    }

    /// Replaces (or removes) the account at `a`, journaled.
    mutating func replaceAccount(_ a: EVMAddress, _ new: Account?) {
        journal.append(.account(a, accounts[a]))
        accounts[a] = new
    }

    mutating func setBalance(_ a: EVMAddress, _ v: UInt256) {
        ensureAccount(a)
        let old = accounts[a]?.balance ?? .zero
        journal.append(.balance(a, old))
        accounts[a]?.balance = v
    }

    mutating func setNonce(_ a: EVMAddress, _ n: UInt64) {
        ensureAccount(a)
        let old = accounts[a]?.nonce ?? 0
        journal.append(.nonce(a, old))
        accounts[a]?.nonce = n
    }

    mutating func transfer(from: EVMAddress, to: EVMAddress, _ value: UInt256) {
        touchJournaled(to)
        touchJournaled(from)
        if value.isZero { return }
        setBalance(from, balance(from) &- value)
        setBalance(to, balance(to) &+ value)
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
        if let i = slots.find(address, key) { return slots[i].current }
        return accounts[address]?.storage[key] ?? .zero
    }

    public mutating func setStorage(_ address: EVMAddress, key: UInt256, value: UInt256) -> StorageStatus {
        write(slot(address, key), address, key, value)
    }

    /// Writes `value` to the slot at table index `i` (which is `address`, `key`), journaled, in both
    /// the table and `accounts` (creating the account, journaled, if it is missing).
    @inline(__always)
    mutating func write(_ i: Int, _ address: EVMAddress, _ key: UInt256, _ value: UInt256) -> StorageStatus {
        let e = slots[i]
        let status = StorageStatus.classify(original: e.original, current: e.current, new: value)
        var created = false
        var old: UInt256?
        Self.store(&accounts[address], key, value, created: &created, old: &old)
        if created { journal.append(.account(address, nil)) }
        slots.setCurrent(i, value)
        journal.append(.storage(address, key, old))
        return status
    }

    /// One in-place dictionary access for a storage write: creates the account if absent.
    @inline(__always)
    static func store(_ acct: inout Account?, _ key: UInt256, _ value: UInt256, created: inout Bool, old: inout UInt256?) {
        if acct == nil {
            acct = Account()
            created = true
        }
        if value.isZero {
            old = acct?.storage.removeValue(forKey: key) ?? nil
        } else {
            old = acct?.storage.updateValue(value, forKey: key) ?? nil
        }
    }

    public mutating func loadStorage(_ address: EVMAddress, key: UInt256) -> (value: UInt256, access: AccessStatus) {
        let i = slot(address, key)
        let e = slots[i]
        if e.warm { return (e.current, .warm) }
        slots.setWarm(i, true)
        journal.append(.warmSlot(address, key))
        return (e.current, .cold)
    }

    public mutating func storeStorage(
        _ address: EVMAddress, key: UInt256, value: UInt256
    ) -> (status: StorageStatus, access: AccessStatus) {
        let i = slot(address, key)
        var access = AccessStatus.warm
        if !slots[i].warm {
            slots.setWarm(i, true)
            journal.append(.warmSlot(address, key))
            access = .cold
        }
        return (write(i, address, key, value), access)
    }

    public func transientStorage(_ address: EVMAddress, key: UInt256) -> UInt256 {
        transient[SlotKey(address: address, key: key)] ?? .zero
    }

    public mutating func setTransientStorage(_ address: EVMAddress, key: UInt256, value: UInt256) {
        let k = SlotKey(address: address, key: key)
        let old = value.isZero ? transient.removeValue(forKey: k) : transient.updateValue(value, forKey: k)
        journal.append(.transient(k, old))
    }

    public mutating func accessAccount(_ address: EVMAddress) -> AccessStatus {
        guard warmAccounts.insert(address).inserted else { return .warm }
        journal.append(.warmAccount(address))
        return .cold
    }

    public mutating func accessStorage(_ address: EVMAddress, key: UInt256) -> AccessStatus {
        let i = slot(address, key)
        if slots[i].warm { return .warm }
        slots.setWarm(i, true)
        journal.append(.warmSlot(address, key))
        return .cold
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
        touchJournaled(beneficiary)
        if fork >= .cancun && !createdInTx.contains(address) {
            // EIP-6780: only the balance moves; the account stays.
            if beneficiary != address { transfer(from: address, to: beneficiary, bal) }
            return false
        }
        if beneficiary != address {
            transfer(from: address, to: beneficiary, bal)
        }
        if accounts[address] != nil { setBalance(address, .zero) }  // burned if beneficiary == self
        guard destructed.insert(address).inserted else { return false }
        journal.append(.destructed(address))
        return true
    }

    /// One frame without the tracer's enter/exit (see `call(_:)` in StateHost+Tracing.swift).
    mutating func runFrame(_ message: Message) -> ExecutionResult {
        if message.kind.isCreate { return create(message) }
        let snap = snapshot()
        if message.kind == .call || message.kind == .callCode {
            if fork < .spuriousDragon && message.kind == .call {
                ensureAccount(message.recipient)  // pre-EIP-161 CALL creates the account
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
        let r =
            if let t = tracer {
                Interpreter.execute(message: message, code: analysis, fork: fork, host: &self, buffers: b, trace: Traced.self, tracer: t)
            } else { Interpreter.execute(message: message, code: analysis, fork: fork, host: &self, buffers: b) }
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
        setNonce(sender, nonce + 1)
        if fork >= .berlin, warmAccounts.insert(address).inserted { journal.append(.warmAccount(address)) }
        if let existing = accounts[address], existing.nonce != 0 || !existing.code.isEmpty || !existing.storage.isEmpty
        {
            return ExecutionResult(status: .halt(.createCollision), gasLeft: 0)  // EIP-684, EIP-7610
        }
        let snap = snapshot()
        var acct = accounts[address] ?? Account()
        acct.nonce = fork >= .spuriousDragon ? 1 : 0  // EIP-161
        replaceAccount(address, acct)
        if createdInTx.insert(address).inserted { journal.append(.createdInTx(address)) }
        transfer(from: sender, to: address, message.value)

        var m = message
        m.recipient = address
        m.codeAddress = address
        let analysis = CodeAnalysis(code: message.input)
        let b = buffers
        var r =
            if let t = tracer {
                Interpreter.execute(message: m, code: analysis, fork: fork, host: &self, buffers: b, trace: Traced.self, tracer: t)
            } else { Interpreter.execute(message: m, code: analysis, fork: fork, host: &self, buffers: b) }
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
        var done = accounts[address] ?? Account()
        done.setCode(code)
        replaceAccount(address, done)
        return ExecutionResult(status: .success, gasLeft: r.gasLeft, gasRefund: r.gasRefund, createdAddress: address)
    }
}
