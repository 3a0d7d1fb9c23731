import ArgumentParser
import Bitcoin

/// A `--network` value: mainnet, testnet3, testnet4, signet or regtest (Core's names main/test accepted).
struct NetworkOption: ExpressibleByArgument, CustomStringConvertible, Sendable {
    let network: Network

    init(_ network: Network) { self.network = network }

    init?(argument: String) {
        switch argument.lowercased() {
        case "main", "mainnet", "bitcoin": network = .mainnet
        case "test", "testnet", "testnet3": network = .testnet3
        case "testnet4": network = .testnet4
        case "signet": network = .signet
        case "regtest": network = .regtest
        default: return nil
        }
    }

    var description: String {
        switch network {
        case .mainnet: return "mainnet"
        case .testnet3: return "testnet3"
        case .testnet4: return "testnet4"
        case .signet: return "signet"
        case .regtest: return "regtest"
        }
    }

    var defaultValueDescription: String { description }
    static var allValueStrings: [String] { ["mainnet", "testnet3", "testnet4", "signet", "regtest"] }
    var params: ChainParams { ChainParams.forNetwork(network) }
}
