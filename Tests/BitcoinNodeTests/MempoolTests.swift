import Bitcoin
import BitcoinConsensus
import BitcoinNode
import BitcoinTestSupport
import BitcoinView
import KVStore
import Primitives
import TestSupport
import Testing

@Suite struct MempoolTests {
    /// A wallet with matured coinbase coins on a fresh node.
    static func funded() async throws -> (BitcoinChain<MemoryStore>, TestWallet) {
        let chain = try memoryNode()
        var wallet = TestWallet()
        for h in 1...110 {
            let b = try await chain.mine(payTo: wallet.keys[h % 6].script)
            wallet.apply(b, height: h)
        }
        return (chain, wallet)
    }

    static func spend(_ w: TestWallet, _ coins: [WalletCoin], fee: Int64, to key: Int = 0, outputs: Int = 1) -> Transaction {
        let total = coins.reduce(Int64(0)) { $0 + $1.output.value } - fee
        var outs: [TxOut] = []
        for i in 0..<outputs {
            outs.append(TxOut(value: i == outputs - 1 ? total - total / Int64(outputs) * Int64(outputs - 1) : total / Int64(outputs), scriptPubKey: w.keys[key].script))
        }
        var tx = Transaction(version: 2, inputs: coins.map { TxIn(prevout: $0.outpoint, sequence: 0xffff_fffd) }, outputs: outs)
        w.sign(&tx, spent: coins)
        return tx
    }

    @Test func admissionRules() async throws {
        let (chain, wallet) = try await Self.funded()
        let height = Int(chain.tip.height) + 1
        let mature = wallet.spendable(at: height)
        try #require(mature.count >= 4)
        // Valid spends of each key kind are admitted; the fee is inputs − outputs.
        let tx1 = Self.spend(wallet, [mature[0]], fee: 5_000, outputs: 2)
        let e1 = try chain.acceptToMempool(tx1)
        #expect(e1.fee == 5_000)
        #expect(e1.vsize == tx1.computeVSize())
        #expect(throws: MempoolError.duplicate) { try chain.acceptToMempool(tx1) }
        // A double spend of the same coin that does not pay for its own relay on top of tx1's fee
        // (BIP125 rule 4: 50 sat more < 1 sat/vB × its vsize) is refused; tx1 stays.
        let dbl = Self.spend(wallet, [mature[0]], fee: 5_050)
        let dblError = #expect(throws: MempoolError.self) { try chain.acceptToMempool(dbl) }
        if case .replacementRejected(let r) = dblError { #expect(r.hasPrefix("insufficient fee")) } else { Issue.record("got \(String(describing: dblError))") }
        #expect(chain.mempool.entries[tx1.computeTxID()] != nil)
        // A child of a mempool transaction.
        let out0 = WalletCoin(outpoint: OutPoint(txid: tx1.computeTxID(), vout: 0), output: tx1.outputs[0], height: height, coinbase: false, key: 0)
        let child = Self.spend(wallet, [out0], fee: 1_000, to: 1)
        try chain.acceptToMempool(child)
        // Fee below 1 sat/vB.
        let cheap = Self.spend(wallet, [mature[1]], fee: 50)
        #expect(throws: MempoolError.feeTooLow(fee: 50, vsize: cheap.computeVSize())) { try chain.acceptToMempool(cheap) }
        // A bad signature.
        var bad = Self.spend(wallet, [mature[2]], fee: 2_000)
        if bad.inputs[0].witness.isEmpty { bad.inputs[0].scriptSig[6] ^= 1 } else { bad.inputs[0].witness[0][5] ^= 1 }
        let badError = #expect(throws: MempoolError.self) { try chain.acceptToMempool(bad) }
        if case .script(input: 0, _) = badError {} else { Issue.record("expected a script error, got \(String(describing: badError))") }
        // Immature coinbase and unknown inputs.
        let young = try #require(wallet.coins.values.first { $0.coinbase && height - $0.height < 100 })
        #expect(throws: MempoolError.prematureCoinbaseSpend(young.outpoint)) {
            try chain.acceptToMempool(Self.spend(wallet, [young], fee: 2_000))
        }
        let ghost = WalletCoin(outpoint: OutPoint(txid: Bytes32(Array(repeating: 9, count: 32)), vout: 0), output: mature[3].output, height: 1, coinbase: false, key: mature[3].key)
        #expect(throws: MempoolError.missingInputs(ghost.outpoint)) { try chain.acceptToMempool(Self.spend(wallet, [ghost], fee: 2_000)) }
        #expect(chain.mempool.count == 2)

        // Mining from the mempool: parent then child, both confirmed, mempool empty.
        let tx3 = Self.spend(wallet, [mature[3]], fee: 3_000)
        try chain.acceptToMempool(tx3)
        let block = try await chain.mineFromMempool(payTo: wallet.keys[2].script)
        #expect(chain.tip.hash == block.computeHash())
        #expect(block.transactions.dropFirst().map { $0.computeTxID() } == [tx1, child, tx3].map { $0.computeTxID() })
        #expect(block.transactions[0].outputs[0].value == Money.subsidy(height: height, params: .regtest) + 9_000)
        #expect(chain.mempool.count == 0)
        let view = try chain.view()
        #expect(try view.confirmations(txid: child.computeTxID()) == 1)
        view.close()
        #expect(throws: MempoolError.alreadyConfirmed) { try chain.acceptToMempool(tx3) }

        // Disconnect: the three come back (in block order), and leave again when the block reconnects.
        try chain.unwind(to: block.header.prevBlock)
        #expect(chain.mempool.ordered.map(\.txid) == [tx1, child, tx3].map { $0.computeTxID() })
        try await chain.wind(to: block.computeHash())
        #expect(chain.mempool.count == 0)
    }

