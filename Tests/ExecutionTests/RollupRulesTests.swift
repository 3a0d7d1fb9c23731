import EVM
import Ethereum
import Execution
import Primitives
import Testing

/// OP Stack deposit and L1-fee rules (ADR 0011), checked against hand-computed values from the
/// OP specs (Regolith/Canyon deposits, Ecotone L1 cost) and the Yellow Paper / EIP-2929 / EIP-3529
/// gas tables.
@Suite struct RollupRulesTests {
    let from = EVMAddress(hex: "00000000000000000000000000000000000000aa")!
    let target = EVMAddress(hex: "00000000000000000000000000000000000000bb")!
    let env = BlockEnvironment(
        coinbase: EVMAddress(hex: "4200000000000000000000000000000000000011")!, number: 1, timestamp: 10,
        gasLimit: 30_000_000, prevRandao: .zero, baseFee: UInt256(1_000_000_000), excessBlobGas: 0,
        chainID: UInt256(901))

    func deposit(to: EVMAddress?, mint: UInt64 = 0, value: UInt64 = 0, gas: UInt64, data: [UInt8] = [])
        -> DepositTransaction
    {
        DepositTransaction(
            sourceHash: .zero, from: from, to: to, mint: UInt256(mint), value: UInt256(value), gasLimit: gas,
            isSystemTransaction: false, data: data)
    }

    func run(_ d: DepositTransaction, _ accounts: [EVMAddress: Account]) -> (DepositOutcome, StateHost) {
        runWithLargeStack {
            var host = StateHost(fork: .cancun, accounts: accounts)
            let out = DepositExecutor.apply(d, block: env, host: &host)
            return (out, host)
        }
    }

    @Test func mintAndValueTransfer() {
        let (out, host) = run(deposit(to: target, mint: 10, value: 4, gas: 50_000), [:])
        #expect(out.succeeded && out.gasUsed == 21_000 && out.nonceBefore == 0)
        #expect(host.accounts[from]?.balance == UInt256(6) && host.accounts[from]?.nonce == 1)
        #expect(host.accounts[target]?.balance == UInt256(4))
    }

    @Test func failedDepositKeepsMintBumpsNonceUsesAllGas() {
        // Intrinsic gas 21,000 above the 20,000 limit.
        var (out, host) = run(deposit(to: target, mint: 10, value: 4, gas: 20_000), [from: Account(nonce: 5)])
        #expect(!out.succeeded && out.gasUsed == 20_000 && out.nonceBefore == 5)
        #expect(host.accounts[from]?.balance == UInt256(10) && host.accounts[from]?.nonce == 6)
        #expect(host.accounts[target] == nil)
        // Value above the balance after the mint.
        (out, host) = run(deposit(to: target, mint: 3, value: 4, gas: 50_000), [:])
        #expect(!out.succeeded && out.gasUsed == 50_000)
        #expect(host.accounts[from]?.balance == UInt256(3) && host.accounts[from]?.nonce == 1)
    }

    @Test func revertedDepositReportsActualGas() {
        // PUSH1 0 PUSH1 0 REVERT: 3 + 3 + 0 gas; Regolith reports gasLimit − gasLeft.
        let code: [UInt8] = [0x60, 0x00, 0x60, 0x00, 0xfd]
        let (out, host) = run(deposit(to: target, mint: 7, gas: 100_000), [target: Account(code: code)])
        #expect(!out.succeeded && out.gasUsed == 21_006)
        #expect(host.accounts[from]?.balance == UInt256(7) && host.accounts[from]?.nonce == 1)
    }

    @Test func successfulDepositGetsCappedRefund() {
        // PUSH1 0 PUSH1 0 SSTORE STOP clearing slot 0 (original 1): 3 + 3 + cold 2,100 + 2,900 = 5,006
        // execution gas, 26,006 used; EIP-3529 clear refund 4,800 ≤ 26,006 / 5 → 21,206.
        let code: [UInt8] = [0x60, 0x00, 0x60, 0x00, 0x55, 0x00]
        let (out, host) = run(deposit(to: target, gas: 100_000), [target: Account(code: code, storage: [.zero: .one])])
        #expect(out.succeeded && out.gasUsed == 21_206)
        #expect(host.accounts[target]?.storage[.zero] == nil)
    }

    @Test func ecotoneL1Fee() {
        // 3 zero bytes and 2 non-zero: l1Gas = 3·4 + 2·16 = 44;
        // fee = 44 × (16·1368·7 + 810949·3) / 16e6 = 44 × 2,586,063 / 16,000,000 = 7 (floor of 7.11…).
        let rules = RollupRules(
            chainID: UInt256(901), elasticityMultiplier: 6, baseFeeChangeDenominator: 250, l1BaseFee: UInt256(7),
            l1BlobBaseFee: UInt256(3), baseFeeScalar: 1368, blobBaseFeeScalar: 810_949)
        #expect(rules.computeL1Fee(envelope: [0, 1, 0, 2, 0]) == UInt256(7))
        // Base fee: gas used 30M of a 30M limit, target 5M: 1 gwei × (1 + 25M/5M/250) = 1.02 gwei.
        #expect(
            rules.computeBaseFee(
                parentGasLimit: 30_000_000, parentGasUsed: 30_000_000, parentBaseFee: UInt256(1_000_000_000))
                == UInt256(1_020_000_000))
    }
}
