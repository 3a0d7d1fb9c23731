public import EVM
internal import Ethereum
internal import Foundation
internal import Primitives

/// Runs GeneralStateTests / EEST state-test fixtures (format: `../shared/docs/reference/
/// ethereum-test-suites-and-peers.md` §1.4): per fork and post entry, decode `txbytes`, apply it to the
/// pre-state, and compare the exception, logs hash and state root.
public struct StateTestRunner {
    /// Tests skipped by name, as revm's `revme statetest` and geth's `skipLoad` do (§2 of the reference).
    public static let namedSkips: [(pattern: String, reason: String)] = [
        // EIP-7610 create-collision "impossible state" tests (skipped by revm and geth).
        ("RevertInCreateInInit", "EIP-7610 create collision with pre-existing storage (revm/geth skip)"),
        ("create2collisionStorage", "EIP-7610 create collision with pre-existing storage (revm/geth skip)"),
        ("dynamicAccountOverwriteEmpty", "EIP-7610 create collision with pre-existing storage (revm/geth skip)"),
        ("InitCollision", "EIP-7610 create collision with pre-existing storage (revm/geth skip)"),
        ("eip7610_create_collision", "EIP-7610 create collision with pre-existing storage (revm/geth skip)"),
        // Malformed: values overflow 256 bits (revm/geth skip).
        ("ValueOverflow", "malformed fixture: value overflows 256 bits (revm/geth skip)"),
        // Very slow (revm skips).
        ("Call50000_sha256", "slow (revm skip)"),
        ("loopMul", "slow (revm skip)"),
        ("CALLBlake2f_MaxRounds", "slow (revm skip)"),
    ]

    public static let unimplementedPrecompileReason = "precompile not implemented yet"

    public struct Summary: Sendable {
        public var passed = 0
        public var failed = 0
        public var skipped = 0
        public var skipReasons: [String: Int] = [:]
        public var failures: [String] = []

        public init() {}

        mutating func skip(_ reason: String, count: Int = 1) {
            skipped += count
            skipReasons[reason, default: 0] += count
        }

        public mutating func merge(_ o: Summary) {
            passed += o.passed
            failed += o.failed
            skipped += o.skipped
            for (k, v) in o.skipReasons { skipReasons[k, default: 0] += v }
            failures += o.failures
        }

        public var line: String { "\(passed) passed, \(failed) failed, \(skipped) skipped" }
    }

    public var fork: EVM.Fork?
    public var filter: String?
    /// Called with each failure as it happens (for streaming output).
    public var onFailure: (@Sendable (String) -> Void)?
    /// Called for each expected rejection with the fixture's exception name and ours (diagnostics:
    /// the runner, like revm's, accepts any rejection where the fixture expects one).
    public var onRejection: (@Sendable (_ label: String, _ expected: String, _ got: String) -> Void)?

    public init(fork: EVM.Fork? = nil, filter: String? = nil) {
        self.fork = fork
        self.filter = filter
    }

