public import EVM
public import Ethereum
public import Primitives

/// A transaction re-executed under a tracer.
public struct ReplayedTransaction: Sendable {
    public var transaction: Transaction
    /// The stored receipt (the replay matched its status and gas used).
    public var receipt: ReceiptRecord
}

extension L2Chain {
    /// Re-executes the block holding transaction `hash` from its parent's state, through
    /// `BlockBuilder` as `importBlock` does, up to and including that transaction, with `tracer`
    /// observing only it. Nil when the transaction is unknown. Throws `historyPruned` when the
    /// parent state is no longer kept, and `corrupt` when the replay's status or gas used differs
    /// from the stored receipt. Must run on a large-stack thread (ADR 0004).
    public func replayTransaction(hash: Bytes32, tracer: any StepTracer) throws(L2ChainError) -> ReplayedTransaction? {
        guard let (n, index) = try location(ofTransaction: hash) else { return nil }
        guard n > 0 else { return nil }  // genesis has no transactions
        guard let sealedHeader = try header(number: n), let txs = try transactions(number: n),
            let receipts = try receipts(number: n), index < txs.count, index < receipts.count
        else { throw .corrupt("block \(n) of transaction \(hash.hex) incomplete") }
        guard let parentState = try accounts(atBlock: n - 1) else { throw .notFound("state of block \(n - 1)") }
        let h = sealedHeader.header
        let ctx = L2BlockContext(
            number: h.number, timestamp: h.timestamp, gasLimit: h.gasLimit, baseFee: h.baseFeePerGas ?? .zero,
            coinbase: h.coinbase, prevRandao: h.mixHash, parentHash: h.parentHash,
            l1OriginTimestamp: config.genesisTimestamp)
        var hashes = blockHashes.filter { $0.key < n }
        if let parent = try header(number: n - 1) { hashes[n - 1] = parent.hash }
        var b = BlockBuilder(config: config, context: ctx, state: parentState, blockHashes: hashes)
        var replayed: ReceiptRecord?
        for i in 0...index {
            if i == index { b.setTracer(tracer) }
            let sealed = SealedTransaction(txs[i])
            if case .deposit = txs[i] {
                replayed = b.applyDeposit(sealed)
            } else {
                do { replayed = try b.apply(sealed, sender: receipts[i].from) } catch {
                    throw .corrupt("replay of block \(n) transaction \(i): \(error)")
                }
            }
        }
        b.setTracer(nil)
        let stored = receipts[index]
        guard let replayed, replayed.gasUsed == stored.gasUsed, replayed.receipt.outcome == stored.receipt.outcome
        else {
            throw .corrupt("replay of \(hash.hex) does not match its receipt")
        }
        return ReplayedTransaction(transaction: txs[index], receipt: stored)
    }
}
