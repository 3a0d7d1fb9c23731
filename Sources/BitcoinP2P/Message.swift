public import Bitcoin
public import Primitives

/// A decoded peer message. Encoding and decoding cover the payload only; `MessageEnvelope` adds the
/// 24-byte header.
public enum Message: Hashable, Sendable {
    case version(VersionMessage)
    case verack
    /// BIP31 ping; the nonce is echoed in `pong`.
    case ping(nonce: UInt64)
    case pong(nonce: UInt64)
    case getheaders(LocatorRequest)
    case getblocks(LocatorRequest)
    /// At most 2000 headers; on the wire each is followed by a zero transaction count.
    case headers([BlockHeader])
    case inv([InventoryVector])
    case getdata([InventoryVector])
    case notfound([InventoryVector])
    case block(Block)
    /// A transaction in BIP144 (witness) serialization when it has witnesses.
    case tx(Transaction)
    /// BIP130.
    case sendheaders
    /// BIP339.
    case wtxidrelay
    /// BIP155.
    case sendaddrv2
    /// BIP133: minimum fee rate in satoshis per 1000 virtual bytes.
    case feefilter(Int64)
    /// BIP35.
    case mempool
    case getaddr
    case addr([TimestampedAddress])
    /// BIP155.
    case addrv2([AddrV2Entry])
    /// BIP61 (obsolete; decoded for old peers).
    case reject(RejectMessage)
    /// BIP152: announce flag and compact block version.
    case sendcmpct(announce: Bool, version: UInt64)
    /// A command this module does not model; surfaced, not an error.
    case unknown(command: Command, payload: [UInt8])

    /// The command naming this message in the header.
    public var command: Command {
        switch self {
        case .version: return .version
        case .verack: return .verack
        case .ping: return .ping
        case .pong: return .pong
        case .getheaders: return .getheaders
        case .getblocks: return .getblocks
        case .headers: return .headers
        case .inv: return .inv
        case .getdata: return .getdata
        case .notfound: return .notfound
        case .block: return .block
        case .tx: return .tx
        case .sendheaders: return .sendheaders
        case .wtxidrelay: return .wtxidrelay
        case .sendaddrv2: return .sendaddrv2
        case .feefilter: return .feefilter
        case .mempool: return .mempool
        case .getaddr: return .getaddr
        case .addr: return .addr
        case .addrv2: return .addrv2
        case .reject: return .reject
        case .sendcmpct: return .sendcmpct
        case .unknown(let c, _): return c
        }
    }

    // MARK: Encoding

    /// Appends the payload.
    public func encodePayload(into w: inout ByteWriter) {
        switch self {
        case .version(let v): v.encode(into: &w)
        case .verack, .sendheaders, .wtxidrelay, .sendaddrv2, .mempool, .getaddr: break
        case .ping(let n), .pong(let n): w.writeUInt64LE(n)
        case .getheaders(let l), .getblocks(let l): l.encode(into: &w)
        case .headers(let hs):
            w.writeCompactSize(hs.count)
            for h in hs {
                h.encode(into: &w)
                w.write(UInt8(0))
            }
        case .inv(let items), .getdata(let items), .notfound(let items):
            w.writeCompactSize(items.count)
            for i in items { i.encode(into: &w) }
        case .block(let b): b.encode(into: &w, witness: true)
        case .tx(let t): t.encode(into: &w, witness: true)
        case .feefilter(let rate): w.writeInt64LE(rate)
        case .addr(let list):
            w.writeCompactSize(list.count)
            for a in list { a.encode(into: &w) }
        case .addrv2(let list):
            w.writeCompactSize(list.count)
            for a in list { a.encode(into: &w) }
        case .reject(let r): r.encode(into: &w)
        case .sendcmpct(let announce, let version):
            w.write(announce ? 1 : 0)
            w.writeUInt64LE(version)
        case .unknown(_, let payload): w.write(payload)
        }
    }

    /// The payload bytes.
    public func encodePayload() -> [UInt8] {
        var w = ByteWriter(capacity: 64)
        encodePayload(into: &w)
        return w.bytes
    }

