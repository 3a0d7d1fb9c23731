public import EVM
public import Primitives

/// geth's error text for a failed frame (`core/vm/errors.go`), nil for a success.
public func gethErrorMessage(_ status: ExecutionStatus) -> String? {
    switch status {
    case .success: return nil
    case .revert: return "execution reverted"
    case .halt(let h):
        switch h {
        case .outOfGas: return "out of gas"
        case .stackUnderflow: return "stack underflow"
        case .stackOverflow: return "stack limit reached 1024 (1023)"
        case .badJumpDestination: return "invalid jump destination"
        case .undefinedInstruction: return "invalid opcode"
        case .invalidInstruction: return "invalid opcode: INVALID"
        case .invalidMemoryAccess: return "return data out of bounds"
        case .staticModeViolation: return "write protection"
        case .contractValidationFailure: return "invalid code: must not begin with 0xef"
        case .codeSizeExceeded: return "max code size exceeded"
        case .createCollision: return "contract address collision"
        case .precompileFailure: return "precompile failed"
        case .nonceOverflow: return "nonce uint64 overflow"
        }
    }
}

/// The mnemonic geth prints for `op` (`opcode 0x.. not defined` for unassigned bytes).
public func opcodeName(_ op: UInt8) -> String {
    guard let o = Opcode(rawValue: op) else { return "opcode 0x\(String(op, radix: 16)) not defined" }
    return o.name
}

/// geth's struct logger (`eth/tracers/logger`): one entry per executed instruction with the gas
/// before it, its cost, the call depth (1 for the transaction's frame), and optionally the stack,
/// memory and the storage slots the contract has touched so far (on SLOAD/SSTORE steps only).
///
/// `gasCost` is derived from the gas left at the frame's next instruction (or at its end), so it is
/// exact for every instruction that completes; for CALL* it includes the gas handed to the callee
/// (geth reports the forwarded gas without the value stipend) and for CREATE* it excludes it, as
/// geth. For the instruction that halts a frame exceptionally the cost is all gas left.
public final class StructLogger: StepTracer {
    /// What each entry records and how much may be recorded.
    public struct Config: Sendable {
        public var disableStack: Bool
        public var disableStorage: Bool
        public var enableMemory: Bool
        /// Maximum number of entries.
        public var maxEntries: Int
        /// Maximum bytes of stack, memory and storage copies over all entries.
        public var maxBytes: Int

        public init(
            disableStack: Bool = false, disableStorage: Bool = false, enableMemory: Bool = false,
            maxEntries: Int = 100_000, maxBytes: Int = 256 << 20
        ) {
            self.disableStack = disableStack
            self.disableStorage = disableStorage
            self.enableMemory = enableMemory
            self.maxEntries = maxEntries
            self.maxBytes = maxBytes
        }
    }

    /// One executed instruction.
    public struct Entry: Sendable, Equatable {
        public var pc: Int
        public var op: UInt8
        public var gas: Int64
        public var gasCost: Int64
        /// 1 for the transaction's own frame.
        public var depth: Int
        /// Bottom first, as geth.
        public var stack: [UInt256]?
        public var memory: [UInt8]?
        public var storage: [UInt256: UInt256]?
        public var error: String?
    }

    struct FrameState {
        var last: Int?
        var sload: (index: Int, key: UInt256)?
        var childGas: Int64 = 0
        var childLeft: Int64 = 0
        var childIsCreate = false
        var hadChild = false
    }

    public let config: Config
    public private(set) var entries: [Entry] = []
    /// Set when `maxEntries` or `maxBytes` stopped the recording.
    public private(set) var truncated = false
    /// The transaction frame's result, once it ended.
    public private(set) var result: ExecutionResult?
    var frames: [FrameState] = []
    var storage: [EVMAddress: [UInt256: UInt256]] = [:]
    var bytes = 0

    public init(config: Config = Config()) { self.config = config }

    public func step(
        pc: Int, op: UInt8, gas: Int64, depth: Int, address: EVMAddress, stack: UnsafeBufferPointer<UInt256>,
        memory: UnsafeRawBufferPointer
    ) {
        guard !frames.isEmpty else { return }
        close(frame: frames.count - 1, gasNow: gas)
        let fi = frames.count - 1
        if let (i, key) = frames[fi].sload, let top = stack.last {
            frames[fi].sload = nil
            storage[address, default: [:]][key] = top
            entries[i].storage = storage[address]
            bytes += 64 * (storage[address]?.count ?? 0)
        }
        if truncated { return }
        if entries.count >= config.maxEntries || bytes > config.maxBytes {
            truncated = true
            return
        }
        var e = Entry(pc: pc, op: op, gas: gas, gasCost: 0, depth: depth + 1)
        if !config.disableStack {
            e.stack = Array(stack)
            bytes += 32 * stack.count
        }
        if config.enableMemory {
            e.memory = Array(memory)
            bytes += memory.count
        }
        if !config.disableStorage {
            if op == 0x54, let key = stack.last {
                frames[fi].sload = (entries.count, key)
            } else if op == 0x55, stack.count >= 2 {
                storage[address, default: [:]][stack[stack.count - 1]] = stack[stack.count - 2]
                e.storage = storage[address]
                bytes += 64 * (storage[address]?.count ?? 0)
            }
        }
        bytes += 64
        frames[fi].last = entries.count
        entries.append(e)
    }

