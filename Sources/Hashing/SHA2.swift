@preconcurrency internal import Crypto
internal import FoundationEssentials
public import Primitives

/// SHA-256 family (swift-crypto; BoringSSL's assembly on x86-64).
public enum SHA256Hash {
    /// SHA-256 of `data`.
    public static func hash(_ data: some Collection<UInt8>) -> Bytes32 {
        if let r = data.withContiguousStorageIfAvailable({ Bytes32(Crypto.SHA256.hash(data: UnsafeRawBufferPointer($0))) }) {
            return r
        }
        return Array(data).withUnsafeBytes { Bytes32(Crypto.SHA256.hash(data: $0)) }
    }

    /// SHA-256(SHA-256(data)), Bitcoin's hash for txids, block hashes and checksums.
    public static func double(_ data: some Collection<UInt8>) -> Bytes32 {
        hash(hash(data).bytes)
    }

    /// SHA-256 of the concatenation of `parts`, without building the concatenation.
    public static func hash(parts: [[UInt8]]) -> Bytes32 {
        var h = Crypto.SHA256()
        for p in parts { p.withUnsafeBytes { h.update(bufferPointer: $0) } }
        return Bytes32(h.finalize())
    }
}

/// An incremental SHA-256.
public struct SHA256Hasher: @unchecked Sendable {
    var inner = Crypto.SHA256()
    public init() {}
    public mutating func update(_ data: some Collection<UInt8>) {
        if data.withContiguousStorageIfAvailable({ inner.update(bufferPointer: UnsafeRawBufferPointer($0)) }) == nil {
            Array(data).withUnsafeBytes { inner.update(bufferPointer: $0) }
        }
    }
    public mutating func update(_ b: Bytes32) { update(b.bytes) }
    public func finalize() -> Bytes32 { Bytes32(inner.finalize()) }
}

public enum SHA512Hash {
    public static func hash(_ data: some Collection<UInt8>) -> [UInt8] {
        Array(data).withUnsafeBytes { Array(Crypto.SHA512.hash(data: $0)) }
    }

    /// HMAC-SHA512 (BIP32 key derivation).
    public static func hmac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var h = Crypto.HMAC<Crypto.SHA512>(key: key.withUnsafeBytes { SymmetricKey(data: $0) })
        h.update(data: message)
        return Array(h.finalize())
    }
}

public enum HMACSHA256 {
    public static func mac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var h = Crypto.HMAC<Crypto.SHA256>(key: key.withUnsafeBytes { SymmetricKey(data: $0) })
        h.update(data: message)
        return Array(h.finalize())
    }
}

/// BIP340 tagged hashes: SHA256(SHA256(tag) || SHA256(tag) || data).
public struct TaggedHash: @unchecked Sendable {
    let prefix: Crypto.SHA256

    public init(tag: String) {
        let t = SHA256Hash.hash(Array(tag.utf8)).bytes
        var h = Crypto.SHA256()
        t.withUnsafeBytes { h.update(bufferPointer: $0) }
        t.withUnsafeBytes { h.update(bufferPointer: $0) }
        prefix = h
    }

    public func hash(_ data: some Collection<UInt8>) -> Bytes32 {
        var h = prefix
        Array(data).withUnsafeBytes { h.update(bufferPointer: $0) }
        return Bytes32(h.finalize())
    }

    public func hasher() -> SHA256Hasher {
        var s = SHA256Hasher()
        s.inner = prefix
        return s
    }

    public static let tapLeaf = TaggedHash(tag: "TapLeaf")
    public static let tapBranch = TaggedHash(tag: "TapBranch")
    public static let tapTweak = TaggedHash(tag: "TapTweak")
    public static let tapSighash = TaggedHash(tag: "TapSighash")
    public static let bip340Challenge = TaggedHash(tag: "BIP0340/challenge")
    public static let bip340Aux = TaggedHash(tag: "BIP0340/aux")
    public static let bip340Nonce = TaggedHash(tag: "BIP0340/nonce")
}

extension Bytes32 {
    init(_ digest: Crypto.SHA256.Digest) {
        self = digest.withUnsafeBytes { Bytes32($0) }
    }
}
