/// Everything a peer can do wrong, with one scoring policy (Bitcoin Core's `Misbehaving`, simplified).
///
/// A peer's scores add up; at `P2PConfiguration.banThreshold` (100) it is disconnected and its address
/// is banned for `P2PConfiguration.banDuration`. Framing failures also disconnect at once, because the
/// byte stream cannot be resynchronised.
public enum Misbehaviour: Sendable, Equatable, CustomStringConvertible {
    /// Bad magic, invalid command, oversize length, bad checksum or an undecodable payload.
    case malformedMessage(P2PError)
    /// A `headers` batch that is not internally linked or that the chain found invalid.
    case invalidHeaders(reason: String)
    /// Ten `headers` batches in a row that do not connect to any known header (Core:
    /// `MAX_NUM_UNCONNECTING_HEADERS_MSGS`); counted once per ten.
    case unconnectingHeaders
    /// A block the chain found invalid.
    case invalidBlock(reason: String)
    /// A consensus-invalid transaction.
    case invalidTransaction(reason: String)
    /// A protocol-level violation during or after the handshake (e.g. a second `version`).
    case protocolViolation(String)

    /// The score added to the peer's total.
    public var score: Int {
        switch self {
        case .malformedMessage, .invalidHeaders, .invalidBlock: return 100
        case .unconnectingHeaders: return 20
        case .invalidTransaction: return 10
        case .protocolViolation: return 10
        }
    }

    /// Whether the connection is dropped regardless of the score.
    public var disconnects: Bool {
        if case .malformedMessage = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .malformedMessage(let e): return "malformed message: \(e)"
        case .invalidHeaders(let r): return "invalid headers: \(r)"
        case .unconnectingHeaders: return "unconnecting headers"
        case .invalidBlock(let r): return "invalid block: \(r)"
        case .invalidTransaction(let r): return "invalid transaction: \(r)"
        case .protocolViolation(let r): return "protocol violation: \(r)"
        }
    }
}

/// Why a connection ended.
public enum DisconnectReason: Sendable, Equatable, CustomStringConvertible {
    case banned(Misbehaviour)
    case malformed(Misbehaviour)
    case handshakeTimeout
    case pingTimeout
    case stalled
    case selfConnection
    case obsoleteVersion(Int32)
    case closedByPeer
    case shutdown

    public var description: String {
        switch self {
        case .banned(let m): return "banned (\(m))"
        case .malformed(let m): return "\(m)"
        case .handshakeTimeout: return "handshake timeout"
        case .pingTimeout: return "ping timeout"
        case .stalled: return "stalled block download"
        case .selfConnection: return "connected to self"
        case .obsoleteVersion(let v): return "obsolete protocol version \(v)"
        case .closedByPeer: return "closed"
        case .shutdown: return "shutdown"
        }
    }
}
