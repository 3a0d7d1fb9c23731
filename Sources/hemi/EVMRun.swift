import ArgumentParser
import EVM
import Execution
import Foundation
import Precompiles
import Primitives

/// `hemi evm run`: runs bytecode as the code of one account in an otherwise empty state.
struct EVMRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run EVM bytecode as the code of one account in an otherwise empty state.",
        discussion: """
            The code is installed at 0x…c0de and called from 0x…ca11e7 (which holds 10^24 wei) with the \
            given input and gas; precompiles of the fork are available; the caller, the callee and the \
            precompiles are warm (EIP-2929) as in a transaction, but no intrinsic gas is charged. Prints \
            the status (success, revert, or the halt reason), the gas used and the output in hex.

            With --repeat N the call runs N times on a fresh state each time and the command ends with the \
            line `runs=N median_ms=X min_ms=Y gas=G` (timing the execution only, not set-up).
            """
    )

    @Option(help: "Bytecode in hex (0x optional), or @FILE holding hex.") var code: String
    @Option(help: "Call data in hex.") var input: String = ""
    @Option(help: "Gas available to the call.") var gas: Int64 = 30_000_000
    @Option(help: "Fork rules (Frontier … Osaka).") var fork: String = "Prague"
    @Option(help: "Run this many times and report timing.") var `repeat`: Int = 1

    static let codeAddress = EVMAddress(hex: "000000000000000000000000000000000000c0de")!
    static let callerAddress = EVMAddress(hex: "0000000000000000000000000000000000ca11e7")!

    func validate() throws {
        guard `repeat` >= 1, `repeat` <= 1_000_000 else { throw ValidationError("--repeat must be in 1...1000000") }
        guard gas >= 0 else { throw ValidationError("--gas must not be negative") }
        guard Fork(name: fork) != nil else { throw ValidationError("unknown fork \(fork)") }
    }

    func run() async throws {
        guard let fork = Fork(name: fork) else { throw ExitCode(2) }
        var codeText = code
        if codeText.hasPrefix("@") {
            codeText = String(decoding: try readFile(String(codeText.dropFirst()), limit: 64 << 20), as: UTF8.self)
        }
        guard let bytecode = [UInt8](hex: codeText.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            printError("error: --code is not hex")
            throw ExitCode(2)
        }
        guard let data = [UInt8](hex: input) else {
            printError("error: --input is not hex")
            throw ExitCode(2)
        }
        let runs = `repeat`
        let gasLimit = gas
        let outcome = runWithLargeStack { () -> (ExecutionResult, [Double]) in
            var times: [Double] = []
            var last: ExecutionResult?
            for _ in 0..<runs {
                var host = StateHost(
                    fork: fork, txContext: TxContext(origin: Self.callerAddress),
                    accounts: [
                        Self.codeAddress: Account(code: bytecode),
                        Self.callerAddress: Account(balance: UInt256(decimal: "1000000000000000000000000") ?? .zero),
                    ])
                host.beginTransaction()
                host.warm(Self.callerAddress)
                host.warm(Self.codeAddress)
                if fork >= .berlin { for p in host.precompiles.addresses { host.warm(p) } }
                let message = Message(gas: gasLimit, recipient: Self.codeAddress, sender: Self.callerAddress, input: data)
                let clock = ContinuousClock()
                let start = clock.now
                let r = host.call(message)
                let d = clock.now - start
                times.append(Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) / 1e15)
                last = r
            }
            return (last ?? ExecutionResult(status: .halt(.outOfGas), gasLeft: 0), times)
        }
        let (r, times) = outcome
        let status: String
        switch r.status {
        case .success: status = "success"
        case .revert: status = "revert"
        case .halt(let reason): status = "halt (\(reason))"
        }
        let used = gasLimit - r.gasLeft
        print("status: \(status)")
        print("gas used: \(used)")
        print("output: 0x\(r.output.hex)")
        if runs > 1 {
            let sorted = times.sorted()
            let median = sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
            print("runs=\(runs) median_ms=\(formatted(median, 4)) min_ms=\(formatted(sorted[0], 4)) gas=\(used)")
        }
        if !r.status.isSuccess { throw ExitCode(1) }
    }
}
