import Foundation
import Precompiles
import Primitives
import Testing

/// Differential-test hook, not a test: when `HEMI_PRECOMPILE_JSONL_IN` names a file of JSON lines
/// `{"addr": <int>, "input": "<hex>", "gas": <int>}`, runs each through the Osaka precompile set and
/// writes `{"ok": <bool>, "gas": <int>, "out": "<hex>"}` lines to `HEMI_PRECOMPILE_JSONL_OUT`.
/// Driven by `tests/diff/bls_vs_reference.py`; disabled (skipped) otherwise.
@Suite struct PrecompileJSONLHook {
    static let inPath = ProcessInfo.processInfo.environment["HEMI_PRECOMPILE_JSONL_IN"]
    static let outPath = ProcessInfo.processInfo.environment["HEMI_PRECOMPILE_JSONL_OUT"]

    @Test(.enabled(if: inPath != nil && outPath != nil)) func run() throws {
        guard let inPath = Self.inPath, let outPath = Self.outPath else { return }
        let text = try String(contentsOfFile: inPath, encoding: .utf8)
        let set = PrecompileSet(fork: .osaka)
        var out = ""
        for line in text.split(separator: "\n") where !line.isEmpty {
            guard let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let addr = obj["addr"] as? Int, let inputHex = obj["input"] as? String,
                let gas = obj["gas"] as? Int, let input = Hex.decode(inputHex),
                let p = set.precompile(id: UInt16(addr))
            else {
                Issue.record("bad line: \(line.prefix(80))")
                continue
            }
            let r = p.run(input: input, gasLimit: UInt64(gas))
            out += "{\"ok\": \(r.isSuccess), \"gas\": \(r.gasUsed), \"out\": \"\(Hex.encode(r.output ?? []))\"}\n"
        }
        try out.write(toFile: outPath, atomically: true, encoding: .utf8)
    }
}
