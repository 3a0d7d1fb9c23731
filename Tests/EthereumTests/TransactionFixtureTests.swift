import Ethereum
import Foundation
import Primitives
import Testing

/// ethereum/tests TransactionTests: `{txbytes, result{Fork: {hash, sender, intrinsicGas} | {exception}}}`.
/// For every fork listed in a file: an `exception` must be rejected (by the decoder or by
/// `validate`); otherwise decoding, validation, sender, hash and intrinsic gas must all match.
@Suite struct TransactionFixtureTests {
    struct Outcome {
        var passed = 0
        var total = 0
        /// Cases with an expected result (hash, sender, intrinsic gas) rather than an exception.
        var validCases = 0
        var failures: [String] = []
    }

    static func run() throws -> [Fork: Outcome] {
        let files = try Fixture.jsonFiles(under: "ethereum/TransactionTests")
        var byFork: [Fork: Outcome] = [:]
        for file in files {
            for (name, t) in try Fixture.object(file) {
                guard let t = t as? [String: Any], let txHex = t["txbytes"] as? String,
                    let results = t["result"] as? [String: Any]
                else { throw FixtureError.shape("\(file) \(name)") }
                let bytes = [UInt8](hex: txHex)
                for (forkName, r) in results {
                    guard let fork = Fork(name: forkName), let r = r as? [String: Any] else {
                        throw FixtureError.shape("\(file) \(name) fork \(forkName)")
                    }
                    let verdict = check(bytes: bytes, expected: r, fork: fork)
                    var o = byFork[fork, default: Outcome()]
                    o.total += 1
                    if (r["exception"] as? String) == nil { o.validCases += 1 }
                    if let why = verdict {
                        o.failures.append("\(name)[\(forkName)]: \(why)")
                    } else {
                        o.passed += 1
                    }
                    byFork[fork] = o
                }
            }
        }
        return byFork
    }

    /// nil on agreement, else the reason.
    static func check(bytes: [UInt8]?, expected r: [String: Any], fork: Fork) -> String? {
        let rules = TransactionRules(fork: fork, chainID: UInt256(1))
        let expectedException = r["exception"] as? String
        guard let bytes else { return expectedException == nil ? "txbytes not hex" : nil }
        let tx: Transaction
        do {
            tx = try Transaction.decode(envelope: bytes)
        } catch {
            return expectedException == nil ? "decode failed: \(error)" : nil
        }
        let validated: ValidatedTransaction
        do {
            validated = try tx.validate(rules: rules)
        } catch {
            return expectedException == nil ? "rejected: \(error)" : nil
        }
        if let e = expectedException { return "accepted, expected \(e)" }
        var problems: [String] = []
        if let h = r["hash"] as? String, Bytes32(hex: h) != tx.computeHash() {
            problems.append("hash \(tx.computeHash()) != \(h)")
        }
        if let s = r["sender"] as? String, Bytes20(hex: s) != validated.sender {
            problems.append("sender \(validated.sender) != \(s)")
        }
        if let g = r["intrinsicGas"] as? String, UInt256(hex: g) != UInt256(validated.intrinsicGas.regular) {
            problems.append("intrinsicGas \(validated.intrinsicGas.regular) != \(g)")
        }
        if tx.encodedEnvelope() != bytes { problems.append("re-encoding differs") }
        return problems.isEmpty ? nil : problems.joined(separator: "; ")
    }

    @Test func allForks() throws {
        let results = try Self.run()
        #expect(!results.isEmpty)
        for fork in Fork.allCases {
            guard let o = results[fork] else { continue }
            print(
                "TransactionTests \(fork): \(o.passed)/\(o.total) (\(o.validCases) valid, \(o.total - o.validCases) expected rejections)"
            )
            for f in o.failures { Issue.record("\(f)") }
        }
        #expect(results[.cancun]?.total ?? 0 > 0)
    }
}
