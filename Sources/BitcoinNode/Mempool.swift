public import Primitives
public import Bitcoin
public import BitcoinConsensus
import KVStore
import BitcoinScript

/// Why the mempool refused a transaction.
public enum MempoolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `CheckTransaction` failed (consensus-invalid on its own).
    case invalid(BlockValidationError)
    /// A coinbase cannot enter the mempool.
    case coinbase
    /// Already in the mempool.
    case duplicate
    /// Already confirmed on the active chain.
    case alreadyConfirmed
    /// An input is neither unspent on the chain nor an output of a mempool transaction.
    case missingInputs(OutPoint)
    /// An input is already spent by a mempool transaction (replacement is not supported).
    case conflict(OutPoint, spentBy: TxID)
    /// Spends a coinbase output younger than 100 blocks (counted from the next block).
    case prematureCoinbaseSpend(OutPoint)
    /// Outputs exceed inputs, or a value is out of range.
    case badAmounts
    /// Fee rate below the minimum (sat/vB).
    case feeTooLow(fee: Int64, vsize: Int)
    /// Not final in the next block.
    case nonFinal
    /// A BIP68 relative lock time is enabled on an input (not supported by this mempool).
    case relativeLockTime
    /// A script check failed (Core's script error name).
    case script(input: Int, error: String)
    /// The transaction alone exceeds the sigop or weight limits of a block.
    case tooLarge
    /// The store failed.
    case storage(String)

    public var description: String {
        switch self {
        case let .invalid(e): return "invalid: \(e)"
        case .coinbase: return "coinbase"
        case .duplicate: return "already in the mempool"
        case .alreadyConfirmed: return "already confirmed"
        case let .missingInputs(op): return "missing input \(op)"
        case let .conflict(op, by): return "input \(op) already spent by \(by.displayHex)"
        case let .prematureCoinbaseSpend(op): return "premature spend of coinbase \(op)"
        case .badAmounts: return "outputs exceed inputs or out of range"
        case let .feeTooLow(f, v): return "fee \(f) sat for \(v) vB below the minimum rate"
        case .nonFinal: return "non-final"
        case .relativeLockTime: return "relative lock times are not supported by the mempool"
        case let .script(i, e): return "input \(i): \(e)"
        case .tooLarge: return "too large"
        case let .storage(s): return "storage: \(s)"
        }
    }
}

/// A transaction in the mempool.
public struct MempoolEntry: Sendable, Hashable {
    public let tx: Transaction
    public let txid: TxID
    public let fee: Int64
    public let vsize: Int
    public let weight: Int
    public let sigOpsCost: Int
}

/// A minimal mempool: a transaction is admitted when it validates against the UTXO set plus earlier
/// mempool transactions (scripts with the next block's consensus flags), spends nothing another
/// mempool transaction spends, and pays at least ``minFeeRate`` sat/vB. Confirmed transactions and
/// conflicts leave when a block connects; transactions of disconnected blocks are re-admitted after
/// a reorg. Entries keep arrival order, so parents precede children in a block template.
public struct Mempool: Sendable {
    /// Minimum fee rate in sat/vB (Core's default relay fee: 1 sat/vB).
    public var minFeeRate: Int64 = 1
    public private(set) var entries: [TxID: MempoolEntry] = [:]
    /// Arrival order.
    var order: [TxID] = []
    /// Outpoints spent by mempool transactions.
    public private(set) var spentBy: [OutPoint: TxID] = [:]

    public init() {}

    public var count: Int { entries.count }

    /// Entries in arrival order.
    public var ordered: [MempoolEntry] { order.compactMap { entries[$0] } }

    mutating func insert(_ e: MempoolEntry) {
        entries[e.txid] = e
        order.append(e.txid)
        for i in e.tx.inputs { spentBy[i.prevout] = e.txid }
    }

    /// Removes a transaction and, recursively, mempool transactions spending its outputs.
    mutating func remove(_ txid: TxID) {
        guard let e = entries.removeValue(forKey: txid) else { return }
        for i in e.tx.inputs where spentBy[i.prevout] == txid { spentBy[i.prevout] = nil }
        for o in 0..<e.tx.outputs.count {
            if let child = spentBy[OutPoint(txid: txid, vout: UInt32(o))] { remove(child) }
        }
        order.removeAll { $0 == txid }
    }

    /// A block connected: its transactions leave, and so do mempool transactions that conflict with it.
    mutating func blockConnected(_ block: Block, txids: [TxID]) {
        for (t, tx) in block.transactions.enumerated() {
            if entries[txids[t]] != nil {
                // Confirmed: drop it, but its mempool children stay (their inputs are now on chain).
                let e = entries.removeValue(forKey: txids[t])
                for i in e?.tx.inputs ?? [] where spentBy[i.prevout] == txids[t] { spentBy[i.prevout] = nil }
                order.removeAll { $0 == txids[t] }
                continue
            }
            if tx.isCoinbase { continue }
            for i in tx.inputs { if let other = spentBy[i.prevout] { remove(other) } }
        }
    }

