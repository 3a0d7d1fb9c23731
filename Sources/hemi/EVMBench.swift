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
            execution is timed (not parsing or set-up). Prints one line per case: median and fastest time, \
            gas used and Mgas/s at the median. Build in release mode for meaningful numbers.
            """
    )

    @Option(help: "Only entries of this fork.") var fork: String?
    @Option(help: "Runs per case.") var `repeat`: Int = 5
    @Argument(help: "Fixture files or directories.") var paths: [String]

    func validate() throws {
        guard `repeat` >= 1, `repeat` <= 10_000 else { throw ValidationError("--repeat must be in 1...10000") }
        if let fork, Fork(name: fork) == nil { throw ValidationError("unknown fork \(fork)") }
    }

    func run() throws {
        let bench = StateTestBench(fork: fork.flatMap { Fork(name: $0) }, repeatCount: `repeat`)
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
