public import Bitcoin
public import Primitives

/// The `version` message, the first message each side sends.
public struct VersionMessage: Hashable, Sendable {
    /// The protocol version this module speaks (`PROTOCOL_VERSION` in Core 0.21+: wtxidrelay, addrv2).
    public static let currentProtocolVersion: Int32 = 70016

    public var protocolVersion: Int32
    public var services: ServiceFlags
    /// Sender's clock, seconds since the Unix epoch.
    public var timestamp: Int64
    public var addrRecv: NetworkAddress
    public var addrFrom: NetworkAddress
    /// Random nonce for self-connection detection.
    public var nonce: UInt64
    /// BIP14 user agent, at most `MessageLimits.maxUserAgent` bytes. Stored as bytes so that a peer's
    /// non-UTF-8 agent round-trips; see `userAgentString`.
    public var userAgent: [UInt8]
    public var startHeight: Int32
    /// BIP37 relay flag; nil when the peer omitted it (then relay defaults to true).
    public var relay: Bool?

    public init(
        protocolVersion: Int32 = VersionMessage.currentProtocolVersion, services: ServiceFlags, timestamp: Int64,
        addrRecv: NetworkAddress, addrFrom: NetworkAddress = .unspecified, nonce: UInt64, userAgent: String,
        startHeight: Int32, relay: Bool? = true
    ) {
        self.protocolVersion = protocolVersion
        self.services = services
        self.timestamp = timestamp
        self.addrRecv = addrRecv
        self.addrFrom = addrFrom
        self.nonce = nonce
        self.userAgent = Array(userAgent.utf8.prefix(MessageLimits.maxUserAgent))
        self.startHeight = startHeight
        self.relay = relay
    }

    /// The user agent as text (invalid UTF-8 replaced).
    public var userAgentString: String { String(decoding: userAgent, as: UTF8.self) }

    public func encode(into w: inout ByteWriter) {
        w.writeInt32LE(protocolVersion)
        w.writeUInt64LE(services.rawValue)
        w.writeInt64LE(timestamp)
        addrRecv.encode(into: &w)
        addrFrom.encode(into: &w)
        w.writeUInt64LE(nonce)
        w.writeVarBytes(userAgent.prefix(MessageLimits.maxUserAgent))
        w.writeInt32LE(startHeight)
        if let relay { w.write(relay ? 1 : 0) }
    }

    /// Decodes a `version` payload. The relay byte is optional; bytes after it are ignored, as Core does,
    /// so that later protocol extensions still parse.
    public static func decode(from r: inout ByteReader) throws(DecodeError) -> VersionMessage {
        let pv = try r.readInt32LE()
        let services = ServiceFlags(rawValue: try r.readUInt64LE())
        let ts = try r.readInt64LE()
        let recv = try NetworkAddress.decode(from: &r)
        let from = try NetworkAddress.decode(from: &r)
        let nonce = try r.readUInt64LE()
        let ua = try r.readVarBytes(limit: UInt64(MessageLimits.maxUserAgent))
        let height = try r.readInt32LE()
        var relay: Bool? = nil
        if !r.isAtEnd { relay = try r.readUInt8() != 0 }
        var v = VersionMessage(
            protocolVersion: pv, services: services, timestamp: ts, addrRecv: recv, addrFrom: from, nonce: nonce,
            userAgent: "", startHeight: height, relay: relay)
        v.userAgent = ua
        return v
    }
}

/// The body of `getheaders` and `getblocks`: version, block locator, stop hash.
public struct LocatorRequest: Hashable, Sendable {
    public var version: UInt32
    /// At most `MessageLimits.maxLocator` hashes, newest first.
    public var locator: [BlockHash]
    /// Zero to ask for as many as allowed.
    public var stopHash: BlockHash

    public init(
        version: UInt32 = UInt32(VersionMessage.currentProtocolVersion), locator: [BlockHash],
        stopHash: BlockHash = .zero
    ) {
        self.version = version
        self.locator = locator
        self.stopHash = stopHash
    }

    public func encode(into w: inout ByteWriter) {
        w.writeUInt32LE(version)
        w.writeCompactSize(locator.count)
        for h in locator { w.write(h) }
        w.write(stopHash)
    }

    public static func decode(from r: inout ByteReader) throws(DecodeError) -> LocatorRequest {
        let version = try r.readUInt32LE()
        let n = try r.readCompactSize(limit: UInt64(MessageLimits.maxLocator))
        var hashes: [BlockHash] = []
        hashes.reserveCapacity(n)
        for _ in 0..<n { hashes.append(try r.readBytes32()) }
        return LocatorRequest(version: version, locator: hashes, stopHash: try r.readBytes32())
    }
}

/// BIP61 `reject` (removed from Core 0.20; decoded so that old peers' messages can be logged).
public struct RejectMessage: Hashable, Sendable {
    /// The command being rejected, e.g. "tx".
    public var message: [UInt8]
    /// BIP61 code (0x01 malformed, 0x10 invalid, 0x11 obsolete, 0x12 duplicate, 0x40 nonstandard, ...).
    public var code: UInt8
    public var reason: [UInt8]
    /// The tx or block hash, when the peer sent one.
    public var data: Bytes32?

    public init(message: [UInt8], code: UInt8, reason: [UInt8], data: Bytes32? = nil) {
        self.message = message
        self.code = code
        self.reason = reason
        self.data = data
    }

    public func encode(into w: inout ByteWriter) {
        w.writeVarBytes(message)
        w.write(code)
        w.writeVarBytes(reason)
        if let data { w.write(data) }
    }

    public static func decode(from r: inout ByteReader) throws(DecodeError) -> RejectMessage {
        let m = try r.readVarBytes(limit: UInt64(MessageLimits.maxRejectMessageName))
        let code = try r.readUInt8()
        let reason = try r.readVarBytes(limit: UInt64(MessageLimits.maxRejectReason))
        var data: Bytes32? = nil
        if r.remaining >= 32 { data = try r.readBytes32() }
        return RejectMessage(message: m, code: code, reason: reason, data: data)
    }
}
