internal import Primitives
public import Bitcoin
public import BitcoinScript

/// An unspent output with the facts consensus needs about it (Bitcoin Core's `Coin`).
public struct Coin: Hashable, Sendable {
    /// The output itself.
    public var output: TxOut
    /// Height of the block that created it.
    public var height: Int
    /// Created by a coinbase (maturity applies).
    public var isCoinbase: Bool

    public init(output: TxOut, height: Int, isCoinbase: Bool) {
        self.output = output
        self.height = height
        self.isCoinbase = isCoinbase
    }
}

/// Read access to a UTXO set (the state before the block).
public protocol UTXOView {
    /// The unspent output at `outpoint`, or nil if it does not exist or is spent.
    func coin(for outpoint: OutPoint) -> Coin?
}

/// A dictionary is a UTXO view (tests, small tools).
extension Dictionary: UTXOView where Key == OutPoint, Value == Coin {
    public func coin(for outpoint: OutPoint) -> Coin? { self[outpoint] }
}

/// Verifies one input's scripts. `BitcoinScriptChecker` is the real one (Bitcoin Core's
/// interpreter rules); consensus code only sees this protocol, so tests can count or fail checks.
public protocol InputScriptChecker: Sendable {
    /// Work shared by all inputs of one transaction (sighash midstates), computed once per tx.
    associatedtype TxData: Sendable

    /// Prepares `tx`; `spentOutputs` are the outputs all its inputs spend, in input order.
    func prepare(tx: Transaction, spentOutputs: [TxOut]) -> TxData

    /// Checks input `inputIndex` of `tx`. `flags` are Core's `SCRIPT_VERIFY_*` bits.
    /// Returns nil when the input is valid, else the script error's name.
    func check(tx: Transaction, inputIndex: Int, spentOutputs: [TxOut], prepared: TxData, flags: UInt32) -> String?

    /// False for a checker that does not verify anything (see `NoScriptChecker`).
    var verifiesScripts: Bool { get }
}

extension InputScriptChecker {
    public var verifiesScripts: Bool { true }
}

extension InputScriptChecker where TxData == Void {
    public func prepare(tx: Transaction, spentOutputs: [TxOut]) {}
}

/// A placeholder that verifies no script; `connectBlock` then reports the checks as skipped.
public struct NoScriptChecker: InputScriptChecker {
    public typealias TxData = Void
    public init() {}
    public func check(tx: Transaction, inputIndex: Int, spentOutputs: [TxOut], prepared: Void, flags: UInt32) -> String? {
        nil
    }
    public var verifiesScripts: Bool { false }
}

/// The script interpreter of `BitcoinScript` behind `InputScriptChecker`: Bitcoin Core's
/// `VerifyScript` with the per-transaction `PrecomputedTransactionData` built once per tx.
public struct BitcoinScriptChecker: InputScriptChecker {
    public typealias TxData = PrecomputedTransactionData
    public init() {}

    public func prepare(tx: Transaction, spentOutputs: [TxOut]) -> PrecomputedTransactionData {
        PrecomputedTransactionData(tx: tx, spentOutputs: spentOutputs)
    }

    public func check(
        tx: Transaction, inputIndex: Int, spentOutputs: [TxOut], prepared: PrecomputedTransactionData, flags: UInt32
    ) -> String? {
        guard inputIndex >= 0, inputIndex < spentOutputs.count else { return "UNKNOWN_ERROR (no spent output)" }
        return verifyScript(
            tx: tx, inputIndex: inputIndex, spentOutput: spentOutputs[inputIndex], precomputed: prepared,
            flags: ScriptFlags(rawValue: flags))?.coreName
    }
}

