internal import Primitives
internal import Hashing

/// The hot state of one executing frame: stack pointer and height, gas and refund counters. A plain
/// local value in `Interpreter.execute` whose address is never passed to an out-of-line function, so
/// the optimiser keeps `sp` and `gas` in registers (class properties cost 9–10× in exclusivity checks
/// here, and an escaping frame struct forces a load/store per instruction). Memory and return data
/// are separate locals.
struct Frame {
    static let stackLimit = 1024

    // SAFETY: `stack` points to `stackLimit` slots allocated by `Interpreter.execute` and freed by its
    // `defer`, so it outlives the frame.
    // The loop checks each opcode's stack requirement and growth (from `InstructionTable`) before
    // running it, so every index below is within `0..<sp` or is the slot at `sp` being pushed with
    // `sp < 1024`.
    let stack: UnsafeMutablePointer<UInt256>
    var sp: Int = 0
    var gas: Int64
    var refund: Int64 = 0

    init(stack: UnsafeMutablePointer<UInt256>, gas: Int64) {
        self.stack = stack
        self.gas = gas
    }

    @inline(__always) mutating func pop() -> UInt256 {
        sp &-= 1
        return stack[sp]
    }

    @inline(__always) mutating func push(_ v: UInt256) {
        stack[sp] = v
        sp &+= 1
    }

    /// The top item (after pops, the slot a binary operation writes its result to).
    @inline(__always) var top: UInt256 {
        get { stack[sp &- 1] }
        nonmutating set { stack[sp &- 1] = newValue }
    }

    @inline(__always) mutating func charge(_ cost: Int64) throws(HaltReason) {
        gas &-= cost
        if gas < 0 { throw .outOfGas }
    }

    /// Charges memory expansion for the region `[offset, offset + size)` and grows memory; returns the
    /// region as `Int`s. A zero size never expands (and its offset may be anything). Offsets or sizes
    /// past `Memory.maxSize` are out of gas, so hostile values never reach an allocation.
    @inline(__always)
    static func expand(
        _ memory: inout Memory, _ offset: UInt256, _ size: UInt256, gas: inout Int64
    ) throws(HaltReason) -> (offset: Int, size: Int) {
        if size.isZero { return (0, 0) }
        guard let o = offset.clampedInt(limit: Memory.maxSize), let s = size.clampedInt(limit: Memory.maxSize) else {
            throw .outOfGas
        }
        let end = o &+ s
        if end > memory.size { gas = try Frame.grow(&memory, end, gas: gas) }
        return (o, s)
    }

    /// Memory region of a fixed small size (MLOAD/MSTORE/MSTORE8).
    @inline(__always)
    static func expand(_ memory: inout Memory, _ offset: UInt256, fixed size: Int, gas: inout Int64) throws(HaltReason) -> Int {
        guard let o = offset.clampedInt(limit: Memory.maxSize) else { throw .outOfGas }
        let end = o &+ size
        if end > memory.size { gas = try Frame.grow(&memory, end, gas: gas) }
        return o
    }

    /// Charges the expansion of `memory` to cover `end` bytes and grows it; returns the gas left.
    /// Out of line and by value, so that the frame's `gas` and `sp` never have their address taken by
    /// a call and can stay in registers in the loop.
    @inline(never)
    static func grow(_ memory: inout Memory, _ end: Int, gas: Int64) throws(HaltReason) -> Int64 {
        let newWords = (end &+ 31) / 32
        let cost = Memory.cost(words: newWords) &- Memory.cost(words: memory.size / 32)
        let left = gas &- cost
        if left < 0 { throw .outOfGas }
        memory.grow(to: newWords * 32)
        return left
    }

    /// Copies `src` (as much of it as exists from `srcOffset`) to `d`, zero-filling to `size`.
    @inline(__always)
    static func copy(to d: UnsafeMutableRawPointer, size: Int, from src: UnsafeRawBufferPointer, srcOffset: UInt256) {
        // SAFETY: callers expanded memory to cover [d, d + size); the source range is clamped to `src`.
        var n = 0
        if let so = srcOffset.clampedInt(limit: UInt64(Int32.max)), so < src.count, let base = src.baseAddress {
            n = Swift.min(size, src.count - so)
            d.copyMemory(from: base + so, byteCount: n)
        }
        if n < size { (d + n).initializeMemory(as: UInt8.self, repeating: 0, count: size - n) }
    }
}

