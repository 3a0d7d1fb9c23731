public import EVM
public import Ethereum
internal import MerkleTrie
public import Primitives

/// What executing a block produced (already checked against its header by `execute`).
public struct BlockExecutionResult: Sendable {
    /// The post-state.
    public var accounts: [EVMAddress: Account]
    public var receipts: [Receipt]
    public var gasUsed: UInt64
    public var blobGasUsed: UInt64
    public var logsBloom: Bloom
    public var stateRoot: Bytes32
    public var receiptsRoot: Bytes32
    /// EIP-7685 requests (`type ‖ data`, non-empty ones in type order; Prague on, empty before).
    public var requests: [[UInt8]]
}

/// Validates and executes post-Merge blocks (Paris…Prague; earlier and later forks are rejected
/// with `unsupportedFork`) against a parent header and state:
/// header rules (Yellow Paper §4.3.4, EIP-1559, EIP-3675, EIP-4844/7691, EIP-4895, EIP-4788,
/// EIP-7685), body roots, the system calls (EIP-4788 beacon root, EIP-2935 history, EIP-7002 and
/// EIP-7251 requests), transactions through `TransactionExecutor`, withdrawals, and the
/// post-state commitments. Proof-of-work (pre-Paris) rules are not implemented.
///
/// `execute` runs the EVM: call it on a large-stack thread (`runWithLargeStack`, ADR 0004).
public struct BlockExecutor: Sendable {
    public var fork: EVM.Fork
    public var chainID: UInt256
    /// EIP-6110 deposit contract (Prague on).
    public var depositContract: EVMAddress
    /// OP Stack / Hemi rollup rules (ADR 0011); nil for Ethereum L1 blocks.
    public var rollup: RollupRules?

    public init(
        fork: EVM.Fork, chainID: UInt256 = .one, depositContract: EVMAddress = SystemCalls.mainnetDepositContract
    ) {
        self.fork = fork
        self.chainID = chainID
        self.depositContract = depositContract
        self.rollup = nil
    }

    /// An executor for the blocks of an OP Stack / Hemi rollup on the EVM rules of `fork`
    /// (ADR 0011); the chain id is the rollup's.
    public init(fork: EVM.Fork, rollup: RollupRules) {
        self.fork = fork
        self.chainID = rollup.chainID
        self.depositContract = SystemCalls.mainnetDepositContract
        self.rollup = rollup
    }

    // MARK: Fork parameters

    /// EIP-1559 elasticity multiplier and base-fee change denominator.
    public static let elasticityMultiplier: UInt64 = 2
    public static let baseFeeChangeDenominator: UInt64 = 8
    /// EIP-4844 `GAS_PER_BLOB`.
    public static let gasPerBlob: UInt64 = 1 << 17
    /// Yellow Paper: gas limit floor and bound divisor; geth's `MaxGasLimit`.
    public static let minGasLimit: UInt64 = 5000
    public static let gasLimitBoundDivisor: UInt64 = 1024
    public static let maxGasLimit: UInt64 = 0x7fff_ffff_ffff_ffff
    public static let maxExtraDataSize = 32

    /// Target blob gas per block: 3 blobs (EIP-4844), 6 from Prague (EIP-7691).
    public var targetBlobGasPerBlock: UInt64 { (fork >= .prague ? 6 : 3) * Self.gasPerBlob }
    /// Maximum blob gas per block: 6 blobs (EIP-4844), 9 from Prague (EIP-7691).
    public var maxBlobGasPerBlock: UInt64 { (fork >= .prague ? 9 : 6) * Self.gasPerBlob }

    /// EIP-1559 base fee of a child of `parent` (post-London parent).
    public static func computeBaseFee(parent: BlockHeader) -> UInt256 {
        let parentBaseFee = parent.baseFeePerGas ?? .zero
        let target = parent.gasLimit / elasticityMultiplier
        if target == 0 || parent.gasUsed == target { return parentBaseFee }
        if parent.gasUsed > target {
            let delta =
                parentBaseFee &* UInt256(parent.gasUsed - target) / UInt256(target)
                / UInt256(baseFeeChangeDenominator)
            return parentBaseFee &+ Swift.max(delta, .one)
        }
        let delta =
            parentBaseFee &* UInt256(target - parent.gasUsed) / UInt256(target)
            / UInt256(baseFeeChangeDenominator)
        return parentBaseFee > delta ? parentBaseFee &- delta : .zero
    }

