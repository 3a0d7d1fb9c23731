public import EVM
public import Ethereum
internal import Precompiles
public import Primitives

/// Why a transaction was rejected before execution (the state is left untouched).
public enum TransactionRejection: Error, Equatable, Sendable, CustomStringConvertible {
    case invalid(TransactionValidationError)
    case nonceMismatch(expected: UInt64, got: UInt64)
    case senderNotEOA
    case gasLimitExceedsBlock(gasLimit: UInt64, blockGasLimit: UInt64)
    case feeCapBelowBaseFee
    case blobFeeCapBelowBlobBaseFee
    case insufficientFunds
    case unsupportedFork

    public var description: String {
        switch self {
        case .invalid(let e): return "invalid transaction: \(e)"
        case .nonceMismatch(let e, let g): return "nonce \(g), account nonce \(e)"
        case .senderNotEOA: return "sender has code (EIP-3607)"
        case .gasLimitExceedsBlock(let g, let b): return "gas limit \(g) above block gas limit \(b)"
        case .feeCapBelowBaseFee: return "max fee per gas below base fee"
        case .blobFeeCapBelowBlobBaseFee: return "max fee per blob gas below blob base fee"
        case .insufficientFunds: return "insufficient funds for gas * price + value"
        case .unsupportedFork: return "fork not supported"
        }
    }
}

/// What an applied transaction produced.
public struct TransactionOutcome: Sendable {
    public var status: ExecutionStatus
    public var gasUsed: UInt64
    public var output: [UInt8]
    public var createdAddress: EVMAddress?
}

/// Block values a transaction runs against.
public struct BlockEnvironment: Sendable {
    public var coinbase: EVMAddress
    public var number: UInt64
    public var timestamp: UInt64
    public var gasLimit: UInt64
    public var prevRandao: UInt256
    public var baseFee: UInt256
    public var excessBlobGas: UInt64
    public var chainID: UInt256

    public init(
        coinbase: EVMAddress, number: UInt64, timestamp: UInt64, gasLimit: UInt64, prevRandao: UInt256,
        baseFee: UInt256, excessBlobGas: UInt64, chainID: UInt256 = .one
    ) {
        self.coinbase = coinbase
        self.number = number
        self.timestamp = timestamp
        self.gasLimit = gasLimit
        self.prevRandao = prevRandao
        self.baseFee = baseFee
        self.excessBlobGas = excessBlobGas
        self.chainID = chainID
    }
}

/// Applies one transaction to a `StateHost` (geth's `StateTransition`, evmone's `state::transition`).
public enum TransactionExecutor {
    /// EIP-4844 / EIP-7691 BLOB_BASE_FEE_UPDATE_FRACTION.
    public static func blobBaseFeeUpdateFraction(_ fork: EVM.Fork) -> UInt64 {
        fork >= .prague ? 5_007_716 : 3_338_477
    }

    /// EIP-4844 `fake_exponential(MIN_BASE_FEE_PER_BLOB_GAS, excess, fraction)`.
    public static func computeBlobBaseFee(excessBlobGas: UInt64, fork: EVM.Fork) -> UInt256 {
        let denominator = UInt256(blobBaseFeeUpdateFraction(fork))
        let numerator = UInt256(excessBlobGas)
        var i: UInt64 = 1
        var output = UInt256.zero
        var acc = denominator  // factor 1 × denominator
        while !acc.isZero {
            output = output &+ acc
            let (prod, overflow) = acc.multipliedReportingOverflow(by: numerator)
            if overflow { return UInt256(l0: .max, l1: .max, l2: .max, l3: .max) }
            acc = prod / (denominator &* UInt256(i))
            i += 1
        }
        return output / denominator
    }

    /// EIP-7702 PER_EMPTY_ACCOUNT_COST − PER_AUTH_BASE_COST, refunded for an existing authority.
    static let authExistingRefund: Int64 = 25_000 - 12_500

    /// Validates `tx` against `host`'s state and, if valid, executes it, pays the fees and finalises
    /// the transaction (selfdestructs, EIP-161 cleanup). On rejection the state is unchanged.
    public static func apply(
        _ tx: Transaction, block: BlockEnvironment, host: inout StateHost
    ) throws(TransactionRejection) -> TransactionOutcome {
        let fork = host.fork
        guard let ethFork = Ethereum.Fork(rawValue: Int(fork.rawValue)) else { throw .unsupportedFork }
        let validated: ValidatedTransaction
        do {
            validated = try tx.validate(rules: .ethereum(fork: ethFork, chainID: block.chainID))
        } catch {
            throw .invalid(error)
        }
        return try apply(validated: validated, block: block, host: &host)
    }

