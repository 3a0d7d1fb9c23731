public import Bitcoin
internal import BitcoinView
internal import BitcoinConsensus
public import BitcoinP2P
public import KVStore
public import Logging
public import Primitives

/// The P2P layer's view of a `BitcoinChain`: implements `P2PChainDelegate` (and a small transaction
/// relay pool as `P2PMempoolDelegate`) over one chain that this actor owns — the chain is not
/// thread-safe, so every call goes through here.
///
/// Mapping of chain outcomes to what the peer manager punishes (ADR 0009):
/// - headers: `orphanHeader` → `.unconnected`; `invalidHeader`, `knownInvalid`, `checkpointMismatch`
///   → `.invalid` (ban).
/// - blocks: `unknownBlock`/`orphanHeader` → `.unknownHeader`; `badBlockData`, `invalidBlock`,
///   `undecodableBlock`, `knownInvalid`, `invalidHeader` → `.invalid` (ban).
/// - storage failures are environment failures: recorded in `environmentFailure`, logged, and
///   reported to the peer as harmless (`.duplicate` / `.accepted`) so no peer is punished for them;
///   the owner should stop the node when `environmentFailure` is set.
///
/// The relay pool is a placeholder until the mempool exists: it keeps up to `relayPoolLimit`
/// transactions that pass Core's context-free `CheckTransaction` (inputs are not looked up), evicting
/// the oldest, and drops those a connected block confirms.
public actor P2PAdapter<Store: KVStore>: P2PChainDelegate, P2PMempoolDelegate {
    let chain: BitcoinChain<Store>
    let logger: Logger
    /// The first storage failure seen, if any.
    public private(set) var environmentFailure: NodeError?
    public let relayPoolLimit: Int
    var pool: [TxID: Transaction] = [:]
    var poolByWitnessID: [WTxID: TxID] = [:]
    var poolOrder: [TxID] = []

    /// Opens the chain on `store` and connects blocks stored before a crash (`activateBestChain`).
    public init(store: Store, config: ChainConfig, relayPoolLimit: Int = 10_000, logger: Logger = Logger(label: "hemi.btc"))
        async throws(NodeError)
    {
        let c = try BitcoinChain(store: store, config: config)
        try await c.activateBestChain()
        chain = c
        self.logger = logger
        self.relayPoolLimit = relayPoolLimit
    }

    // MARK: Status and mining

    /// Tip and best-header summary.
    public func status() -> ChainStatus {
        let tip = chain.tip
        let best = chain.bestHeader
        return ChainStatus(
            tipHash: tip.hash, tipHeight: Int(tip.height), tipTime: tip.header.time, bestHeaderHash: best.hash,
            bestHeaderHeight: Int(best.height), headerCount: chain.headerCount, relayPoolSize: pool.count)
    }

    /// Regtest: mines one block on the tip paying `payTo`, including the relay pool's transactions that
    /// the chain accepts (none if the block with them fails to build). Returns the new block's header.
    public func mine(payTo: [UInt8]) async throws(NodeError) -> BlockHeader {
        let candidates = poolOrder.compactMap { pool[$0] }
        if !candidates.isEmpty, let block = try? chain.makeBlock(payTo: payTo, transactions: candidates) {
            // Check the template before submitting, so that a bad pool transaction cannot mark a block invalid.
            let parsed = try ParsedBlock(raw: block.serialized())
            if (try? await chain.acceptBlock(parsed)) != nil, chain.tip.hash == parsed.hash {
                for id in parsed.txids.dropFirst() { removeFromPool(id) }
                return block.header
            }
        }
        let block = try await chain.mine(payTo: payTo)
        return block.header
    }

    /// Balance of `script` in the UTXO index at the tip (nil on a storage failure).
    public func balance(script: [UInt8]) -> UInt64? {
        guard let view = try? chain.view() else { return nil }
        return try? view.balance(scriptHash: ScriptHash(script: script))
    }

    // MARK: P2PChainDelegate

    public func bestHeight() async -> Int32 { Int32(clamping: chain.tip.height) }

    public func blockLocator() async -> [BlockHash] { chain.locator() }

    public func knowsHeader(_ hash: BlockHash) async -> Bool { chain.entry(hash) != nil }

    public func acceptHeaders(_ headers: [BlockHeader], from peer: PeerID) async -> HeadersAcceptance {
        do throws(NodeError) {
            _ = try chain.acceptHeaders(headers)
            return .accepted
        } catch {
            switch error {
            case .orphanHeader: return .unconnected
            case .invalidHeader, .knownInvalid, .checkpointMismatch: return .invalid(reason: "\(error)")
            default:
                recordFailure(error)
                return .accepted
            }
        }
    }

    public func blocksToDownload(max: Int) async -> [BlockHash] { chain.blocksToDownload(limit: max) }

    public func acceptBlock(_ block: Block, raw: [UInt8], from peer: PeerID) async -> BlockAcceptance {
        do throws(NodeError) {
            let parsed = try ParsedBlock(raw: raw)
            let before = chain.tip.hash
            switch try await chain.acceptBlock(parsed) {
            case .duplicate: return .duplicate
            case .stored(let tip, _):
                for id in parsed.txids.dropFirst() { removeFromPool(id) }
                return .accepted(newTip: tip != before && tip == parsed.hash)
            }
        } catch {
            switch error {
            case .unknownBlock, .orphanHeader: return .unknownHeader
            case .badBlockData, .invalidBlock, .undecodableBlock, .knownInvalid, .invalidHeader, .checkpointMismatch:
                return .invalid(reason: "\(error)")
            default:
                recordFailure(error)
                return .duplicate
            }
        }
    }

    public func headers(locator: [BlockHash], stop: BlockHash, max: Int) async -> [BlockHeader] {
        chain.headers(locator: locator, stop: stop, limit: max)
    }

    public func rawBlock(_ hash: BlockHash) async -> [UInt8]? {
        do throws(NodeError) {
            return try chain.rawBlock(hash)
        } catch {
            recordFailure(error)
            return nil
        }
    }

    // MARK: P2PMempoolDelegate (relay pool)

    public func knowsTransaction(_ id: Bytes32, isWitnessID: Bool) async -> Bool {
        isWitnessID ? poolByWitnessID[id] != nil : pool[id] != nil
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
        if poolOrder.count >= relayPoolLimit, let oldest = poolOrder.first { removeFromPool(oldest) }
        pool[txid] = tx
        poolByWitnessID[tx.computeWTxID()] = txid
        poolOrder.append(txid)
        return .accepted
    }

    public func transaction(_ id: Bytes32, isWitnessID: Bool) async -> Transaction? {
        isWitnessID ? poolByWitnessID[id].flatMap { pool[$0] } : pool[id]
    }

    /// Adds a locally created transaction to the relay pool (announce it with
    /// `PeerManager.announceTransaction`).
    public func submit(_ tx: Transaction) async -> TransactionAcceptance {
        await acceptTransaction(tx, raw: tx.serialized(), from: PeerID(rawValue: 0))
    }

    // MARK: Private

    func removeFromPool(_ txid: TxID) {
        guard let tx = pool.removeValue(forKey: txid) else { return }
        poolByWitnessID[tx.computeWTxID()] = nil
        if let i = poolOrder.firstIndex(of: txid) { poolOrder.remove(at: i) }
    }

    func recordFailure(_ error: NodeError) {
        logger.error("chain storage failure", metadata: ["error": "\(error)"])
        if environmentFailure == nil { environmentFailure = error }
    }
}

/// A summary of the chain for progress lines and `hemi btc status`.
public struct ChainStatus: Sendable, Equatable {
    public var tipHash: BlockHash
    public var tipHeight: Int
    public var tipTime: UInt32
    public var bestHeaderHash: BlockHash
    public var bestHeaderHeight: Int
    public var headerCount: Int
    public var relayPoolSize: Int
}