@inline(__always) func numWords(_ size: Int) -> Int64 { Int64((size &+ 31) / 32) }

/// The baseline EVM interpreter (evmone's shape): one analysed code buffer, one loop, one `switch`.
public enum Interpreter {
    /// Runs `code` for `message` under `fork`. The caller (host or executor) has already transferred
    /// value, warmed addresses and created the account for creates; for a create, `code` is the init
    /// code and CALLDATA is empty. State changes go through `host`; on a revert or halt the caller
    /// rolls them back.
    ///
    /// With `buffers`, the frame's stack and memory buffer come from (and return to) a per-depth pool
    /// instead of being allocated and freed.
    ///
    /// With `trace: Traced.self` and a `tracer`, `tracer.step` runs before every instruction.
    public static func execute<H: EVMHost, M: TraceMode>(
        message: Message, code: CodeAnalysis, fork: Fork, host: inout H, buffers: FrameBuffers? = nil,
        trace: M.Type = Untraced.self, tracer: (any StepTracer)? = nil
    ) -> ExecutionResult {
        let depth = message.depth
        let stack = buffers?.takeStack(depth: depth) ?? .allocate(capacity: Frame.stackLimit)
        var memory = buffers?.takeMemory(depth: depth) ?? Memory()
        defer {
            if let buffers {
                buffers.putStack(stack, depth: depth)
                buffers.putMemory(&memory, depth: depth)
            } else {
                stack.deallocate()
                memory.free()
            }
        }
        var f = Frame(stack: stack, gas: message.gas)
        var returnData: [UInt8] = []
        let table = InstructionTable.table(for: fork).entries
        let codePtr = code.code
        let input = message.kind.isCreate ? [] : message.input
        var pc = 0
        let tracing = M.enabled && tracer != nil
        var mulModCache = MulModCache()
        do throws(HaltReason) {
            while true {
                // SAFETY: the padded code ends with at least 33 STOP bytes after `codeSize`, and pc only
                // moves forward by at most 33 (PUSH32) from a position < codeSize, or jumps to a checked
                // JUMPDEST, so `codePtr[pc]` is always readable; STOP ends the loop.
                let op = codePtr[pc]
                if tracing, let tracer {
                    tracer.step(
                        pc: pc, op: op, gas: f.gas, depth: depth, address: message.recipient,
                        stack: UnsafeBufferPointer(start: stack, count: f.sp),
                        memory: UnsafeRawBufferPointer(start: memory.base, count: memory.size))
                }
                let e = table[Int(op)]
                if f.sp < Int(e.stackRequired) {
                    throw e.gas < 0 ? HaltReason.undefinedInstruction : HaltReason.stackUnderflow
                }
                if f.sp > Int(e.stackMax) { throw HaltReason.stackOverflow }
                try f.charge(Int64(e.gas))

                switch op {
                case 0x00:  // STOP
                    return ExecutionResult(status: .success, gasLeft: f.gas, gasRefund: f.refund)
                case 0x01:  // ADD
                    let a = f.pop()
                    f.top = a &+ f.top
                case 0x02:  // MUL
                    let a = f.pop()
                    f.top = UInt256.evmMul(a, f.top)
                case 0x03:  // SUB
                    let a = f.pop()
                    f.top = a &- f.top
                case 0x04:  // DIV
                    let a = f.pop()
                    f.top = a.evmDivMod(f.top).quotient
                case 0x05:  // SDIV
                    let a = f.pop()
                    f.top = UInt256.evmSDiv(a, f.top)
                case 0x06:  // MOD
                    let a = f.pop()
                    f.top = a.evmDivMod(f.top).remainder
                case 0x07:  // SMOD
                    let a = f.pop()
                    f.top = UInt256.evmSMod(a, f.top)
                case 0x08:  // ADDMOD
                    let a = f.pop(), b = f.pop()
                    f.top = UInt256.evmAddMod(a, b, f.top)
                case 0x09:  // MULMOD
                    let a = f.pop(), b = f.pop()
                    f.top = UInt256.evmMulMod(a, b, f.top, cache: &mulModCache)
                case 0x0a:  // EXP: 10 (50 from EIP-160) per exponent byte
                    let base = f.pop()
                    let exponent = f.top
                    try f.charge(Int64(exponent.byteLength) * (fork >= .spuriousDragon ? 50 : 10))
                    f.top = UInt256.evmExp(base, exponent)
                case 0x0b:  // SIGNEXTEND
                    let b = f.pop()
                    f.top = UInt256.evmSignExtend(b, f.top)
                case 0x10:  // LT
                    let a = f.pop()
                    f.top = a < f.top ? .one : .zero
                case 0x11:  // GT
                    let a = f.pop()
                    f.top = f.top < a ? .one : .zero
                case 0x12:  // SLT
                    let a = f.pop()
                    f.top = UInt256.evmSLT(a, f.top) ? .one : .zero
                case 0x13:  // SGT
                    let a = f.pop()
                    f.top = UInt256.evmSLT(f.top, a) ? .one : .zero
                case 0x14:  // EQ
                    let a = f.pop()
                    f.top = a == f.top ? .one : .zero
                case 0x15:  // ISZERO
                    f.top = f.top.isZero ? .one : .zero
                case 0x16:  // AND
                    let a = f.pop()
                    f.top = a & f.top
                case 0x17:  // OR
                    let a = f.pop()
                    f.top = a | f.top
                case 0x18:  // XOR
                    let a = f.pop()
                    f.top = a ^ f.top
                case 0x19:  // NOT
                    f.top = ~f.top
                case 0x1a:  // BYTE
                    let i = f.pop()
                    f.top = UInt256.evmByte(i, f.top)
                case 0x1b:  // SHL (EIP-145)
                    let s = f.pop()
                    f.top = UInt256.evmShl(s, f.top)
                case 0x1c:  // SHR
                    let s = f.pop()
                    f.top = UInt256.evmShr(s, f.top)
                case 0x1d:  // SAR
                    let s = f.pop()
                    f.top = UInt256.evmSar(s, f.top)
                case 0x1e:  // CLZ (EIP-7939)
                    f.top = UInt256.evmClz(f.top)
                case 0x20:  // KECCAK256: 6 gas per word
                    let off = f.pop()
                    let (o, s) = try Frame.expand(&memory, off, f.top, gas: &f.gas)
                    try f.charge(6 * numWords(s))
                    let h =
                        s == 0
                        ? Keccak256.hash([UInt8]())
                        : Keccak256.hash(UnsafeRawBufferPointer(start: memory.pointer(o), count: s))
                    f.top = UInt256(bigEndian: h)
                case 0x30:  // ADDRESS
                    f.push(UInt256(address: message.recipient))
                case 0x31:  // BALANCE
                    let a = f.top.address
                    if fork >= .berlin, host.accessAccount(a) == .cold { try f.charge(Gas.coldAccountSurcharge) }
                    f.top = host.balance(a)
                case 0x32:  // ORIGIN
                    f.push(UInt256(address: host.txContext.origin))
                case 0x33:  // CALLER
                    f.push(UInt256(address: message.sender))
                case 0x34:  // CALLVALUE
                    f.push(message.value)
                case 0x35:  // CALLDATALOAD
                    f.top = Self.loadWord(input, offset: f.top)
                case 0x36:  // CALLDATASIZE
                    f.push(UInt256(UInt64(input.count)))
                case 0x37:  // CALLDATACOPY
                    let dst = f.pop(), src = f.pop(), size = f.pop()
                    let (o, s) = try Frame.expand(&memory, dst, size, gas: &f.gas)
                    try f.charge(3 * numWords(s))
                    if s > 0 {
                        let d = memory.pointer(o)
                        input.withUnsafeBytes { Frame.copy(to: d, size: s, from: $0, srcOffset: src) }
                    }
                case 0x38:  // CODESIZE
                    f.push(UInt256(UInt64(code.codeSize)))
                case 0x39:  // CODECOPY
                    let dst = f.pop(), src = f.pop(), size = f.pop()
                    let (o, s) = try Frame.expand(&memory, dst, size, gas: &f.gas)
                    try f.charge(3 * numWords(s))
                    if s > 0 {
                        Frame.copy(to: memory.pointer(o), size: s, from: UnsafeRawBufferPointer(code.bytes), srcOffset: src)
                    }
                case 0x3a:  // GASPRICE
                    f.push(host.txContext.gasPrice)
                case 0x3b:  // EXTCODESIZE
                    let a = f.top.address
                    if fork >= .berlin, host.accessAccount(a) == .cold { try f.charge(Gas.coldAccountSurcharge) }
                    f.top = UInt256(UInt64(host.codeSize(a)))
                case 0x3c:  // EXTCODECOPY
                    let a = f.pop().address
                    let dst = f.pop(), src = f.pop(), size = f.pop()
                    let (o, s) = try Frame.expand(&memory, dst, size, gas: &f.gas)
                    try f.charge(3 * numWords(s))
                    if fork >= .berlin, host.accessAccount(a) == .cold { try f.charge(Gas.coldAccountSurcharge) }
                    if s > 0 {
                        let d = memory.pointer(o)
                        var n = 0
                        if let so = src.clampedInt(limit: UInt64(Int32.max)) {
                            n = host.copyCode(a, offset: so, into: UnsafeMutableRawBufferPointer(start: d, count: s))
                        }
                        // SAFETY: memory covers [o, o + s) and n <= s.
                        if n < s { (d + n).initializeMemory(as: UInt8.self, repeating: 0, count: s - n) }
                    }
                case 0x3d:  // RETURNDATASIZE (EIP-211)
                    f.push(UInt256(UInt64(returnData.count)))
                case 0x3e:  // RETURNDATACOPY: reading past the end is an exceptional halt
                    let dst = f.pop(), src = f.pop(), size = f.pop()
                    let (o, s) = try Frame.expand(&memory, dst, size, gas: &f.gas)
                    guard let so = src.clampedInt(limit: UInt64(returnData.count)), so + s <= returnData.count
                    else { throw HaltReason.invalidMemoryAccess }
                    try f.charge(3 * numWords(s))
                    if s > 0 {
                        let d = memory.pointer(o)
                        // SAFETY: memory covers [o, o + s) and [so, so + s) is inside returnData (checked above).
                        returnData.withUnsafeBytes { src in d.copyMemory(from: src.baseAddress! + so, byteCount: s) }
                    }
                case 0x3f:  // EXTCODEHASH (EIP-1052)
                    let a = f.top.address
                    if fork >= .berlin, host.accessAccount(a) == .cold { try f.charge(Gas.coldAccountSurcharge) }
                    f.top = UInt256(bigEndian: host.codeHash(a))
                case 0x40:  // BLOCKHASH: only the 256 most recent complete blocks
                    let n = f.top
                    let current = host.txContext.number
                    if let k = n.uint64IfFits, k < current, current - k <= 256 {
                        f.top = UInt256(bigEndian: host.blockHash(number: k))
                    } else {
                        f.top = .zero
                    }
                case 0x41:  // COINBASE
                    f.push(UInt256(address: host.txContext.coinbase))
                case 0x42:  // TIMESTAMP
                    f.push(UInt256(host.txContext.timestamp))
                case 0x43:  // NUMBER
                    f.push(UInt256(host.txContext.number))
                case 0x44:  // PREVRANDAO (DIFFICULTY before the Merge)
                    f.push(host.txContext.prevRandao)
                case 0x45:  // GASLIMIT
                    f.push(UInt256(host.txContext.gasLimit))
                case 0x46:  // CHAINID (EIP-1344)
                    f.push(host.txContext.chainID)
                case 0x47:  // SELFBALANCE (EIP-1884)
                    f.push(host.balance(message.recipient))
                case 0x48:  // BASEFEE (EIP-3198)
                    f.push(host.txContext.baseFee)
                case 0x49:  // BLOBHASH (EIP-4844)
                    let hashes = host.txContext.blobHashes
                    if let i = f.top.clampedInt(limit: UInt64(Int32.max)), i < hashes.count {
                        f.top = UInt256(bigEndian: hashes[i])
                    } else {
                        f.top = .zero
                    }
                case 0x4a:  // BLOBBASEFEE (EIP-7516)
                    f.push(host.txContext.blobBaseFee)
                case 0x50:  // POP
                    f.sp &-= 1
                case 0x51:  // MLOAD
                    let o = try Frame.expand(&memory, f.top, fixed: 32, gas: &f.gas)
                    f.top = UInt256(loadingBigEndian: memory.pointer(o))
                case 0x52:  // MSTORE
                    let off = f.pop(), v = f.pop()
                    let o = try Frame.expand(&memory, off, fixed: 32, gas: &f.gas)
                    v.storeBigEndian(to: memory.pointer(o))
                case 0x53:  // MSTORE8
                    let off = f.pop(), v = f.pop()
                    let o = try Frame.expand(&memory, off, fixed: 1, gas: &f.gas)
                    memory.pointer(o).storeBytes(of: UInt8(truncatingIfNeeded: v.l0), as: UInt8.self)
                case 0x54:  // SLOAD
                    let (value, access) = host.loadStorage(message.recipient, key: f.top)
                    if fork >= .berlin && access == .cold { try f.charge(Gas.coldSloadSurcharge) }
                    f.top = value
                case 0x55:  // SSTORE
                    try Self.sstore(&f, message: message, fork: fork, host: &host)
                case 0x56:  // JUMP
                    let dest = f.pop()
                    guard let d = dest.clampedInt(limit: UInt64(Int32.max)), code.isJumpdest(d) else {
                        throw HaltReason.badJumpDestination
                    }
                    pc = d
                    continue
                case 0x57:  // JUMPI
                    let dest = f.pop(), cond = f.pop()
                    if !cond.isZero {
                        guard let d = dest.clampedInt(limit: UInt64(Int32.max)), code.isJumpdest(d) else {
                            throw HaltReason.badJumpDestination
                        }
                        pc = d
                        continue
                    }
                case 0x58:  // PC
                    f.push(UInt256(UInt64(pc)))
                case 0x59:  // MSIZE
                    f.push(UInt256(UInt64(memory.size)))
                case 0x5a:  // GAS
                    f.push(UInt256(UInt64(f.gas)))
                case 0x5b:  // JUMPDEST
                    break
                case 0x5c:  // TLOAD (EIP-1153)
                    f.top = host.transientStorage(message.recipient, key: f.top)
                case 0x5d:  // TSTORE
                    if message.isStatic { throw HaltReason.staticModeViolation }
                    let key = f.pop(), v = f.pop()
                    host.setTransientStorage(message.recipient, key: key, value: v)
                case 0x5e:  // MCOPY (EIP-5656)
                    let dst = f.pop(), src = f.pop(), size = f.pop()
                    let (_, s) = try Frame.expand(&memory, Swift.max(dst, src), size, gas: &f.gas)
                    try f.charge(3 * numWords(s))
                    if s > 0 {
                        // SAFETY: memory covers max(dst, src) + s, so both ranges are inside it.
                        let d = memory.pointer(Int(dst.l0)), so = memory.pointer(Int(src.l0))
                        d.copyMemory(from: so, byteCount: s)  // memmove semantics
                    }
                case 0x5f:  // PUSH0 (EIP-3855)
                    f.push(.zero)
                case 0x60:  // PUSH1
                    f.push(UInt256(UInt64(codePtr[pc &+ 1])))
                    pc &+= 2
                    continue
                case 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x7b, 0x7c, 0x7d, 0x7e, 0x7f:  // PUSH2...PUSH32 (literal patterns keep the switch a jump table)
                    let n = Int(op) &- 0x5f
                    // SAFETY: the 32 bytes ending at the last immediate byte are inside the padded
                    // buffer (32 bytes of front padding, 33 of back padding).
                    let window = UInt256(loadingBigEndian: UnsafeRawPointer(codePtr + (pc &+ 1 &+ n &- 32)))
                    f.push(n == 32 ? window : window.keepingLowBytes(n))
                    pc &+= n &+ 1
                    continue
                case 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f:  // DUP1...DUP16
                    let n = Int(op) &- 0x7f
                    f.push(f.stack[f.sp &- n])
                case 0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f:  // SWAP1...SWAP16
                    let n = Int(op) &- 0x8f
                    let t = f.stack[f.sp &- 1]
                    f.stack[f.sp &- 1] = f.stack[f.sp &- 1 &- n]
                    f.stack[f.sp &- 1 &- n] = t
                case 0xa0, 0xa1, 0xa2, 0xa3, 0xa4:  // LOG0...LOG4
                    if message.isStatic { throw HaltReason.staticModeViolation }
                    let off = f.pop(), size = f.pop()
                    let (o, s) = try Frame.expand(&memory, off, size, gas: &f.gas)
                    try f.charge(8 * Int64(s))
                    let k = Int(op) &- 0xa0
                    var topics: [Bytes32] = []
                    topics.reserveCapacity(k)
                    for _ in 0..<k { topics.append(f.pop().bytes32) }
                    host.emitLog(address: message.recipient, topics: topics, data: memory.bytes(o, s))
                case 0xf0, 0xf5:  // CREATE, CREATE2
                    if message.isStatic { throw HaltReason.staticModeViolation }
                    let endowment = f.pop(), off = f.pop(), size = f.pop()
                    let salt = op == 0xf5 ? f.pop() : UInt256.zero
                    let out = try Self.create(
                        op, endowment: endowment, offset: off, size: size, salt: salt, memory: &memory,
                        returnData: &returnData, gas: f.gas, message: message, fork: fork, host: &host)
                    f.gas = out.gas
                    f.refund &+= out.refund
                    f.push(out.result)
                case 0xf1, 0xf2, 0xf4, 0xfa:  // CALL, CALLCODE, DELEGATECALL, STATICCALL
                    let gasArg = f.pop()
                    let dst = f.pop().address
                    let value = (op == 0xf1 || op == 0xf2) ? f.pop() : UInt256.zero
                    let args = CallArgs(
                        gas: gasArg, destination: dst, value: value, inOffset: f.pop(), inSize: f.pop(),
                        outOffset: f.pop(), outSize: f.pop())
                    let out = try Self.call(
                        op, args, memory: &memory, returnData: &returnData, gas: f.gas, message: message,
                        fork: fork, host: &host)
                    f.gas = out.gas
                    f.refund &+= out.refund
                    f.push(out.result)
                case 0xf3, 0xfd:  // RETURN, REVERT
                    let off = f.pop(), size = f.pop()
                    let (o, s) = try Frame.expand(&memory, off, size, gas: &f.gas)
                    return ExecutionResult(
                        status: op == 0xf3 ? .success : .revert, gasLeft: f.gas, gasRefund: op == 0xf3 ? f.refund : 0,
                        output: memory.bytes(o, s))
                case 0xfe:  // INVALID
                    throw HaltReason.invalidInstruction
                case 0xff:  // SELFDESTRUCT
                    try Self.selfDestruct(&f, message: message, fork: fork, host: &host)
                    return ExecutionResult(status: .success, gasLeft: f.gas, gasRefund: f.refund)
                default:
                    throw HaltReason.undefinedInstruction
                }
                pc &+= 1
            }
        } catch {
            return ExecutionResult(status: .halt(error), gasLeft: 0)
        }
    }

