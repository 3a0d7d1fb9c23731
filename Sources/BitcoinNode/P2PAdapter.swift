public import Bitcoin
internal import BitcoinConsensus
public import BitcoinP2P
internal import BitcoinView
internal import KVStore
public import Primitives
internal import Synchronization

/// `ChainService` is the P2P layer's chain (ADR 0009): the delegate methods are the service's own
/// (`bestHeight`, `blockLocator`, `knowsHeader`, `blocksToDownload`, `headers`, `rawBlock`) plus the
/// two below, which map chain outcomes to what the peer manager punishes:
/// - headers: `orphanHeader` → `.unconnected`; `invalidHeader`, `knownInvalid`, `checkpointMismatch`
///   → `.invalid` (ban).
/// - blocks: `unknownBlock`/`orphanHeader` → `.unknownHeader`; `badBlockData`, `invalidBlock`,
///   `undecodableBlock`, `knownInvalid`, `invalidHeader`, `checkpointMismatch` → `.invalid` (ban).
/// - storage failures (`storage`, `corrupt`, …) are environment failures: recorded in
///   `P2PFailures` (see `failures`), and reported to the peer manager as harmless
///   (`.accepted` / `.duplicate`) so that no peer is punished for them; the owner stops the node.
extension ChainService: P2PChainDelegate {
    public func acceptHeaders(_ headers: [BlockHeader], from peer: PeerID) async -> HeadersAcceptance {
        switch acceptHeaders(headers) {
        case .success: return .accepted
        case .failure(let error):
            switch error {
            case .orphanHeader: return .unconnected
            case .invalidHeader, .knownInvalid, .checkpointMismatch: return .invalid(reason: "\(error)")
            default:
                P2PFailures.shared.record(error)
                return .accepted
            }
        }
    }

    public func acceptBlock(_ block: Block, raw: [UInt8], from peer: PeerID) async -> BlockAcceptance {
        let hash = block.header.computeHash()
        switch await acceptBlock(raw: raw) {
        case .success(let r):
            switch r.accepted {
            case .duplicate: return .duplicate
            case .stored(let tip, _): return .accepted(newTip: r.newTip && tip == hash)
            }
        case .failure(let error):
            switch error {
            case .unknownBlock, .orphanHeader: return .unknownHeader
            case .badBlockData, .invalidBlock, .undecodableBlock, .knownInvalid, .invalidHeader, .checkpointMismatch:
                return .invalid(reason: "\(error)")
            default:
                P2PFailures.shared.record(error)
                return .duplicate
            }
        }
    }

    /// Tip and best-header summary for progress lines and `hemi btc status`.
    public func p2pStatus() -> ChainStatus {
        let t = tip()
        let b = bestHeader()
        return ChainStatus(
            tipHash: t.hash, tipHeight: Int(t.height), tipTime: t.header.time, bestHeaderHash: b.hash,
            bestHeaderHeight: Int(b.height))
    }

    /// Balance of `script` in the UTXO index at the tip (nil on a storage failure).
    public func balance(script: [UInt8]) -> UInt64? {
        guard let v = try? view() else { return nil }
        return try? v.balance(scriptHash: ScriptHash(script: script))
    }

    /// Regtest: mines one block on the tip paying `payTo`, with the pool's transactions when the chain
    /// accepts a block holding them (otherwise an empty block). The mined transactions leave the pool.
    public func mine(payTo: [UInt8], pool: P2PRelayPool) async throws(NodeError) -> BlockHeader {
        let candidates = await pool.transactionsForBlock()
        if !candidates.isEmpty {
            let built: Block? = await withChain { chain in try? chain.makeBlock(payTo: payTo, transactions: candidates) }
            if let built, case .success(let r) = await acceptBlock(raw: built.serialized()), r.newTip {
                await pool.remove(built.transactions.dropFirst().map { $0.computeTxID() })
                return built.header
            }
        }
        let result: Result<BlockHeader, NodeError> = await withChain { chain in
            do throws(NodeError) {
                return .success(try await chain.mine(payTo: payTo).header)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

/// Environment failures seen by the P2P delegate methods (process-wide; the node polls it).
public final class P2PFailures: Sendable {
    public static let shared = P2PFailures()
    private let first = Mutex<NodeError?>(nil)

    /// Keeps the first failure.
    public func record(_ e: NodeError) { first.withLock { if $0 == nil { $0 = e } } }

    /// The first failure recorded, if any.
    public var failure: NodeError? { first.withLock { $0 } }
}

/// A summary of the chain for progress lines and `hemi btc status`.
public struct ChainStatus: Sendable, Equatable {
    public var tipHash: BlockHash
    public var tipHeight: Int
    public var tipTime: UInt32
    public var bestHeaderHash: BlockHash
    public var bestHeaderHeight: Int
}

/// A transaction relay pool, the node's `P2PMempoolDelegate` until the mempool exists: it keeps up to
/// `limit` transactions that pass Core's context-free `CheckTransaction` (inputs are not looked up,
/// no fee or standardness policy), evicting the oldest. Consensus-invalid transactions are reported
/// as `.invalid`, which the peer manager scores (a flood of them is a ban).
public actor P2PRelayPool: P2PMempoolDelegate {
    public let limit: Int
    var pool: [TxID: Transaction] = [:]
    var byWitnessID: [WTxID: TxID] = [:]
    var order: [TxID] = []

    public init(limit: Int = 10_000) { self.limit = limit }

    public var count: Int { pool.count }

    public func knowsTransaction(_ id: Bytes32, isWitnessID: Bool) async -> Bool {
        isWitnessID ? byWitnessID[id] != nil : pool[id] != nil
    }

    public func acceptTransaction(_ tx: Transaction, raw: [UInt8], from peer: PeerID) async -> TransactionAcceptance {
        if tx.isCoinbase { return .invalid(reason: "coinbase outside a block") }
        do throws(BlockValidationError) {
            try BlockValidation.checkTransaction(tx)
        } catch {
            return .invalid(reason: "\(error)")
        }
        let txid = tx.computeTxID()
        if pool[txid] != nil { return .duplicate }
        if order.count >= limit, let oldest = order.first { remove([oldest]) }
        pool[txid] = tx
        byWitnessID[tx.computeWTxID()] = txid
        order.append(txid)
        return .accepted
    }

    public func transaction(_ id: Bytes32, isWitnessID: Bool) async -> Transaction? {
        isWitnessID ? byWitnessID[id].flatMap { pool[$0] } : pool[id]
    }

    /// Adds a locally created transaction (announce it with `PeerManager.announceTransaction`).
    public func submit(_ tx: Transaction) async -> TransactionAcceptance {
        await acceptTransaction(tx, raw: tx.serialized(), from: PeerID(rawValue: 0))
    }

    /// The pool's transactions, oldest first.
    public func transactionsForBlock() -> [Transaction] { order.compactMap { pool[$0] } }

    /// Drops transactions (e.g. confirmed ones).
    public func remove(_ txids: [TxID]) {
        for txid in txids {
            guard let tx = pool.removeValue(forKey: txid) else { continue }
            byWitnessID[tx.computeWTxID()] = nil
            if let i = order.firstIndex(of: txid) { order.remove(at: i) }
        }
    }
}
