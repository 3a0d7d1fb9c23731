public import Bitcoin
import Primitives
import BitcoinConsensus
import BitcoinScript
import KVStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension BitcoinChain {
    /// The mempool's clock: `ChainConfig.now` when set (tests), else the system's UNIX time.
    func mempoolNow() -> Int64 {
        if let n = config.now() { return n }
        var t = timespec()
        clock_gettime(CLOCK_REALTIME, &t)
        return Int64(t.tv_sec)
    }

    /// Validates `tx` against the active tip's UTXO set, the mempool and ``Mempool/policy`` and admits
    /// it — Bitcoin Core's `AcceptToMemoryPool` for a single transaction, in Core's order:
    ///
    /// 1. `CheckTransaction`; not a coinbase; standard (`IsStandardTx`: version 1–3, weight ≤ 400,000,
    ///    scriptSig ≤ 1,650 bytes and push-only, standard output types, no dust, at most one
    ///    OP_RETURN of ≤ 83 bytes); non-witness size ≥ 65 bytes; final in the next block.
    /// 2. Not already in the pool or confirmed; inputs exist (UTXO set or pool), coinbases mature,
    ///    amounts in range; BIP68 sequence locks satisfied in the next block; inputs standard
    ///    (`AreInputsStandard`, `IsWitnessStandard`); sigop cost ≤ 16,000.
    /// 3. Fee ≥ the rolling mempool minimum and ≥ the min relay fee (1 sat/vB) at the policy vsize.
    /// 4. Ancestors ≤ 25 / 101 kvB; every ancestor's descendants ≤ 25 / 101 kvB with this one.
    /// 5. Conflicts (full RBF, Core ≥ 28, BIP125 rules 2–6): may not spend a conflict's outputs; ≤ 100
    ///    transactions evicted; no new unconfirmed inputs; a higher fee rate than each direct conflict;
    ///    fee ≥ the evicted fees + the incremental relay fee (1 sat/vB) × its vsize.
    /// 6. Scripts with Core's standard flags; a failure that passes the consensus flags is
    ///    `.nonStandard("non-mandatory-script-verify-flag (…)")`, otherwise `.script`.
    /// 7. Replaced transactions leave, the entry is added, then expiry (336 h) and the size cap run;
    ///    if the cap evicts the new entry the result is `.mempoolFull`.
    ///
    /// `now` (UNIX seconds) defaults to the mempool clock (``ChainConfig/now`` or the system clock).
    @discardableResult
    public func acceptToMempool(_ tx: Transaction, now: Int64? = nil) throws(MempoolError) -> MempoolEntry {
        try acceptToMempool(tx, now: now ?? mempoolNow(), bypassLimits: false)
    }

    func acceptToMempool(_ tx: Transaction, now: Int64, bypassLimits: Bool, time: Int64? = nil, track: Bool = true) throws(MempoolError)
        -> MempoolEntry
    {
        let policy = mempool.policy
        if tx.isCoinbase { throw .coinbase }
        do { try BlockValidation.checkTransaction(tx) } catch { throw .invalid(error) }
        if policy.requireStandard, let reason = StandardPolicy.checkStandard(tx, policy: policy) { throw .nonStandard(reason) }
        if policy.requireStandard && tx.computeBaseSize() < MempoolPolicy.minStandardNonWitnessSize { throw .nonStandard("tx-size-small") }
        let height = Int(tip.height) + 1
        let mtp = chainMedianTimePast(activeTimes, Int(tip.height)) ?? Int64(tip.header.time)
        if !BlockValidation.isFinal(tx, height: height, blockTime: mtp) { throw .nonFinal }
        let txid = tx.computeTxID()
        if mempool.entries[txid] != nil { throw .duplicate }
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

        // Inputs: direct conflicts, spent outputs and their heights.
        var directConflicts = Set<TxID>()
        var spent: [TxOut] = []
        var coinHeights: [Int] = []
        var valueIn: Int64 = 0
        for input in tx.inputs {
            let op = input.prevout
            if let other = mempool.spentBy[op] { directConflicts.insert(other) }
            let out: TxOut
            if let parent = mempool.entries[op.txid] {
                guard Int(op.vout) < parent.tx.outputs.count else { throw .missingInputs(op) }
                out = parent.tx.outputs[Int(op.vout)]
                coinHeights.append(height)
            } else {
                let raw: [UInt8]?
                do { raw = try readStore { r in try r.get(self.t.coins, Keys.outpoint(op)) } } catch { throw .storage("\(error)") }
                guard let raw, let coin = try? CoinCodec.decode(raw) else { throw .missingInputs(op) }
                if coin.isCoinbase && height - coin.height < params.coinbaseMaturity { throw .prematureCoinbaseSpend(op) }
                out = coin.output
                coinHeights.append(coin.height)
            }
            guard Money.inRange(out.value) else { throw .badAmounts }
            valueIn += out.value
            guard Money.inRange(valueIn) else { throw .badAmounts }
            spent.append(out)
        }
        let valueOut = tx.outputs.reduce(Int64(0)) { $0 + $1.value }
        guard valueIn >= valueOut else { throw .badAmounts }
        let fee = valueIn - valueOut
        if !sequenceLocksSatisfied(tx, coinHeights: coinHeights, height: height, tipMTP: mtp) { throw .nonBIP68Final }
        if policy.requireStandard {
            if let reason = StandardPolicy.checkInputs(tx, spent: spent) { throw .nonStandard(reason) }
            if tx.hasWitness && !ScriptPolicy.isWitnessStandard(tx: tx, spentOutputs: spent) {
                throw .nonStandard("bad-witness-nonstandard")
            }
        }
        let consensusFlags = BlockValidation.scriptFlags(height: height, hash: .zero, params: params)
        let sigops = LegacySigOps.transactionCost(tx, spent: spent, flags: consensusFlags)
        if sigops > MempoolPolicy.maxStandardSigOpsCost { throw .nonStandard("bad-txns-too-many-sigops") }
        let weight = tx.computeWeight()
        let vsize = MempoolPolicy.virtualSize(weight: weight, sigOpsCost: sigops)

        // Fee rate floors (Core's CheckFeeRate; skipped when re-admitting after a reorg).
        if !bypassLimits {
            let minRate = mempool.minimumFeeRate(now: now)
            let required = MempoolPolicy.fee(rate: minRate, vsize: vsize)
            if minRate > 0 && fee < required { throw .mempoolMinFee(fee: fee, required: required) }
            if fee < MempoolPolicy.fee(rate: policy.minRelayFeeRate, vsize: vsize) { throw .feeTooLow(fee: fee, vsize: vsize) }
        }

        // Ancestor and descendant limits.
        let parents = Set(tx.inputs.compactMap { mempool.entries[$0.prevout.txid] != nil ? $0.prevout.txid : nil })
        let ancestors = mempool.ancestors(ofParents: parents)
        var ancestorVSize = vsize
        for a in ancestors { ancestorVSize += mempool.entries[a]?.vsize ?? 0 }
        if ancestors.count + 1 > policy.ancestorLimitCount {
            throw .tooLongChain("too-long-mempool-chain, too many unconfirmed ancestors [limit: \(policy.ancestorLimitCount)]")
        }
        if ancestorVSize > policy.ancestorLimitVSize {
            throw .tooLongChain("too-long-mempool-chain, exceeds ancestor size limit [limit: \(policy.ancestorLimitVSize)]")
        }
        for a in ancestors {
            guard let ae = mempool.entries[a] else { continue }
            if ae.descendantCount + 1 > policy.descendantLimitCount {
                throw .tooLongChain("too-long-mempool-chain, too many descendants for tx \(a.displayHex) [limit: \(policy.descendantLimitCount)]")
            }
            if ae.descendantVSize + vsize > policy.descendantLimitVSize {
                throw .tooLongChain("too-long-mempool-chain, exceeds descendant size limit for tx \(a.displayHex) [limit: \(policy.descendantLimitVSize)]")
            }
        }

        // Replacement (full RBF).
        var evict = Set<TxID>()
        if !directConflicts.isEmpty {
            if !ancestors.isDisjoint(with: directConflicts) { throw .spendsConflictingTx }
            var potential = 0
            for c in directConflicts { potential += mempool.entries[c]?.descendantCount ?? 0 }
            if potential > policy.maxReplacements {
                throw .replacementRejected("too many potential replacements, rejecting replacement \(txid.displayHex); too many potential replacements (\(potential) > \(policy.maxReplacements))")
            }
            for c in directConflicts { evict.formUnion(mempool.descendants(of: c)) }
            if !ancestors.isDisjoint(with: evict) { throw .spendsConflictingTx }
            // Rule 2: no new unconfirmed inputs.
            var conflictParents = Set<TxID>()
            for c in directConflicts {
                for i in mempool.entries[c]?.tx.inputs ?? [] where mempool.entries[i.prevout.txid] != nil {
                    conflictParents.insert(i.prevout.txid)
                }
            }
            for i in tx.inputs where mempool.entries[i.prevout.txid] != nil && !conflictParents.contains(i.prevout.txid) {
                throw .replacementRejected("replacement-adds-unconfirmed, replacement \(txid.displayHex) adds unconfirmed input \(i.prevout.txid.displayHex)")
            }
            // Rule 6: a higher fee rate than each direct conflict.
            for c in directConflicts {
                guard let ce = mempool.entries[c] else { continue }
                if Int128(fee) * Int128(ce.vsize) <= Int128(ce.fee) * Int128(vsize) {
                    throw .replacementRejected("insufficient fee, rejecting replacement \(txid.displayHex); new feerate \(fee)/\(vsize) <= old feerate \(ce.fee)/\(ce.vsize)")
                }
            }
            // Rules 3 and 4: pay for the evicted transactions and for the replacement's own relay.
            var evictedFees: Int64 = 0
            for e in evict { evictedFees += mempool.entries[e]?.fee ?? 0 }
            if fee < evictedFees {
                throw .replacementRejected("insufficient fee, rejecting replacement \(txid.displayHex), less fees than conflicting txs; \(fee) < \(evictedFees)")
            }
            let additional = fee - evictedFees
            let relayFee = MempoolPolicy.fee(rate: policy.incrementalRelayFeeRate, vsize: vsize)
            if additional < relayFee {
                throw .replacementRejected("insufficient fee, rejecting replacement \(txid.displayHex), not enough additional fees to relay; \(additional) < \(relayFee)")
            }
        }

        // Scripts: standard flags, then consensus flags to tell policy from consensus failures.
        let checker = BitcoinScriptChecker()
        let pre = checker.prepare(tx: tx, spentOutputs: spent)
        let standardFlags = policy.requireStandard ? (ScriptFlags.standard.rawValue | consensusFlags) : consensusFlags
        for i in 0..<tx.inputs.count {
            guard let err = checker.check(tx: tx, inputIndex: i, spentOutputs: spent, prepared: pre, flags: standardFlags) else { continue }
            if standardFlags != consensusFlags,
                checker.check(tx: tx, inputIndex: i, spentOutputs: spent, prepared: pre, flags: consensusFlags) == nil
            {
                throw .nonStandard("non-mandatory-script-verify-flag (\(err))")
            }
            throw .script(input: i, error: err)
        }

        // Admit.
        for e in evict where mempool.entries[e] != nil {
            mempool.removeOne(e)
            mempool.estimator.removeUnconfirmed(e)
        }
        let entry = MempoolEntry(
            tx: tx, txid: txid, fee: fee, vsize: vsize, weight: weight, sigOpsCost: sigops, size: tx.computeTotalSize(),
            time: time ?? now, height: Int(tip.height), sequence: mempool.makeSequence())
        mempool.insert(entry)
        if !bypassLimits {
            mempool.expire(now: now)
            mempool.trimToSize(now: now)
            guard let admitted = mempool.entries[txid] else { throw .mempoolFull }
            if track { mempool.estimator.track(txid, feeRate: admitted.feeRate, height: Int(tip.height)) }
            return admitted
        }
        return mempool.entries[txid] ?? entry
    }

    /// BIP68 (Core's `CheckSequenceLocks` for the next block): coins in the mempool count at the next
    /// height; time locks use the median time past of the block before each coin's block.
    func sequenceLocksSatisfied(_ tx: Transaction, coinHeights: [Int], height: Int, tipMTP: Int64) -> Bool {
        guard tx.version >= 2 else { return true }
        var minHeight = -1
        var minTime: Int64 = -1
        for (i, input) in tx.inputs.enumerated() where i < coinHeights.count {
            let seq = input.sequence
            if seq & TxIn.sequenceDisableFlag != 0 { continue }
            let coinHeight = coinHeights[i]
            let value = Int64(seq & TxIn.sequenceLockTimeMask)
            if seq & TxIn.sequenceTypeFlag != 0 {
                let base = chainMedianTimePast(activeTimes, max(coinHeight - 1, 0)) ?? tipMTP
                minTime = max(minTime, base + (value << 9) - 1)
            } else {
                minHeight = max(minHeight, coinHeight + Int(value) - 1)
            }
        }
        return minHeight < height && minTime < tipMTP
    }

    /// After a reorg: re-validates the mempool against the new tip — transactions of disconnected
    /// blocks first (oldest block first), then the previous entries in arrival order — without the
    /// fee floors (Core's `MaybeUpdateMempoolForReorg` with bypass_limits), then applies the size cap.
    /// Those that no longer validate (spent, immature, non-final) are dropped. Called by
    /// ``activateBestChain()``.
    func readmitDisconnected() {
        guard mempoolNeedsRecheck || !disconnectedTxs.isEmpty else { return }
        let txs = disconnectedTxs
        disconnectedTxs = []
        mempoolNeedsRecheck = false
        let now = mempoolNow()
        let previous = mempool.drain()
        for tx in txs {
            if (try? acceptToMempool(tx, now: now, bypassLimits: true, track: false)) == nil { mempool.estimator.forget(tx.computeTxID()) }
        }
        for e in previous {
            if (try? acceptToMempool(e.tx, now: now, bypassLimits: true, time: e.time, track: false)) == nil {
                mempool.estimator.forget(e.txid)
            }
        }
        mempool.expire(now: now)
        mempool.trimToSize(now: now)
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

    /// Fee rate to be confirmed within `target` blocks (see ``Mempool/estimateFee(target:now:)``).
    public func estimateFee(target: Int) -> FeeEstimate {
        mempool.estimateFee(target: target, now: mempoolNow())
    }
}
