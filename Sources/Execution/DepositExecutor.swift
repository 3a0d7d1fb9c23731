public import EVM
public import Ethereum
internal import Precompiles
public import Primitives

/// What an applied OP Stack deposit produced.
public struct DepositOutcome: Sendable {
    /// EVM success; false for a reverted or halted execution and for a failed deposit.
    public var succeeded: Bool
    /// Gas the deposit counts against the block.
    public var gasUsed: UInt64
    /// The sender's nonce before the deposit (the receipt's `depositNonce`).
    public var nonceBefore: UInt64
    public var createdAddress: EVMAddress?
}

/// Applies OP Stack deposit transactions (0x7E) with the Regolith/Canyon rules of op-geth's
/// `StateTransition` (OP specs "Deposits", "Execution"):
///
/// 1. `mint` is credited to `from` (kept whatever happens next);
/// 2. no nonce check, no signature, no gas purchase, no fee payment, no refund;
/// 3. a *failed* deposit — intrinsic gas above its gas limit, `value` above the balance after the
///    mint, EIP-3860 init code too long — changes nothing else but increments the sender's nonce
///    and uses its whole gas limit;
/// 4. otherwise the message runs (the sender's nonce incremented first for a call, by CREATE for a
///    creation); a successful deposit uses `gasLimit − gasLeft` less the EIP-3529-capped refund,
///    a reverted one `gasLimit − gasLeft`, a halted one its whole gas limit (Regolith: the actual
///    gas used is reported; the unused gas is not paid back, a deposit buys no gas).
///
/// Independent of `L2Chain.BlockBuilder` (ADR 0011).
public enum DepositExecutor {
    public static func apply(_ d: DepositTransaction, block: BlockEnvironment, host: inout StateHost) -> DepositOutcome
    {
        let fork = host.fork
        host.beginTransaction()
        host.txContext = TxContext(
            gasPrice: .zero, origin: d.from, coinbase: block.coinbase, number: block.number, timestamp: block.timestamp,
            gasLimit: block.gasLimit, prevRandao: block.prevRandao, chainID: block.chainID, baseFee: block.baseFee,
            blobBaseFee: TransactionExecutor.computeBlobBaseFee(excessBlobGas: block.excessBlobGas, fork: fork),
            blobHashes: [])
        let nonceBefore = host.accounts[d.from]?.nonce ?? 0
        if !d.mint.isZero { host.addBalance(d.from, d.mint) }

        let ethFork = Ethereum.Fork(rawValue: Int(fork.rawValue)) ?? .cancun
        let intrinsic = IntrinsicGas.compute(
            data: d.data, isCreate: d.to == nil, accessListAddresses: 0, accessListStorageKeys: 0, authorizations: 0,
            fork: ethFork
        ).regular
        let initCodeTooLong = d.to == nil && fork >= .shanghai && d.data.count > RollupRules.maxInitCodeSize
        if intrinsic > d.gasLimit || host.balance(d.from) < d.value || initCodeTooLong {
            bumpNonce(d.from, from: nonceBefore, host: &host)
            host.finalizeTransaction()
            return DepositOutcome(succeeded: false, gasUsed: d.gasLimit, nonceBefore: nonceBefore, createdAddress: nil)
        }

        // EIP-2929/3651 warming as for any transaction (op-geth `StateDB.Prepare`).
        host.warm(d.from)
        if let to = d.to { host.warm(to) }
        for a in host.precompiles.addresses { host.warm(a) }
        if fork >= .shanghai { host.warm(block.coinbase) }

        let gas = Int64(clamping: d.gasLimit - intrinsic)
        let result: ExecutionResult
        if let to = d.to {
            bumpNonce(d.from, from: nonceBefore, host: &host)
            result = host.call(
                Message(kind: .call, gas: gas, recipient: to, sender: d.from, value: d.value, input: d.data))
        } else {
            result = host.call(
                Message(kind: .create, gas: gas, recipient: .zero, sender: d.from, value: d.value, input: d.data))
        }
        let ok = result.status.isSuccess
        let left = ok || result.status == .revert ? Swift.max(result.gasLeft, 0) : 0
        let used = Int64(clamping: d.gasLimit) - left
        let refund = ok ? Swift.max(0, Swift.min(result.gasRefund, used / (fork >= .london ? 5 : 2))) : 0
        host.finalizeTransaction()
        return DepositOutcome(
            succeeded: ok, gasUsed: UInt64(used - refund),
            nonceBefore: nonceBefore, createdAddress: result.status.isSuccess ? result.createdAddress : nil)
    }

    static func bumpNonce(_ a: EVMAddress, from n: UInt64, host: inout StateHost) {
        host.touch(a)
        host.accounts[a, default: Account()].nonce = n &+ 1
    }
}
