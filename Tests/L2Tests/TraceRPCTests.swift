import EVM
import Ethereum
import L2Chain
import Node
import Primitives
import RPC
import Sequencer
import Testing

/// `debug_traceTransaction` on a produced chain: the replay re-executes the block from its parent
/// state (after an earlier transaction of the same block) and reports hand-computed gas.
@Suite struct TraceRPCTests {
    @Test func traceLoggerCall() async throws {
        let clock = TestClock()
        let chain = try L2Chain(path: makeTempDir("trace"), config: devConfig())
        let pool = TxPool(chain: chain)
        let producer = BlockProducer(chain: chain, pool: pool, blockTime: 1, now: clock.next)
        try pool.add(signedEIP1559(devAccounts[0], nonce: 0, to: nil, data: loggerInit, gas: 200_000).sealedCopy())
        let b1 = try producer.produceBlock()
        let contract = try #require(b1.receipts.compactMap(\.contractAddress).first)
        let first = signedEIP1559(devAccounts[1], nonce: 0, to: contract, data: UInt256(7).bigEndianBytes, gas: 100_000)
        let traced = signedEIP1559(
            devAccounts[2], nonce: 0, to: contract, data: UInt256(9).bigEndianBytes, gas: 100_000)
        try pool.add(first.sealedCopy())
        try pool.add(traced.sealedCopy())
        let b2 = try producer.produceBlock()
        let hash = traced.sealedCopy().hash
        let receipt = try #require(b2.receipts.first { $0.transactionHash == hash })
        #expect(b2.receipts.count == 3)  // L1 attributes deposit, `first`, `traced`

        var registry = RPCMethodRegistry()
        EthAPI(chain: chain, pool: pool).register(into: &registry)
        let d = RPCDispatcher(registry: registry)

        // Struct logger. Runtime: PUSH1 0, CALLDATALOAD, CALLER, SSTORE, PUSH1 0, CALLDATALOAD,
        // PUSH1 0, MSTORE, CALLER, PUSH1 32, PUSH1 0, LOG1, STOP. Costs: PUSH1 3, CALLDATALOAD 3,
        // CALLER 2, SSTORE of a cold fresh slot 22100 (EIP-2929/2200), MSTORE 3 + one word 3,
        // LOG1 375 + 375 per topic + 8 per byte (32), STOP 0.
        let res = try await d.call("debug_traceTransaction", RPCParams([.string("0x" + hash.hex)])).get()
        let o = try #require(res.objectValue)
        let logs = try #require(o["structLogs"]?.arrayValue)
        let ops = logs.compactMap { $0.objectValue?["op"]?.stringValue }
        #expect(
            ops == [
                "PUSH1", "CALLDATALOAD", "CALLER", "SSTORE", "PUSH1", "CALLDATALOAD", "PUSH1", "MSTORE", "CALLER",
                "PUSH1",
                "PUSH1", "LOG1", "STOP",
            ])
        let costs = logs.compactMap { $0.objectValue?["gasCost"]?.intValue }
        #expect(costs == [3, 3, 2, 22_100, 3, 3, 3, 6, 2, 3, 3, 1_006, 0])
        // Intrinsic gas: 21000 + 31 zero bytes × 4 + 1 non-zero byte × 16 (EIP-2028).
        let intrinsic = 21_000 + 31 * 4 + 16
        #expect(logs.first?.objectValue?["gas"]?.intValue == 100_000 - intrinsic)
        #expect(Int(receipt.gasUsed) == intrinsic + costs.reduce(0, +))
        #expect(o["gas"]?.intValue == Int(receipt.gasUsed))
        #expect(o["failed"]?.boolValue == false)
        #expect(o["returnValue"]?.stringValue == "0x")
        // SSTORE: key CALLER (devAccounts[2]), value 9; the stack holds [9, caller] (bottom first).
        let sstore = try #require(logs[3].objectValue)
        let callerWord = UInt256(address: devAccounts[2].address)
        #expect(sstore["stack"] == .array([.string("0x9"), .string(callerWord.hexString)]))
        #expect(
            sstore["storage"]
                == .object(
                    JSONObject([(Hex.encode(callerWord.bigEndianBytes), .string(Hex.encode(UInt256(9).bigEndianBytes)))]
                    )))
        #expect(logs.allSatisfy { $0.objectValue?["depth"]?.intValue == 1 })

        // callTracer: the top frame with the transaction's gas limit and the receipt's gas used.
        let ct = try await d.call(
            "debug_traceTransaction", RPCParams([.string("0x" + hash.hex), ["tracer": "callTracer"]])
        ).get()
        let c = try #require(ct.objectValue)
        #expect(c["type"]?.stringValue == "CALL")
        #expect(c["from"]?.stringValue == "0x" + devAccounts[2].address.hex)
        #expect(c["to"]?.stringValue == "0x" + contract.hex)
        #expect(c["gas"]?.stringValue == "0x186a0")
        #expect(c["gasUsed"]?.stringValue == "0x" + String(receipt.gasUsed, radix: 16))
        #expect(c["input"]?.stringValue == "0x" + Hex.encode(UInt256(9).bigEndianBytes))
        #expect(c["value"]?.stringValue == "0x0")
        #expect(c["calls"] == nil && c["error"] == nil && c["output"] == nil)

        // Errors: unknown transaction, unsupported tracer.
        let missing = await d.call(
            "debug_traceTransaction", RPCParams([.string("0x" + String(repeating: "11", count: 32))]))
        #expect(throws: RPCError.self) { try missing.get() }
        let bad = await d.call(
            "debug_traceTransaction", RPCParams([.string("0x" + hash.hex), ["tracer": "prestateTracer"]]))
        #expect(throws: RPCError.self) { try bad.get() }
    }
}
