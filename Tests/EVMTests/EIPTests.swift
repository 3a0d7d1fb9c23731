import EVM
import Hashing
import Primitives
import Testing

/// Unit tests grouped by EIP, with exact gas used (as evmone's `evm_eipNNNN_test.cpp`).
struct EIPTests {
    // MARK: SSTORE schedules: EIP-1283 (Constantinople), EIP-2200 (Istanbul), EIP-2929 + EIP-3529 (London)

    struct SstoreCase: Sendable, CustomStringConvertible {
        var code: String, original: UInt64, gas: Int64, refund: Int64
        var description: String { "\(code) orig \(original)" }
    }

    static func sstoreRun(_ c: SstoreCase, fork: Fork) -> Run {
        execute(Bytecode(hex: c.code), fork: fork) { h in
            if c.original != 0 { h.accounts[contractAddress]!.storage[.zero] = UInt256(c.original) }
        }
    }

    /// The tables from EIP-1283.
    static let eip1283: [SstoreCase] = [
        .init(code: "60006000556000600055", original: 0, gas: 412, refund: 0),
        .init(code: "60006000556001600055", original: 0, gas: 20212, refund: 0),
        .init(code: "60016000556000600055", original: 0, gas: 20212, refund: 19800),
        .init(code: "60016000556002600055", original: 0, gas: 20212, refund: 0),
        .init(code: "60016000556001600055", original: 0, gas: 20212, refund: 0),
        .init(code: "60006000556000600055", original: 1, gas: 5212, refund: 15000),
        .init(code: "60006000556001600055", original: 1, gas: 5212, refund: 4800),
        .init(code: "60006000556002600055", original: 1, gas: 5212, refund: 0),
        .init(code: "60026000556000600055", original: 1, gas: 5212, refund: 15000),
        .init(code: "60026000556003600055", original: 1, gas: 5212, refund: 0),
        .init(code: "60026000556001600055", original: 1, gas: 5212, refund: 4800),
        .init(code: "60026000556002600055", original: 1, gas: 5212, refund: 0),
        .init(code: "60016000556000600055", original: 1, gas: 5212, refund: 15000),
        .init(code: "60016000556002600055", original: 1, gas: 5212, refund: 0),
        .init(code: "60016000556001600055", original: 1, gas: 412, refund: 0),
        .init(code: "600160005560006000556001600055", original: 0, gas: 40218, refund: 19800),
        .init(code: "600060005560016000556000600055", original: 1, gas: 10218, refund: 19800),
    ]

    /// The table from EIP-2200.
    static let eip2200: [SstoreCase] = [
        .init(code: "60006000556000600055", original: 0, gas: 1612, refund: 0),
        .init(code: "60006000556001600055", original: 0, gas: 20812, refund: 0),
        .init(code: "60016000556000600055", original: 0, gas: 20812, refund: 19200),
        .init(code: "60016000556002600055", original: 0, gas: 20812, refund: 0),
        .init(code: "60016000556001600055", original: 0, gas: 20812, refund: 0),
        .init(code: "60006000556000600055", original: 1, gas: 5812, refund: 15000),
        .init(code: "60006000556001600055", original: 1, gas: 5812, refund: 4200),
        .init(code: "60006000556002600055", original: 1, gas: 5812, refund: 0),
        .init(code: "60026000556000600055", original: 1, gas: 5812, refund: 15000),
        .init(code: "60026000556003600055", original: 1, gas: 5812, refund: 0),
        .init(code: "60026000556001600055", original: 1, gas: 5812, refund: 4200),
        .init(code: "60026000556002600055", original: 1, gas: 5812, refund: 0),
        .init(code: "60016000556000600055", original: 1, gas: 5812, refund: 15000),
        .init(code: "60016000556002600055", original: 1, gas: 5812, refund: 0),
        .init(code: "60016000556001600055", original: 1, gas: 1612, refund: 0),
        .init(code: "600160005560006000556001600055", original: 0, gas: 40818, refund: 19200),
        .init(code: "600060005560016000556000600055", original: 1, gas: 10818, refund: 19200),
    ]