    /// Executes a transaction whose stateless validation and sender recovery are already done (by
    /// `Transaction.validate(rules: .ethereum(fork: host.fork, chainID: block.chainID))`, e.g. in a
    /// transaction pool): the stateful checks (nonce, EIP-3607, gas limit, fee caps, balance), the
    /// execution, the fee payments and the finalisation, exactly as `apply(_:block:host:)`. On
    /// rejection the state is unchanged.
    public static func apply(
        validated: ValidatedTransaction, block: BlockEnvironment, host: inout StateHost
    ) throws(TransactionRejection) -> TransactionOutcome {
        let fork = host.fork
        let tx = validated.transaction
        let sender = validated.sender
        let intrinsic = validated.intrinsicGas
        let senderAccount = host.accounts[sender] ?? Account()
        let txNonce = tx.nonce ?? 0
        if senderAccount.nonce != txNonce { throw .nonceMismatch(expected: senderAccount.nonce, got: txNonce) }
        if !senderAccount.code.isEmpty && !(fork >= .prague && StateHost.delegation(in: senderAccount.code) != nil) {
            throw .senderNotEOA
        }
        if tx.gasLimit > block.gasLimit {
            throw .gasLimitExceedsBlock(gasLimit: tx.gasLimit, blockGasLimit: block.gasLimit)
        }
        let baseFee = fork >= .london ? block.baseFee : .zero
        guard let price = tx.effectiveGasPrice(baseFee: baseFee) else { throw .feeCapBelowBaseFee }
        let blobBaseFee = fork >= .cancun ? computeBlobBaseFee(excessBlobGas: block.excessBlobGas, fork: fork) : .zero
        if case .blob(let b) = tx, b.maxFeePerBlobGas < blobBaseFee { throw .blobFeeCapBelowBlobBaseFee }
        guard let maxCost = tx.computeMaxUpfrontCost(), senderAccount.balance >= maxCost else {
            throw .insufficientFunds
        }

        // Buy gas.
        let gasCost = UInt256(tx.gasLimit) &* price &+ UInt256(tx.blobGas) &* blobBaseFee
        host.beginTransaction()
        host.txContext = TxContext(
            gasPrice: price, origin: sender, coinbase: block.coinbase, number: block.number,
            timestamp: block.timestamp, gasLimit: block.gasLimit, prevRandao: block.prevRandao,
            chainID: block.chainID, baseFee: baseFee, blobBaseFee: blobBaseFee, blobHashes: tx.blobVersionedHashes)
        host.accounts[sender, default: Account()].balance = senderAccount.balance &- gasCost

        // Warm (EIP-2929, EIP-3651).
        if fork >= .berlin {
            host.warm(sender)
            if let to = tx.to { host.warm(to) }
            for a in host.precompiles.addresses { host.warm(a) }
            for e in tx.accessList {
                host.warm(e.address)
                for k in e.storageKeys { host.warm(e.address, key: UInt256(bigEndian: k.bytes) ?? .zero) }
            }
        }
        if fork >= .shanghai { host.warm(block.coinbase) }

        var refund: Int64 = 0
        let gas = Int64(clamping: tx.gasLimit - intrinsic.regular)
        let result: ExecutionResult
        if let to = tx.to {
            host.accounts[sender, default: Account()].nonce = txNonce &+ 1
            if fork >= .prague {
                refund += applyAuthorizations(tx.authorizationList, chainID: block.chainID, host: &host)
            }
            var codeAddress = to
            if fork >= .prague, let d = host.delegate(of: to) {
                host.warm(d)
                codeAddress = d
            }
            result = host.call(
                Message(
                    kind: .call, gas: gas, recipient: to, sender: sender, codeAddress: codeAddress, value: tx.value,
                    input: tx.data))
        } else {
            result = host.call(
                Message(kind: .create, gas: gas, recipient: .zero, sender: sender, value: tx.value, input: tx.data))
        }

        var gasLeft = result.status.isSuccess || result.status == .revert ? result.gasLeft : 0
        if result.status.isSuccess { refund += result.gasRefund }
        let used0 = Int64(clamping: tx.gasLimit) - gasLeft
        let quotient: Int64 = fork >= .london ? 5 : 2  // EIP-3529
        let cappedRefund = Swift.max(0, Swift.min(refund, used0 / quotient))
        var gasUsed = UInt64(used0 - cappedRefund)
        if fork >= .prague { gasUsed = Swift.max(gasUsed, intrinsic.floor) }  // EIP-7623
        gasLeft = Int64(clamping: tx.gasLimit - gasUsed)

        host.addBalance(sender, UInt256(UInt64(gasLeft)) &* price)
        let tip = fork >= .london ? price &- baseFee : price
        host.addBalance(block.coinbase, UInt256(gasUsed) &* tip)
        host.finalizeTransaction()
        return TransactionOutcome(
            status: result.status, gasUsed: gasUsed, output: result.output, createdAddress: result.createdAddress)
    }

    /// EIP-7702: applies each valid authorization (invalid ones are skipped); returns the refund for
    /// authorities that already existed.
    static func applyAuthorizations(_ list: [Authorization], chainID: UInt256, host: inout StateHost) -> Int64 {
        var refund: Int64 = 0
        for auth in list {
            guard let authority = auth.computeAuthority(chainID: chainID) else { continue }
            host.warm(authority)
            let acct = host.accounts[authority]
            if let code = acct?.code, !code.isEmpty, StateHost.delegation(in: code) == nil { continue }
            if (acct?.nonce ?? 0) != auth.nonce { continue }
            if acct != nil { refund += authExistingRefund }  // geth: `Exist` (in the trie, even if empty)
            var a = acct ?? Account()
            a.nonce = auth.nonce &+ 1
            a.setCode(auth.address == .zero ? [] : [0xef, 0x01, 0x00] + auth.address.bytes)
            host.accounts[authority] = a
            host.touch(authority)
        }
        return refund
    }
}
