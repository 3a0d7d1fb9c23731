import ArgumentParser
import Execution

/// `hemi evm statetest`: runs GeneralStateTests / EEST state-test fixtures.
struct StateTest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "statetest",
        abstract: "Run Ethereum state-test fixtures (GeneralStateTests, EEST state_tests).",
        discussion: """
            Each PATH is a fixture file or a directory searched recursively for .json files. For every \
            fork and post entry the runner decodes txbytes, applies the transaction to the pre-state and \
            compares the expected exception, the logs hash and the state root. Prints one line per failing \
            case, the skip reasons with counts, and finally `N passed, M failed, K skipped`; exits 1 if \
            anything failed. Cases that reach a precompile that is not implemented yet (bn254, KZG, BLS, \
            P256) are counted as skipped.
            """
    )

    @Option(help: "Only run post entries of this fork (e.g. Cancun, Prague).") var fork: String?
    @Option(help: "Only run tests whose \"path name\" matches this regular expression.") var filter: String?
    @Flag(help: "Print, for each expected rejection, the fixture's exception and the executor's reason.")
    var showRejections = false
    @Argument(help: "Fixture files or directories.") var paths: [String]

    func run() throws {
        if let filter, (try? Regex(filter)) == nil {
            throw ValidationError("--filter is not a valid regular expression")
        }
        guard var runner = StateTestRunner(forkName: fork, filter: filter) else {
            throw ValidationError("unknown fork \(fork ?? "")")
        }
        runner.onFailure = { print("FAIL \($0)") }
        if showRejections { runner.onRejection = { print("REJECT \($0): expected \($1), got \($2)") } }
        let s = runner.run(paths: paths)
        for (reason, n) in s.skipReasons.sorted(by: { $0.key < $1.key }) { print("skipped \(n): \(reason)") }
        print(s.line)
        if s.failed > 0 { throw ExitCode(1) }
    }
}