    /// The table from EIP-3529 (London) plus 2100 for the cold slot at the first SSTORE (the EIP's table
    /// assumes a warm slot).
    static let eip3529: [SstoreCase] = [
        .init(code: "60006000556000600055", original: 0, gas: 2312, refund: 0),
        .init(code: "60006000556001600055", original: 0, gas: 22212, refund: 0),
        .init(code: "60016000556000600055", original: 0, gas: 22212, refund: 19900),
        .init(code: "60016000556002600055", original: 0, gas: 22212, refund: 0),
        .init(code: "60016000556001600055", original: 0, gas: 22212, refund: 0),
        .init(code: "60006000556000600055", original: 1, gas: 5112, refund: 4800),
        .init(code: "60006000556001600055", original: 1, gas: 5112, refund: 2800),
        .init(code: "60006000556002600055", original: 1, gas: 5112, refund: 0),
        .init(code: "60026000556000600055", original: 1, gas: 5112, refund: 4800),
        .init(code: "60026000556003600055", original: 1, gas: 5112, refund: 0),
        .init(code: "60026000556001600055", original: 1, gas: 5112, refund: 2800),
        .init(code: "60026000556002600055", original: 1, gas: 5112, refund: 0),
        .init(code: "60016000556000600055", original: 1, gas: 5112, refund: 4800),
        .init(code: "60016000556002600055", original: 1, gas: 5112, refund: 0),
        .init(code: "60016000556001600055", original: 1, gas: 2312, refund: 0),
        .init(code: "600160005560006000556001600055", original: 0, gas: 42218, refund: 19900),
        .init(code: "600060005560016000556000600055", original: 1, gas: 8018, refund: 7600),
    ]

    @Test(arguments: eip1283) func sstoreEIP1283Constantinople(_ c: SstoreCase) {
        let r = Self.sstoreRun(c, fork: .constantinople)
        #expect(r.status == .success)
        #expect(r.gasUsed == c.gas)
        #expect(r.result.gasRefund == c.refund)
    }

    @Test(arguments: eip2200) func sstoreEIP2200Istanbul(_ c: SstoreCase) {
        let r = Self.sstoreRun(c, fork: .istanbul)
        #expect(r.gasUsed == c.gas)
        #expect(r.result.gasRefund == c.refund)
    }

    @Test(arguments: eip3529) func sstoreEIP3529London(_ c: SstoreCase) {
        for fork in [Fork.london, .cancun, .prague, .osaka] {
            let r = Self.sstoreRun(c, fork: fork)
            #expect(r.gasUsed == c.gas, "\(fork)")
            #expect(r.result.gasRefund == c.refund, "\(fork)")
        }
    }

    @Test func sstoreLegacySchedule() {
        // Frontier…Byzantium and Petersburg: 20000 for zero→non-zero, 5000 otherwise, 15000 refund on clear.
        for fork in [Fork.frontier, .homestead, .byzantium, .petersburg] {
            let r = Self.sstoreRun(.init(code: "60016000556000600055", original: 0, gas: 0, refund: 0), fork: fork)
            #expect(r.gasUsed == 12 + 20000 + 5000, "\(fork)")
            #expect(r.result.gasRefund == 15000, "\(fork)")
            let r2 = Self.sstoreRun(.init(code: "60006000556000600055", original: 0, gas: 0, refund: 0), fork: fork)
            #expect(r2.gasUsed == 12 + 5000 + 5000, "\(fork)")
        }
    }

    @Test func sstoreStipendSentryEIP2200() {
        // With exactly 2300 gas left at SSTORE, Istanbul+ halts; Constantinople does not have the rule.
        let code = Bytecode(hex: "6001600055")  // PUSH1 1 PUSH1 0 SSTORE
        #expect(execute(code, fork: .istanbul, gas: 2306).status == .halt(.outOfGas))
        #expect(execute(code, fork: .berlin, gas: 2306).status == .halt(.outOfGas))
    }

    // MARK: EIP-2929 / EIP-2930 warm and cold access

