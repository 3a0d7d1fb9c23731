/// Ethereum mainnet hard forks in activation order (execution layer), as far as they change
/// transaction validity or intrinsic gas. Comparable: later forks compare greater.
public enum Fork: Int, Comparable, Sendable, CaseIterable {
    case frontier
    /// EIP-2 (low-s signatures, contract creation 53000 gas), EIP-7.
    case homestead
    /// EIP-150.
    case tangerineWhistle
    /// EIP-155 replay protection (chain id in `v`), EIP-158/161.
    case spuriousDragon
    case byzantium
    case constantinople
    /// Constantinople without EIP-1283 ("ConstantinopleFix").
    case petersburg
    /// EIP-2028: non-zero calldata byte 16 gas.
    case istanbul
    /// EIP-2718 typed envelopes, EIP-2930 access lists.
    case berlin
    /// EIP-1559 fee market.
    case london
    /// The Merge ("Paris").
    case paris
    /// EIP-3860 initcode limit and word cost.
    case shanghai
    /// EIP-4844 blob transactions.
    case cancun
    /// EIP-7702 set-code transactions, EIP-7623 calldata floor, EIP-7691 blob counts.
    case prague
    /// EIP-7825 transaction gas cap, EIP-7594 per-transaction blob limit.
    case osaka

    @inlinable public static func < (a: Fork, b: Fork) -> Bool { a.rawValue < b.rawValue }

    /// Parses the names used in ethereum/tests and EEST fixtures (`EIP150`, `EIP158`,
    /// `ConstantinopleFix`, `Merge`, …) and the canonical names.
    public init?(name: some StringProtocol) {
        switch name {
        case "Frontier": self = .frontier
        case "Homestead": self = .homestead
        case "EIP150", "TangerineWhistle": self = .tangerineWhistle
        case "EIP158", "SpuriousDragon": self = .spuriousDragon
        case "Byzantium": self = .byzantium
        case "Constantinople": self = .constantinople
        case "ConstantinopleFix", "Petersburg": self = .petersburg
        case "Istanbul": self = .istanbul
        case "Berlin": self = .berlin
        case "London": self = .london
        case "Paris", "Merge": self = .paris
        case "Shanghai": self = .shanghai
        case "Cancun": self = .cancun
        case "Prague": self = .prague
        case "Osaka": self = .osaka
        default: return nil
        }
    }

    /// Maximum blobs per block (EIP-4844: 6; EIP-7691 Prague: 9), which also bounds one transaction.
    public var maxBlobsPerBlock: Int {
        switch self {
        case .prague, .osaka: return 9
        default: return 6
        }
    }

    /// Maximum blobs in one transaction: EIP-7594 (Osaka) caps it at 6; before, the block limit.
    public var maxBlobsPerTransaction: Int { self >= .osaka ? 6 : maxBlobsPerBlock }
}
