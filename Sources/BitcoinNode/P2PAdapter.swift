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

    /// Regtest: mines one block on the tip from the mempool (`mineFromMempool`) paying `payTo`.
    public func mine(payTo: [UInt8]) async throws(NodeError) -> BlockHeader {
        let result: Result<BlockHeader, NodeError> = await withChain { chain in
            do throws(NodeError) {
                return .success(try await chain.mineFromMempool(payTo: payTo).header)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Mempool size.
    public func mempoolCount() async -> Int { await withChain { $0.mempool.count } }
}

/// `ChainService` is also the P2P layer's mempool: `BitcoinChain`'s mempool (validation against the
/// UTXO set and the pool, scripts, ≥ 1 sat/vB). Only transactions invalid in themselves (failing
/// `CheckTransaction`, a coinbase, amounts out of range or above the inputs) count as misbehaviour;
/// missing inputs, conflicts, fee rate, finality, script failures (which may be policy) are
/// rejections without penalty. Lookups by wtxid scan the pool (it has no wtxid index).
extension ChainService: P2PMempoolDelegate {
    public func knowsTransaction(_ id: Bytes32, isWitnessID: Bool) async -> Bool {
        await transaction(id, isWitnessID: isWitnessID) != nil
    }

    public func acceptTransaction(_ tx: Transaction, raw: [UInt8], from peer: PeerID) async -> TransactionAcceptance {
        let result: Result<Void, MempoolError> = await withChain { chain in
            do throws(MempoolError) {
                try chain.acceptToMempool(tx)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success: return .accepted
        case .failure(let e):
            switch e {
            case .invalid, .coinbase, .badAmounts: return .invalid(reason: "\(e)")
            case .duplicate, .alreadyConfirmed: return .duplicate
            default: return .rejected(reason: "\(e)")
            }
        }
    }

    public func transaction(_ id: Bytes32, isWitnessID: Bool) async -> Transaction? {
        await withChain { chain in
            if let e = chain.mempool.entries[id] {
                return (!isWitnessID || !e.tx.hasWitness) ? e.tx : nil
            }
            guard isWitnessID else { return nil }
            return chain.mempool.entries.values.first { $0.tx.hasWitness && $0.tx.computeWTxID() == id }?.tx
        }
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