    /// CALLDATALOAD: 32 bytes at `offset`, zero-padded past the end.
    @inline(__always)
    static func loadWord(_ data: [UInt8], offset: UInt256) -> UInt256 {
        guard let o = offset.clampedInt(limit: UInt64(Int32.max)), o < data.count else { return .zero }
        return data.withUnsafeBytes { buf in
            if o + 32 <= buf.count { return UInt256(loadingBigEndian: buf.baseAddress! + o) }
            var tmp = (UInt256.zero, UInt256.zero)
            return withUnsafeMutableBytes(of: &tmp) { t in
                // SAFETY: fewer than 32 bytes remain from o; tmp has 64 zeroed bytes.
                t.baseAddress!.copyMemory(from: buf.baseAddress! + o, byteCount: buf.count - o)
                return UInt256(loadingBigEndian: UnsafeRawPointer(t.baseAddress!))
            }
        }
    }

    // MARK: Storage

    @inline(__always)
    static func sstore<H: EVMHost>(_ f: inout Frame, message: Message, fork: Fork, host: inout H) throws(HaltReason) {
        if message.isStatic { throw .staticModeViolation }
        // EIP-2200: SSTORE needs more than the call stipend left.
        if fork >= .istanbul && f.gas <= Gas.callStipend { throw .outOfGas }
        let key = f.pop(), value = f.pop()
        let (status, access) = host.storeStorage(message.recipient, key: key, value: value)
        let cold: Int64 = fork >= .berlin && access == .cold ? Gas.coldSload : 0
        let (cost, refund) = Gas.sstoreCost(fork, status)
        try f.charge(cost + cold)
        f.refund += refund
    }