    /// Sets the cost of frame `fi`'s last instruction from the gas now left.
    func close(frame fi: Int, gasNow: Int64) {
        guard let i = frames[fi].last else { return }
        var cost = entries[i].gas - gasNow
        if frames[fi].hadChild {
            let f = frames[fi]
            cost += f.childIsCreate ? -(f.childGas - f.childLeft) : f.childLeft
        }
        entries[i].gasCost = cost
        frames[fi].last = nil
        frames[fi].hadChild = false
    }

    public func enter(_ message: Message) {
        if let p = frames.indices.last {
            frames[p].childGas = message.gas
            frames[p].childIsCreate = message.kind.isCreate
            frames[p].childLeft = 0
        }
        frames.append(FrameState())
    }

    public func exit(_ r: ExecutionResult) {
        guard let fi = frames.indices.last else { return }
        let last = frames[fi].last
        close(frame: fi, gasNow: r.gasLeft)
        if let i = last, case .halt = r.status { entries[i].error = gethErrorMessage(r.status) }
        frames.removeLast()
        if let p = frames.indices.last {
            frames[p].childLeft = r.gasLeft
            frames[p].hadChild = true
        } else {
            result = r
        }
    }
}

/// geth's `callTracer` (`eth/tracers/native/call.go`): the tree of call frames with their gas,
/// input, output and errors.
public final class CallTracer: StepTracer {
    /// One call frame.
    public struct Frame: Sendable, Equatable {
        public var type: String
        public var from: EVMAddress
        public var to: EVMAddress?
        /// nil for STATICCALL (geth omits it).
        public var value: UInt256?
        public var gas: Int64
        public var gasUsed: Int64
        public var input: [UInt8]
        public var output: [UInt8]?
        public var error: String?
        public var revertReason: String?
        public var calls: [Frame] = []
    }

    public let onlyTopCall: Bool
    var stack: [Frame] = []
    /// The transaction's frame with its sub-calls, once it ended.
    public private(set) var root: Frame?

    public init(onlyTopCall: Bool = false) { self.onlyTopCall = onlyTopCall }

    public func step(
        pc: Int, op: UInt8, gas: Int64, depth: Int, address: EVMAddress, stack: UnsafeBufferPointer<UInt256>,
        memory: UnsafeRawBufferPointer
    ) {}

    public func enter(_ m: Message) {
        let type: String
        switch m.kind {
        case .call: type = "CALL"
        case .callCode: type = "CALLCODE"
        case .delegateCall: type = "DELEGATECALL"
        case .staticCall: type = "STATICCALL"
        case .create: type = "CREATE"
        case .create2: type = "CREATE2"
        }
        // geth: `from` is the executing contract, `to` the callee (the code's account for
        // DELEGATECALL/CALLCODE); a create's `to` is the new account, known at the end.
        let from = m.kind == .delegateCall ? m.recipient : m.sender
        let to: EVMAddress? =
            switch m.kind {
            case .call, .staticCall: m.recipient
            case .callCode, .delegateCall: m.codeAddress
            case .create, .create2: nil
            }
        stack.append(
            Frame(
                type: type, from: from, to: to, value: m.kind == .staticCall ? nil : m.value, gas: m.gas, gasUsed: 0,
                input: m.input))
    }

    public func exit(_ r: ExecutionResult) {
        guard var f = stack.popLast() else { return }
        f.gasUsed = f.gas - r.gasLeft
        switch r.status {
        case .success:
            if f.type.hasPrefix("CREATE") { f.to = r.createdAddress }
            f.output = r.output.isEmpty ? nil : r.output
        default:
            f.error = gethErrorMessage(r.status)
            if r.status == .revert, !r.output.isEmpty {
                f.output = r.output
                f.revertReason = Self.revertReason(r.output)
            }
        }
        if stack.isEmpty {
            root = f
        } else if !onlyTopCall {
            stack[stack.count - 1].calls.append(f)
        }
    }

    /// The string of an `Error(string)` revert (selector 0x08c379a0, ABI-encoded), nil otherwise or
    /// when malformed.
    public static func revertReason(_ data: [UInt8]) -> String? {
        guard data.count >= 4 + 64, data[0..<4] == [0x08, 0xc3, 0x79, 0xa0] else { return nil }
        func word(_ at: Int) -> Int? {
            guard at >= 0, at + 32 <= data.count else { return nil }
            // Offsets and lengths above 2^32 are malformed here.
            guard data[at..<(at + 28)].allSatisfy({ $0 == 0 }) else { return nil }
            return data[(at + 28)..<(at + 32)].reduce(0) { $0 << 8 | Int($1) }
        }
        guard let off = word(4), let len = word(4 + off) else { return nil }
        let start = 4 + off + 32
        guard start + len <= data.count else { return nil }
        return String(validating: data[start..<(start + len)], as: UTF8.self)
    }
}
