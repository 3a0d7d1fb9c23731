/// The per-network constants that address, private-key (WIF) and extended-key (BIP32) encodings
/// need. Values are Bitcoin Core's `chainparams.cpp` (`base58Prefixes`, `bech32_hrp`).
///
/// Testnet3 and testnet4 share every prefix, and signet shares them too (only the HRP of regtest
/// differs), so one value serves several chains. Meant to be folded into `ChainParams` later:
/// each `ChainParams` would expose its `AddressNetwork`.
public struct AddressNetwork: Hashable, Sendable, CustomStringConvertible {
    /// A short name for messages ("main", "test", "signet", "regtest").
    public let name: String
    /// Version byte of P2PKH Base58Check addresses.
    public let pubKeyHashPrefix: UInt8
    /// Version byte of P2SH Base58Check addresses (BIP13).
    public let scriptHashPrefix: UInt8
    /// Version byte of WIF private keys.
    public let secretKeyPrefix: UInt8
    /// Human-readable part of segwit addresses (BIP173).
    public let bech32HRP: String
    /// BIP32 version of serialized extended public keys (xpub / tpub).
    public let extendedPublicKeyVersion: UInt32
    /// BIP32 version of serialized extended private keys (xprv / tprv).
    public let extendedPrivateKeyVersion: UInt32

    public var description: String { name }

    public static let main = AddressNetwork(
        name: "main", pubKeyHashPrefix: 0, scriptHashPrefix: 5, secretKeyPrefix: 128, bech32HRP: "bc",
        extendedPublicKeyVersion: 0x0488_B21E, extendedPrivateKeyVersion: 0x0488_ADE4)

    /// Testnet3 and testnet4.
    public static let testnet = AddressNetwork(
        name: "test", pubKeyHashPrefix: 111, scriptHashPrefix: 196, secretKeyPrefix: 239, bech32HRP: "tb",
        extendedPublicKeyVersion: 0x0435_87CF, extendedPrivateKeyVersion: 0x0435_8394)

    /// Signet: testnet's prefixes and HRP.
    public static let signet = AddressNetwork(
        name: "signet", pubKeyHashPrefix: 111, scriptHashPrefix: 196, secretKeyPrefix: 239, bech32HRP: "tb",
        extendedPublicKeyVersion: 0x0435_87CF, extendedPrivateKeyVersion: 0x0435_8394)

    /// Regtest: testnet's Base58 prefixes, its own HRP.
    public static let regtest = AddressNetwork(
        name: "regtest", pubKeyHashPrefix: 111, scriptHashPrefix: 196, secretKeyPrefix: 239, bech32HRP: "bcrt",
        extendedPublicKeyVersion: 0x0435_87CF, extendedPrivateKeyVersion: 0x0435_8394)

    public static let all: [AddressNetwork] = [.main, .testnet, .signet, .regtest]
}
