public import Primitives

/// A network address without a timestamp, as in `version` (`CAddress` without time):
/// services (u64 LE), 16-byte IPv6 address (IPv4 as `::ffff:a.b.c.d`), port (u16 big-endian).
public struct NetworkAddress: Hashable, Sendable {
    /// Serialized size.
    public static let size = 26

    public var services: ServiceFlags
    /// Exactly 16 bytes (IPv6, or IPv4-mapped).
    public private(set) var ip: [UInt8]
    public var port: UInt16

    /// `ip` is padded with zeros or truncated to 16 bytes.
    public init(services: ServiceFlags, ip: [UInt8], port: UInt16) {
        self.services = services
        self.ip = Array((ip + [UInt8](repeating: 0, count: 16)).prefix(16))
        self.port = port
    }

    /// An IPv4 address as `::ffff:a.b.c.d`.
    public init(services: ServiceFlags, ipv4 a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8, port: UInt16) {
        self.init(services: services, ip: [UInt8](repeating: 0, count: 10) + [0xff, 0xff, a, b, c, d], port: port)
    }

    /// The all-zero address peers send when they do not know their own.
    public static let unspecified = NetworkAddress(services: [], ip: [], port: 0)

    public func encode(into w: inout ByteWriter) {
        w.writeUInt64LE(services.rawValue)
        w.write(ip)
        w.write(UInt8(truncatingIfNeeded: port >> 8))
        w.write(UInt8(truncatingIfNeeded: port))
    }

    public static func decode(from r: inout ByteReader) throws(DecodeError) -> NetworkAddress {
        let services = ServiceFlags(rawValue: try r.readUInt64LE())
        let ip = try r.readBytes(16)
        let port = try r.readUInt16BE()
        return NetworkAddress(services: services, ip: ip, port: port)
    }
}

/// An `addr` entry: time (u32 LE) followed by a `NetworkAddress`.
public struct TimestampedAddress: Hashable, Sendable {
    public static let size = 30
    public var time: UInt32
    public var address: NetworkAddress

    public init(time: UInt32, address: NetworkAddress) {
        self.time = time
        self.address = address
    }

    public func encode(into w: inout ByteWriter) {
        w.writeUInt32LE(time)
        address.encode(into: &w)
    }

    public static func decode(from r: inout ByteReader) throws(DecodeError) -> TimestampedAddress {
        let time = try r.readUInt32LE()
        return TimestampedAddress(time: time, address: try NetworkAddress.decode(from: &r))
    }
}

/// A BIP155 network address.
public enum AddrV2Address: Hashable, Sendable {
    case ipv4([UInt8])
    case ipv6([UInt8])
    case torV3([UInt8])
    case i2p([UInt8])
    case cjdns([UInt8])
    /// A network id this node does not know; BIP155 says to ignore such entries, not to fail.
    /// Tor v2 (id 3) lands here too: Core dropped it in 22.0 and skips it without a length check.
    case unknown(networkID: UInt8, bytes: [UInt8])

    /// BIP155 network ids.
    public static let ipv4ID: UInt8 = 1, ipv6ID: UInt8 = 2, torV3ID: UInt8 = 4
    public static let i2pID: UInt8 = 5, cjdnsID: UInt8 = 6

    /// The BIP155 fixed address length for a known network id.
    public static func expectedLength(networkID: UInt8) -> Int? {
        switch networkID {
        case ipv4ID: return 4
        case ipv6ID: return 16
        case torV3ID: return 32
        case i2pID: return 32
        case cjdnsID: return 16
        default: return nil
        }
    }

    public var networkID: UInt8 {
        switch self {
        case .ipv4: return Self.ipv4ID
        case .ipv6: return Self.ipv6ID
        case .torV3: return Self.torV3ID
        case .i2p: return Self.i2pID
        case .cjdns: return Self.cjdnsID
        case .unknown(let id, _): return id
        }
    }

    public var bytes: [UInt8] {
        switch self {
        case .ipv4(let b), .ipv6(let b), .torV3(let b), .i2p(let b), .cjdns(let b): return b
        case .unknown(_, let b): return b
        }
    }

    /// Validates the length for known networks (BIP155: a mismatch is a protocol violation).
    public init(networkID: UInt8, bytes: [UInt8]) throws(DecodeError) {
        if let n = Self.expectedLength(networkID: networkID), n != bytes.count {
            throw .invalid(
                offset: 0, reason: "addrv2 network \(networkID) needs \(n) address bytes, got \(bytes.count)")
        }
        switch networkID {
        case Self.ipv4ID: self = .ipv4(bytes)
        case Self.ipv6ID: self = .ipv6(bytes)
        case Self.torV3ID: self = .torV3(bytes)
        case Self.i2pID: self = .i2p(bytes)
        case Self.cjdnsID: self = .cjdns(bytes)
        default: self = .unknown(networkID: networkID, bytes: bytes)
        }
    }
}

/// An `addrv2` entry (BIP155): time u32 LE, services CompactSize, network id, var-length address,
/// port u16 big-endian.
public struct AddrV2Entry: Hashable, Sendable {
    public var time: UInt32
    public var services: ServiceFlags
    public var address: AddrV2Address
    public var port: UInt16

    public init(time: UInt32, services: ServiceFlags, address: AddrV2Address, port: UInt16) {
        self.time = time
        self.services = services
        self.address = address
        self.port = port
    }

    public func encode(into w: inout ByteWriter) {
        w.writeUInt32LE(time)
        w.writeCompactSize(services.rawValue)
        w.write(address.networkID)
        w.writeVarBytes(address.bytes)
        w.write(UInt8(truncatingIfNeeded: port >> 8))
        w.write(UInt8(truncatingIfNeeded: port))
    }

    public static func decode(from r: inout ByteReader) throws(DecodeError) -> AddrV2Entry {
        let time = try r.readUInt32LE()
        let services = ServiceFlags(rawValue: try r.readCompactSize())
        let id = try r.readUInt8()
        let start = r.offset
        let bytes = try r.readVarBytes(limit: UInt64(MessageLimits.maxAddrV2AddressLength))
        let address: AddrV2Address
        do throws(DecodeError) {
            address = try AddrV2Address(networkID: id, bytes: bytes)
        } catch {
            throw .invalid(offset: start, reason: "addrv2 network \(id) with \(bytes.count)-byte address")
        }
        let port = try r.readUInt16BE()
        return AddrV2Entry(time: time, services: services, address: address, port: port)
    }
}