    @Test func coldWarmAccountAccess() {
        // BALANCE of an untouched address: 2600, then 100.
        let c = push(otherAddress) + .balance + push(otherAddress) + .balance
        #expect(execute(c, fork: .berlin).gasUsed == 3 + 2600 + 3 + 100)
        #expect(execute(c, fork: .istanbul).gasUsed == 3 + 700 + 3 + 700)
        #expect(execute(c, fork: .frontier).gasUsed == 3 + 20 + 3 + 20)
        // The called contract itself and the sender are warm.
        #expect(execute(push(contractAddress) + .balance, fork: .cancun).gasUsed == 3 + 100)
        #expect(execute(push(senderAddress) + .extcodesize, fork: .cancun).gasUsed == 3 + 100)
        // Precompiles are warm.
        #expect(execute(push(1) + .extcodehash, fork: .cancun).gasUsed == 3 + 100)
        #expect(execute(push(0x0a) + .extcodehash, fork: .cancun).gasUsed == 3 + 100)
        #expect(execute(push(0x0a) + .extcodehash, fork: .shanghai).gasUsed == 3 + 2600)
        // Coinbase is warm from Shanghai (EIP-3651).
        let ctx = TxContext(coinbase: otherAddress)
        #expect(execute(push(otherAddress) + .balance, fork: .shanghai, context: ctx).gasUsed == 3 + 100)
        #expect(execute(push(otherAddress) + .balance, fork: .london, context: ctx).gasUsed == 3 + 2600)
        // EXTCODECOPY: cold surcharge plus copy cost and memory.
        let ecc = push(32) + push(0) + push(0) + push(otherAddress) + .extcodecopy
        #expect(execute(ecc, fork: .cancun).gasUsed == 4 * 3 + 100 + 3 + 3 + 2500)
    }

    @Test func coldWarmSload() {
        let c = sload(1) + sload(1)
        #expect(execute(c, fork: .berlin).gasUsed == 3 + 2100 + 3 + 100)
        #expect(execute(c, fork: .istanbul).gasUsed == 3 + 800 + 3 + 800)
        #expect(execute(c, fork: .tangerineWhistle).gasUsed == 3 + 200 + 3 + 200)
        #expect(execute(c, fork: .frontier).gasUsed == 3 + 50 + 3 + 50)
    }

    @Test func accessListPreWarms() {
        var host = InMemoryHost(fork: .berlin)
        host.accounts[contractAddress] = Account(code: (sload(7) + push(otherAddress) + .balance).bytes)
        let msg = Message(gas: 100_000, recipient: contractAddress, sender: senderAddress)
        let r = host.transact(msg, accessList: [(contractAddress, [UInt256(7)]), (otherAddress, [])])
        #expect(100_000 - r.gasLeft == 3 + 100 + 3 + 100)
    }

    // MARK: EIP-3855 PUSH0

    @Test func push0() {
        let r = execute(Bytecode(.push0) + retTop(), fork: .shanghai)
        #expect(r.word == .zero)
        #expect(r.gasUsed == 2 + 15)
        #expect(execute(Bytecode(.push0), fork: .paris).status == .halt(.undefinedInstruction))
    }

    // MARK: EIP-1153 transient storage

    @Test func transientStorage() {
        let r = execute(tstore(1, 42) + tload(1) + retTop(), fork: .cancun)
        #expect(r.word == UInt256(42))
        #expect(r.gasUsed == 3 + 3 + 100 + 3 + 100 + 15)
        #expect(execute(tload(1), fork: .shanghai).status == .halt(.undefinedInstruction))
        // Transient storage does not touch persistent storage and is cleared per transaction.
        #expect(r.host.accounts[contractAddress]!.storage.isEmpty)
        // TSTORE in a static context is a violation.
        #expect(execute(tstore(1, 1), fork: .cancun, isStatic: true).status == .halt(.staticModeViolation))
        #expect(execute(tload(1), fork: .cancun, isStatic: true).status == .success)
    }

    @Test func transientStorageVisibleAcrossCallsAndReverted() {
        // Callee: TSTORE(1, 7) then REVERT. Caller: TSTORE(1, 5), call callee, TLOAD(1) → 5 (revert undone).
        let callee = tstore(1, 7) + revert(0, 0)
        let caller = tstore(1, 5) + call(gas: 100_000, to: otherAddress) + .pop + tload(1) + retTop()
        let r = execute(caller, fork: .cancun) { h in h.accounts[otherAddress] = Account(code: callee.bytes) }
        #expect(r.word == UInt256(5))
        // A callee that succeeds writes to its own transient storage, not the caller's.
        let callee2 = tstore(1, 9) + .stop
        let r2 = execute(caller, fork: .cancun) { h in h.accounts[otherAddress] = Account(code: callee2.bytes) }
        #expect(r2.word == UInt256(5))
    }

    // MARK: EIP-5656 MCOPY