    /// A block from elsewhere that spends a coin a mempool transaction spends evicts the mempool one
    /// (and its child).
    @Test func conflictingBlockEvicts() async throws {
        let (chain, wallet) = try await Self.funded()
        let height = Int(chain.tip.height) + 1
        let mature = wallet.spendable(at: height)
        let a = Self.spend(wallet, [mature[0]], fee: 4_000)
        try chain.acceptToMempool(a)
        let aOut = WalletCoin(outpoint: OutPoint(txid: a.computeTxID(), vout: 0), output: a.outputs[0], height: height, coinbase: false, key: 0)
        try chain.acceptToMempool(Self.spend(wallet, [aOut], fee: 1_000))
        #expect(chain.mempool.count == 2)
        let rival = Self.spend(wallet, [mature[0]], fee: 7_000, to: 3)
        try await chain.mine(payTo: wallet.keys[0].script, transactions: [rival])
        #expect(chain.mempool.count == 0)
    }
}

/// Policy rules on a live chain: full RBF (BIP125 rules 2–6), package limits, the size cap with
/// eviction and the rising minimum fee, expiry, BIP68. Expected numbers are hand-computed from
/// Core's documented rules; taproot key-path inputs are used where sizes must be exact (a Schnorr
/// signature is always 64 bytes: a 1-in-1-out P2TR spend is 111 vB).
extension MempoolTests {
    static func coin(_ tx: Transaction, _ vout: Int, key: Int, height: Int) -> WalletCoin {
        WalletCoin(outpoint: OutPoint(txid: tx.computeTxID(), vout: UInt32(vout)), output: tx.outputs[vout], height: height, coinbase: false, key: key)
    }

    /// 40 confirmed P2TR coins of key 2 (1,000,000 sat each), from a fan-out of a mature coinbase
    /// mined into a block.
    static func taprootCoins(_ chain: BitcoinChain<MemoryStore>, _ w: TestWallet) async throws -> [WalletCoin] {
        let h = Int(chain.tip.height) + 1
        let src = try #require(w.spendable(at: h).first)
        var fan = Transaction(version: 2, inputs: [TxIn(prevout: src.outpoint, sequence: 0xffff_fffd)],
                              outputs: (0..<40).map { _ in TxOut(value: 1_000_000, scriptPubKey: w.keys[2].script) })
        w.sign(&fan, spent: [src])
        try await chain.mine(payTo: w.keys[0].script, transactions: [fan])
        return (0..<40).map { coin(fan, $0, key: 2, height: h) }
    }

