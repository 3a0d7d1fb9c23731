/// A host and port to connect to or listen on.
public struct PeerEndpoint: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT`, `[IPv6]:PORT`, or `HOST` (then `defaultPort`). Nil when malformed.
    public init?(parsing s: String, defaultPort: Int) {
        if s.hasPrefix("[") {
            guard let close = s.firstIndex(of: "]") else { return nil }
            host = String(s[s.index(after: s.startIndex)..<close])
            let rest = s[s.index(after: close)...]
            if rest.isEmpty {
                port = defaultPort
            } else {
                guard rest.first == ":", let p = Int(rest.dropFirst()), (0...65535).contains(p) else { return nil }
                port = p
            }
        } else if let colon = s.lastIndex(of: ":"), s.firstIndex(of: ":") == colon {
            host = String(s[..<colon])
            guard let p = Int(s[s.index(after: colon)...]), (0...65535).contains(p) else { return nil }
            port = p
        } else {
            host = s
            port = defaultPort
        }
        if host.isEmpty { return nil }
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// Settings of a `PeerManager`. Defaults follow Bitcoin Core where it has an equivalent.
public struct P2PConfiguration: Sendable {
    /// The network's message start bytes.
    public var magic: NetworkMagic
    /// Peers to keep connected to (reconnected with exponential backoff).
    public var connect: [PeerEndpoint] = []
    /// Where to accept inbound connections (port 0: an ephemeral port, see `PeerManager.listeningPort`).
    public var listen: PeerEndpoint?
    /// Maximum inbound connections (Core: 125 total); further ones are closed at once.
    public var maxInboundPeers = 64
    /// Advertised user agent (BIP14).
    public var userAgent = "/hemi-swift:0.1/"
    /// Lowest protocol version accepted: 70012 (`sendheaders`, BIP130; Core's `SENDHEADERS_VERSION`).
    public var minimumProtocolVersion: Int32 = 70012
    /// Version handshake deadline (Core: 60 s).
    public var handshakeTimeout: Duration = .seconds(60)
    /// Interval between pings (Core: 2 min).
    public var pingInterval: Duration = .seconds(120)
    /// A ping not answered within this is a dead peer (Core: 20 min).
    public var pingTimeout: Duration = .seconds(1200)
    /// Blocks requested from one peer at a time (Core: 16).
    public var maxBlocksInFlightPerPeer = 16
    /// Blocks in flight across all peers (tbc: 128).
    public var maxBlocksInFlight = 128
    /// A requested block not delivered within this is re-requested elsewhere and the peer is dropped
    /// (tbc: 13 s).
    public var blockStallTimeout: Duration = .seconds(13)
    /// Transaction requests outstanding per peer; further `inv` entries are ignored.
    public var maxTransactionRequestsPerPeer = 100
    /// An unanswered transaction request is forgotten after this (Core: 60 s, `GETDATA_TX_INTERVAL`).
    public var transactionRequestTimeout: Duration = .seconds(60)
    /// Score at which a peer is banned.
    public var banThreshold = 100
    /// How long a ban lasts (Core: 24 h).
    public var banDuration: Duration = .seconds(86_400)
    /// First reconnect delay for `connect` peers; doubled after each failure up to `reconnectMaxDelay`.
    public var reconnectInitialDelay: Duration = .seconds(1)
    public var reconnectMaxDelay: Duration = .seconds(60)
    /// Period of the housekeeping tick (timeouts, pings, stalls, download scheduling).
    public var tickInterval: Duration = .milliseconds(500)
    /// Addresses kept from `addr`/`addrv2` and handed out in answers to `getaddr`.
    public var maxAddresses = 1000

    public init(magic: NetworkMagic) { self.magic = magic }
}
