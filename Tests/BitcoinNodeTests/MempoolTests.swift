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
        // A double spend of the same coin.
        let dbl = Self.spend(wallet, [mature[0]], fee: 9_000)
        #expect(throws: MempoolError.conflict(mature[0].outpoint, spentBy: tx1.computeTxID())) { try chain.acceptToMempool(dbl) }
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