    @Test func mcopy() {
        // Store 0x..0102 at word 0, copy 32 bytes from 0 to 1 (overlapping), return 64 bytes.
        let c = push(0x0102) + mstore(0) + push(32) + push(0) + push(1) + .mcopy + ret(0, 64)
        let r = execute(c, fork: .cancun)
        var expected = [UInt8](repeating: 0, count: 64)
        expected[31] = 0x01  // byte 30 → 31 overwritten by byte 30 (0x01) ... memmove semantics:
        expected[30] = 0x00
        expected[32] = 0x02
        // memory before: [0..29]=0, [30]=1, [31]=2; after copying [0,32) to [1,33): [31]=1, [32]=2.
        #expect(r.output == expected)
        // Gas: MSTORE part 3+3+3+3; pushes 9; MCOPY 3 + copy 1 word 3 + expansion to 2 words (3 more); RETURN 6.
        #expect(r.gasUsed == 12 + 9 + 3 + 3 + 3 + 6)
        #expect(execute(push(0) + push(0) + push(0) + .mcopy, fork: .shanghai).status == .halt(.undefinedInstruction))
        // Zero-size MCOPY with huge offsets is fine.
        #expect(execute(push(0) + push(UInt256.max) + push(UInt256.max) + .mcopy, fork: .cancun).gasUsed == 9 + 3)
    }

    // MARK: EIP-7939 CLZ

    @Test func clz() {
        let r = execute(push(UInt256.one.evmShl(200)) + .clz + retTop(), fork: .osaka)
        #expect(r.word == UInt256(55))
        #expect(r.gasUsed == 3 + 5 + 15)
        #expect(execute(push(1) + .clz, fork: .prague).status == .halt(.undefinedInstruction))
    }

    // MARK: Fork availability

    @Test func opcodeAvailabilityPerFork() {
        for op in Opcode.allCases {
            for fork in Fork.allCases {
                let gas = InstructionTraits.baseGas(fork)[Int(op.rawValue)]
                #expect((gas != nil) == (fork >= op.introduced), "\(op.name) in \(fork)")
            }
        }
        // Every defined opcode is in `Opcode`, and nothing else is defined in Osaka.
        let defined = Set(Opcode.allCases.map { Int($0.rawValue) })
        for i in 0..<256 where InstructionTraits.baseGas(.osaka)[i] != nil { #expect(defined.contains(i)) }
        #expect(defined.count == 150)
        #expect(Fork.frontier < .homestead && Fork.cancun < .prague && Fork.prague < .osaka)
        #expect(Fork(name: "Merge") == .paris && Fork(name: "EIP150") == .tangerineWhistle)
    }

    @Test func shiftsAndCreate2AreConstantinople() {
        #expect(execute(push(1) + push(1) + .shl, fork: .byzantium).status == .halt(.undefinedInstruction))
        #expect(execute(push(1) + push(1) + .shl, fork: .constantinople).status == .success)
        #expect(execute(Bytecode(.chainid), fork: .petersburg).status == .halt(.undefinedInstruction))
        #expect(execute(Bytecode(.basefee), fork: .berlin).status == .halt(.undefinedInstruction))
        #expect(execute(Bytecode(.returndatasize), fork: .spuriousDragon).status == .halt(.undefinedInstruction))
        #expect(execute(push(0) + .blobhash, fork: .shanghai).status == .halt(.undefinedInstruction))
    }

    // MARK: EXP (EIP-160) and LOG

    @Test func expGas() {
        #expect(execute(push(256) + push(2) + .exp, fork: .spuriousDragon).gasUsed == 3 + 3 + 10 + 2 * 50)
        #expect(execute(push(256) + push(2) + .exp, fork: .homestead).gasUsed == 3 + 3 + 10 + 2 * 10)
        #expect(execute(push(0) + push(2) + .exp).gasUsed == 3 + 3 + 10)
    }

    @Test func logs() {
        let c = push(0xaabb) + mstore(0) + push(0x22) + push(0x11) + push(2) + push(30) + .log2
        let r = execute(c)
        #expect(r.status == .success)
        #expect(r.host.logs.count == 1)
        let log = r.host.logs[0]
        #expect(log.address == contractAddress)
        #expect(log.data == [0xaa, 0xbb])
        #expect(log.topics == [UInt256(0x11).bytes32, UInt256(0x22).bytes32])
        // MSTORE 12 + pushes 12 + LOG2 375*3 + 8*2 bytes.
        #expect(r.gasUsed == 12 + 12 + 1125 + 16)
        #expect(execute(c, isStatic: true).status == .halt(.staticModeViolation))
        // Logs of a reverted frame disappear.
        let reverting = c + revert(0, 0)
        #expect(execute(reverting).host.logs.isEmpty)
    }
}
