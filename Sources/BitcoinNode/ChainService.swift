public import Primitives
public import Bitcoin
public import KVStore

/// The chain store behind an actor: the owner of a ``BitcoinChain`` for concurrent callers (the P2P
/// sync engine, API servers). Its methods mirror what a headers-first sync engine asks (locator,
/// accept headers, blocks to download, accept block, serve headers/blocks, tip), so a delegate
/// protocol of the P2P layer is a thin extension of this type:
///
/// | Result | P2P meaning |
/// |---|---|
/// | `NodeError.orphanHeader`, `.unknownBlock` | unconnected header / unknown header: ask for headers, no penalty |
/// | `.invalidHeader`, `.checkpointMismatch`, `.knownInvalid`, `.badBlockData`, `.invalidBlock`, `.undecodableBlock` | invalid: misbehaviour |
/// | `.storage`, `.corrupt`, `.other` | local failure: stop the service |
///
/// Blocking storage calls run on the actor (LMDB is synchronous); script checks of a block run on
/// the global executor in parallel (`ChainConfig.scriptParallelism`).
public actor ChainService<Store: KVStore> {
    let chain: BitcoinChain<Store>

    /// Opens the chain in `store` (see ``BitcoinChain/init(store:config:)``). Call
    /// ``activateBestChain()`` once afterwards to connect blocks stored before a crash.
    public init(store: Store, config: ChainConfig) throws(NodeError) {
        chain = try BitcoinChain(store: store, config: config)
    }

    /// Height of the active tip (for `version.startHeight`).
    public func bestHeight() -> Int32 { Int32(clamping: chain.tip.height) }

    /// The active tip.
    public func tip() -> BlockIndexEntry { chain.tip }

    /// The best header.
    public func bestHeader() -> BlockIndexEntry { chain.bestHeader }

    /// A `getheaders` locator of the best header chain (newest first, genesis last).
    public func blockLocator() -> [BlockHash] { chain.locator() }

    /// Whether the header is in the index (any branch, valid or not).
    public func knowsHeader(_ hash: BlockHash) -> Bool { chain.entry(hash) != nil }

    /// The index entry of `hash`.
    public func entry(_ hash: BlockHash) -> BlockIndexEntry? { chain.entry(hash) }

    /// ``BitcoinChain/acceptHeaders(_:)``.
    public func acceptHeaders(_ headers: [BlockHeader]) -> Result<HeadersAccepted, NodeError> {
        Result { () throws(NodeError) in try chain.acceptHeaders(headers) }
    }

    /// ``BitcoinChain/blocksToDownload(limit:)``.
    public func blocksToDownload(max: Int) -> [BlockHash] { chain.blocksToDownload(limit: max) }

    /// Accepts a block as received (witness serialization); `newTip` is whether the active tip moved.
    public func acceptBlock(raw: [UInt8]) async -> Result<(accepted: BlockAccepted, newTip: Bool), NodeError> {
        let before = chain.tip.hash
        do {
            let r = try await chain.acceptBlock(raw: raw)
            return .success((r, chain.tip.hash != before))
        } catch {
            return .failure(error)
        }
    }

    /// ``BitcoinChain/activateBestChain()``.
    public func activateBestChain() async throws(NodeError) { try await chain.activateBestChain() }

    /// Headers answering `getheaders`.
    public func headers(locator: [BlockHash], stop: BlockHash, max: Int) -> [BlockHeader] {
        chain.headers(locator: locator, stop: stop, limit: max)
    }

    /// The stored raw block, if any (nil also when the store fails).
    public func rawBlock(_ hash: BlockHash) -> [UInt8]? { try? chain.rawBlock(hash) }

    /// A read snapshot pinned at the current tip (``ChainView``), usable off the actor.
    public func view() throws(NodeError) -> sending ChainView<Store> { try chain.view() }

    /// Fee rate to be confirmed within `target` blocks (``BitcoinChain/estimateFee(target:)``).
    public func estimateFee(target: Int) -> FeeEstimate { chain.estimateFee(target: target) }

    /// Runs `body` with exclusive access to the chain (mining, wind/unwind, tests).
    public func withChain<R: Sendable>(_ body: nonisolated(nonsending) (BitcoinChain<Store>) async throws -> R) async rethrows -> R {
        try await body(chain)
    }
}
