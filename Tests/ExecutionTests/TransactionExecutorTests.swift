import EVM
import Ethereum
import Execution
import Primitives
import Testing

/// Direct executor checks for rules the fixtures exercise only indirectly.
@Suite struct TransactionExecutorTests {
    static let key = Hex.decode("45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8") ?? []
    static let sender = EVMAddress(hex: "a94f5374fce5edbc8e2a8697c15331677e6ebf0b") ?? .zero
    static let contract = EVMAddress(hex: "1000000000000000000000000000000000000001") ?? .zero
    static let coinbase = EVMAddress(hex: "2adc25665018aa1fe0e6bc666dac8fc2697ff9ba") ?? .zero
    static let block = BlockEnvironment(
        coinbase: coinbase, number: 1, timestamp: 1000, gasLimit: 30_000_000, prevRandao: .zero,
        baseFee: UInt256(10), excessBlobGas: 0)

    static func legacy(nonce: UInt64 = 0, to: EVMAddress?, value: UInt64 = 0, gas: UInt64 = 100_000) -> Transaction? {
        let unsigned = Transaction.legacy(
            LegacyTransaction(
                nonce: nonce, gasPrice: UInt256(10), gasLimit: gas, to: to, value: UInt256(value), data: [],
                signature: TransactionSignature(v: .zero, r: .zero, s: .zero)))
        return unsigned.signed(privateKey: key)
    }

    static func host(_ fork: EVM.Fork, extra: [EVMAddress: Account] = [:]) -> StateHost {
        var accounts = extra
        accounts[sender] = Account(balance: UInt256(1_000_000_000_000))
        return StateHost(fork: fork, accounts: accounts)
    }

    /// SSTORE X→X→0 earns 4,800 (London, EIP-3529) or 15,000 (before) and the cap is gasUsed/5 or /2.
    @Test(arguments: [(EVM.Fork.cancun, UInt64(21_206)), (EVM.Fork.berlin, UInt64(13_003))])
    func refundCap(_ fork: EVM.Fork, _ expectedGasUsed: UInt64) throws {
        let code: [UInt8] = [0x60, 0x00, 0x60, 0x00, 0x55, 0x00]  // SSTORE(0, 0)
        var h = Self.host(fork, extra: [Self.contract: Account(code: code, storage: [.zero: .one])])
        let tx = try #require(Self.legacy(to: Self.contract))
        let out = try runWithLargeStack { Result { () throws(TransactionRejection) in
            try TransactionExecutor.apply(tx, block: Self.block, host: &h)
        } }.get()
        #expect(out.status == .success)
        #expect(out.gasUsed == expectedGasUsed)
        #expect(h.accounts[Self.contract]?.storage.isEmpty == true)
    }

    /// EIP-161: a zero-value call touches an existing empty account, which is then deleted.
    @Test func touchedEmptyAccountIsDeleted() throws {
        let empty = EVMAddress(hex: "3000000000000000000000000000000000000003") ?? .zero
        var h = Self.host(.cancun, extra: [empty: Account()])
        let tx = try #require(Self.legacy(to: empty))
        _ = try runWithLargeStack { Result { () throws(TransactionRejection) in
            try TransactionExecutor.apply(tx, block: Self.block, host: &h)
        } }.get()
        #expect(h.accounts[empty] == nil)
        #expect(h.accounts[Self.sender]?.nonce == 1)
    }

    /// A rejected transaction leaves the state untouched.
    @Test func nonceMismatchIsRejected() throws {
        var h = Self.host(.cancun)
        let before = StateCommitment.computeStateRoot(h.accounts)
        let tx = try #require(Self.legacy(nonce: 5, to: Self.contract))
        #expect(throws: TransactionRejection.self) { try TransactionExecutor.apply(tx, block: Self.block, host: &h) }
        #expect(StateCommitment.computeStateRoot(h.accounts) == before)
    }
}
