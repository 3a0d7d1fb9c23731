internal import EVM
internal import Ethereum
internal import Execution
internal import Foundation
public import L2Chain
public import Logging
internal import Primitives

/// Produces blocks from the pool on a dedicated large-stack thread: every `blockTime` seconds
/// (empty blocks included, as an OP Stack sequencer does), or with `blockTime == 0` one block per
/// transaction as soon as one is executable. Each block: the L1-attributes deposit, then pool
/// transactions by tip through `BlockBuilder` (the path block validation uses), committed in one
/// LMDB transaction.
public final class BlockProducer: @unchecked Sendable {
    // SAFETY (@unchecked): `stopped`/`wake` are guarded by `cond`; the thread handle is set once.
    public let chain: L2Chain
    public let pool: TxPool
    public let blockTime: UInt64
    let logger: Logger
    let cond = NSCondition()
    var stopped = false
    var finished = false
    var wake = false
    var thread: Thread?
    /// Clock in seconds (injectable for tests).
    let now: @Sendable () -> UInt64

    public init(
        chain: L2Chain, pool: TxPool, blockTime: UInt64, logger: Logger = Logger(label: "hemi.sequencer"),
        now: (@Sendable () -> UInt64)? = nil
    ) {
        self.chain = chain
        self.pool = pool
        self.blockTime = blockTime
        self.logger = logger
        self.now = now ?? { UInt64(Date().timeIntervalSince1970) }
        pool.onAdd { [weak self] _ in self?.signal() }
    }

    func signal() {
        cond.lock()
        wake = true
        cond.signal()
        cond.unlock()
    }

    /// Builds and commits one block now (callers must not run two at once; the loop thread is the
    /// only caller once `start()` ran). `maxTransactions` caps the pool transactions taken.
    @discardableResult
    public func produceBlock(maxTransactions: Int = .max) throws(L2ChainError) -> CommittedBlock {
        let chain = self.chain
        let pool = self.pool
        let timestamp = now()
        let (builder, dropped) = runWithLargeStack(64 << 20) { () -> (BlockBuilder, [Bytes32]) in
            var b = chain.makeBuilder(timestamp: timestamp)
            var dropped: [Bytes32] = []
            var taken = 0
            var blockedSenders = Set<Bytes20>()
            let cap = Int(b.gasRemaining / 21_000) + 1
            for t in pool.executable(accounts: b.host.accounts, baseFee: b.context.baseFee, limit: Swift.min(maxTransactions, cap) * 2) {
                if taken >= maxTransactions || b.gasRemaining < 21_000 { break }
                if blockedSenders.contains(t.sender) { continue }
                do {
                    try b.apply(t.sealed, sender: t.sender)
                    taken += 1
                } catch {
                    blockedSenders.insert(t.sender)  // its later nonces cannot apply either
                    if case BlockBuildError.blockFull = error { continue }
                    dropped.append(t.sealed.hash)
                }
            }
            return (b, dropped)
        }
        let block = try chain.commit(builder)
        pool.prune(accounts: chain.snapshot.accounts, drop: dropped)
        if !dropped.isEmpty { logger.debug("dropped \(dropped.count) rejected transactions") }
        return block
    }

    /// Starts the production thread.
    public func start() {
        let t = Thread { [self] in self.loop() }
        t.stackSize = 64 << 20
        t.name = "hemi-sequencer"
        thread = t
        t.start()
    }

    /// Stops the thread and waits for the block in progress to be committed.
    public func stop() {
        cond.lock()
        stopped = true
        cond.signal()
        while !finished && thread != nil { cond.wait() }
        cond.unlock()
    }

    func loop() {
        defer {
            cond.lock()
            finished = true
            cond.broadcast()
            cond.unlock()
        }
        while true {
            cond.lock()
            if blockTime == 0 {
                while !stopped && !wake { cond.wait() }
                wake = false
            } else {
                let head = chain.snapshot.head.header.timestamp
                let due = Date(timeIntervalSince1970: Double(head &+ blockTime))
                while !stopped && Date() < due { _ = cond.wait(until: due) }
            }
            let stop = stopped
            cond.unlock()
            if stop { return }
            do {
                if blockTime == 0 {
                    // One block per transaction until nothing is executable.
                    while true {
                        let snap = chain.snapshot
                        let baseFee = chain.config.computeNextBaseFee(
                            parentGasUsed: snap.head.header.gasUsed, parentBaseFee: snap.head.header.baseFeePerGas ?? .zero)
                        if pool.executable(accounts: snap.accounts, baseFee: baseFee, limit: 1).isEmpty { break }
                        let b = try produceBlock(maxTransactions: 1)
                        if b.transactions.count <= 1 { break }  // nothing applied: avoid spinning
                    }
                } else {
                    let b = try produceBlock()
                    logger.debug("block \(b.header.header.number) txs \(b.transactions.count) gas \(b.header.header.gasUsed)")
                }
            } catch {
                logger.error("block production failed: \(error)")
                cond.lock()
                stopped = true
                cond.unlock()
                return
            }
        }
    }
}