    /// EIP-4844 `calc_excess_blob_gas(parent)` with this fork's target (EIP-7691 from Prague).
    public func computeExcessBlobGas(parent: BlockHeader) -> UInt64 {
        let sum = (parent.excessBlobGas ?? 0) &+ (parent.blobGasUsed ?? 0)
        return sum < targetBlobGasPerBlock ? 0 : sum - targetBlobGasPerBlock
    }

    // MARK: Validation

    /// Header rules against the parent (no state needed).
    public func validateHeader(_ h: BlockHeader, parent: BlockHeader) throws(BlockValidationError) {
        // Osaka changes the blob fee rules (EIP-7918) and adds a block size cap (EIP-7934): not yet.
        guard fork >= .paris && fork <= .prague else { throw .unsupportedFork(fork.description) }
        if h.number != parent.number &+ 1 { throw .numberMismatch(expected: parent.number &+ 1, got: h.number) }
        if h.timestamp <= parent.timestamp {
            throw .timestampNotAfterParent(parent: parent.timestamp, got: h.timestamp)
        }
        if h.extraData.count > Self.maxExtraDataSize { throw .extraDataTooLong(h.extraData.count) }
        if h.gasLimit > Self.maxGasLimit { throw .gasLimitTooBig(h.gasLimit) }
        let diff = h.gasLimit > parent.gasLimit ? h.gasLimit - parent.gasLimit : parent.gasLimit - h.gasLimit
        if diff >= parent.gasLimit / Self.gasLimitBoundDivisor {
            throw .gasLimitOutOfBounds(parent: parent.gasLimit, got: h.gasLimit)
        }
        if h.gasLimit < Self.minGasLimit { throw .gasLimitBelowMinimum(h.gasLimit) }
        if h.gasUsed > h.gasLimit { throw .gasUsedAboveLimit(gasUsed: h.gasUsed, gasLimit: h.gasLimit) }

        guard let baseFee = h.baseFeePerGas else { throw .missingHeaderField("baseFeePerGas") }
        let expectedBaseFee =
            rollup?.computeBaseFee(
                parentGasLimit: parent.gasLimit, parentGasUsed: parent.gasUsed,
                parentBaseFee: parent.baseFeePerGas ?? .zero) ?? Self.computeBaseFee(parent: parent)
        if baseFee != expectedBaseFee { throw .baseFeeMismatch(expected: expectedBaseFee, got: baseFee) }

        // EIP-3675.
        if !h.difficulty.isZero { throw .difficultyNotZero }
        if h.nonce != 0 { throw .nonceNotZero }
        if h.ommersHash != BlockHeader.emptyOmmersHash { throw .ommersNotEmpty }

        try requireField(h.withdrawalsRoot != nil, from: .shanghai, "withdrawalsRoot")
        try requireField(h.blobGasUsed != nil, from: .cancun, "blobGasUsed")
        try requireField(h.excessBlobGas != nil, from: .cancun, "excessBlobGas")
        try requireField(h.parentBeaconBlockRoot != nil, from: .cancun, "parentBeaconBlockRoot")
        try requireField(h.requestsHash != nil, from: .prague, "requestsHash")

        if fork >= .cancun, let used = h.blobGasUsed, let excess = h.excessBlobGas {
            if used > maxBlobGasPerBlock || used % Self.gasPerBlob != 0 { throw .blobGasUsedInvalid(used) }
            let expected = computeExcessBlobGas(parent: parent)
            if excess != expected { throw .excessBlobGasMismatch(expected: expected, got: excess) }
        }
    }

    private func requireField(_ present: Bool, from: EVM.Fork, _ name: String) throws(BlockValidationError) {
        if fork >= from && !present { throw .missingHeaderField(name) }
        if fork < from && present { throw .unexpectedHeaderField(name) }
    }

