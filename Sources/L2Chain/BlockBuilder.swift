public import EVM
public import Ethereum
public import Execution
internal import Hashing
internal import MerkleTrie
internal import Precompiles
public import Primitives

/// The block-level values of one L2 block before execution.
public struct L2BlockContext: Sendable, Equatable {
    public var number: UInt64
    public var timestamp: UInt64
    public var gasLimit: UInt64
    public var baseFee: UInt256
    public var coinbase: Bytes20
    public var prevRandao: Bytes32
    public var parentHash: Bytes32
    /// The L1 origin (a devnet without L1 pins block 0 with a zero hash).
    public var l1OriginNumber: UInt64
    public var l1OriginHash: Bytes32
    public var l1OriginTimestamp: UInt64

    public init(
        number: UInt64, timestamp: UInt64, gasLimit: UInt64, baseFee: UInt256, coinbase: Bytes20,
        prevRandao: Bytes32, parentHash: Bytes32, l1OriginNumber: UInt64 = 0, l1OriginHash: Bytes32 = .zero,
        l1OriginTimestamp: UInt64 = 0
    ) {
        self.number = number
        self.timestamp = timestamp
        self.gasLimit = gasLimit
        self.baseFee = baseFee
        self.coinbase = coinbase
        self.prevRandao = prevRandao
        self.parentHash = parentHash
        self.l1OriginNumber = l1OriginNumber
        self.l1OriginHash = l1OriginHash
        self.l1OriginTimestamp = l1OriginTimestamp
    }
}

/// Why a transaction did not go into a block.
public enum BlockBuildError: Error, Sendable, CustomStringConvertible {
    /// The transaction's gas limit exceeds the gas left in the block (it may fit a later block).
    case blockFull(gasLimit: UInt64, remaining: UInt64)
    /// Blob transactions (and any type the L2 does not carry) are refused.
    case unsupportedType(TransactionType)
    case rejected(TransactionRejection)

    public var description: String {
        switch self {
        case .blockFull(let g, let r): return "gas limit \(g) above the \(r) gas left in the block"
        case .unsupportedType(let t): return "transaction type \(t) not accepted on this chain"
        case .rejected(let r): return r.description
        }
    }
}

/// Executes the transactions of one L2 block in order on top of the parent state. Block
/// production and block validation both go through it: the sequencer adds pool transactions one
/// by one (skipping rejected ones); validation replays a block's list and requires every one to
/// apply. Must run on a large-stack thread (`runWithLargeStack`, ADR 0004).
public struct BlockBuilder {
    public let config: ChainConfig
    public let context: L2BlockContext
    public private(set) var host: StateHost
    public private(set) var transactions: [SealedTransaction] = []
    public private(set) var receipts: [ReceiptRecord] = []
    public private(set) var gasUsed: UInt64 = 0
    var logCount: UInt64 = 0

    /// `blockHashes`: ancestors' hashes by number for BLOCKHASH (the last 256 are enough).
    public init(
        config: ChainConfig, context: L2BlockContext, state: [EVMAddress: Account], blockHashes: [UInt64: Bytes32] = [:]
    ) {
        self.config = config
        self.context = context
        self.host = StateHost(fork: config.fork, accounts: state)
        self.host.blockHashes = blockHashes
    }

    var environment: BlockEnvironment {
        BlockEnvironment(
            coinbase: context.coinbase, number: context.number, timestamp: context.timestamp,
            gasLimit: context.gasLimit, prevRandao: UInt256(bigEndian: context.prevRandao.bytes) ?? .zero,
            baseFee: context.baseFee, excessBlobGas: 0, chainID: UInt256(config.chainID))
    }

    public var gasRemaining: UInt64 { context.gasLimit &- gasUsed }

    /// Sets the tracer that observes the transactions applied from now on (nil stops tracing).
    public mutating func setTracer(_ tracer: (any StepTracer)?) { host.tracer = tracer }