    /// A 1-in-1-out spend of `c` to key 2 (P2TR) paying `fee`.
    static func step(_ w: TestWallet, _ c: WalletCoin, fee: Int64, sequence: UInt32 = 0xffff_fffd) -> Transaction {
        var tx = Transaction(version: 2, inputs: [TxIn(prevout: c.outpoint, sequence: sequence)],
                             outputs: [TxOut(value: c.output.value - fee, scriptPubKey: w.keys[2].script)])
        w.sign(&tx, spent: [c])
        return tx
    }

    static func reason(_ e: MempoolError?) -> String { e.map { "\($0)" } ?? "accepted" }

    @Test func replaceByFee() async throws {
        let (chain, wallet) = try await Self.funded()
        let h = Int(chain.tip.height) + 1
        let m = try await Self.taprootCoins(chain, wallet)
        try #require(m.count >= 12)
        // A (1,000 sat) and its child B (1,000 sat).
        let a = Self.step(wallet, m[0], fee: 1_000)
        #expect(a.computeVSize() == 111)
        try chain.acceptToMempool(a)
        let b = Self.step(wallet, Self.coin(a, 0, key: 2, height: h), fee: 1_000)
        try chain.acceptToMempool(b)
        // Rule 3: at least the 2,000 sat evicted. Rule 4: plus 1 sat/vB × 111 vB.
        let e1 = #expect(throws: MempoolError.self) { try chain.acceptToMempool(Self.step(wallet, m[0], fee: 1_999)) }
        #expect(Self.reason(e1).contains("less fees than conflicting txs"))
        let e2 = #expect(throws: MempoolError.self) { try chain.acceptToMempool(Self.step(wallet, m[0], fee: 2_110)) }
        #expect(Self.reason(e2).contains("not enough additional fees"))
        let r = Self.step(wallet, m[0], fee: 2_111)
        try chain.acceptToMempool(r)
        #expect(Set(chain.mempool.entries.keys) == [r.computeTxID()])

        // Rule 6: a higher fee rate than the direct conflict (45 sat/vB here), even with more fee.
        let a2 = Self.step(wallet, m[1], fee: 5_000)
        try chain.acceptToMempool(a2)
        var big = Transaction(version: 2, inputs: [TxIn(prevout: m[1].outpoint, sequence: 0xffff_fffd), TxIn(prevout: m[2].outpoint, sequence: 0xffff_fffd)],
                              outputs: [TxOut(value: m[1].output.value + m[2].output.value - 6_000, scriptPubKey: wallet.keys[2].script)])
        wallet.sign(&big, spent: [m[1], m[2]])
        #expect(6_000 * a2.computeVSize() < 5_000 * big.computeVSize())
        let e3 = #expect(throws: MempoolError.self) { try chain.acceptToMempool(big) }
        #expect(Self.reason(e3).contains("new feerate"))
        // Rule 2: no new unconfirmed inputs.
        let c = Self.step(wallet, m[3], fee: 1_000)
        try chain.acceptToMempool(c)
        var adds = Transaction(version: 2, inputs: [TxIn(prevout: m[1].outpoint, sequence: 0), TxIn(prevout: OutPoint(txid: c.computeTxID(), vout: 0), sequence: 0)],
                               outputs: [TxOut(value: m[1].output.value + c.outputs[0].value - 50_000, scriptPubKey: wallet.keys[2].script)])
        wallet.sign(&adds, spent: [m[1], Self.coin(c, 0, key: 2, height: h)])
        let e4 = #expect(throws: MempoolError.self) { try chain.acceptToMempool(adds) }
        #expect(Self.reason(e4).hasPrefix("replacement-adds-unconfirmed"))
        // Spending an output of the transaction it replaces.
        var selfish = Transaction(version: 2, inputs: [TxIn(prevout: m[1].outpoint, sequence: 0), TxIn(prevout: OutPoint(txid: a2.computeTxID(), vout: 0), sequence: 0)],
                                  outputs: [TxOut(value: m[1].output.value - 50_000, scriptPubKey: wallet.keys[2].script)])
        wallet.sign(&selfish, spent: [m[1], Self.coin(a2, 0, key: 2, height: h)])
        #expect(throws: MempoolError.spendsConflictingTx) { try chain.acceptToMempool(selfish) }

        // Rule 5: five chains of 21 (105 > 100 potential evictions).
        var roots: [WalletCoin] = []
        for k in 0..<5 {
            let root = m[4 + k]
            roots.append(root)
            var prev = root
            for _ in 0..<21 {
                let t = Self.step(wallet, prev, fee: 200)
                try chain.acceptToMempool(t)
                prev = Self.coin(t, 0, key: 2, height: h)
            }
        }
        var sweep = Transaction(version: 2, inputs: roots.map { TxIn(prevout: $0.outpoint, sequence: 0) },
                                outputs: [TxOut(value: roots.reduce(0) { $0 + $1.output.value } - 1_000_000, scriptPubKey: wallet.keys[2].script)])
        wallet.sign(&sweep, spent: roots)
        let e5 = #expect(throws: MempoolError.self) { try chain.acceptToMempool(sweep) }
        #expect(Self.reason(e5).hasPrefix("too many potential replacements"))
        // With four chains (84) the same kind of sweep goes through and evicts all 84.
        var sweep4 = Transaction(version: 2, inputs: roots.prefix(4).map { TxIn(prevout: $0.outpoint, sequence: 0) },
                                 outputs: [TxOut(value: roots.prefix(4).reduce(0) { $0 + $1.output.value } - 1_000_000, scriptPubKey: wallet.keys[2].script)])
        wallet.sign(&sweep4, spent: Array(roots.prefix(4)))
        let before = chain.mempool.count
        try chain.acceptToMempool(sweep4)
        #expect(chain.mempool.count == before - 84 + 1)
    }

