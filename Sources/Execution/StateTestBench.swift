public import EVM
internal import Ethereum
internal import Foundation
internal import Primitives

/// Timing of state-test fixtures used as benchmarks (ipsilon/evm-benchmarks format): every post
/// entry's transaction is applied `repeat` times to a fresh copy of the pre-state; the execution
/// (validation, the EVM run, refunds) is timed, not JSON parsing or state set-up.
public struct StateTestBench {
    public struct Result: Sendable {
        public var label: String
        public var gasUsed: UInt64
        public var medianSeconds: Double
        public var minSeconds: Double
        /// Millions of gas per second at the median time.
        public var mgasPerSecond: Double { medianSeconds > 0 ? Double(gasUsed) / medianSeconds / 1e6 : 0 }
    }

    /// What one timed run covers.
    public enum Mode: String, Sendable, CaseIterable {
        /// `TransactionExecutor.apply` on the signed transaction: stateless validation and sender
        /// recovery (secp256k1, ~50 µs), then everything `.call` times. The code analysis is computed
        /// afresh every run (a new `StateHost` each time).
        case transaction
        /// The same transaction with its sender already recovered and its stateless validation done
        /// before the clock starts (as a node's transaction pool does), run with
        /// `TransactionExecutor.apply(validated:…)`: stateful checks, gas purchase, EIP-2929 warming,
        /// the call, refunds, fee payments and finalisation. Code analyses come from a cache warmed by
        /// one untimed run, as in a running node; each timed run still starts from a fresh copy of the
        /// pre-state.
        case call
    }

    public var fork: EVM.Fork?
    public var repeatCount: Int
    /// `.transaction` unless set.
    public var mode: Mode = .transaction

    public init(fork: EVM.Fork? = nil, repeatCount: Int = 5) {
        self.fork = fork
        self.repeatCount = max(1, repeatCount)
    }

    /// Benchmarks every fixture under `paths` (on a large-stack thread); errors are returned as text.
    public func run(paths: [String]) -> (results: [Result], errors: [String]) {
        let me = self
        return runWithLargeStack {
            var results: [Result] = []
            var errors: [String] = []
            for p in paths {
                let files = StateTestRunner.jsonFiles(at: p)
                if files.isEmpty { errors.append("\(p): no such file or no .json files") }
                for f in files { me.runFile(f, &results, &errors) }
            }
            return (results, errors)
        }
    }

    func runFile(_ path: String, _ results: inout [Result], _ errors: inout [String]) {
        let fileName = (path as NSString).lastPathComponent
        guard let data = FileManager.default.contents(atPath: path),
            let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else {
            errors.append("\(path): unreadable JSON")
            return
        }
        for (name, value) in obj.sorted(by: { $0.key < $1.key }) {
            guard let fixture = value as? [String: Any], let post = fixture["post"] as? [String: Any],
                let pre = StateTestRunner.parsePre(fixture["pre"]), let env = fixture["env"] as? [String: Any]
            else { continue }
            for (forkName, entries) in post.sorted(by: { $0.key < $1.key }) {
                guard let f = EVM.Fork(name: forkName), let list = entries as? [[String: Any]] else { continue }
                if let fork, f != fork { continue }
                for (i, entry) in list.enumerated() {
                    let label = "\(fileName) \(name) \(f) #\(i) \(StateTestRunner.indexes(entry))"
                    guard let txHex = entry["txbytes"] as? String, let bytes = Hex.decode(txHex),
                        let tx = try? Transaction.decode(envelope: bytes)
                    else {
                        errors.append("\(label): no decodable txbytes")
                        continue
                    }
                    let block = BlockEnvironment(
                        coinbase: StateTestRunner.address(env["currentCoinbase"]) ?? .zero,
                        number: StateTestRunner.u64(env["currentNumber"]) ?? 0,
                        timestamp: StateTestRunner.u64(env["currentTimestamp"]) ?? 0,
                        gasLimit: StateTestRunner.u64(env["currentGasLimit"]) ?? 0,
                        prevRandao: f >= .paris
                            ? (StateTestRunner.u256(env["currentRandom"]) ?? .zero)
                            : (StateTestRunner.u256(env["currentDifficulty"]) ?? .zero),
                        baseFee: StateTestRunner.u256(env["currentBaseFee"]) ?? .zero,
                        excessBlobGas: StateTestRunner.u64(env["currentExcessBlobGas"]) ?? 0)
                    var times: [Double] = []
                    var gas: UInt64 = 0
                    var failed: String?
                    let clock = ContinuousClock()
                    var validated: ValidatedTransaction?
                    var cache = CodeAnalysisCache()
                    if mode == .call {
                        guard let ethFork = Ethereum.Fork(rawValue: Int(f.rawValue)),
                            let v = try? tx.validate(rules: .ethereum(fork: ethFork, chainID: block.chainID))
                        else {
                            errors.append("\(label): transaction does not validate")
                            continue
                        }
                        validated = v
                        var host = StateHost(fork: f, accounts: pre)  // untimed warm-up fills the cache
                        _ = try? TransactionExecutor.apply(validated: v, block: block, host: &host)
                        cache = host.analyses
                    }
                    for _ in 0..<repeatCount {
                        var host = StateHost(fork: f, accounts: pre)
                        if validated != nil { host.analyses = cache }
                        let start = clock.now
                        do {
                            if let validated {
                                gas = try TransactionExecutor.apply(validated: validated, block: block, host: &host).gasUsed
                            } else {
                                gas = try TransactionExecutor.apply(tx, block: block, host: &host).gasUsed
                            }
                        } catch {
                            failed = "\(error)"
                            break
                        }
                        let d = clock.now - start
                        times.append(Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
                    }
                    if let failed {
                        errors.append("\(label): rejected: \(failed)")
                        continue
                    }
                    let sorted = times.sorted()
                    let median = sorted.count % 2 == 1
                        ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
                    results.append(Result(label: label, gasUsed: gas, medianSeconds: median, minSeconds: sorted[0]))
                }
            }
        }
    }
}