/// What connecting a block changed and measured.
public struct ConnectedBlock: Sendable {
    /// Total fees (inputs − outputs of all non-coinbase transactions).
    public var fees: Int64
    /// `GetTransactionSigOpCost` summed over the block.
    public var sigOpsCost: Int
    /// Coins the block spent that existed before it (the undo data), by outpoint.
    public var spent: [OutPoint: Coin]
    /// Coins the block created that are still unspent after it (unspendable outputs are not added).
    public var created: [OutPoint: Coin]
    /// Inputs whose scripts were verified.
    public var scriptChecks: Int
    /// Inputs whose scripts were not verified (no interpreter).
    public var scriptChecksSkipped: Int
}

/// Context for `BlockConnector.connect` beyond the UTXO view.
public struct ConnectContext: Sendable {
    public var height: Int
    public var params: ChainParams
    /// Median time past of the block at a given height of the chain being extended (heights below the
    /// new block). Needed for BIP68 time locks once CSV is active; nil makes such locks an error.
    public var medianTimePast: (@Sendable (Int) -> Int64?)?
    /// Script checks run serially when 1; otherwise split into `parallelism × 4` chunks run as child
    /// tasks (the global executor bounds real concurrency by the core count).
    public var parallelism: Int

    public init(height: Int, params: ChainParams, medianTimePast: (@Sendable (Int) -> Int64?)? = nil, parallelism: Int = 4) {
        self.height = height
        self.params = params
        self.medianTimePast = medianTimePast
        self.parallelism = max(1, parallelism)
    }
}

/// Bitcoin Core's `ConnectBlock` transaction rules (without BIP30, which needs the whole UTXO history).
public enum BlockConnector {
    /// BIP68 constants.
    static let sequenceLockTimeGranularity = 9

    /// Core's `IsUnspendable`: OP_RETURN outputs and scripts over 10,000 bytes never enter the UTXO set.
    static func isUnspendable(_ s: [UInt8]) -> Bool { s.count > 10_000 || (s.first == 0x6a) }