    @Test func packageLimits() async throws {
        let (chain, wallet) = try await Self.funded()
        let h = Int(chain.tip.height) + 1
        let m = try await Self.taprootCoins(chain, wallet)
        // A chain of 25 is allowed; the 26th has 25 ancestors.
        var prev = m[0]
        for i in 0..<26 {
            let t = Self.step(wallet, prev, fee: 200)
            if i < 25 {
                try chain.acceptToMempool(t)
            } else {
                let e = #expect(throws: MempoolError.self) { try chain.acceptToMempool(t) }
                #expect(Self.reason(e).contains("too many unconfirmed ancestors [limit: 25]"))
            }
            prev = Self.coin(t, 0, key: 2, height: h)
        }
        let last = try #require(chain.mempool.ordered.last)
        #expect(last.ancestorCount == 25 && last.ancestorFees == 25 * 200)
        #expect(chain.mempool.ordered.first?.descendantCount == 25)
        // A parent with 30 outputs: 24 children fit (25 with the parent), the 25th does not.
        var fan = Transaction(version: 2, inputs: [TxIn(prevout: m[1].outpoint, sequence: 0xffff_fffd)],
                              outputs: (0..<30).map { _ in TxOut(value: 30_000, scriptPubKey: wallet.keys[2].script) })
        wallet.sign(&fan, spent: [m[1]])
        try chain.acceptToMempool(fan)
        for i in 0..<25 {
            let t = Self.step(wallet, Self.coin(fan, i, key: 2, height: h), fee: 200)
            if i < 24 {
                try chain.acceptToMempool(t)
            } else {
                let e = #expect(throws: MempoolError.self) { try chain.acceptToMempool(t) }
                #expect(Self.reason(e).contains("too many descendants for tx \(fan.computeTxID().displayHex) [limit: 25]"))
            }
        }
    }