    // MARK: Calls and creates

    struct CallArgs {
        var gas: UInt256
        var destination: EVMAddress
        var value: UInt256
        var inOffset: UInt256, inSize: UInt256, outOffset: UInt256, outSize: UInt256
    }

    /// What CALL*/CREATE* hand back to the loop: gas left, refund to add, and the word to push.
    struct CallOutcome {
        var gas: Int64
        var refund: Int64
        var result: UInt256
    }

    /// CALL, CALLCODE, DELEGATECALL, STATICCALL (with EIP-150, EIP-2929 and EIP-7702 costs). Takes and
    /// returns gas by value so that the loop's gas counter never escapes.
    @inline(never)
    static func call<H: EVMHost>(
        _ op: UInt8, _ a: CallArgs, memory: inout Memory, returnData: inout [UInt8], gas gasIn: Int64,
        message: Message, fork: Fork, host: inout H
    ) throws(HaltReason) -> CallOutcome {
        var gas = gasIn
        @inline(__always) func charge(_ c: Int64) throws(HaltReason) {
            gas &-= c
            if gas < 0 { throw .outOfGas }
        }
        let dst = a.destination
        let hasValue = !a.value.isZero
        returnData = []

        if fork >= .berlin, host.accessAccount(dst) == .cold { try charge(Gas.coldAccountSurcharge) }
        var codeAddress = dst
        if fork >= .prague, let delegate = host.delegate(of: dst) {
            // EIP-7702: calling a delegated account also loads the delegate's code.
            codeAddress = delegate
            try charge(host.accessAccount(delegate) == .cold ? Gas.coldAccountAccess : Gas.warmAccess)
        }
        let (io, isz) = try Frame.expand(&memory, a.inOffset, a.inSize, gas: &gas)
        let (oo, osz) = try Frame.expand(&memory, a.outOffset, a.outSize, gas: &gas)

        var cost: Int64 = hasValue ? Gas.callValue : 0
        if op == 0xf1 {
            if hasValue && message.isStatic { throw .staticModeViolation }
            if (hasValue || fork < .spuriousDragon) && !host.accountExists(dst) { cost += Gas.newAccount }
        }
        try charge(cost)

        var childGas: Int64 = a.gas.clampedInt(limit: UInt64(Int64.max)).map { Int64($0) } ?? .max
        if fork >= .tangerineWhistle {
            childGas = Swift.min(childGas, gas - gas / 64)  // EIP-150: all but one 64th
        } else if childGas > gas {
            throw .outOfGas
        }
        if hasValue {
            childGas += Gas.callStipend
            gas += Gas.callStipend
        }
        if message.depth >= 1024 { return CallOutcome(gas: gas, refund: 0, result: .zero) }
        if hasValue && host.balance(message.recipient) < a.value { return CallOutcome(gas: gas, refund: 0, result: .zero) }

        let kind: CallKind
        switch op {
        case 0xf1: kind = .call
        case 0xf2: kind = .callCode
        case 0xf4: kind = .delegateCall
        default: kind = .staticCall
        }
        let child = Message(
            kind: kind, isStatic: op == 0xfa || message.isStatic, depth: message.depth + 1, gas: childGas,
            recipient: (op == 0xf1 || op == 0xfa) ? dst : message.recipient,
            sender: op == 0xf4 ? message.sender : message.recipient,
            codeAddress: codeAddress,
            value: op == 0xf4 ? message.value : a.value,
            input: memory.bytes(io, isz))
        let r = host.call(child)
        returnData = r.output
        let n = Swift.min(osz, r.output.count)
        if n > 0 {
            // SAFETY: memory covers [oo, oo + osz) and n <= osz, n <= output.count.
            let d = memory.pointer(oo)
            r.output.withUnsafeBytes { d.copyMemory(from: $0.baseAddress!, byteCount: n) }
        }
        gas -= childGas - r.gasLeft
        return CallOutcome(gas: gas, refund: r.gasRefund, result: r.status.isSuccess ? .one : .zero)
    }

