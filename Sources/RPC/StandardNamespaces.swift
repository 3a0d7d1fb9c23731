import Hashing
import Primitives

/// Identification of this client for `web3_clientVersion`.
public enum ClientVersion {
    /// Release version of hemi-swift.
    public static let version = "0.1.0"

    /// `hemi-swift/v<version>/<os>-<arch>/swift<major.minor>`, in geth's `Geth/v…/linux-amd64/go1.x` shape.
    public static var string: String {
        #if os(Linux)
            let os = "linux"
        #elseif os(macOS)
            let os = "darwin"
        #else
            let os = "unknown"
        #endif
        #if arch(x86_64)
            let arch = "amd64"
        #elseif arch(arm64)
            let arch = "arm64"
        #else
            let arch = "unknown"
        #endif
        #if swift(>=6.3)
            let swift = "swift6.3"
        #elseif swift(>=6.2)
            let swift = "swift6.2"
        #else
            let swift = "swift6"
        #endif
        return "hemi-swift/v\(version)/\(os)-\(arch)/\(swift)"
    }
}

extension RPCMethodRegistry {
    /// Registers the namespaces that need no chain: `web3_clientVersion`, `web3_sha3`, `net_version`,
    /// `net_listening`, `net_peerCount` (`0x0` unless given) and `eth_chainId`.
    /// (`rpc_modules` is answered by the dispatcher from the final registry.)
    ///
    /// - Parameters:
    ///   - chainID: EIP-155 chain id (`eth_chainId` returns it as a quantity).
    ///   - networkID: `net_version` (decimal string); defaults to the chain id, as op-geth.
    public mutating func registerStandardMethods(
        chainID: UInt64,
        networkID: UInt64? = nil,
        clientVersion: String = ClientVersion.string,
        peerCount: @escaping @Sendable () -> UInt64 = { 0 }
    ) {
        register("web3_clientVersion") { (params: RPCParams) async throws(RPCError) -> JSONValue in
            try params.expectCount(max: 0)
            return .string(clientVersion)
        }
        register("web3_sha3") { (params: RPCParams) async throws(RPCError) -> JSONValue in
            try params.expectCount(min: 1, max: 1)
            return .data(Keccak256.hash(try params.data(0)))
        }
        let network = String(networkID ?? chainID)
        register("net_version") { (params: RPCParams) async throws(RPCError) -> JSONValue in
            try params.expectCount(max: 0)
            return .string(network)
        }
        register("net_listening") { (params: RPCParams) async throws(RPCError) -> JSONValue in
            try params.expectCount(max: 0)
            return .bool(true)
        }
        register("net_peerCount") { (params: RPCParams) async throws(RPCError) -> JSONValue in
            try params.expectCount(max: 0)
            return .quantity(peerCount())
        }
        register("eth_chainId") { (params: RPCParams) async throws(RPCError) -> JSONValue in
            try params.expectCount(max: 0)
            return .quantity(chainID)
        }
    }
}
