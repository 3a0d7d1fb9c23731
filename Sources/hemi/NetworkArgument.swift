import ArgumentParser
import Bitcoin

extension Network: ExpressibleByArgument {
    public init?(argument: String) {
        switch argument.lowercased() {
        case "main", "mainnet", "bitcoin": self = .mainnet
        case "test", "testnet", "testnet3": self = .testnet3
        case "testnet4": self = .testnet4
        case "signet": self = .signet
        case "regtest": self = .regtest
        default: return nil
        }
    }

    public static var allValueStrings: [String] { ["mainnet", "testnet3", "testnet4", "signet", "regtest"] }
}