    /// Connects `block` on top of `view`: for each transaction, inputs exist (also those created
    /// earlier in the block) and are unspent, coinbase outputs are mature (100 blocks), input values and
    /// their sum are in `MoneyRange`, inputs cover outputs, fees are in range, BIP68 sequence locks hold
    /// (from CSV), the sigop cost stays within 80,000; then the coinbase claims at most subsidy + fees;
    /// finally every input script is verified **in parallel** by `checker` with
    /// `BlockValidation.scriptFlags`. The first failure in block order is thrown.
    ///
    /// Call `BlockValidation.checkBlock` and `contextualCheckBlock` first, as Core does.
    public static func connect<V: UTXOView, C: InputScriptChecker>(
        _ block: Block, view: V, context: ConnectContext, checker: C
    ) async throws(BlockValidationError) -> ConnectedBlock {
        let params = context.params
        let height = context.height
        let hash = block.computeHash()
        let flags = BlockValidation.scriptFlags(height: height, hash: hash, params: params)
        let csv = height >= params.csvHeight
        var created: [OutPoint: Coin] = [:]
        var spentBefore: [OutPoint: Coin] = [:]
        var spentInBlock = Set<OutPoint>()
        var fees: Int64 = 0
        var sigOpsCost = 0
        var spentOutputsPerTx: [[TxOut]] = Array(repeating: [], count: block.transactions.count)
        var jobCount = 0
        let parentMTP: Int64? = height > 0 ? context.medianTimePast?(height - 1) : nil

        for (t, tx) in block.transactions.enumerated() {
            let txid = tx.computeTxID()
            var spentOutputs: [TxOut] = []
            if !tx.isCoinbase {
                spentOutputs.reserveCapacity(tx.inputs.count)
                var valueIn: Int64 = 0
                var prevHeights: [Int] = []
                prevHeights.reserveCapacity(tx.inputs.count)
                for (i, input) in tx.inputs.enumerated() {
                    let op = input.prevout
                    let coin: Coin
                    if let c = created[op] {
                        coin = c
                    } else if !spentInBlock.contains(op), let c = view.coin(for: op) {
                        coin = c
                    } else {
                        throw BlockValidationError("bad-txns-inputs-missingorspent", tx: t, input: i, detail: "\(op) missing or spent")
                    }
                    if coin.isCoinbase && height - coin.height < params.coinbaseMaturity {
                        throw BlockValidationError("bad-txns-premature-spend-of-coinbase", tx: t, input: i,
                            detail: "tried to spend coinbase at depth \(height - coin.height)")
                    }
                    if !Money.inRange(coin.output.value) {
                        throw BlockValidationError("bad-txns-inputvalues-outofrange", tx: t, input: i)
                    }
                    valueIn += coin.output.value
                    if !Money.inRange(valueIn) { throw BlockValidationError("bad-txns-inputvalues-outofrange", tx: t, input: i) }
                    spentOutputs.append(coin.output)
                    prevHeights.append(coin.height)
                }
                var valueOut: Int64 = 0
                for o in tx.outputs { valueOut += o.value }  // CheckTransaction bounded each and the sum
                if valueIn < valueOut {
                    throw BlockValidationError("bad-txns-in-belowout", tx: t, detail: "value in \(valueIn) < value out \(valueOut)")
                }
                let fee = valueIn - valueOut
                if !Money.inRange(fee) { throw BlockValidationError("bad-txns-fee-outofrange", tx: t) }
                fees += fee
                if !Money.inRange(fees) { throw BlockValidationError("bad-txns-accumulated-fee-outofrange", tx: t) }
                if csv {
                    try checkSequenceLocks(tx, index: t, prevHeights: prevHeights, height: height, parentMTP: parentMTP, context: context)
                }
            }
            sigOpsCost += LegacySigOps.transactionCost(tx, spent: spentOutputs, flags: flags)
            if sigOpsCost > BlockLimits.maxSigOpsCost { throw BlockValidationError("bad-blk-sigops", tx: t, detail: "too many sigops") }
            // Update the view: spend inputs, add outputs.
            if !tx.isCoinbase {
                for input in tx.inputs {
                    if created.removeValue(forKey: input.prevout) == nil, let c = view.coin(for: input.prevout) {
                        spentBefore[input.prevout] = c
                        spentInBlock.insert(input.prevout)
                    }
                }
                jobCount += tx.inputs.count
            }
            for (o, out) in tx.outputs.enumerated() where !isUnspendable(out.scriptPubKey) {
                let op = OutPoint(txid: txid, vout: UInt32(truncatingIfNeeded: o))
                // Core's AddCoins (BIP30 aside) would overwrite; keep the newest.
                created[op] = Coin(output: out, height: height, isCoinbase: tx.isCoinbase)
            }
            spentOutputsPerTx[t] = spentOutputs
        }
        var coinbaseOut: Int64 = 0
        for o in block.transactions.first?.outputs ?? [] { coinbaseOut += o.value }
        let reward = fees + Money.subsidy(height: height, params: params)
        if coinbaseOut > reward {
            throw BlockValidationError("bad-cb-amount", tx: 0, detail: "coinbase pays too much (actual=\(coinbaseOut) vs limit=\(reward))")
        }
        var result = ConnectedBlock(fees: fees, sigOpsCost: sigOpsCost, spent: spentBefore, created: created, scriptChecks: 0, scriptChecksSkipped: 0)
        guard checker.verifiesScripts else {
            result.scriptChecksSkipped = jobCount
            return result
        }
        if let failure = await runScriptChecks(
            block.transactions, spentOutputsPerTx, flags: flags, checker: checker, parallelism: context.parallelism, jobCount: jobCount)
        {
            throw failure
        }
        result.scriptChecks = jobCount
        return result
    }

