public import Primitives
internal import Hashing
internal import Secp256k1

/// Why a serialized extended key was rejected (BIP32 "Serialization format" and test vector 5).
public enum HDKeyError: Error, Hashable, Sendable {
    /// Not Base58, or a Base58Check checksum mismatch.
    case invalidChecksum
    /// The payload is not 78 bytes.
    case invalidLength(Int)
    /// The version is neither the network's xpub nor its xprv version.
    case unknownVersion(UInt32)
    /// A public version with private key data (0x00 ‖ k).
    case publicVersionWithPrivateKey
    /// A private version with public key data (0x02/0x03 ‖ X).
    case privateVersionWithPublicKey
    /// A public version whose key does not start with 0x02/0x03.
    case invalidPublicKeyPrefix(UInt8)
    /// A private version whose key does not start with 0x00.
    case invalidPrivateKeyPrefix(UInt8)
    /// Depth 0 (a master key) with a non-zero parent fingerprint.
    case zeroDepthWithParentFingerprint
    /// Depth 0 with a non-zero child number.
    case zeroDepthWithChildNumber
    /// A private key of 0 or ≥ n.
    case privateKeyOutOfRange
    /// A public key that is not a point on the curve.
    case invalidPublicKey
}

/// A BIP32 extended key: a private or public key with its chain code and position in the tree.
public struct HDKey: Hashable, Sendable {
    /// The hardened-derivation bit of a child number.
    public static let hardenedBit: UInt32 = 0x8000_0000

    public let depth: UInt8
    /// First four bytes of the parent's HASH160 identifier (0 for a master key).
    public let parentFingerprint: UInt32
    /// The index this key was derived with (hardened indices have `hardenedBit` set).
    public let childNumber: UInt32
    public let chainCode: Bytes32
    /// The 32-byte secret key, nil for a public-only (neutered) key.
    public let privateKey: [UInt8]?
    /// The 33-byte compressed public key.
    public let publicKey: [UInt8]

    public var isPrivate: Bool { privateKey != nil }

    init(depth: UInt8, parentFingerprint: UInt32, childNumber: UInt32, chainCode: Bytes32,
         privateKey: [UInt8]?, publicKey: [UInt8]) {
        self.depth = depth
        self.parentFingerprint = parentFingerprint
        self.childNumber = childNumber
        self.chainCode = chainCode
        self.privateKey = privateKey
        self.publicKey = publicKey
    }

    /// The master key of a seed (16…64 bytes per BIP32): I = HMAC-SHA512("Bitcoin seed", seed).
    /// Nil for a seed of the wrong size or, with negligible probability, an invalid I_L.
    public init?(seed: [UInt8]) {
        guard (16...64).contains(seed.count) else { return nil }
        let i = SHA512Hash.hmac(key: Array("Bitcoin seed".utf8), message: seed)
        let key = Array(i[0..<32])
        guard let pub = Secp256k1.publicKey(privateKey: key, compressed: true) else { return nil }
        self.init(depth: 0, parentFingerprint: 0, childNumber: 0, chainCode: Bytes32(i[32..<64]),
                  privateKey: key, publicKey: pub)
    }

    /// HASH160 of the public key (the key's identifier).
    public func computeIdentifier() -> Bytes20 { hash160(publicKey) }

    /// First four bytes of the identifier, big-endian, as children record it.
    public func computeFingerprint() -> UInt32 {
        let id = computeIdentifier()
        return UInt32(id[0]) << 24 | UInt32(id[1]) << 16 | UInt32(id[2]) << 8 | UInt32(id[3])
    }

    /// The public-only version of this key (BIP32 "N").
    public func neutered() -> HDKey {
        HDKey(depth: depth, parentFingerprint: parentFingerprint, childNumber: childNumber,
              chainCode: chainCode, privateKey: nil, publicKey: publicKey)
    }

    /// The child at `index` (CKDpriv for private keys, CKDpub for public ones). Nil for a hardened
    /// index on a public key, at depth 255, or — with probability below 2^-127 — when I_L ≥ n or
    /// the child key is zero / infinity (BIP32 says to proceed with the next index then).
    public func derive(_ index: UInt32) -> HDKey? {
        guard depth < 255 else { return nil }
        let hardened = index & Self.hardenedBit != 0
        var data: [UInt8]
        if hardened {
            guard let k = privateKey else { return nil }
            data = [0] + k
        } else {
            data = publicKey
        }
        data += [UInt8(index >> 24), UInt8(truncatingIfNeeded: index >> 16), UInt8(truncatingIfNeeded: index >> 8),
                 UInt8(truncatingIfNeeded: index)]
        let i = SHA512Hash.hmac(key: chainCode.bytes, message: data)
        let il = Array(i[0..<32])
        let chain = Bytes32(i[32..<64])
        let fp = computeFingerprint()
        if let k = privateKey {
            guard let child = Secp256k1.privateKeyTweakAdd(k, tweak: il),
                  let pub = Secp256k1.publicKey(privateKey: child, compressed: true) else { return nil }
            return HDKey(depth: depth + 1, parentFingerprint: fp, childNumber: index, chainCode: chain,
                         privateKey: child, publicKey: pub)
        }
        guard let pub = Secp256k1.publicKeyTweakAdd(publicKey, tweak: il, compressed: true) else { return nil }
        return HDKey(depth: depth + 1, parentFingerprint: fp, childNumber: index, chainCode: chain,
                     privateKey: nil, publicKey: pub)
    }

