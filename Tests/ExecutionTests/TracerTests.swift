import EVM
import Execution
import Primitives
import Testing

/// Struct logger and call tracer against hand-computed gas (Yellow Paper appendix G, EIP-2929 cold/
/// warm access, EIP-2200/3529 SSTORE, EIP-150 all-but-one-64th) and hand-assembled programs.
@Suite struct TracerTests {
    let sender = EVMAddress(hex: "00000000000000000000000000000000000000aa")!
    let a = EVMAddress(hex: "00000000000000000000000000000000000000a1")!
    let b = EVMAddress(hex: "00000000000000000000000000000000000000b2")!

    /// Runs a transaction-level frame calling `to` with `gas` on a fresh Cancun host with `tracer`.
    func run(_ accounts: [EVMAddress: Account], to: EVMAddress, gas: Int64, tracer: any StepTracer) -> ExecutionResult {
        nonisolated(unsafe) let t = tracer
        return runWithLargeStack {
            var host = StateHost(fork: .cancun, accounts: accounts)
            host.beginTransaction()
            host.warm(sender)
            host.warm(to)
            host.tracer = t
            return host.call(
                Message(kind: .call, gas: gas, recipient: to, sender: sender, codeAddress: to, value: .zero, input: []))
        }
    }

    // PUSH1 2, PUSH1 3, ADD, PUSH1 0, MSTORE, PUSH1 1, PUSH1 0, SSTORE, PUSH1 2, PUSH1 0, SSTORE,
    // PUSH1 0, SLOAD, STOP
    let program: [UInt8] = [
        0x60, 0x02, 0x60, 0x03, 0x01, 0x60, 0x00, 0x52, 0x60, 0x01, 0x60, 0x00, 0x55, 0x60, 0x02, 0x60, 0x00, 0x55,
        0x60, 0x00, 0x54, 0x00,
    ]

    @Test func structLogGasOpsStackStorage() {
        let logger = StructLogger(config: .init(enableMemory: true))
        let r = run([a: Account(code: program)], to: a, gas: 100_000, tracer: logger)
        #expect(r.status == .success)
        let log = logger.entries
        // Opcode sequence and pcs, as assembled above.
        #expect(log.map(\.op) == [0x60, 0x60, 0x01, 0x60, 0x52, 0x60, 0x60, 0x55, 0x60, 0x60, 0x55, 0x60, 0x54, 0x00])
        #expect(log.map(\.pc) == [0, 2, 4, 5, 7, 8, 10, 12, 13, 15, 17, 18, 20, 21])
        // Costs: PUSH1/ADD 3 (very low); MSTORE 3 + one word of memory (3·1 + 1²/512 = 3);
        // SSTORE to a cold slot 0 → 1 with original 0: 20000 + 2100 cold (EIP-2929);
        // SSTORE again (dirty, warm): 100; SLOAD warm: 100; STOP 0.
        let costs: [Int64] = [3, 3, 3, 3, 6, 3, 3, 22_100, 3, 3, 100, 3, 100, 0]
        #expect(log.map(\.gasCost) == costs)
        // gas before each step = 100000 − the costs of the steps before it.
        var g: Int64 = 100_000
        var expectedGas: [Int64] = []
        for c in costs {
            expectedGas.append(g)
            g -= c
        }
        #expect(log.map(\.gas) == expectedGas)
        #expect(r.gasLeft == 100_000 - 22_333)
        #expect(log.allSatisfy { $0.depth == 1 && $0.error == nil })
        // Stacks, bottom first.
        #expect(log[2].stack == [UInt256(2), UInt256(3)])
        #expect(log[4].stack == [UInt256(5), UInt256(0)])
        #expect(log[7].stack == [UInt256(1), UInt256(0)])
        #expect(log[13].stack == [UInt256(2)])
        // Memory after MSTORE: one word holding 5.
        #expect(log[4].memory == [])
        #expect(log[5].memory == [UInt8](repeating: 0, count: 31) + [5])
        // Storage only on SLOAD/SSTORE steps, with the values written or read.
        #expect(log[7].storage == [UInt256(0): UInt256(1)])
        #expect(log[10].storage == [UInt256(0): UInt256(2)])
        #expect(log[12].storage == [UInt256(0): UInt256(2)])
        #expect(log[0].storage == nil && log[13].storage == nil)
    }

    @Test func structLogLimitTruncates() {
        let logger = StructLogger(config: .init(maxEntries: 5))
        let r = run([a: Account(code: program)], to: a, gas: 100_000, tracer: logger)
        #expect(r.status == .success)
        #expect(logger.entries.count == 5 && logger.truncated)
    }

