// (main.swift) Stand-alone timing of RPC's JSON parser/serializer, compiled with -O together with
// Sources/RPC/JSONValue.swift, JSONParser.swift, JSONSerialization.swift by json_bench.sh.
import Foundation

let request = Array(
    #"{"jsonrpc":"2.0","id":42,"method":"eth_call","params":[{"from":"0x52908400098527886e0f7030069857d2e4169ee7","to":"0x8617e340b3d01fa5f11f306f4090fd50e238070d","gas":"0x76c0","gasPrice":"0x9184e72a000","value":"0x0","data":"0x70a0823100000000000000000000000052908400098527886e0f7030069857d2e4169ee7"},"latest"]}"#
        .utf8)
let h32: JSONValue = .string("0x" + String(repeating: "ab", count: 32))
let a20: JSONValue = .string("0x" + String(repeating: "cd", count: 20))
let block: JSONValue = [
    "number": "0x1b4", "hash": h32, "parentHash": h32, "nonce": "0x0000000000000000", "sha3Uncles": h32,
    "logsBloom": .string("0x" + String(repeating: "00", count: 256)), "transactionsRoot": h32,
    "stateRoot": h32, "receiptsRoot": h32, "miner": a20, "difficulty": "0x0", "totalDifficulty": "0x0",
    "extraData": "0x", "size": "0x220", "gasLimit": "0x1c9c380", "gasUsed": "0x5208",
    "timestamp": "0x6553f100", "baseFeePerGas": "0x7", "mixHash": h32,
    "transactions": .array((0..<10).map { _ in h32 }), "uncles": [],
]
let blockBytes = block.serialized()

func best(_ label: String, bytes: Int, _ n: Int, _ body: () -> Int) {
    var bestNs = Double.infinity
    var sink = 0
    for _ in 0..<5 {
        let t0 = DispatchTime.now().uptimeNanoseconds
        sink &+= body()
        let ns = Double(DispatchTime.now().uptimeNanoseconds - t0) / Double(n)
        bestNs = min(bestNs, ns)
    }
    print(
        String(
            format: "%@ (%d B): %.0f ns/op  %.0f MB/s  [%d]", label, bytes, bestNs, Double(bytes) / bestNs * 1e3,
            sink & 1))
}

let n = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 100_000
best("parse eth_call request", bytes: request.count, n) {
    var s = 0
    for _ in 0..<n { s &+= (try? JSONParser.parse(request))?.objectValue?.count ?? 0 }
    return s
}
let parsed = try JSONParser.parse(request)
best("serialize eth_call request", bytes: request.count, n) {
    var s = 0
    for _ in 0..<n { s &+= parsed.serialized().count }
    return s
}
best("parse block header", bytes: blockBytes.count, n) {
    var s = 0
    for _ in 0..<n { s &+= (try? JSONParser.parse(blockBytes))?.objectValue?.count ?? 0 }
    return s
}
best("serialize block header", bytes: blockBytes.count, n) {
    var s = 0
    for _ in 0..<n { s &+= block.serialized().count }
    return s
}
let bigArray = Array(("[" + Array(repeating: "1", count: 400_000).joined(separator: ",") + "]").utf8)
best("parse 400k-element array", bytes: bigArray.count, 1) {
    (try? JSONParser.parse(bigArray, limits: JSONParseLimits(maxBytes: 1 << 30)))?.arrayValue?.count ?? 0
}
let bigObject = Array(("{" + (0..<100_000).map { "\"k\($0)\":1" }.joined(separator: ",") + "}").utf8)
best("parse 100k-member object", bytes: bigObject.count, 1) {
    (try? JSONParser.parse(bigObject, limits: JSONParseLimits(maxBytes: 1 << 30)))?.objectValue?.count ?? 0
}