    /// Body commitments the header makes before execution: transactions root, ommers, withdrawals.
    public func validateBody(_ block: Block) throws(BlockValidationError) {
        if !block.ommers.isEmpty { throw .ommersNotEmpty }
        if BlockRoots.computeOmmersHash(block.ommers) != block.header.ommersHash { throw .ommersHashMismatch }
        if BlockRoots.computeTransactionsRoot(block.transactions) != block.header.transactionsRoot {
            throw .transactionsRootMismatch
        }
        if fork >= .shanghai {
            guard let w = block.withdrawals, let root = block.header.withdrawalsRoot else {
                throw .missingHeaderField("withdrawals")
            }
            if BlockRoots.computeWithdrawalsRoot(w) != root { throw .withdrawalsRootMismatch }
        } else if block.withdrawals != nil {
            throw .unexpectedHeaderField("withdrawals")
        }
    }

    // MARK: Execution

    /// Validates `block` against `parent`, executes it on `state` and checks every post-execution
    /// commitment in the header. `blockHashes` maps ancestor numbers to hashes for BLOCKHASH (the
    /// 256 most recent suffice). Run on a large-stack thread.
    public func execute(
        _ block: Block, parent: BlockHeader, state: [EVMAddress: Account], blockHashes: [UInt64: Bytes32]
    ) throws(BlockValidationError) -> BlockExecutionResult {
        let h = block.header
        try validateHeader(h, parent: parent)
        try validateBody(block)

        var host = StateHost(fork: fork, accounts: state)
        host.blockHashes = blockHashes
        let env = BlockEnvironment(
            coinbase: h.coinbase, number: h.number, timestamp: h.timestamp, gasLimit: h.gasLimit,
            prevRandao: UInt256(bigEndian: h.mixHash), baseFee: h.baseFeePerGas ?? .zero,
            excessBlobGas: h.excessBlobGas ?? 0, chainID: chainID)
        let systemContext = TxContext(
            coinbase: h.coinbase, number: h.number, timestamp: h.timestamp, gasLimit: h.gasLimit,
            prevRandao: env.prevRandao, chainID: chainID, baseFee: env.baseFee,
            blobBaseFee: TransactionExecutor.computeBlobBaseFee(excessBlobGas: env.excessBlobGas, fork: fork))

        // Pre-transaction system calls.
        if fork >= .cancun, let root = h.parentBeaconBlockRoot {  // EIP-4788
            _ = SystemCalls.call(SystemCalls.beaconRootsAddress, input: root.bytes, context: systemContext, host: &host)
        }
        if fork >= .prague {  // EIP-2935
            _ = SystemCalls.call(
                SystemCalls.historyStorageAddress, input: h.parentHash.bytes, context: systemContext, host: &host)
        }

        // Transactions.
        var receipts: [Receipt] = []
        receipts.reserveCapacity(block.transactions.count)
        var gasUsed: UInt64 = 0
        var blobGasUsed: UInt64 = 0
        var bloom = Bloom()
        var allLogs: [Ethereum.Log] = []
        if let rollup {
            try executeRollupTransactions(
                block.transactions, rules: rollup, env: env, host: &host, receipts: &receipts, gasUsed: &gasUsed,
                bloom: &bloom)
        }
        for (i, tx) in block.transactions.enumerated() where rollup == nil {
            let remaining = h.gasLimit - gasUsed
            if tx.gasLimit > remaining {
                throw .transactionGasAboveRemaining(index: i, gasLimit: tx.gasLimit, remaining: remaining)
            }
            let blobGas = UInt64(tx.blobVersionedHashes.count) * Self.gasPerBlob
            if blobGas > maxBlobGasPerBlock - blobGasUsed { throw .blobGasAboveRemaining(index: i) }
            let outcome: TransactionOutcome
            do {
                outcome = try TransactionExecutor.apply(tx, block: env, host: &host)
            } catch {
                throw .transaction(index: i, error)
            }
            if let k = host.hitUnimplementedPrecompile {
                throw .unimplementedPrecompile(index: i, "\(k)")
            }
            gasUsed += outcome.gasUsed
            blobGasUsed += blobGas
            let logs = host.logs.map { Ethereum.Log(address: $0.address, topics: $0.topics, data: $0.data) }
            let receipt = Receipt(
                type: tx.type, succeeded: outcome.status.isSuccess, cumulativeGasUsed: gasUsed, logs: logs)
            bloom.formUnion(receipt.logsBloom)
            allLogs += logs
            receipts.append(receipt)
        }

        // Withdrawals (EIP-4895): plain balance credits, empty touched accounts cleaned up.
        if let withdrawals = block.withdrawals {
            host.beginTransaction()
            for w in withdrawals { host.addBalance(w.address, w.amountInWei) }
            host.finalizeTransaction()
        }

        // EIP-7685 requests (Prague).
        var requests: [[UInt8]] = []
        if fork >= .prague {
            // OP Stack (Isthmus) blocks carry the empty requests list: no EIP-6110/7002/7251.
            if rollup == nil { requests = try collectRequests(logs: allLogs, context: systemContext, host: &host) }
            let got = BlockRequests.computeRequestsHash(requests)
            if let want = h.requestsHash, want != got { throw .requestsHashMismatch(expected: want, got: got) }
        }

        // Post-execution commitments.
        if gasUsed != h.gasUsed { throw .gasUsedMismatch(expected: h.gasUsed, got: gasUsed) }
        if fork >= .cancun, let want = h.blobGasUsed, want != blobGasUsed {
            throw .blobGasUsedMismatch(expected: want, got: blobGasUsed)
        }
        let receiptsRoot = BlockRoots.computeReceiptsRoot(receipts)
        if receiptsRoot != h.receiptsRoot { throw .receiptsRootMismatch }
        if bloom != h.logsBloom { throw .logsBloomMismatch }
        let stateRoot = StateCommitment.computeStateRoot(host.accounts)
        if stateRoot != h.stateRoot { throw .stateRootMismatch(expected: h.stateRoot, got: stateRoot) }
        return BlockExecutionResult(
            accounts: host.accounts, receipts: receipts, gasUsed: gasUsed, blobGasUsed: blobGasUsed, logsBloom: bloom,
            stateRoot: stateRoot, receiptsRoot: receiptsRoot, requests: requests)
    }

