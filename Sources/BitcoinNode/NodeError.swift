public import Primitives
public import Bitcoin
public import BitcoinConsensus
public import KVStore

/// Status bits of a block in the index (stored in its header record).
public struct BlockStatus: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The header passed the header rules (PoW, retarget, MTP, future limit, version, checkpoints).
    public static let headerValid = BlockStatus(rawValue: 1 << 0)
    /// The raw block is stored (and passed the context-free `CheckBlock`).
    public static let dataStored = BlockStatus(rawValue: 1 << 1)
    /// The block was connected with full validation at least once (its undo data exists while it is
    /// on the active chain).
    public static let fullyValidated = BlockStatus(rawValue: 1 << 2)
    /// The block itself broke a consensus rule.
    public static let failed = BlockStatus(rawValue: 1 << 3)
    /// An ancestor broke a consensus rule.
    public static let failedParent = BlockStatus(rawValue: 1 << 4)

    /// Either failure bit.
    public static let invalid: BlockStatus = [.failed, .failedParent]
    public var isInvalid: Bool { !intersection(.invalid).isEmpty }
}

/// Errors of the chain store. Invalid input (a header or block breaking a rule) is separated from
/// environment failures (storage).
public enum NodeError: Error, Sendable, CustomStringConvertible {
    /// A header broke a header rule.
    case invalidHeader(HeaderValidationError)
    /// A header's parent is not known.
    case orphanHeader(hash: BlockHash, prev: BlockHash)
    /// A header or block builds on (or is) a block already marked invalid.
    case knownInvalid(BlockHash)
    /// A header contradicts a checkpoint (or forks below the last one).
    case checkpointMismatch(height: UInt64, hash: BlockHash)
    /// The block failed the context-free checks (merkle root, sizes, tx sanity): the data may be
    /// malleated, so the header is **not** marked invalid.
    case badBlockData(hash: BlockHash, BlockValidationError)
    /// The block broke a consensus rule when connected; it and its descendants are marked invalid.
    case invalidBlock(hash: BlockHash, BlockValidationError)
    /// The raw block does not decode.
    case undecodableBlock(DecodeError)
    /// A block whose header is unknown (accept the header first).
    case unknownBlock(BlockHash)
    /// `unwind(to:)`/`wind(to:)` was given a hash that is not an ancestor/descendant as required.
    case notOnChain(BlockHash)
    /// The block's data is not stored.
    case missingBlockData(BlockHash)
    /// The store's format version is not the one this code writes.
    case formatVersion(found: UInt8, expected: UInt8)
    /// The store belongs to another network (genesis mismatch).
    case wrongNetwork
    /// Stored bytes do not decode.
    case corrupt(String)
    /// The key-value store failed.
    case storage(KVStoreError)
    /// Another error from storage code.
    case other(String)

    public var description: String {
        switch self {
        case let .invalidHeader(e): return "invalid header: \(e)"
        case let .orphanHeader(h, p): return "orphan header \(h.displayHex) (parent \(p.displayHex) unknown)"
        case let .knownInvalid(h): return "block \(h.displayHex) is known invalid"
        case let .checkpointMismatch(height, h): return "header \(h.displayHex) at \(height) contradicts a checkpoint"
        case let .badBlockData(h, e): return "block \(h.displayHex) failed CheckBlock: \(e)"
        case let .invalidBlock(h, e): return "block \(h.displayHex) invalid: \(e)"
        case let .undecodableBlock(e): return "block does not decode: \(e)"
        case let .unknownBlock(h): return "unknown block \(h.displayHex)"
        case let .notOnChain(h): return "block \(h.displayHex) is not on the required chain"
        case let .missingBlockData(h): return "block data of \(h.displayHex) not stored"
        case let .formatVersion(f, e): return "store format version \(f), expected \(e)"
        case .wrongNetwork: return "store belongs to another network"
        case let .corrupt(s): return "corrupt store: \(s)"
        case let .storage(e): return "storage: \(e)"
        case let .other(s): return s
        }
    }

    /// Wraps any error thrown inside a store closure.
    static func wrap(_ e: any Error) -> NodeError {
        if let n = e as? NodeError { return n }
        if let k = e as? KVStoreError { return .storage(k) }
        return .other("\(e)")
    }
}