    @Test func structLogOutOfGasMarksTheFailingStep() {
        // 22,000 gas: enough until the cold SSTORE (needs 22,100, and more than 2300 left).
        let logger = StructLogger()
        let r = run([a: Account(code: program)], to: a, gas: 22_000, tracer: logger)
        #expect(r.status == .halt(.outOfGas))
        #expect(logger.entries.last?.op == 0x55 && logger.entries.last?.error == "out of gas")
        #expect(logger.entries.count == 8)
    }

    /// B reverts with Error("no"); A calls B with all its gas and stops.
    var revertingPair: [EVMAddress: Account] {
        // Error(string) "no": selector, offset 0x20, length 2, "no" padded (100 bytes).
        var data: [UInt8] = [0x08, 0xc3, 0x79, 0xa0]
        data += [UInt8](repeating: 0, count: 31) + [0x20]
        data += [UInt8](repeating: 0, count: 31) + [0x02]
        data += [0x6e, 0x6f] + [UInt8](repeating: 0, count: 30)
        // PUSH1 100, PUSH1 12, PUSH1 0, CODECOPY, PUSH1 100, PUSH1 0, REVERT, <data>
        let bCode: [UInt8] = [0x60, 0x64, 0x60, 0x0c, 0x60, 0x00, 0x39, 0x60, 0x64, 0x60, 0x00, 0xfd] + data
        // PUSH1 0 ×5 (retSize, retOffset, argsSize, argsOffset, value), PUSH20 b, GAS, CALL, STOP
        var aCode: [UInt8] = [0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x73]
        aCode += b.bytes
        aCode += [0x5a, 0xf1, 0x00]
        return [a: Account(code: aCode), b: Account(code: bCode)]
    }

    /// Gas handed to B: before CALL, 100000 − 5·3 (PUSH1) − 3 (PUSH20) − 2 (GAS); CALL charges
    /// 100 warm + 2500 cold surcharge for B (EIP-2929), then forwards all but one 64th (EIP-150).
    var forwarded: Int64 {
        let avail: Int64 = 100_000 - 20 - 2_600
        return avail - avail / 64
    }
    /// B: 3 PUSH1 (9), CODECOPY 3 + 4 words of memory (12) + 4 words copied (12), 2 PUSH1 (6), REVERT 0.
    let bUsed: Int64 = 9 + 27 + 6

    @Test func callTracerRevertReason() throws {
        let tracer = CallTracer()
        let r = run(revertingPair, to: a, gas: 100_000, tracer: tracer)
        #expect(r.status == .success)
        let root = try #require(tracer.root)
        #expect(root.type == "CALL" && root.from == sender && root.to == a && root.error == nil)
        #expect(root.gasUsed == 20 + 2_600 + bUsed)
        #expect(root.calls.count == 1)
        let c = try #require(root.calls.first)
        #expect(c.type == "CALL" && c.from == a && c.to == b && c.value == .zero && c.input == [])
        #expect(c.gas == forwarded && c.gasUsed == bUsed)
        #expect(c.error == "execution reverted" && c.revertReason == "no")
        #expect(c.output?.count == 100 && c.output?.prefix(4) == [0x08, 0xc3, 0x79, 0xa0])
        #expect(c.calls.isEmpty)

        let top = CallTracer(onlyTopCall: true)
        _ = run(revertingPair, to: a, gas: 100_000, tracer: top)
        #expect(top.root?.calls.isEmpty == true && top.root?.gasUsed == root.gasUsed)
    }

    @Test func structLogCallCostIncludesForwardedGas() {
        let logger = StructLogger()
        _ = run(revertingPair, to: a, gas: 100_000, tracer: logger)
        let log = logger.entries
        let call = log.first { $0.op == 0xf1 }
        // geth: CALL's cost is its own (100 + 2500 cold) plus the gas forwarded.
        #expect(call?.gasCost == 2_600 + forwarded && call?.depth == 1)
        let inner = log.filter { $0.depth == 2 }
        #expect(inner.map(\.op) == [0x60, 0x60, 0x60, 0x39, 0x60, 0x60, 0xfd])
        #expect(inner.first?.gas == forwarded)
        #expect(inner.map(\.gasCost) == [3, 3, 3, 27, 3, 3, 0])
        #expect(log.last?.op == 0x00 && log.last?.depth == 1)
    }

    @Test func revertReasonDecoding() {
        #expect(CallTracer.revertReason([0x08, 0xc3, 0x79, 0xa0]) == nil)
        #expect(CallTracer.revertReason([UInt8](repeating: 0xff, count: 100)) == nil)
    }
}
