internal import Primitives
internal import Secp256k1

/// A private key in Wallet Import Format: Base58Check of the network's secret-key prefix, the
/// 32-byte key and, for keys whose public key is used compressed, a trailing 0x01.
public struct WIF: Hashable, Sendable {
    /// The 32-byte secret key, 0 < key < n.
    public let privateKey: [UInt8]
    /// Whether the matching public key is used in compressed form.
    public let compressed: Bool

    /// Nil unless the key is a valid secp256k1 secret key.
    public init?(privateKey: [UInt8], compressed: Bool) {
        guard Secp256k1.isValidPrivateKey(privateKey) else { return nil }
        self.privateKey = privateKey
        self.compressed = compressed
    }

    /// Parses as Bitcoin Core's `DecodeSecret`: the network's prefix, then 32 bytes, optionally
    /// followed by 0x01; the key must be in range.
    public static func decode(_ string: String, network: AddressNetwork) -> WIF? {
        guard let data = Base58.decodeCheck(string, maxPayloadLength: 34), data.first == network.secretKeyPrefix
        else { return nil }
        switch data.count {
        case 33: return WIF(privateKey: Array(data[1..<33]), compressed: false)
        case 34 where data[33] == 1: return WIF(privateKey: Array(data[1..<33]), compressed: true)
        default: return nil
        }
    }

    /// The WIF string on `network`.
    public func encode(network: AddressNetwork) -> String {
        Base58.encodeCheck([network.secretKeyPrefix] + privateKey + (compressed ? [1] : []))
    }

    /// The public key, compressed or not according to `compressed`.
    public func computePublicKey() -> [UInt8] {
        Secp256k1.publicKey(privateKey: privateKey, compressed: compressed) ?? []
    }
}
