public import Bitcoin
public import Primitives

/// Identifies one connection for the lifetime of the process (ids are never reused).
public struct PeerID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public static func < (a: PeerID, b: PeerID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "peer#\(rawValue)" }
}

/// The chain's answer to a batch of headers from a peer.
public enum HeadersAcceptance: Sendable, Equatable {
    /// Every header connects to a known header and passed the header rules (new or already known).
    case accepted
    /// The first header's parent is unknown. Not a violation by itself (the peer may be on a chain we
    /// have not seen); repeated, it is header spam (`Misbehaviour.unconnectingHeaders`).
    case unconnected
    /// A header broke a consensus rule (PoW above target, target above the limit, wrong difficulty,
    /// time at or before median-time-past or too far ahead, obsolete version, checkpoint mismatch,
    /// descends from an invalid block). The peer is banned.
    case invalid(reason: String)
}

/// The chain's answer to a block from a peer.
public enum BlockAcceptance: Sendable, Equatable {
    /// Stored (and validated if the chain validates on arrival). `newTip` when it made a new best
    /// block: the peer manager then announces it to the other peers.
    case accepted(newTip: Bool)
    /// Already stored.
    case duplicate
    /// The header is unknown; the block is ignored and the peer is asked for headers. No penalty.
    case unknownHeader
    /// The block is invalid (merkle root, weight, transactions, scripts, …). The peer is banned.
    case invalid(reason: String)
}

/// The mempool's answer to a transaction from a peer.
public enum TransactionAcceptance: Sendable, Equatable {
    /// Added to the mempool; it is announced to the other peers.
    case accepted
    /// Already known (mempool or chain).
    case duplicate
    /// Refused by policy (fee rate, standardness, missing inputs, RBF rules, full mempool). No penalty.
    case rejected(reason: String)
    /// Consensus-invalid (bad signature, overspend, malformed). Counts towards the peer's ban score
    /// (`Misbehaviour.invalidTransaction`), so a flood of them ends in a ban.
    case invalid(reason: String)
}

/// What the P2P layer needs from the block chain: the block index (headers tree with cumulative work),
/// the block store and the validator. Implemented by `BitcoinNode` (and by a small in-memory chain in
/// the tests).
///
/// Conventions the peer manager relies on:
/// - "Best header chain" is the header chain with the most cumulative work, whether or not its blocks
///   are stored yet; "best block" is the tip of the stored, connected chain.
/// - Methods may suspend (they run on the chain's own executor or actor); the peer manager never holds
///   a lock across them and re-checks its own state after each call.
/// - All inputs come from untrusted peers; the chain must validate, never trap.
public protocol P2PChainDelegate: Sendable {
    /// Height of the best block (stored and connected), sent as `version.startHeight`.
    func bestHeight() async -> Int32

    /// A block locator for the best header chain, newest first, genesis last
    /// (`BlockLocator.build`). Sent in `getheaders`.
    func blockLocator() async -> [BlockHash]

    /// Whether a header with this hash is known (in any branch). Used for `inv` announcements.
    func knowsHeader(_ hash: BlockHash) async -> Bool

    /// Accepts a batch of at most 2000 headers from a peer. The peer manager has already checked that
    /// each header's `prevBlock` is the hash of the one before it.
    func acceptHeaders(_ headers: [BlockHeader], from peer: PeerID) async -> HeadersAcceptance

    /// Up to `max` hashes of blocks on the best header chain whose bodies are not stored, lowest height
    /// first. The peer manager filters out the ones already in flight, so the answer should be stable
    /// (the same hashes again until their blocks arrive).
    func blocksToDownload(max: Int) async -> [BlockHash]

    /// Accepts a block from a peer. `raw` is the block exactly as received (witness serialization),
    /// and `block` its decoded form.
    func acceptBlock(_ block: Block, raw: [UInt8], from peer: PeerID) async -> BlockAcceptance

    /// Headers to answer `getheaders`: those on the best header chain after the first locator hash that
    /// is on it (after genesis if none is), up to and including `stop` (zero: no stop), at most `max`.
    func headers(locator: [BlockHash], stop: BlockHash, max: Int) async -> [BlockHeader]

    /// The stored block in witness serialization, or nil if it is not stored.
    func rawBlock(_ hash: BlockHash) async -> [UInt8]?
}

/// What the P2P layer needs from the mempool (transaction relay).
public protocol P2PMempoolDelegate: Sendable {
    /// Whether a transaction with this id is in the mempool (or otherwise known and not wanted).
    /// `isWitnessID` when `id` is a wtxid (BIP339 `MSG_WTX`).
    func knowsTransaction(_ id: Bytes32, isWitnessID: Bool) async -> Bool

    /// Offers a transaction received from a peer. `raw` is its serialization as received.
    func acceptTransaction(_ tx: Transaction, raw: [UInt8], from peer: PeerID) async -> TransactionAcceptance

    /// A mempool transaction by txid or (BIP339) wtxid, to answer `getdata`.
    func transaction(_ id: Bytes32, isWitnessID: Bool) async -> Transaction?
}

/// A mempool that holds nothing and takes nothing (nodes that do not relay transactions).
public struct NoMempool: P2PMempoolDelegate {
    public init() {}
    public func knowsTransaction(_ id: Bytes32, isWitnessID: Bool) async -> Bool { true }
    public func acceptTransaction(_ tx: Transaction, raw: [UInt8], from peer: PeerID) async -> TransactionAcceptance {
        .rejected(reason: "no mempool")
    }
    public func transaction(_ id: Bytes32, isWitnessID: Bool) async -> Transaction? { nil }
}