    /// Core's `CalculateSequenceLocks` + `EvaluateSequenceLocks` (BIP68).
    static func checkSequenceLocks(
        _ tx: Transaction, index: Int, prevHeights: [Int], height: Int, parentMTP: Int64?, context: ConnectContext
    ) throws(BlockValidationError) {
        guard tx.version >= 2 else { return }
        var minHeight = -1
        var minTime: Int64 = -1
        for (i, input) in tx.inputs.enumerated() where i < prevHeights.count {
            let seq = input.sequence
            if seq & TxIn.sequenceDisableFlag != 0 { continue }
            let coinHeight = prevHeights[i]
            let value = Int64(seq & TxIn.sequenceLockTimeMask)
            if seq & TxIn.sequenceTypeFlag != 0 {
                guard let mtp = context.medianTimePast?(max(coinHeight - 1, 0)) else {
                    throw BlockValidationError("missing-context", tx: index, input: i, detail: "median time past needed for a BIP68 time lock")
                }
                minTime = max(minTime, mtp + (value << Int64(sequenceLockTimeGranularity)) - 1)
            } else {
                minHeight = max(minHeight, coinHeight + Int(value) - 1)
            }
        }
        if minHeight >= height { throw BlockValidationError("bad-txns-nonfinal", tx: index, detail: "contains a non-BIP68-final transaction") }
        if minTime >= 0 {
            guard let p = parentMTP else {
                throw BlockValidationError("missing-context", tx: index, detail: "parent median time past needed for BIP68")
            }
            if minTime >= p { throw BlockValidationError("bad-txns-nonfinal", tx: index, detail: "contains a non-BIP68-final transaction") }
        }
    }

    /// Runs every input check across `parallelism` tasks (contiguous chunks of the input list); returns
    /// the failure with the lowest (tx, input) position, so the result does not depend on scheduling.
    static func runScriptChecks<C: InputScriptChecker>(
        _ txs: [Transaction], _ spent: [[TxOut]], flags: UInt32, checker: C, parallelism: Int, jobCount: Int
    ) async -> BlockValidationError? {
        guard jobCount > 0 else { return nil }
        let prepared = txs.indices.map { checker.prepare(tx: txs[$0], spentOutputs: spent[$0]) }
        var jobs: [(tx: Int, input: Int)] = []
        jobs.reserveCapacity(jobCount)
        for (t, tx) in txs.enumerated() where !tx.isCoinbase {
            for i in 0..<tx.inputs.count { jobs.append((t, i)) }
        }
        if parallelism <= 1 {
            // Serial: same order, no tasks.
            for (t, i) in jobs {
                if let err = checker.check(tx: txs[t], inputIndex: i, spentOutputs: spent[t], prepared: prepared[t], flags: flags) {
                    return BlockValidationError("mandatory-script-verify-flag-failed (\(err))", tx: t, input: i)
                }
            }
            return nil
        }
        // A few chunks per task slot balance uneven inputs; the global executor runs them on all cores.
        let chunks = min(jobs.count, parallelism * 4)
        let per = (jobs.count + chunks - 1) / chunks
        let allJobs = jobs
        return await withTaskGroup(of: BlockValidationError?.self) { group in
            for c in 0..<chunks {
                let lo = c * per, hi = min(allJobs.count, lo + per)
                if lo >= hi { continue }
                group.addTask {
                    for j in lo..<hi {
                        let (t, i) = allJobs[j]
                        if let err = checker.check(tx: txs[t], inputIndex: i, spentOutputs: spent[t], prepared: prepared[t], flags: flags) {
                            return BlockValidationError("mandatory-script-verify-flag-failed (\(err))", tx: t, input: i)
                        }
                    }
                    return nil
                }
            }
            var first: BlockValidationError?
            for await r in group {
                guard let r else { continue }
                if let f = first, let ft = f.txIndex, let fi = f.inputIndex, let rt = r.txIndex, let ri = r.inputIndex,
                    (ft, fi) <= (rt, ri)
                {
                    continue
                }
                first = r
            }
            return first
        }
    }
}