    /// Parses a path such as `m/0H/1/2'/3h` (a leading `m/` is optional; H, h and ' mark hardened
    /// indices). Nil on malformed components or indices ≥ 2^31.
    public static func parsePath(_ path: String) -> [UInt32]? {
        var parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if parts.first == "m" { parts.removeFirst() }
        var out: [UInt32] = []
        for var p in parts {
            var hardened = false
            if let last = p.last, last == "H" || last == "h" || last == "'" {
                hardened = true
                p.removeLast()
            }
            guard !p.isEmpty, p.utf8.count <= 10, p.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
                  let v = UInt32(p), v < hardenedBit else { return nil }
            out.append(hardened ? v | hardenedBit : v)
        }
        return out
    }

    /// Derives along a path (see `parsePath`). Nil if the path is malformed or a step fails.
    public func derive(path: String) -> HDKey? {
        guard let indices = Self.parsePath(path) else { return nil }
        var key = self
        for i in indices {
            guard let next = key.derive(i) else { return nil }
            key = next
        }
        return key
    }

    /// The 78-byte BIP32 serialization with the network's xprv/xpub version.
    public func serializedBytes(network: AddressNetwork) -> [UInt8] {
        var w = ByteWriter(capacity: 78)
        w.writeUInt32BE(privateKey == nil ? network.extendedPublicKeyVersion : network.extendedPrivateKeyVersion)
        w.write(depth)
        w.writeUInt32BE(parentFingerprint)
        w.writeUInt32BE(childNumber)
        w.write(chainCode)
        if let k = privateKey {
            w.write(0)
            w.write(k)
        } else {
            w.write(publicKey)
        }
        return w.bytes
    }

    /// The Base58Check string (xprv…/xpub… on main, tprv…/tpub… on the test networks).
    public func encode(network: AddressNetwork) -> String { Base58.encodeCheck(serializedBytes(network: network)) }

    /// Parses a serialized extended key for `network`, with every BIP32 validity check.
    public static func decode(_ string: String, network: AddressNetwork) throws(HDKeyError) -> HDKey {
        guard let data = Base58.decodeCheck(string, maxPayloadLength: 78) else { throw .invalidChecksum }
        return try decode(bytes: data, network: network)
    }

    /// Parses the 78-byte serialization.
    public static func decode(bytes data: [UInt8], network: AddressNetwork) throws(HDKeyError) -> HDKey {
        guard data.count == 78 else { throw .invalidLength(data.count) }
        var r = ByteReader(data)
        do {
            let version = try r.readUInt32BE()
            let depth = try r.readUInt8()
            let parent = try r.readUInt32BE()
            let child = try r.readUInt32BE()
            let chain = try r.readBytes32()
            let key = try r.readBytes(33)
            let isPublic: Bool
            switch version {
            case network.extendedPublicKeyVersion: isPublic = true
            case network.extendedPrivateKeyVersion: isPublic = false
            default: throw HDKeyError.unknownVersion(version)
            }
            if isPublic {
                if key[0] == 0 { throw HDKeyError.publicVersionWithPrivateKey }
                guard key[0] == 2 || key[0] == 3 else { throw HDKeyError.invalidPublicKeyPrefix(key[0]) }
            } else {
                if key[0] == 2 || key[0] == 3 { throw HDKeyError.privateVersionWithPublicKey }
                guard key[0] == 0 else { throw HDKeyError.invalidPrivateKeyPrefix(key[0]) }
            }
            if depth == 0 && parent != 0 { throw HDKeyError.zeroDepthWithParentFingerprint }
            if depth == 0 && child != 0 { throw HDKeyError.zeroDepthWithChildNumber }
            if isPublic {
                guard Secp256k1.isValidPublicKey(key) else { throw HDKeyError.invalidPublicKey }
                return HDKey(depth: depth, parentFingerprint: parent, childNumber: child, chainCode: chain,
                             privateKey: nil, publicKey: key)
            }
            let secret = Array(key[1...])
            guard let pub = Secp256k1.publicKey(privateKey: secret, compressed: true) else {
                throw HDKeyError.privateKeyOutOfRange
            }
            return HDKey(depth: depth, parentFingerprint: parent, childNumber: child, chainCode: chain,
                         privateKey: secret, publicKey: pub)
        } catch let e as HDKeyError {
            throw e
        } catch {
            throw .invalidLength(data.count)  // unreachable: the length was checked above
        }
    }
}
