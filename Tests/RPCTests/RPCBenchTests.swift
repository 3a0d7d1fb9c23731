import Foundation
import Testing

@testable import RPC

/// Parse + serialize timings of typical traffic; run with
/// `HEMI_BENCH=1 swift test -c release --filter RPCBenchTests` (debug numbers are meaningless).
@Suite struct RPCBenchTests {
    static let request = Array(
        #"{"jsonrpc":"2.0","id":42,"method":"eth_call","params":[{"from":"0x52908400098527886e0f7030069857d2e4169ee7","to":"0x8617e340b3d01fa5f11f306f4090fd50e238070d","gas":"0x76c0","gasPrice":"0x9184e72a000","value":"0x0","data":"0x70a0823100000000000000000000000052908400098527886e0f7030069857d2e4169ee7"},"latest"]}"#
            .utf8)

    /// A block header as eth_getBlockByNumber returns it (21 fields).
    static var block: JSONValue {
        let h32: JSONValue = .string("0x" + String(repeating: "ab", count: 32))
        let a20: JSONValue = .string("0x" + String(repeating: "cd", count: 20))
        return [
            "number": "0x1b4", "hash": h32, "parentHash": h32, "nonce": "0x0000000000000000", "sha3Uncles": h32,
            "logsBloom": .string("0x" + String(repeating: "00", count: 256)), "transactionsRoot": h32,
            "stateRoot": h32, "receiptsRoot": h32, "miner": a20, "difficulty": "0x0", "totalDifficulty": "0x0",
            "extraData": "0x", "size": "0x220", "gasLimit": "0x1c9c380", "gasUsed": "0x5208",
            "timestamp": "0x6553f100", "baseFeePerGas": "0x7", "mixHash": h32,
            "transactions": .array((0..<10).map { _ in h32 }), "uncles": [],
        ]
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["HEMI_BENCH"] != nil))
    func parseAndSerialize() async throws {
        let n = 200_000
        let clock = ContinuousClock()
        var sink = 0
        var t = clock.measure {
            for _ in 0..<n { sink &+= (try? JSONParser.parse(Self.request))?.objectValue?.count ?? 0 }
        }
        print("parse eth_call request (\(Self.request.count) B): \(per(t, n)) per request")
        let block = Self.block
        let blockBytes = block.serialized()
        t = clock.measure { for _ in 0..<n { sink &+= block.serialized().count } }
        print("serialize block header (\(blockBytes.count) B): \(per(t, n))")
        t = clock.measure { for _ in 0..<n { sink &+= (try? JSONParser.parse(blockBytes))?.objectValue?.count ?? 0 } }
        print("parse block header (\(blockBytes.count) B): \(per(t, n))")
        // Whole dispatcher path (parse, validate, handler, serialize) without HTTP.
        var registry = RPCMethodRegistry()
        registry.register("eth_call") { (params: RPCParams) async throws(RPCError) -> JSONValue in
            let call = try params.object(0)
            _ = try call["to"]?.address("to")
            _ = try call["data"]?.data("data")
            _ = try params.optionalBlockTag(1)
            return .data([UInt8](repeating: 0, count: 32))
        }
        let dispatcher = RPCDispatcher(registry: registry)
        let start = clock.now
        for _ in 0..<n { sink &+= await dispatcher.handle(Self.request)?.count ?? 0 }
        print("dispatch eth_call (parse+params+serialize): \(per(clock.now - start, n))")
        #expect(sink > 0)
    }

    private func per(_ d: Duration, _ n: Int) -> String {
        let ns = Double(d.components.seconds) * 1e9 + Double(d.components.attoseconds) / 1e9
        return String(format: "%.0f ns (%.0f k/s)", ns / Double(n), Double(n) / ns * 1e6)
    }
}
