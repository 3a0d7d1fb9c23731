import ArgumentParser
import Execution

/// `hemi evm blocktest`: runs BlockchainTests fixtures.
struct BlockTest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blocktest",
        abstract: "Run Ethereum BlockchainTests fixtures (block import, post-Merge networks).",
        discussion: """
            Each PATH is a fixture file or a directory searched recursively for .json files. For every test \
            the runner builds the genesis state from `pre`, imports each block's `rlp` in order into a block \
            tree (validating the header against its parent, executing the transactions, withdrawals and \
            system calls, and checking gas used, bloom, receipts and state roots), expects blocks marked \
            `expectException` to be rejected, and compares the head with `lastblockhash` and its state with \
            `postState`. Prints one line per failing test, then `N passed, M failed, K skipped`; exits 1 if \
            anything failed. Pre-Merge (proof-of-work) networks are not supported and count as failures.
            """
    )

    @Option(help: "Only run tests whose \"path name\" matches this regular expression.") var filter: String?
    @Flag(help: "Print, for each expected rejection, the fixture's exception and the executor's reason.")
    var showRejections = false
    @Argument(help: "Fixture files or directories.") var paths: [String]

    func run() throws {
        if let filter, (try? Regex(filter)) == nil {
            throw ValidationError("--filter is not a valid regular expression")
        }
        var runner = BlockchainTestRunner(filter: filter)
        runner.onFailure = { print("FAIL \($0)") }
        if showRejections { runner.onRejection = { print("REJECT \($0): expected \($1), got \($2)") } }
        let s = runner.run(paths: paths)
        for (reason, n) in s.skipReasons.sorted(by: { $0.key < $1.key }) { print("skipped \(n): \(reason)") }
        print(s.line)
        if s.failed > 0 { throw ExitCode(1) }
    }
}