    // MARK: Decoding

    /// Decodes `payload` as the message named by `command`. Unknown commands decode to `.unknown`.
    /// Apart from `version` (whose trailing bytes Core ignores for forward compatibility) and `reject`,
    /// trailing bytes are an error.
    public static func decode(command: Command, payload: [UInt8]) throws(P2PError) -> Message {
        if payload.count > MessageLimits.maxPayload(for: command) {
            throw .payloadTooLarge(
                command: command.name, length: UInt32(clamping: payload.count),
                limit: MessageLimits.maxPayload(for: command))
        }
        do throws(DecodeError) {
            return try decodeChecked(command: command, payload: payload)
        } catch {
            throw .malformedPayload(command: command.name, error)
        }
    }

    static func decodeChecked(command: Command, payload: [UInt8]) throws(DecodeError) -> Message {
        var r = ByteReader(payload)
        let m: Message
        switch command {
        case .version: return .version(try VersionMessage.decode(from: &r))
        case .reject: return .reject(try RejectMessage.decode(from: &r))
        case .verack: m = .verack
        case .sendheaders: m = .sendheaders
        case .wtxidrelay: m = .wtxidrelay
        case .sendaddrv2: m = .sendaddrv2
        case .mempool: m = .mempool
        case .getaddr: m = .getaddr
        case .ping: m = .ping(nonce: try r.readUInt64LE())
        case .pong: m = .pong(nonce: try r.readUInt64LE())
        case .feefilter: m = .feefilter(try r.readInt64LE())
        case .getheaders: m = .getheaders(try LocatorRequest.decode(from: &r))
        case .getblocks: m = .getblocks(try LocatorRequest.decode(from: &r))
        case .headers:
            let n = try r.readCompactSize(limit: UInt64(MessageLimits.maxHeaders))
            var hs: [BlockHeader] = []
            hs.reserveCapacity(min(n, r.remaining / 81))
            for _ in 0..<n {
                hs.append(try BlockHeader.decode(from: &r))
                let at = r.offset
                let txCount = try r.readCompactSize()
                guard txCount == 0 else {
                    throw .invalid(offset: at, reason: "headers entry has transaction count \(txCount), expected 0")
                }
            }
            m = .headers(hs)
        case .inv: m = .inv(try decodeInventory(&r))
        case .getdata: m = .getdata(try decodeInventory(&r))
        case .notfound: m = .notfound(try decodeInventory(&r))
        case .block: m = .block(try Block.decode(from: &r))
        case .tx: m = .tx(try Transaction.decode(from: &r, allowWitness: true))
        case .addr:
            let n = try r.readCompactSize(limit: UInt64(MessageLimits.maxAddresses))
            var list: [TimestampedAddress] = []
            list.reserveCapacity(min(n, r.remaining / TimestampedAddress.size))
            for _ in 0..<n { list.append(try TimestampedAddress.decode(from: &r)) }
            m = .addr(list)
        case .addrv2:
            let n = try r.readCompactSize(limit: UInt64(MessageLimits.maxAddresses))
            var list: [AddrV2Entry] = []
            list.reserveCapacity(min(n, r.remaining / 9))
            for _ in 0..<n { list.append(try AddrV2Entry.decode(from: &r)) }
            m = .addrv2(list)
        case .sendcmpct:
            let announce = try r.readUInt8()
            // Core reads a C++ bool: any non-zero byte is true.
            m = .sendcmpct(announce: announce != 0, version: try r.readUInt64LE())
        default:
            return .unknown(command: command, payload: payload)
        }
        try r.expectEnd()
        return m
    }

    static func decodeInventory(_ r: inout ByteReader) throws(DecodeError) -> [InventoryVector] {
        let n = try r.readCompactSize(limit: UInt64(MessageLimits.maxInventory))
        var items: [InventoryVector] = []
        items.reserveCapacity(min(n, r.remaining / InventoryVector.size))
        for _ in 0..<n { items.append(try InventoryVector.decode(from: &r)) }
        return items
    }
}
