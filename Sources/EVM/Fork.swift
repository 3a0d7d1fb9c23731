/// Ethereum execution-layer hard forks, in activation order (evmone's `evmc_revision`, revm's `SpecId`).
/// Comparison follows activation order, so `fork >= .berlin` means "EIP-2929 is active".
public enum Fork: UInt8, CaseIterable, Comparable, Sendable, CustomStringConvertible {
    case frontier = 0
    case homestead
    case tangerineWhistle  // EIP-150
    case spuriousDragon  // EIP-158/160/161/170
    case byzantium
    case constantinople
    case petersburg
    case istanbul
    case berlin
    case london
    case paris  // The Merge
    case shanghai
    case cancun
    case prague
    case osaka

    /// The newest fork this interpreter implements.
    public static let latest: Fork = .osaka

    @inlinable public static func < (a: Fork, b: Fork) -> Bool { a.rawValue < b.rawValue }

    public var description: String {
        switch self {
        case .frontier: "Frontier"
        case .homestead: "Homestead"
        case .tangerineWhistle: "TangerineWhistle"
        case .spuriousDragon: "SpuriousDragon"
        case .byzantium: "Byzantium"
        case .constantinople: "Constantinople"
        case .petersburg: "Petersburg"
        case .istanbul: "Istanbul"
        case .berlin: "Berlin"
        case .london: "London"
        case .paris: "Paris"
        case .shanghai: "Shanghai"
        case .cancun: "Cancun"
        case .prague: "Prague"
        case .osaka: "Osaka"
        }
    }

    /// Parses the fork names used by ethereum/tests and EEST fixtures (`"Cancun"`, `"Merge"`, `"EIP150"`, …).
    public init?(name: some StringProtocol) {
        switch name.lowercased() {
        case "frontier": self = .frontier
        case "homestead": self = .homestead
        case "tangerinewhistle", "eip150": self = .tangerineWhistle
        case "spuriousdragon", "eip158": self = .spuriousDragon
        case "byzantium": self = .byzantium
        case "constantinople": self = .constantinople
        case "petersburg", "constantinoplefix": self = .petersburg
        case "istanbul": self = .istanbul
        case "berlin": self = .berlin
        case "london": self = .london
        case "paris", "merge": self = .paris
        case "shanghai": self = .shanghai
        case "cancun": self = .cancun
        case "prague": self = .prague
        case "osaka": self = .osaka
        default: return nil
        }
    }
}
