import Ethereum
import Foundation
import Primitives
import Testing

/// EEST state tests (Prague and Osaka, `eest/state_tests`): each post entry carries the signed
/// `txbytes`. Decoding them must give the fields of `transaction` at the entry's indexes, the
/// sender `transaction.sender`, every EIP-7702 authority its `signer`; entries with
/// `expectException` (all stateless here: EIP-7825 gas cap, EIP-7594 blob count, intrinsic gas)
/// must be rejected by `validate`.
@Suite struct EESTTransactionTests {
    static func u256(_ any: Any?) -> UInt256? { (any as? String).flatMap { UInt256(hex: $0) } }

    static func check(tx: [String: Any], post: [String: Any], fork: Fork, chainID: UInt256) -> String? {
        guard let txHex = post["txbytes"] as? String, let bytes = [UInt8](hex: txHex) else { return "no txbytes" }
        let expectException = post["expectException"] as? String
        let decoded: Transaction
        do {
            decoded = try Transaction.decode(envelope: bytes)
        } catch {
            return expectException == nil ? "decode: \(error)" : nil
        }
        let rules = TransactionRules(fork: fork, chainID: chainID)
        let validated: ValidatedTransaction
        do {
            validated = try decoded.validate(rules: rules)
        } catch {
            return expectException == nil ? "rejected: \(error)" : nil
        }
        if let e = expectException { return "accepted, expected \(e)" }
        var problems: [String] = []
        if let s = tx["sender"] as? String, Bytes20(hex: s) != validated.sender {
            problems.append("sender \(validated.sender) != \(s)")
        }
        if decoded.encodedEnvelope() != bytes { problems.append("re-encoding differs") }
        // Field agreement with the fixture's transaction at the chosen indexes.
        let idx = post["indexes"] as? [String: Any] ?? [:]
        let di = (idx["data"] as? Int) ?? 0
        let gi = (idx["gas"] as? Int) ?? 0
        let vi = (idx["value"] as? Int) ?? 0
        if let n = u256(tx["nonce"]), let nonce = decoded.nonce, n != UInt256(nonce) { problems.append("nonce") }
        if let gl = tx["gasLimit"] as? [String], gi < gl.count, UInt256(hex: gl[gi]) != UInt256(decoded.gasLimit) {
            problems.append("gasLimit")
        }
        if let vs = tx["value"] as? [String], vi < vs.count, UInt256(hex: vs[vi]) != decoded.value {
            problems.append("value")
        }
        if let ds = tx["data"] as? [String], di < ds.count, [UInt8](hex: ds[di]) != decoded.data {
            problems.append("data")
        }
        if let to = tx["to"] as? String {
            if to.isEmpty ? decoded.to != nil : Bytes20(hex: to) != decoded.to { problems.append("to") }
        }
        if let m = u256(tx["maxFeePerGas"] ?? tx["gasPrice"]), m != decoded.maxFeePerGas {
            problems.append("maxFeePerGas")
        }
        if let p = u256(tx["maxPriorityFeePerGas"]), p != decoded.maxPriorityFeePerGas { problems.append("priority") }
        if let hs = tx["blobVersionedHashes"] as? [String],
            hs.compactMap({ Bytes32(hex: $0) }) != decoded.blobVersionedHashes
        {
            problems.append("blobVersionedHashes")
        }
        if let bf = u256(tx["maxFeePerBlobGas"]), case .blob(let b) = decoded, bf != b.maxFeePerBlobGas {
            problems.append("maxFeePerBlobGas")
        }
        if let auths = tx["authorizationList"] as? [[String: Any]] {
            let got = decoded.authorizationList
            if got.count != auths.count { problems.append("authorization count") }
            for (a, j) in zip(got, auths) {
                if let signer = j["signer"] as? String, a.computeAuthority() != Bytes20(hex: signer) {
                    problems.append("authority \(String(describing: a.computeAuthority())) != \(signer)")
                }
                if let c = u256(j["chainId"]), c != a.chainID { problems.append("auth chainId") }
                if let ad = j["address"] as? String, Bytes20(hex: ad) != a.address { problems.append("auth address") }
            }
        }
        return problems.isEmpty ? nil : problems.joined(separator: "; ")
    }

    @Test func pragueAndOsakaTxbytes() throws {
        let files = try Fixture.jsonFiles(under: "ethereum/eest/state_tests")
        #expect(!files.isEmpty)
        var passed: [Fork: Int] = [:]
        var total: [Fork: Int] = [:]
        var byType: [String: Int] = [:]
        for file in files {
            for (name, t) in try Fixture.object(file) {
                guard let t = t as? [String: Any], let tx = t["transaction"] as? [String: Any],
                    let post = t["post"] as? [String: Any]
                else { throw FixtureError.shape(name) }
                let config = t["config"] as? [String: Any]
                let chainID = Self.u256(config?["chainid"]) ?? UInt256(1)
                for (forkName, entries) in post {
                    guard let fork = Fork(name: forkName), let entries = entries as? [[String: Any]] else { continue }
                    for e in entries {
                        total[fork, default: 0] += 1
                        if let b = (e["txbytes"] as? String).flatMap({ [UInt8](hex: $0) })?.first {
                            byType[b >= 0xc0 ? "legacy" : "type \(b)", default: 0] += 1
                        }
                        if let why = Self.check(tx: tx, post: e, fork: fork, chainID: chainID) {
                            Issue.record("\(file) \(name) [\(forkName)]: \(why)")
                        } else {
                            passed[fork, default: 0] += 1
                        }
                    }
                }
            }
        }
        for (fork, n) in total.sorted(by: { $0.key < $1.key }) {
            print("EEST txbytes \(fork): \(passed[fork, default: 0])/\(n)")
        }
        print("EEST txbytes by type: \(byType.sorted(by: { $0.key < $1.key }))")
    }
}
