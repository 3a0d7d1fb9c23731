import Foundation
import Hashing
import Precompiles
import Primitives
import TestSupport
import Testing

/// MODEXP input → output pairs extracted from the EEST Osaka state tests (eip7883, eip7823), for
/// both the Prague (EIP-2565) and Osaka (EIP-7883 + EIP-7823) expectations.
///
/// Each test calls 0x05 from a small wrapper contract with the transaction's calldata as input:
///   CALLDATACOPY; GAS; CALL(g, 0x05, 0, 0, CALLDATASIZE, 0, 0); GAS; SSTORE(0, success);
///   SSTORE(1, RETURNDATASIZE); [SSTORE(2, gas used − 0x7a); SSTORE(3, keccak(returndata))]
/// or, in the upper-bounds tests, only SSTORE(0, success). We recognise those exact byte patterns,
/// read `g` and the stored values, and run the precompile with gas `g`. When `g` exceeds what the
/// transaction can forward (EIP-150's 63/64), we run with both bounds and check only outcomes that
/// agree. Transactions sent straight to 0x05 carry no observable output and are skipped.
@Suite struct EESTModExpFixtureTests {
    static let files = [
        "eip7883_modexp_gas_increase/modexp_thresholds/modexp_boundary_inputs.json",
        "eip7883_modexp_gas_increase/modexp_thresholds/modexp_call_operations.json",
        "eip7883_modexp_gas_increase/modexp_thresholds/modexp_gas_usage_contract_wrapper.json",
        "eip7883_modexp_gas_increase/modexp_thresholds/modexp_invalid_inputs.json",
        "eip7883_modexp_gas_increase/modexp_thresholds/modexp_used_in_transaction_entry_points.json",
        "eip7883_modexp_gas_increase/modexp_thresholds/modexp_variable_gas_cost.json",
        "eip7883_modexp_gas_increase/modexp_thresholds/vectors_from_eip.json",
        "eip7883_modexp_gas_increase/modexp_thresholds/vectors_from_legacy_tests.json",
        "eip7823_modexp_upper_bounds/modexp_upper_bounds/modexp_upper_bounds.json",
    ]

    struct Wrapper {
        var callGas: UInt64
        var full: Bool  // stores gas used and keccak(returndata)
    }

    /// Recognises the wrapper bytecode (CALL variant only) and extracts the forwarded gas.
    static func parseWrapper(_ code: String) -> Wrapper? {
        var c = code.lowercased()
        if c.hasPrefix("0x") { c.removeFirst(2) }
        let heads = ["3660006000375a6000600036600060006005", "3660006000376000600036600060006005"]
        guard let head = heads.first(where: { c.hasPrefix($0) }) else { return nil }
        var rest = c.dropFirst(head.count)
        guard rest.count >= 2, let push = UInt8(rest.prefix(2), radix: 16), (0x60...0x67).contains(push) else { return nil }
        let n = Int(push - 0x5f)
        rest = rest.dropFirst(2)
        guard rest.count >= 2 * n, let gas = UInt64(rest.prefix(2 * n), radix: 16) else { return nil }
        rest = rest.dropFirst(2 * n)
        switch String(rest) {
        case "f15a906000553d60015561007a0190036002553d600060003e3d600020600355": return Wrapper(callGas: gas, full: true)
        case "f15a906000553d600155", "f160005500": return Wrapper(callGas: gas, full: false)
        default: return nil
        }
    }

    static func u64(_ s: String?) -> UInt64? {
        guard var s else { return nil }
        if s.hasPrefix("0x") { s.removeFirst(2) }
        return UInt64(s, radix: 16)
    }

    @Test func eestModExpVectors() throws {
        var checked = 0, skipped = 0, gasChecked = 0, outputChecked = 0
        for file in Self.files {
            let text = try TestData.text("ethereum/eest/state_tests/osaka/" + file)
            guard let tests = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
                Issue.record("\(file): not a JSON object")
                continue
            }
            for (name, value) in tests.sorted(by: { $0.key < $1.key }) {
                guard let t = value as? [String: Any], let tx = t["transaction"] as? [String: Any],
                    let post = t["post"] as? [String: Any], let pre = t["pre"] as? [String: Any],
                    let datas = tx["data"] as? [String], let gasLimits = tx["gasLimit"] as? [String]
                else {
                    Issue.record("\(file) \(name): unexpected shape")
                    continue
                }
                guard let to = tx["to"] as? String, let account = pre[to] as? [String: Any],
                    let code = account["code"] as? String, let wrapper = Self.parseWrapper(code)
                else {
                    skipped += post.values.reduce(0) { $0 + (($1 as? [Any])?.count ?? 0) }
                    continue
                }
                for (forkName, entries) in post {
                    let fork: PrecompileFork
                    switch forkName {
                    case "Prague": fork = .prague
                    case "Osaka": fork = .osaka
                    default:
                        Issue.record("\(name): unexpected fork \(forkName)")
                        continue
                    }
                    guard let modexp = PrecompileSet(fork: fork).precompile(id: 5) else { continue }
                    for case let entry as [String: Any] in (entries as? [Any]) ?? [] {
                        guard let idx = entry["indexes"] as? [String: Any], let di = idx["data"] as? Int,
                            let gi = idx["gas"] as? Int, di < datas.count, gi < gasLimits.count,
                            let state = entry["state"] as? [String: Any], let acct = state[to] as? [String: Any],
                            let storage = acct["storage"] as? [String: String], let txGas = Self.u64(gasLimits[gi])
                        else {
                            Issue.record("\(name): unexpected post entry")
                            continue
                        }
                        let input = hex(datas[di])
                        let slot = { (k: UInt64) -> UInt64? in
                            for (key, v) in storage where Self.u64(key) == k { return Self.u64(v) ?? UInt64.max }
                            return nil
                        }
                        let success = (slot(0) ?? 0) == 1
                        let returnSize = slot(1) ?? 0
                        // Gas forwarded: g, unless 63/64 of what is left is smaller.
                        let upper = min(wrapper.callGas, txGas)
                        let lower = min(wrapper.callGas, (txGas > 100_000 + 16 * UInt64(input.count) ? (txGas - 100_000 - 16 * UInt64(input.count)) : 0) * 63 / 64)
                        let rUpper = modexp.run(input: input, gasLimit: upper)
                        let rLower = modexp.run(input: input, gasLimit: lower)
                        guard rUpper.isSuccess == rLower.isSuccess else {
                            skipped += 1
                            continue
                        }
                        let r = rUpper
                        #expect(r.isSuccess == success, "\(name) [\(forkName)] success")
                        if wrapper.full {
                            #expect(UInt64(r.output?.count ?? 0) == returnSize, "\(name) [\(forkName)] output size")
                            if upper == lower {
                                #expect(r.gasUsed == slot(2) ?? 0, "\(name) [\(forkName)] gas")
                                gasChecked += 1
                            }
                            if let h = storage.first(where: { Self.u64($0.key) == 3 })?.value {
                                let got = Keccak256.hash(r.output ?? []).bytes
                                #expect(got == hex(h).leftPadded(32), "\(name) [\(forkName)] output hash")
                                outputChecked += 1
                            }
                        }
                        checked += 1
                    }
                }
            }
        }
        print("EEST modexp: \(checked) checked (\(gasChecked) gas, \(outputChecked) output hashes), \(skipped) skipped")
        #expect(checked >= 200)
        #expect(outputChecked >= 150)
        #expect(skipped <= 20)
    }
}

extension [UInt8] {
    func leftPadded(_ n: Int) -> [UInt8] { count >= n ? self : [UInt8](repeating: 0, count: n - count) + self }
}