    /// `execute` on a new large-stack thread (ADR 0004), for callers on ordinary threads or tasks;
    /// blocks the calling thread until the block is done.
    public func executeOnLargeStack(
        _ block: Block, parent: BlockHeader, state: [EVMAddress: Account], blockHashes: [UInt64: Bytes32]
    ) throws(BlockValidationError) -> BlockExecutionResult {
        let me = self
        let r: Result<BlockExecutionResult, BlockValidationError> = runWithLargeStack {
            do throws(BlockValidationError) {
                return .success(try me.execute(block, parent: parent, state: state, blockHashes: blockHashes))
            } catch {
                return .failure(error)
            }
        }
        return try r.get()
    }

    /// The transactions of a rollup block (ADR 0011): deposits first (at least the L1-attributes
    /// one), then user transactions of types 0–2 (and 4 from Prague) with the L1 data fee charged
    /// to the sender and paid to the L1 fee vault, and the base fee burnt or paid to its vault.
    func executeRollupTransactions(
        _ txs: [Transaction], rules: RollupRules, env: BlockEnvironment, host: inout StateHost,
        receipts: inout [Receipt], gasUsed: inout UInt64, bloom: inout Bloom
    ) throws(BlockValidationError) {
        guard let ethFork = Ethereum.Fork(rawValue: Int(fork.rawValue)) else { throw .unsupportedFork(fork.description) }
        let txRules = TransactionRules.hemi(fork: ethFork, chainID: rules.chainID)
        guard case .deposit? = txs.first else { throw .rollupFirstTransactionNotDeposit }
        var depositsDone = false
        for (i, tx) in txs.enumerated() {
            let remaining = env.gasLimit - gasUsed
            if tx.gasLimit > remaining {
                throw .transactionGasAboveRemaining(index: i, gasLimit: tx.gasLimit, remaining: remaining)
            }
            let receipt: Receipt
            if case .deposit(let d) = tx {
                if depositsDone { throw .rollupDepositAfterUserTransaction(index: i) }
                let out = DepositExecutor.apply(d, block: env, host: &host)
                gasUsed += out.gasUsed
                receipt = Receipt(
                    type: .deposit, outcome: .status(out.succeeded), cumulativeGasUsed: gasUsed,
                    logs: host.logs.map { Ethereum.Log(address: $0.address, topics: $0.topics, data: $0.data) },
                    depositNonce: out.nonceBefore, depositReceiptVersion: rules.depositReceiptVersion)
            } else {
                depositsDone = true
                switch tx.type {
                case .legacy, .accessList, .dynamicFee: break
                case .setCode where fork >= .prague: break
                default: throw .rollupTransactionTypeNotAllowed(index: i, "\(tx.type)")
                }
                let validated: ValidatedTransaction
                do { validated = try tx.validate(rules: txRules) } catch {
                    throw .transaction(index: i, .invalid(error))
                }
                // Ecotone L1 data fee: bought with the gas, before execution (op-geth `buyGas`).
                let l1Fee = rules.computeL1Fee(envelope: tx.encodedEnvelope())
                let sender = validated.sender
                if !l1Fee.isZero {
                    let balance = host.balance(sender)
                    guard let upfront = tx.computeMaxUpfrontCost(), balance >= upfront,
                        balance &- upfront >= l1Fee
                    else { throw .transaction(index: i, .insufficientFunds) }
                    host.accounts[sender, default: Account()].balance = balance &- l1Fee
                }
                let outcome: TransactionOutcome
                do { outcome = try TransactionExecutor.apply(validated: validated, block: env, host: &host) } catch {
                    throw .transaction(index: i, error)
                }
                if let k = host.hitUnimplementedPrecompile { throw .unimplementedPrecompile(index: i, "\(k)") }
                let logs = host.logs.map { Ethereum.Log(address: $0.address, topics: $0.topics, data: $0.data) }
                // Vault payments after the transaction (op-geth `innerTransitionDb`); an empty
                // vault credited with zero stays absent (EIP-161).
                if !l1Fee.isZero { Self.credit(rules.l1FeeRecipient, l1Fee, host: &host) }
                if let vault = rules.baseFeeRecipient {
                    let fee = UInt256(outcome.gasUsed) &* env.baseFee
                    if !fee.isZero { Self.credit(vault, fee, host: &host) }
                }
                gasUsed += outcome.gasUsed
                receipt = Receipt(
                    type: tx.type, succeeded: outcome.status.isSuccess, cumulativeGasUsed: gasUsed, logs: logs)
            }
            bloom.formUnion(receipt.logsBloom)
            receipts.append(receipt)
        }
    }