    /// CREATE and CREATE2 (EIP-1014, EIP-3860 init-code limit and word cost).
    @inline(never)
    static func create<H: EVMHost>(
        _ op: UInt8, endowment: UInt256, offset: UInt256, size: UInt256, salt: UInt256, memory: inout Memory,
        returnData: inout [UInt8], gas gasIn: Int64, message: Message, fork: Fork, host: inout H
    ) throws(HaltReason) -> CallOutcome {
        var gas = gasIn
        returnData = []
        let (o, s) = try Frame.expand(&memory, offset, size, gas: &gas)
        if fork >= .shanghai && s > Gas.maxInitcodeSize { throw .outOfGas }  // EIP-3860
        let wordCost: Int64 = (op == 0xf5 ? Gas.keccakWord : 0) + (fork >= .shanghai ? Gas.initcodeWord : 0)
        gas &-= numWords(s) * wordCost
        if gas < 0 { throw .outOfGas }
        if message.depth >= 1024 { return CallOutcome(gas: gas, refund: 0, result: .zero) }
        if !endowment.isZero && host.balance(message.recipient) < endowment {
            return CallOutcome(gas: gas, refund: 0, result: .zero)
        }
        var childGas = gas
        if fork >= .tangerineWhistle { childGas -= childGas / 64 }
        let child = Message(
            kind: op == 0xf5 ? .create2 : .create, isStatic: false, depth: message.depth + 1, gas: childGas,
            recipient: .zero, sender: message.recipient, codeAddress: .zero, value: endowment,
            input: memory.bytes(o, s), salt: salt)
        let r = host.call(child)
        gas -= childGas - r.gasLeft
        returnData = r.output
        var result = UInt256.zero
        if r.status.isSuccess, let a = r.createdAddress { result = UInt256(address: a) }
        return CallOutcome(gas: gas, refund: r.gasRefund, result: result)
    }

    @inline(__always)
    static func selfDestruct<H: EVMHost>(
        _ f: inout Frame, message: Message, fork: Fork, host: inout H
    ) throws(HaltReason) {
        if message.isStatic { throw .staticModeViolation }
        let beneficiary = f.pop().address
        if fork >= .berlin, host.accessAccount(beneficiary) == .cold { try f.charge(Gas.coldAccountAccess) }
        if fork >= .tangerineWhistle {
            // EIP-150 charges a new account always; EIP-161 only when value moves to it.
            if fork == .tangerineWhistle || !host.balance(message.recipient).isZero {
                if !host.accountExists(beneficiary) { try f.charge(Gas.newAccount) }
            }
        }
        if host.selfDestruct(message.recipient, beneficiary: beneficiary), fork < .london {
            f.refund += Gas.selfDestructRefund  // removed by EIP-3529
        }
    }
}
