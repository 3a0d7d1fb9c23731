import ArgumentParser
import EVM
import Ethereum
import Execution
import Foundation
import Primitives

/// `hemi evm bench-call`: deploys a contract once, then times repeated calls to it on the warm state.
struct EVMBenchCall: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-call",
        abstract: "Deploy a contract, then time repeated calls to it on the same (warm) state.",
        discussion: """
            A create transaction from 0xa94f…8a4b (the test key 0x45a9…f2d8, 10^24 wei) deploys --initcode \
            (constructor arguments appended); then --repeat transactions from the same sender call the new \
            contract with --calldata, one after another on the state the previous one left (storage, \
            nonces, balances and the code analysis cache carried over, as in a node executing a block). \
            Each transaction is signed and its sender recovered before the clock starts; the timed part is \
            TransactionExecutor.apply(validated:…): stateful checks, gas purchase, EIP-2929 warming, the \
            call, refunds, fee payments and finalisation. Gas price and base fee are zero.

            Prints the deployed address, then `calls=N median_us=X min_us=Y gas=G status=S` (gas and \
            status of the last call). Build in release mode for meaningful numbers.
            """
    )

    @Option(help: "Init code in hex (0x optional), or @FILE holding hex.") var initcode: String
    @Option(help: "Call data for each call, in hex.") var calldata: String = ""
    @Option(help: "Gas limit of each transaction.") var gas: UInt64 = 1_000_000
    @Option(help: "Fork rules (Berlin or later).") var fork: String = "Cancun"
    @Option(help: "Number of timed calls.") var `repeat`: Int = 1000

    static let secretKey: [UInt8] = [UInt8](hex: "45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8") ?? []

    func validate() throws {
        guard `repeat` >= 1, `repeat` <= 1_000_000 else { throw ValidationError("--repeat must be in 1...1000000") }
        guard let f = EVM.Fork(name: fork), f >= .berlin else { throw ValidationError("--fork must be Berlin or later") }
    }

    func run() async throws {
        guard let fork = EVM.Fork(name: fork), let ethFork = Ethereum.Fork(rawValue: Int(fork.rawValue)) else {
            throw ExitCode(2)
        }
        var codeText = initcode
        if codeText.hasPrefix("@") {
            codeText = String(decoding: try readFile(String(codeText.dropFirst()), limit: 64 << 20), as: UTF8.self)
        }
        guard let code = [UInt8](hex: codeText.trimmingCharacters(in: .whitespacesAndNewlines)),
            let data = [UInt8](hex: calldata.trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            printError("error: --initcode/--calldata is not hex")
            throw ExitCode(2)
        }
        let rules = TransactionRules.ethereum(fork: ethFork)
        let block = BlockEnvironment(
            coinbase: EVMAddress(hex: "2adc25665018aa1fe0e6bc666dac8fc2697ff9ba") ?? .zero, number: 1,
            timestamp: 1000, gasLimit: 30_000_000, prevRandao: .zero, baseFee: .zero, excessBlobGas: 0)
        func sign(nonce: UInt64, to: EVMAddress?, data: [UInt8], gas: UInt64) -> ValidatedTransaction? {
            let tx = Transaction.legacy(
                LegacyTransaction(
                    nonce: nonce, gasPrice: .zero, gasLimit: gas, to: to, value: .zero, data: data,
                    signature: TransactionSignature(v: .zero, r: .zero, s: .zero)))
            return try? tx.signed(privateKey: Self.secretKey, legacyChainID: .one)?.validate(rules: rules)
        }
        guard let deploy = sign(nonce: 0, to: nil, data: code, gas: 15_000_000) else {
            printError("error: cannot sign the deployment")
            throw ExitCode(1)
        }
        let runs = `repeat`
        let gasLimit = gas
        let outcome = runWithLargeStack { () -> Result<(EVMAddress?, [Double], TransactionOutcome?), TransactionRejection> in
            Result { () throws(TransactionRejection) in
                try Self.measure(fork: fork, deploy: deploy, block: block, runs: runs) { nonce, target in
                    sign(nonce: nonce, to: target, data: data, gas: gasLimit)
                }
            }
        }
        let result: (EVMAddress?, [Double], TransactionOutcome?)
        switch outcome {
        case .success(let r): result = r
        case .failure(let e):
            printError("error: transaction rejected: \(e)")
            throw ExitCode(1)
        }
        guard let target = result.0, let last = result.2, !result.1.isEmpty else {
            printError("error: deployment failed")
            throw ExitCode(1)
        }
        let sorted = result.1.sorted()
        let median =
            sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        let status: String
        switch last.status {
        case .success: status = "success"
        case .revert: status = "revert"
        case .halt(let reason): status = "halt(\(reason))"
        }
        print("deployed: 0x\(target.hex)")
        print(
            "calls=\(sorted.count) median_us=\(formatted(median, 3)) min_us=\(formatted(sorted[0], 3)) "
                + "gas=\(last.gasUsed) status=\(status)")
        if !last.status.isSuccess { throw ExitCode(1) }
    }

    /// Deploys, signs `runs` calls (untimed), then applies them one after another, timing each.
    static func measure(
        fork: EVM.Fork, deploy: ValidatedTransaction, block: BlockEnvironment, runs: Int,
        sign: (UInt64, EVMAddress) -> ValidatedTransaction?
    ) throws(TransactionRejection) -> (EVMAddress?, [Double], TransactionOutcome?) {
        let sender = deploy.sender
        var host = StateHost(
            fork: fork,
            accounts: [sender: Account(balance: UInt256(decimal: "1000000000000000000000000") ?? .zero)])
        let created = try TransactionExecutor.apply(validated: deploy, block: block, host: &host)
        guard created.status.isSuccess, let target = created.createdAddress else { return (nil, [], nil) }
        var txs: [ValidatedTransaction] = []
        txs.reserveCapacity(runs)
        for i in 0..<runs {
            guard let v = sign(UInt64(i + 1), target) else { break }
            txs.append(v)
        }
        var times: [Double] = []
        times.reserveCapacity(runs)
        var last: TransactionOutcome?
        let clock = ContinuousClock()
        for v in txs {
            let start = clock.now
            let out = try TransactionExecutor.apply(validated: v, block: block, host: &host)
            let d = clock.now - start
            times.append(Double(d.components.seconds) * 1e6 + Double(d.components.attoseconds) / 1e12)
            last = out
        }
        return (target, times, last)
    }
}