    /// Block-template selection: entries in arrival order within the weight and sigop budgets (a child
    /// is only taken if its mempool parents were).
    public func template(maxWeight: Int = BlockLimits.maxWeight - 4000, maxSigOpsCost: Int = BlockLimits.maxSigOpsCost - 400)
        -> [MempoolEntry]
    {
        var out: [MempoolEntry] = []
        var taken = Set<TxID>()
        var weight = 0, sigops = 0
        for e in ordered {
            guard weight + e.weight <= maxWeight, sigops + e.sigOpsCost <= maxSigOpsCost else { continue }
            let parentsIn = e.tx.inputs.allSatisfy { entries[$0.prevout.txid] == nil || taken.contains($0.prevout.txid) }
            guard parentsIn else { continue }
            out.append(e)
            taken.insert(e.txid)
            weight += e.weight
            sigops += e.sigOpsCost
        }
        return out
    }
}

extension BitcoinChain {
    /// Validates `tx` against the active tip's UTXO set and the mempool and admits it (see ``Mempool``).
    @discardableResult
    public func acceptToMempool(_ tx: Transaction) throws(MempoolError) -> MempoolEntry {
        if tx.isCoinbase { throw .coinbase }
        do { try BlockValidation.checkTransaction(tx) } catch { throw .invalid(error) }
        let txid = tx.computeTxID()
        if mempool.entries[txid] != nil { throw .duplicate }
        let height = Int(tip.height) + 1
        let confirmed: Bool
        do {
            confirmed = try readStore { r in
                var found = false
                try r.forEach(self.t.transactions, prefix: [Keys.prefixTx] + txid.bytes) { _, _ in
                    found = true
                    return false
                }
                return found
            }
        } catch {
            throw .storage("\(error)")
        }
        if confirmed { throw .alreadyConfirmed }
        // Inputs.
        var spent: [TxOut] = []
        var valueIn: Int64 = 0
        for input in tx.inputs {
            let op = input.prevout
            if let other = mempool.spentBy[op] { throw .conflict(op, spentBy: other) }
            if tx.version >= 2 && input.sequence & TxIn.sequenceDisableFlag == 0 { throw .relativeLockTime }
            let out: TxOut
            if let parent = mempool.entries[op.txid] {
                guard Int(op.vout) < parent.tx.outputs.count else { throw .missingInputs(op) }
                out = parent.tx.outputs[Int(op.vout)]
            } else {
                let raw: [UInt8]?
                do { raw = try readStore { r in try r.get(self.t.coins, Keys.outpoint(op)) } } catch { throw .storage("\(error)") }
                guard let raw, let coin = try? CoinCodec.decode(raw) else { throw .missingInputs(op) }
                if coin.isCoinbase && height - coin.height < params.coinbaseMaturity { throw .prematureCoinbaseSpend(op) }
                out = coin.output
            }
            guard Money.inRange(out.value) else { throw .badAmounts }
            valueIn += out.value
            guard Money.inRange(valueIn) else { throw .badAmounts }
            spent.append(out)
        }
        let valueOut = tx.outputs.reduce(Int64(0)) { $0 + $1.value }
        guard valueIn >= valueOut else { throw .badAmounts }
        let fee = valueIn - valueOut
        let weight = tx.computeWeight()
        let vsize = (weight + 3) / 4
        if fee < mempool.minFeeRate * Int64(vsize) { throw .feeTooLow(fee: fee, vsize: vsize) }
        // Final in the next block (lock time against the tip's median time past, BIP113).
        let mtp = chainMedianTimePast(activeTimes, Int(tip.height)) ?? Int64(tip.header.time)
        if !BlockValidation.isFinal(tx, height: height, blockTime: mtp) { throw .nonFinal }
        let flags = BlockValidation.scriptFlags(height: height, hash: .zero, params: params)
        let sigops = LegacySigOps.transactionCost(tx, spent: spent, flags: flags)
        if sigops > BlockLimits.maxSigOpsCost / 5 || weight > BlockLimits.maxWeight / 10 { throw .tooLarge }
        let checker = BitcoinScriptChecker()
        let pre = checker.prepare(tx: tx, spentOutputs: spent)
        for i in 0..<tx.inputs.count {
            if let err = checker.check(tx: tx, inputIndex: i, spentOutputs: spent, prepared: pre, flags: flags) {
                throw .script(input: i, error: err)
            }
        }
        let e = MempoolEntry(tx: tx, txid: txid, fee: fee, vsize: vsize, weight: weight, sigOpsCost: sigops)
        mempool.insert(e)
        return e
    }

    /// Re-admits transactions of disconnected blocks (after a reorg), dropping those that no longer
    /// validate. Called by ``activateBestChain()``.
    func readmitDisconnected() {
        let txs = disconnectedTxs
        disconnectedTxs = []
        for tx in txs { _ = try? acceptToMempool(tx) }
    }

    /// Mines a block on the tip from the mempool (arrival order within the limits) and submits it.
    @discardableResult
    public nonisolated(nonsending) func mineFromMempool(payTo: [UInt8], time: UInt32? = nil) async throws(NodeError) -> Block {
        let selected = mempool.template()
        let fees = selected.reduce(Int64(0)) { $0 + $1.fee }
        let block = try makeBlock(payTo: payTo, transactions: selected.map(\.tx), fees: fees, time: time)
        try await acceptBlock(block)
        return block
    }
}