    /// All `.json` files under `path` (or `path` itself), sorted.
    public static func jsonFiles(at path: String) -> [String] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { return [] }
        if !isDir.boolValue { return [path] }
        var out: [String] = []
        if let e = FileManager.default.enumerator(atPath: path) {
            while let rel = e.nextObject() as? String {
                if rel.hasSuffix(".json") { out.append(path + "/" + rel) }
            }
        }
        return out.sorted()
    }

    /// Runs every file under `paths` on a large-stack thread.
    public func run(paths: [String]) -> Summary {
        let me = self
        return runWithLargeStack {
            var s = Summary()
            for p in paths {
                let files = Self.jsonFiles(at: p)
                if files.isEmpty {
                    s.failed += 1
                    s.failures.append("\(p): no such file or no .json files")
                }
                for f in files { s.merge(me.runFile(f)) }
            }
            return s
        }
    }

    func fail(_ s: inout Summary, _ msg: String) {
        s.failed += 1
        s.failures.append(msg)
        onFailure?(msg)
    }

    /// Runs one fixture file (call on a large-stack thread).
    public func runFile(_ path: String) -> Summary {
        var s = Summary()
        let fileName = (path as NSString).lastPathComponent
        guard let data = FileManager.default.contents(atPath: path),
            let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else {
            fail(&s, "\(path): unreadable JSON")
            return s
        }
        let regex = filter.flatMap { try? Regex($0) }
        for (name, value) in obj.sorted(by: { $0.key < $1.key }) {
            guard let fixture = value as? [String: Any], let post = fixture["post"] as? [String: Any] else { continue }
            if let regex, !"\(path) \(name)".contains(regex) { continue }
            var selected: [(EVM.Fork, [[String: Any]])] = []
            for (forkName, entries) in post {
                guard let f = EVM.Fork(name: forkName), let list = entries as? [[String: Any]] else { continue }
                if let fork, f != fork { continue }
                if fork == nil && f == .constantinople { continue }  // revm skips fork Constantinople
                selected.append((f, list))
            }
            let total = selected.reduce(0) { $0 + $1.1.count }
            if total == 0 { continue }
            if let skip = Self.namedSkips.first(where: { fileName.contains($0.pattern) || name.contains($0.pattern) }) {
                s.skip(skip.reason, count: total)
                continue
            }
            guard let pre = Self.parsePre(fixture["pre"]), let env = fixture["env"] as? [String: Any] else {
                fail(&s, "\(fileName) \(name): cannot parse pre/env")
                continue
            }
            for (f, list) in selected.sorted(by: { $0.0 < $1.0 }) {
                for (i, entry) in list.enumerated() {
                    let label = "\(fileName) \(name) \(f) #\(i) \(Self.indexes(entry))"
                    runCase(entry, fork: f, pre: pre, env: env, label: label, summary: &s)
                }
            }
        }
        return s
    }

    static func indexes(_ entry: [String: Any]) -> String {
        guard let ix = entry["indexes"] as? [String: Any] else { return "" }
        return "d=\(ix["data"] ?? "?") g=\(ix["gas"] ?? "?") v=\(ix["value"] ?? "?")"
    }

    func runCase(
        _ entry: [String: Any], fork: EVM.Fork, pre: [EVMAddress: Account], env: [String: Any], label: String,
        summary s: inout Summary
    ) {
        let expectException = (entry["expectException"] as? String).map { !$0.isEmpty } ?? false
        guard let txHex = entry["txbytes"] as? String else {
            s.skip("no txbytes (signing from secretKey not implemented)")
            return
        }
        guard let txBytes = Hex.decode(txHex), let tx = try? Transaction.decode(envelope: txBytes) else {
            if expectException { s.passed += 1 } else { fail(&s, "\(label): txbytes do not decode") }
            return
        }
        let block = BlockEnvironment(
            coinbase: Self.address(env["currentCoinbase"]) ?? .zero,
            number: Self.u64(env["currentNumber"]) ?? 0,
            timestamp: Self.u64(env["currentTimestamp"]) ?? 0,
            gasLimit: Self.u64(env["currentGasLimit"]) ?? 0,
            prevRandao: fork >= .paris
                ? (Self.u256(env["currentRandom"]) ?? .zero) : (Self.u256(env["currentDifficulty"]) ?? .zero),
            baseFee: Self.u256(env["currentBaseFee"]) ?? .zero,
            excessBlobGas: Self.u64(env["currentExcessBlobGas"]) ?? 0)
        var host = StateHost(fork: fork, accounts: pre)
        do {
            _ = try TransactionExecutor.apply(tx, block: block, host: &host)
        } catch {
            if expectException {
                // A rejected transaction leaves the pre-state; the fixture's root must say so too.
                let root = StateCommitment.computeStateRoot(host.accounts)
                if let want = (entry["hash"] as? String).flatMap({ Bytes32(hex: $0) }), want != root {
                    fail(&s, "\(label): rejected (\(error)) but state root \(root.hex) != \(want.hex)")
                } else {
                    s.passed += 1
                    onRejection?(label, entry["expectException"] as? String ?? "", "\(error)")
                }
            } else {
                fail(&s, "\(label): unexpected rejection: \(error)")
            }
            return
        }
        if let k = host.hitUnimplementedPrecompile {
            s.skip("\(Self.unimplementedPrecompileReason) (\(k))")
            return
        }
        if expectException {
            fail(&s, "\(label): expected exception \(entry["expectException"] ?? ""), transaction was applied")
            return
        }
        let logs = StateCommitment.computeLogsHash(host.logs)
        let root = StateCommitment.computeStateRoot(host.accounts)
        var diffs: [String] = []
        if let want = (entry["logs"] as? String).flatMap({ Bytes32(hex: $0) }), want != logs {
            diffs.append("logs hash \(logs.hex) != \(want.hex)")
        }
        if let want = (entry["hash"] as? String).flatMap({ Bytes32(hex: $0) }), want != root {
            diffs.append("state root \(root.hex) != \(want.hex)")
        }
        if diffs.isEmpty { s.passed += 1 } else { fail(&s, "\(label): " + diffs.joined(separator: "; ")) }
    }

    // MARK: JSON helpers

    static func u256(_ v: Any?) -> UInt256? {
        guard let str = v as? String else { return nil }
        if str.hasPrefix("0x:bigint") { return nil }
        return UInt256(hex: str)
    }

    static func u64(_ v: Any?) -> UInt64? {
        guard let x = u256(v), x.l1 == 0, x.l2 == 0, x.l3 == 0 else { return nil }
        return x.l0
    }

    static func address(_ v: Any?) -> EVMAddress? {
        guard let str = v as? String else { return nil }
        return EVMAddress(hex: str)
    }

    static func parsePre(_ v: Any?) -> [EVMAddress: Account]? {
        guard let pre = v as? [String: Any] else { return nil }
        var out: [EVMAddress: Account] = [:]
        for (a, acct) in pre {
            guard let addr = EVMAddress(hex: a), let o = acct as? [String: Any],
                let balance = u256(o["balance"]), let nonce = u64(o["nonce"]),
                let code = (o["code"] as? String).flatMap({ Hex.decode($0) })
            else { return nil }
            var storage: [UInt256: UInt256] = [:]
            for (k, val) in (o["storage"] as? [String: Any]) ?? [:] {
                guard let key = u256(k), let value = u256(val) else { return nil }
                if !value.isZero { storage[key] = value }
            }
            out[addr] = Account(nonce: nonce, balance: balance, code: code, storage: storage)
        }
        return out
    }
}

extension StateTestRunner {
    /// Builds a runner from a fork name as fixtures spell it (`Cancun`, `Merge`, `EIP150`, …); nil
    /// when the name is unknown.
    public init?(forkName: String?, filter: String?) {
        if let forkName {
            guard let f = EVM.Fork(name: forkName) else { return nil }
            self.init(fork: f, filter: filter)
        } else {
            self.init(fork: nil, filter: filter)
        }
    }
}
