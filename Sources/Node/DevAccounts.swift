internal import Bitcoin
internal import Ethereum
internal import Hashing
public import Primitives
internal import Secp256k1

/// One development account: address and private key.
public struct DevAccount: Sendable, Equatable {
    public let address: Bytes20
    public let privateKey: [UInt8]
}

/// Development accounts derived from a BIP39 mnemonic along m/44'/60'/0'/0/i (the accounts
/// Hardhat, Anvil and Foundry give every developer).
public enum DevAccounts {
    /// The usual test mnemonic.
    public static let mnemonic = "test test test test test test test test test test test junk"

    /// BIP39 seed: PBKDF2-HMAC-SHA512(mnemonic, "mnemonic" ‖ passphrase, 2048 iterations, 64 bytes).
    /// (The mnemonic is used as given, NFKD-normalised ASCII in practice; no word-list check.)
    public static func computeSeed(mnemonic: String, passphrase: String = "") -> [UInt8] {
        pbkdf2SHA512(password: Array(mnemonic.utf8), salt: Array(("mnemonic" + passphrase).utf8), iterations: 2048, length: 64)
    }

    /// PBKDF2 (RFC 8018 §5.2) with HMAC-SHA512.
    public static func pbkdf2SHA512(password: [UInt8], salt: [UInt8], iterations: Int, length: Int) -> [UInt8] {
        var out: [UInt8] = []
        var block: UInt32 = 1
        while out.count < length {
            var u = SHA512Hash.hmac(key: password, message: salt + withUnsafeBytes(of: block.bigEndian) { Array($0) })
            var t = u
            if iterations > 1 {
                for _ in 1..<iterations {
                    u = SHA512Hash.hmac(key: password, message: u)
                    for i in 0..<t.count { t[i] ^= u[i] }
                }
            }
            out += t
            block += 1
        }
        return Array(out.prefix(length))
    }

    /// The first `count` accounts of `mnemonic` (m/44'/60'/0'/0/i).
    public static func derive(mnemonic: String = mnemonic, count: Int) -> [DevAccount] {
        guard let root = HDKey(seed: computeSeed(mnemonic: mnemonic)),
            let parent = root.derive(path: "m/44'/60'/0'/0")
        else { return [] }
        var out: [DevAccount] = []
        var i: UInt32 = 0
        while out.count < count, i < HDKey.hardenedBit {
            defer { i += 1 }
            guard let child = parent.derive(i), let key = child.privateKey,
                let pub = Secp256k1.publicKey(privateKey: key, compressed: false),
                let address = ethereumAddress(uncompressedPublicKey: pub)
            else { continue }
            out.append(DevAccount(address: address, privateKey: key))
        }
        return out
    }
}

extension Bytes20 {
    /// EIP-55 mixed-case checksum form, `0x`-prefixed.
    public var checksumHex: String {
        let lower = hex
        let h = Keccak256.hash(Array(lower.utf8)).bytes
        var s = "0x"
        for (i, ch) in lower.enumerated() {
            let nibble = (h[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0xf
            s.append(ch.isLetter && nibble >= 8 ? Character(ch.uppercased()) : ch)
        }
        return s
    }
}