    /// Ecotone `setL1BlockValuesEcotone` calldata: selector 0x440a5e20 then, packed,
    /// baseFeeScalar u32, blobBaseFeeScalar u32, sequenceNumber u64, timestamp u64, number u64,
    /// basefee u256, blobBaseFee u256, hash bytes32, batcherHash bytes32 (OP specs, "L1 Attributes").
    public static func l1AttributesCalldata(
        config: ChainConfig, context: L2BlockContext, sequenceNumber: UInt64
    ) -> [UInt8] {
        var d: [UInt8] = [0x44, 0x0a, 0x5e, 0x20]
        func be<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.bigEndian) { d.append(contentsOf: $0) } }
        be(config.baseFeeScalar)
        be(config.blobBaseFeeScalar)
        be(sequenceNumber)
        be(context.l1OriginTimestamp)
        be(context.l1OriginNumber)
        d += config.l1BaseFee.bigEndianBytes
        d += config.l1BlobBaseFee.bigEndianBytes
        d += context.l1OriginHash.bytes
        d += [UInt8](repeating: 0, count: 32)  // batcher hash: no batcher in a devnet
        return d
    }

    /// The L1-attributes deposit of a block (OP specs "L1 Attributes Deposited Transaction"): from
    /// the depositor account to the L1Block predeploy, gas 1,000,000, no mint or value, not a system
    /// transaction (Regolith); source hash `keccak256(bytes32(1) ‖ keccak256(l1BlockHash ‖ bytes32(seq)))`.
    public static func l1AttributesDeposit(config: ChainConfig, context: L2BlockContext) -> Transaction {
        let seq = context.number  // one L1 origin for the whole devnet chain: the sequence number grows with L2
        var inner = context.l1OriginHash.bytes
        inner += UInt256(seq).bigEndianBytes
        var outer = UInt256.one.bigEndianBytes
        outer += Keccak256.hash(inner).bytes
        return .deposit(
            DepositTransaction(
                sourceHash: Keccak256.hash(outer), from: ChainConfig.l1AttributesDepositor,
                to: ChainConfig.l1BlockPredeploy, mint: .zero, value: .zero, gasLimit: 1_000_000,
                isSystemTransaction: false, data: l1AttributesCalldata(config: config, context: context, sequenceNumber: seq)))
    }

    /// Applies the block's L1-attributes deposit; it must be the first transaction.
    public mutating func applyL1Attributes() -> ReceiptRecord {
        let tx = SealedTransaction(Self.l1AttributesDeposit(config: config, context: context))
        return applyDeposit(tx)
    }

    /// Applies a deposit (0x7E): no signature, nonce check or gas purchase; `mint` is credited,
    /// the sender's nonce increments; Regolith gas accounting (the actual gas used, refunds
    /// included, as op-geth/revm report it; a failed deposit uses its whole gas limit).
    public mutating func applyDeposit(_ sealed: SealedTransaction) -> ReceiptRecord {
        guard case .deposit(let d) = sealed.transaction else { preconditionFailure("applyDeposit needs a 0x7E") }
        let env = environment
        host.beginTransaction()
        host.txContext = TxContext(
            gasPrice: .zero, origin: d.from, coinbase: env.coinbase, number: env.number, timestamp: env.timestamp,
            gasLimit: env.gasLimit, prevRandao: env.prevRandao, chainID: env.chainID, baseFee: env.baseFee,
            blobBaseFee: .one, blobHashes: [])
        let nonceBefore = host.accounts[d.from]?.nonce ?? 0
        if !d.mint.isZero { host.addBalance(d.from, d.mint) }
        host.warm(d.from)
        if let to = d.to { host.warm(to) }
        for a in host.precompiles.addresses { host.warm(a) }
        host.warm(env.coinbase)
        // Regolith: intrinsic gas counts; a deposit that cannot pay it fails using its whole limit.
        let ethFork = Ethereum.Fork(rawValue: Int(config.fork.rawValue)) ?? .cancun
        let intrinsic = IntrinsicGas.compute(
            data: d.data, isCreate: d.to == nil, accessListAddresses: 0, accessListStorageKeys: 0, authorizations: 0,
            fork: ethFork
        ).regular
        // Failed deposits (op-geth `TransitionDb`): intrinsic gas above the limit, value above the
        // balance after the mint, EIP-3860 init code too long.
        let initCodeTooLong = d.to == nil && config.fork >= .shanghai && d.data.count > 49_152
        guard intrinsic <= d.gasLimit, host.balance(d.from) >= d.value, !initCodeTooLong else {
            host.touch(d.from)
            var acct = host.accounts[d.from] ?? Account()
            acct.nonce = nonceBefore &+ 1
            host.accounts[d.from] = acct
            host.finalizeTransaction()
            return record(
                sealed, from: d.from, to: d.to, succeeded: false, used: d.gasLimit, price: .zero, created: nil,
                depositNonce: nonceBefore, isDeposit: true)
        }
        let gas = Int64(clamping: d.gasLimit - intrinsic)
        let result: ExecutionResult
        if let to = d.to {
            host.touch(d.from)
            var acct = host.accounts[d.from] ?? Account()
            acct.nonce = nonceBefore &+ 1
            host.accounts[d.from] = acct
            result = host.call(Message(kind: .call, gas: gas, recipient: to, sender: d.from, value: d.value, input: d.data))
        } else {
            result = host.call(Message(kind: .create, gas: gas, recipient: .zero, sender: d.from, value: d.value, input: d.data))
        }
        // Regolith: the actual gas used — `gasLimit − gasLeft` for a success (less the EIP-3529
        // capped refund) or a revert, the whole limit for an exceptional halt.
        let ok = result.status.isSuccess
        let left = ok || result.status == .revert ? Swift.max(result.gasLeft, 0) : 0
        let used0 = Int64(clamping: d.gasLimit) - left
        let refund = ok ? Swift.max(0, Swift.min(result.gasRefund, used0 / 5)) : 0
        let used = UInt64(used0 - refund)
        host.finalizeTransaction()
        return record(
            sealed, from: d.from, to: d.to, succeeded: ok, used: used, price: .zero,
            created: ok ? result.createdAddress : nil, depositNonce: nonceBefore, isDeposit: true)
    }

    /// Applies a signed transaction whose sender is already known (pool admission recovered it).
    /// On error the state is unchanged and nothing is added.
    @discardableResult
    public mutating func apply(_ sealed: SealedTransaction, sender: Bytes20) throws(BlockBuildError) -> ReceiptRecord {
        let tx = sealed.transaction
        switch tx.type {
        case .legacy, .accessList, .dynamicFee, .setCode: break
        default: throw .unsupportedType(tx.type)
        }
        if tx.gasLimit > gasRemaining { throw .blockFull(gasLimit: tx.gasLimit, remaining: gasRemaining) }
        // Ecotone L1 data fee: bought with the gas (op-geth `buyGas`), paid to the L1FeeVault after
        // the transaction. Zero in a devnet (no L1), where this changes nothing.
        let l1Fee = Self.computeL1Fee(config: config, envelope: tx.encodedEnvelope())
        let balanceBefore = host.accounts[sender]?.balance ?? .zero
        if !l1Fee.isZero {
            guard let upfront = tx.computeMaxUpfrontCost(), balanceBefore >= upfront, balanceBefore &- upfront >= l1Fee else {
                throw .rejected(.insufficientFunds)
            }
            host.accounts[sender, default: Account()].balance = balanceBefore &- l1Fee
        }
        let outcome: TransactionOutcome
        do { outcome = try TransactionExecutor.apply(tx, block: environment, host: &host) } catch {
            if !l1Fee.isZero { host.accounts[sender]?.balance = balanceBefore }
            throw .rejected(error)
        }
        if !l1Fee.isZero {
            host.accounts[ChainConfig.l1FeeVault, default: Account()].balance =
                (host.accounts[ChainConfig.l1FeeVault]?.balance ?? .zero) &+ l1Fee
        }
        let price = tx.effectiveGasPrice(baseFee: context.baseFee) ?? .zero
        return record(
            sealed, from: sender, to: tx.to, succeeded: outcome.status.isSuccess, used: outcome.gasUsed, price: price,
            created: outcome.createdAddress, depositNonce: nil, isDeposit: false)
    }

    mutating func record(
        _ sealed: SealedTransaction, from: Bytes20, to: Bytes20?, succeeded: Bool, used: UInt64, price: UInt256,
        created: Bytes20?, depositNonce: UInt64?, isDeposit: Bool
    ) -> ReceiptRecord {
        gasUsed &+= used
        let logs = host.logs.map { Log(address: $0.address, topics: $0.topics, data: $0.data) }
        let receipt = Receipt(
            type: sealed.transaction.type, outcome: .status(succeeded), cumulativeGasUsed: gasUsed, logs: logs,
            depositNonce: depositNonce, depositReceiptVersion: depositNonce == nil ? nil : 1)
        var l1GasUsed: UInt64 = 0
        var l1Fee = UInt256.zero
        if !isDeposit {
            let envelope = sealed.transaction.encodedEnvelope()
            for b in envelope { l1GasUsed &+= b == 0 ? 4 : 16 }
            l1Fee = Self.computeL1Fee(config: config, envelope: envelope)
        }
        let rec = ReceiptRecord(
            receipt: receipt, transactionHash: sealed.hash, from: from, to: to, contractAddress: created,
            gasUsed: used, effectiveGasPrice: price, l1GasUsed: l1GasUsed,
            l1GasPrice: isDeposit ? .zero : config.l1BaseFee, l1Fee: l1Fee, firstLogIndex: logCount)
        logCount &+= UInt64(logs.count)
        transactions.append(sealed)
        receipts.append(rec)
        return rec
    }

    /// Ecotone: `l1Fee = l1GasUsed × (16·baseFeeScalar·l1BaseFee + blobBaseFeeScalar·blobBaseFee) / 16e6`
    /// with `l1GasUsed` = 4 per zero byte and 16 per non-zero byte of the EIP-2718 envelope.
    static func computeL1Fee(config: ChainConfig, envelope: [UInt8]) -> UInt256 {
        var l1GasUsed: UInt64 = 0
        for b in envelope { l1GasUsed &+= b == 0 ? 4 : 16 }
        let scaled =
            UInt256(16) &* UInt256(UInt64(config.baseFeeScalar)) &* config.l1BaseFee
            &+ UInt256(UInt64(config.blobBaseFeeScalar)) &* config.l1BlobBaseFee
        return UInt256(l1GasUsed) &* scaled / UInt256(16_000_000)
    }

    /// The header fields execution determines (state root excluded: the chain computes it
    /// incrementally when it commits the post-state).
    public func makeHeader(stateRoot: Bytes32) -> BlockHeader {
        var bloom = Bloom()
        for r in receipts { bloom.formUnion(r.receipt.logsBloom) }
        return BlockHeader(
            parentHash: context.parentHash, coinbase: context.coinbase, stateRoot: stateRoot,
            transactionsRoot: BlockRoots.computeTransactionsRoot(transactions.map(\.transaction)),
            receiptsRoot: BlockRoots.computeReceiptsRoot(receipts.map(\.receipt)), logsBloom: bloom,
            number: context.number, gasLimit: context.gasLimit, gasUsed: gasUsed, timestamp: context.timestamp,
            mixHash: context.prevRandao, baseFeePerGas: context.baseFee,
            withdrawalsRoot: BlockHeader.emptyTrieRoot, blobGasUsed: 0, excessBlobGas: 0,
            parentBeaconBlockRoot: .zero)
    }
}