    /// Size cap: the lowest descendant-score package goes (a low-fee parent is kept by its high-fee
    /// child), and the minimum fee rises to the evicted rate + 1 sat/vB.
    @Test func sizeCapEviction() async throws {
        let (chain, wallet) = try await Self.funded()
        let h = Int(chain.tip.height) + 1
        let m = try await Self.taprootCoins(chain, wallet)
        let p = Self.step(wallet, m[0], fee: 111)  // 1 sat/vB
        let c = Self.step(wallet, Self.coin(p, 0, key: 2, height: h), fee: 3_330)  // 30 sat/vB
        let mid = Self.step(wallet, m[1], fee: 555)  // 5 sat/vB
        let high = Self.step(wallet, m[2], fee: 1_110)  // 10 sat/vB
        let first = try chain.acceptToMempool(p)
        let per = first.size + chain.mempool.policy.entryOverhead
        chain.mempool.policy.maxSizeBytes = 4 * per
        for t in [c, mid, high] { try chain.acceptToMempool(t) }
        #expect(chain.mempool.count == 4)
        #expect(chain.mempool.minimumFeeRate(now: 0) == 0)
        let n = Self.step(wallet, m[3], fee: 888)  // 8 sat/vB
        try chain.acceptToMempool(n)
        #expect(Set(chain.mempool.entries.keys) == Set([p, c, high, n].map { $0.computeTxID() }))
        // 555 sat / 111 vB = 5,000 sat/kvB, + 1,000 incremental.
        #expect(chain.mempool.minimumFeeRate(now: 0) == 6_000)
        let x = Self.step(wallet, m[4], fee: 611)
        #expect(throws: MempoolError.mempoolMinFee(fee: 611, required: 666)) { try chain.acceptToMempool(x) }
        // A transaction paying enough enters and pushes out the next-lowest (8 sat/vB).
        let y = Self.step(wallet, m[4], fee: 2_000)
        try chain.acceptToMempool(y)
        #expect(chain.mempool.entries[n.computeTxID()] == nil && chain.mempool.count == 4)
        #expect(chain.mempool.minimumFeeRate(now: 0) == 9_000)  // 888 / 111 = 8 sat/vB, + 1
    }

    @Test func expiry() async throws {
        let (chain, wallet) = try await Self.funded()
        let h = Int(chain.tip.height) + 1
        let m = try await Self.taprootCoins(chain, wallet)
        let t0: Int64 = 2_000_000_000
        let a = Self.step(wallet, m[0], fee: 1_000)
        try chain.acceptToMempool(a, now: t0)
        let child = Self.step(wallet, Self.coin(a, 0, key: 2, height: h), fee: 1_000)
        try chain.acceptToMempool(child, now: t0 + 100)
        // 336 hours later A is still there (not older than the limit) …
        try chain.acceptToMempool(Self.step(wallet, m[1], fee: 1_000), now: t0 + 336 * 3600)
        #expect(chain.mempool.count == 3)
        // … one second more and it leaves with its child.
        try chain.acceptToMempool(Self.step(wallet, m[2], fee: 1_000), now: t0 + 336 * 3600 + 1)
        #expect(chain.mempool.count == 2)
        #expect(chain.mempool.entries[a.computeTxID()] == nil && chain.mempool.entries[child.computeTxID()] == nil)
    }

