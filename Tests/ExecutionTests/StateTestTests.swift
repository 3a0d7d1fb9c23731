import EVM
import Execution
import Foundation
import Primitives
import TestSupport
import Testing

/// Small GeneralStateTests directories run through the `hemi evm statetest` library code. The whole
/// tree runs in release mode from the CLI (see docs); these keep the unit suite fast.
@Suite struct StateTestTests {
    static let directories = ["stExample", "stSLoadTest", "stTransitionTest", "stChainId", "stSelfBalance"]

    @Test(arguments: directories)
    func generalStateTests(_ dir: String) throws {
        let path = TestData.path("ethereum/GeneralStateTests/" + dir)
        guard FileManager.default.fileExists(atPath: path) else {
            throw TestDataError.notFound(path)
        }
        guard let runner = StateTestRunner(forkName: "Cancun", filter: nil) else {
            Issue.record("fork name Cancun not recognised")
            return
        }
        let s = runner.run(paths: [path])
        let detail = s.failures.prefix(20).joined(separator: "\n")
        #expect(s.failed == 0, "\(dir): \(s.line)\n\(detail)")
        #expect(s.passed > 0, "\(dir): nothing ran (\(s.line))")
    }

    /// EEST (Prague/Osaka) fixtures: EIP-7825 gas cap incl. an EIP-7702 authorised tx, EIP-7594 blob counts.
    static let eestDirectories = [
        "osaka/eip7825_transaction_gas_limit_cap", "osaka/eip7594_peerdas",
    ]

    @Test(arguments: eestDirectories)
    func eestStateTests(_ dir: String) throws {
        let path = TestData.path("ethereum/eest/state_tests/" + dir)
        guard FileManager.default.fileExists(atPath: path) else {
            throw TestDataError.notFound(path)
        }
        let s = StateTestRunner(fork: nil, filter: nil).run(paths: [path])
        let detail = s.failures.prefix(20).joined(separator: "\n")
        #expect(s.failed == 0, "\(dir): \(s.line)\n\(detail)")
        #expect(s.passed > 0, "\(dir): nothing ran (\(s.line))")
    }

    @Test func blobBaseFeeMatchesEIP4844() {
        // fake_exponential(1, 0, 3338477) = 1; at 10 × 3338477 excess the fee is e^10 ≈ 22026.
        #expect(TransactionExecutor.computeBlobBaseFee(excessBlobGas: 0, fork: .cancun) == .one)
        #expect(TransactionExecutor.computeBlobBaseFee(excessBlobGas: 33_384_770, fork: .cancun).l0 == 22_026)
    }
}
