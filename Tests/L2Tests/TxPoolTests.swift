import EVM
import Ethereum
import L2Chain
import Node
import Primitives
import Sequencer
import Testing

@Suite struct TxPoolTests {
    func setup() throws -> (L2Chain, TxPool, BlockProducer) {
        let chain = try L2Chain(path: makeTempDir("pool"), config: devConfig())
        let pool = TxPool(chain: chain)
        let clock = TestClock()
        return (chain, pool, BlockProducer(chain: chain, pool: pool, blockTime: 1, now: clock.next))
    }

    @Test func nonceGapHeldUntilFilled() throws {
        let (chain, pool, producer) = try setup()
        let a = devAccounts[0]
        try pool.add(raw: signedEIP1559(a, nonce: 1, to: devAccounts[1].address, value: .one).encodedEnvelope())
        try pool.add(raw: signedEIP1559(a, nonce: 2, to: devAccounts[1].address, value: .one).encodedEnvelope())
        var b = try producer.produceBlock()
        #expect(b.transactions.count == 1)  // only the L1-attributes deposit: nonce 0 missing
        #expect(pool.count == 2)
        #expect(pool.pendingNonce(sender: a.address, stateNonce: 0) == 0)
        try pool.add(raw: signedEIP1559(a, nonce: 0, to: devAccounts[1].address, value: .one).encodedEnvelope())
        #expect(pool.pendingNonce(sender: a.address, stateNonce: 0) == 3)
        b = try producer.produceBlock()
        #expect(b.transactions.count == 4)
        #expect(chain.snapshot.accounts[a.address]?.nonce == 3)
        #expect(pool.count == 0)
    }

    @Test func orderingByTipAcrossSenders() throws {
        let (_, pool, producer) = try setup()
        let gwei = UInt256(1_000_000_000)
        let low = signedEIP1559(devAccounts[0], nonce: 0, to: devAccounts[3].address, tip: gwei)
        let high = signedEIP1559(devAccounts[1], nonce: 0, to: devAccounts[3].address, tip: gwei &* UInt256(3))
        let mid = signedEIP1559(devAccounts[2], nonce: 0, to: devAccounts[3].address, tip: gwei &* UInt256(2))
        for t in [low, high, mid] { try pool.add(raw: t.encodedEnvelope()) }
        let b = try producer.produceBlock()
        #expect(b.transactions.dropFirst().map(\.hash) == [high, mid, low].map { SealedTransaction($0).hash })
    }

    @Test func replacementNeedsTenPercentBump() throws {
        let (_, pool, _) = try setup()
        let a = devAccounts[0]
        let base = UInt256(10_000_000_000)
        let tip = UInt256(1_000_000_000)
        try pool.add(raw: signedEIP1559(a, nonce: 0, to: devAccounts[1].address, maxFee: base, tip: tip).encodedEnvelope())
        // +5%: refused.
        #expect(throws: PoolError.replacementUnderpriced) {
            try pool.add(
                raw: signedEIP1559(a, nonce: 0, to: devAccounts[1].address, value: .one, maxFee: base &* UInt256(105) / UInt256(100), tip: tip &* UInt256(105) / UInt256(100)).encodedEnvelope())
        }
        // +10% on both caps: replaces.
        let r = signedEIP1559(a, nonce: 0, to: devAccounts[1].address, value: .one, maxFee: base &* UInt256(110) / UInt256(100), tip: tip &* UInt256(110) / UInt256(100))
        let h = try pool.add(raw: r.encodedEnvelope())
        #expect(pool.count == 1)
        #expect(pool.transaction(hash: h) != nil)
    }

    @Test func admissionErrors() throws {
        let (chain, pool, producer) = try setup()
        let a = devAccounts[0]
        // Wrong chain id.
        #expect(throws: PoolError.wrongChainID) {
            try pool.add(raw: signedEIP1559(a, nonce: 0, to: a.address, chainID: 1).encodedEnvelope())
        }
        // Fee cap below the base fee.
        #expect(throws: PoolError.self) {
            try pool.add(raw: signedEIP1559(a, nonce: 0, to: a.address, maxFee: UInt256(1), tip: UInt256(1)).encodedEnvelope())
        }
        // Balance: a fresh key has nothing.
        let poor = DevAccounts.derive(count: 12)[11]
        #expect(chain.snapshot.accounts[poor.address] == nil)
        #expect(throws: PoolError.insufficientFunds) {
            try pool.add(raw: signedEIP1559(poor, nonce: 0, to: a.address).encodedEnvelope())
        }
        // Garbage and a bad signature.
        #expect(throws: PoolError.self) { try pool.add(raw: [0x02, 0xc0]) }
        var raw = signedEIP1559(a, nonce: 0, to: a.address).encodedEnvelope()
        raw[raw.count - 5] ^= 0xff
        #expect(throws: PoolError.self) { try pool.add(raw: raw) }
        // Nonce too low after mining, and a duplicate.
        let t0 = signedEIP1559(a, nonce: 0, to: devAccounts[1].address)
        try pool.add(raw: t0.encodedEnvelope())
        #expect(throws: PoolError.alreadyKnown) { try pool.add(raw: t0.encodedEnvelope()) }
        _ = try producer.produceBlock()
        #expect(throws: PoolError.nonceTooLow(next: 1, got: 0)) {
            try pool.add(raw: signedEIP1559(a, nonce: 0, to: devAccounts[2].address).encodedEnvelope())
        }
        // Gas above the block gas limit.
        #expect(throws: PoolError.gasLimitAboveBlock(40_000_000)) {
            try pool.add(raw: signedEIP1559(a, nonce: 1, to: a.address, gas: 40_000_000).encodedEnvelope())
        }
    }

    @Test func perSenderLimit() throws {
        var limits = PoolLimits()
        limits.perSender = 4
        let chain = try L2Chain(path: makeTempDir("pool"), config: devConfig())
        let pool = TxPool(chain: chain, limits: limits)
        for n in 0..<4 { try pool.add(raw: signedEIP1559(devAccounts[0], nonce: UInt64(n), to: devAccounts[1].address).encodedEnvelope()) }
        #expect(throws: PoolError.self) {
            try pool.add(raw: signedEIP1559(devAccounts[0], nonce: 4, to: devAccounts[1].address).encodedEnvelope())
        }
    }
}