    /// BIP68: a relative lock of 5 blocks on a coin confirmed at height H allows inclusion at H + 5.
    @Test func relativeLockTime() async throws {
        let (chain, wallet) = try await Self.funded()
        let m = try await Self.taprootCoins(chain, wallet)
        let base = Self.step(wallet, m[0], fee: 1_000)
        try chain.acceptToMempool(base)
        try await chain.mineFromMempool(payTo: wallet.keys[0].script)
        let coinHeight = Int(chain.tip.height)
        let locked = Self.step(wallet, Self.coin(base, 0, key: 2, height: coinHeight), fee: 1_000, sequence: 5)
        while Int(chain.tip.height) + 1 < coinHeight + 5 {
            #expect(throws: MempoolError.nonBIP68Final) { try chain.acceptToMempool(locked) }
            try await chain.mine(payTo: wallet.keys[0].script)
        }
        #expect(Int(chain.tip.height) == coinHeight + 4)
        try chain.acceptToMempool(locked)
        // In a block, then a reorg that removes the block: it is re-admitted, and dropped again when
        // the chain is unwound below the lock.
        let block = try await chain.mineFromMempool(payTo: wallet.keys[0].script)
        try chain.unwind(to: block.header.prevBlock)
        #expect(chain.mempool.entries[locked.computeTxID()] != nil)
        let view = try chain.view()
        let below = try #require(try view.header(height: UInt64(coinHeight + 2)))
        view.close()
        try chain.unwind(to: below.hash)
        #expect(chain.mempool.entries[locked.computeTxID()] == nil)
        #expect(chain.mempool.entries[base.computeTxID()] == nil)
    }

    @Test func nonStandardOnChain() async throws {
        let (chain, wallet) = try await Self.funded()
        let m = try await Self.taprootCoins(chain, wallet)
        #expect(!chain.mempool.policy.requireStandard)  // regtest, as Core
        chain.mempool.policy.requireStandard = true
        func pay(_ c: WalletCoin, _ outs: [TxOut]) -> Transaction {
            var tx = Transaction(version: 2, inputs: [TxIn(prevout: c.outpoint, sequence: 0xffff_fffd)], outputs: outs)
            wallet.sign(&tx, spent: [c])
            return tx
        }
        let change = TxOut(value: m[0].output.value - 10_000, scriptPubKey: wallet.keys[2].script)
        #expect(throws: MempoolError.nonStandard("dust")) {
            try chain.acceptToMempool(pay(m[0], [change, TxOut(value: 545, scriptPubKey: wallet.keys[0].script)]))  // P2PKH < 546
        }
        #expect(throws: MempoolError.nonStandard("scriptpubkey")) {
            try chain.acceptToMempool(pay(m[0], [change, TxOut(value: 0, scriptPubKey: [0x6a, 0x4c, 81] + Array(repeating: 1, count: 81))]))
        }
        try chain.acceptToMempool(pay(m[0], [change, TxOut(value: 546, scriptPubKey: wallet.keys[0].script),
                                             TxOut(value: 0, scriptPubKey: [0x6a, 0x4c, 80] + Array(repeating: 1, count: 80))]))
        // Spending a non-standard (bare OP_TRUE) output is refused by policy, though consensus-valid.
        var fund = pay(m[1], [TxOut(value: m[1].output.value - 100_000, scriptPubKey: wallet.keys[2].script)])
        fund.outputs.append(TxOut(value: 50_000, scriptPubKey: [0x51, 0x51, 0x87]))  // OP_1 OP_1 OP_EQUAL
        wallet.sign(&fund, spent: [m[1]])
        chain.mempool.policy.requireStandard = false
        try chain.acceptToMempool(fund)
        chain.mempool.policy.requireStandard = true
        let spendOdd = Transaction(version: 2, inputs: [TxIn(prevout: OutPoint(txid: fund.computeTxID(), vout: 1), sequence: 0xffff_fffd)],
                                   outputs: [TxOut(value: 40_000, scriptPubKey: wallet.keys[2].script)])
        #expect(throws: MempoolError.nonStandard("bad-txns-nonstandard-inputs")) { try chain.acceptToMempool(spendOdd) }
    }

    /// Empty history: the relay minimum; with the estimator's history: its answer.
    @Test func estimateFeeSources() async throws {
        let (chain, _) = try await Self.funded()
        let e = chain.estimateFee(target: 3)
        #expect(e.source == .minimum && e.feeRate == 1.0)
        #expect(chain.estimateFee(target: 50).target == FeeEstimator.maxTarget)
        chain.mempool.estimator = FeeEstimatorTests.synthetic()
        let h = chain.estimateFee(target: 1)
        #expect(h.source == .history && h.feeRate >= 20)
    }
}
