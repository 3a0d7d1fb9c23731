/// Service bits advertised in `version`, `addr` and `addrv2` (Core's `ServiceFlags`, `protocol.h`).
public struct ServiceFlags: OptionSet, Hashable, Sendable {
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// `NODE_NETWORK`: serves the full block chain.
    public static let network = ServiceFlags(rawValue: 1 << 0)
    /// `NODE_GETUTXO` (BIP64, obsolete).
    public static let getUTXO = ServiceFlags(rawValue: 1 << 1)
    /// `NODE_BLOOM` (BIP111).
    public static let bloom = ServiceFlags(rawValue: 1 << 2)
    /// `NODE_WITNESS` (BIP144).
    public static let witness = ServiceFlags(rawValue: 1 << 3)
    /// `NODE_COMPACT_FILTERS` (BIP157).
    public static let compactFilters = ServiceFlags(rawValue: 1 << 6)
    /// `NODE_NETWORK_LIMITED` (BIP159): serves the last 288 blocks.
    public static let networkLimited = ServiceFlags(rawValue: 1 << 10)
    /// `NODE_P2P_V2` (BIP324).
    public static let p2pV2 = ServiceFlags(rawValue: 1 << 11)
}