    static func credit(_ a: EVMAddress, _ v: UInt256, host: inout StateHost) {
        host.accounts[a, default: Account()].balance = (host.accounts[a]?.balance ?? .zero) &+ v
    }

    /// EIP-6110 deposits from the deposit contract's logs, then the EIP-7002 and EIP-7251 system
    /// calls (each must exist and succeed); each request list is `type ‖ concatenated data`, and
    /// lists with no data are left out (EIP-7685).
    func collectRequests(logs: [Ethereum.Log], context: TxContext, host: inout StateHost) throws(BlockValidationError)
        -> [[UInt8]]
    {
        var deposits: [UInt8] = []
        for l in logs where l.address == depositContract && l.topics.first == SystemCalls.depositEventTopic {
            guard let r = SystemCalls.depositRequest(fromLogData: l.data) else { throw .invalidDepositLog }
            deposits += r
        }
        var out: [[UInt8]] = []
        if !deposits.isEmpty { out.append([BlockRequests.depositRequestType] + deposits) }
        for (address, type) in [
            (SystemCalls.withdrawalRequestAddress, BlockRequests.withdrawalRequestType),
            (SystemCalls.consolidationRequestAddress, BlockRequests.consolidationRequestType),
        ] {
            guard let r = SystemCalls.call(address, input: [], context: context, host: &host), r.status.isSuccess else {
                throw .systemCallFailed(address)
            }
            if !r.output.isEmpty { out.append([type] + r.output) }
        }
        return out
    }
}
