import ArgumentParser
import EVM
import Execution

/// `hemi evm bench`: times the evm-benchmarks fixtures (state-test format).
struct EVMBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time state-test fixtures used as benchmarks (e.g. ipsilon/evm-benchmarks).",
        discussion: """
            Each post entry's transaction is applied --repeat times to a fresh copy of the pre-state; the \
            execution is timed (not parsing or set-up). --mode call recovers the sender and warms the code \
            analysis cache before timing (what a running node pays per transaction); --mode transaction \
            (the default) times the signed transaction from scratch. Prints one line per case: median and fastest time, \
            gas used and Mgas/s at the median. Build in release mode for meaningful numbers.
            """
    )

    @Option(help: "Only entries of this fork.") var fork: String?
    @Option(help: "Runs per case.") var `repeat`: Int = 5
    @Option(
        help: """
            transaction: apply the signed transaction (sender recovery included, code analysed afresh). \
            call: the same transaction with the sender recovered before timing and code analyses cached \
            (a node's steady state).
            """)
    var mode: String = "transaction"
    @Argument(help: "Fixture files or directories.") var paths: [String]

    func validate() throws {
        guard `repeat` >= 1, `repeat` <= 10_000 else { throw ValidationError("--repeat must be in 1...10000") }
        if let fork, Fork(name: fork) == nil { throw ValidationError("unknown fork \(fork)") }
        guard StateTestBench.Mode(rawValue: mode) != nil else {
            throw ValidationError("--mode must be transaction or call")
        }
    }

    func run() throws {
        var bench = StateTestBench(fork: fork.flatMap { Fork(name: $0) }, repeatCount: `repeat`)
        bench.mode = StateTestBench.Mode(rawValue: mode) ?? .transaction
        let (results, errors) = bench.run(paths: paths)
        for r in results {
            print(
                "\(r.label): median \(formatted(r.medianSeconds * 1e3, 3)) ms, min \(formatted(r.minSeconds * 1e3, 3)) ms, "
                    + "gas \(r.gasUsed), \(formatted(r.mgasPerSecond, 1)) Mgas/s")
        }
        for e in errors { printError("error: \(e)") }
        if !errors.isEmpty || results.isEmpty { throw ExitCode(1) }
    }
}
