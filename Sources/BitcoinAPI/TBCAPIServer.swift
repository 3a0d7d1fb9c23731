import Primitives
import Bitcoin
import BitcoinView
import BitcoinNode
public import KVStore
public import Logging
import Hashing
import Hummingbird
import HummingbirdWebSocket
import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The tbc websocket API (`/v1/ws`, `reference/hemi-protocol.md` §6.3): heminetwork's
/// `{"header":{"command","id"},"payload":{…}}` envelope with `tbcapi-<x>-request` commands answered
/// by `tbcapi-<x>-response` with the same id. Errors are `payload.error = {timestamp, message}`.
/// Hashes are display-order hex. See `docs/bitcoin-api.md` for the commands served.
public final class TBCAPIServer<Store: KVStore>: Sendable {
    public let backend: APIBackend<Store>
    let logger: Logger
    /// Largest request message.
    public let maxMessageSize: Int

    public init(backend: APIBackend<Store>, maxMessageSize: Int = 4 << 20, logger: Logger = Logger(label: "hemi.tbcapi")) {
        self.backend = backend
        self.logger = logger
        self.maxMessageSize = maxMessageSize
    }

    /// Serves `host:port` (0 picks a port) until cancelled; `ready` gets the bound port.
    public func run(host: String, port: Int, ready: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        let router = Router()
        router.get("/") { _, _ in "hemi tbc api: websocket at /v1/ws\n" }
        let app = Application(
            router: router,
            server: .http1WebSocketUpgrade { [self] request, _, _ in
                guard request.path == "/v1/ws" else { return .dontUpgrade }
                return .upgrade([:]) { inbound, outbound, _ in
                    try await self.serve(inbound: inbound, outbound: outbound)
                }
            },
            configuration: .init(address: .hostname(host, port: port), serverName: "hemi-tbcapi"),
            onServerRunning: { ch in ready(ch.localAddress?.port ?? port) },
            logger: logger
        )
        try await app.runService()
    }

    func serve(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        // heminetwork servers greet with a ping request.
        try await outbound.write(.text(Self.envelope("tbcapi-ping-request", id: "0", [("timestamp", .int(Int64(time(nil))))])))
        for try await message in inbound.messages(maxSize: maxMessageSize) {
            guard case .text(let text) = message else { continue }
            let reply = await handle(text)
            if let reply { try await outbound.write(.text(reply)) }
        }
    }

    static func envelope(_ command: String, id: String, _ payload: [(String, JSON)]) -> String {
        JSON.object([("header", .object([("command", .string(command)), ("id", .string(id))])), ("payload", .object(payload))]).serialized()
    }

    /// Answers one message (nil for messages that need no reply, e.g. a ping response).
    public func handle(_ text: String) async -> String? {
        guard let msg = try? JSON.parse(text), let cmd = msg["header"]?["command"]?.stringValue else {
            return Self.envelope("tbcapi-error", id: "", [("error", Self.error("malformed message"))])
        }
        let id = msg["header"]?["id"]?.stringValue ?? ""
        guard cmd.hasPrefix("tbcapi-"), cmd.hasSuffix("-request") else { return nil }
        let name = String(cmd.dropFirst(7).dropLast(8))
        let payload = msg["payload"] ?? .object([])
        let response = "tbcapi-\(name)-response"
        do {
            return Self.envelope(response, id: id, try await call(name, payload))
        } catch {
            return Self.envelope(response, id: id, [("error", Self.error(error.message))])
        }
    }

    static func error(_ message: String) -> JSON {
        .object([("timestamp", .int(Int64(time(nil)))), ("message", .string(message))])
    }

    static func hexParam(_ p: JSON, _ k: String) throws(APIError) -> [UInt8] {
        guard var s = p[k]?.stringValue else { throw APIError(1, "missing \(k)") }
        if s.hasPrefix("0x") { s.removeFirst(2) }
        guard let b = Hex.decode(s) else { throw APIError(1, "\(k) is not hex") }
        return b
    }

    static func hashParam(_ p: JSON, _ k: String) throws(APIError) -> Bytes32 {
        guard var s = p[k]?.stringValue else { throw APIError(1, "missing \(k)") }
        if s.hasPrefix("0x") { s.removeFirst(2) }
        guard let h = Bytes32(displayHex: s) else { throw APIError(1, "\(k) is not a 32-byte hash") }
        return h
    }

    static func intParam(_ p: JSON, _ k: String, default d: Int64? = nil) throws(APIError) -> Int64 {
        if let v = p[k]?.intValue { return v }
        if let d, p[k] == nil || p[k] == .null { return d }
        throw APIError(1, "\(k) must be an integer")
    }

    static func headerJSON(_ h: BlockHeader) -> JSON {
        .object([
            ("version", .int(Int64(h.version))), ("prev_hash", .string(h.prevBlock.displayHex)),
            ("merkle_root", .string(h.merkleRoot.displayHex)), ("timestamp", .int(Int64(h.time))),
            ("bits", .string(String(h.bits, radix: 16))), ("nonce", .int(Int64(h.nonce))),
        ])
    }

    static func txJSON(_ tx: Transaction) -> JSON {
        .object([
            ("version", .int(Int64(tx.version))), ("lock_time", .int(Int64(tx.lockTime))),
            ("tx_in", .array(tx.inputs.map { i in
                .object([
                    ("outpoint", .object([("hash", .string(i.prevout.txid.displayHex)), ("index", .int(Int64(i.prevout.vout)))])),
                    ("signature_script", .string(i.scriptSig.hex)), ("tx_witness", .array(i.witness.map { .string($0.hex) })),
                    ("sequence", .int(Int64(i.sequence))),
                ])
            })),
            ("tx_out", .array(tx.outputs.map { .object([("value", .int($0.value)), ("pk_script", .string($0.scriptPubKey.hex))]) })),
        ])
    }

    static func keystoneJSON(_ k: KeystoneAbbrev) -> JSON {
        .object([
            ("version", .int(Int64(k.version))), ("l1_block_number", .int(Int64(k.l1BlockNumber))),
            ("l2_block_number", .int(Int64(k.l2BlockNumber))), ("parent_ep_hash", .string(k.parentEPHash.hex)),
            ("prev_keystone_ep_hash", .string(k.prevKeystoneEPHash.hex)), ("state_root", .string(k.stateRoot.hex)),
            ("ep_hash", .string(k.epHash.hex)),
        ])
    }

    var addressNetwork: AddressNetwork {
        switch backend.params.network {
        case .mainnet: return .main
        case .regtest: return .regtest
        case .signet: return .signet
        default: return .testnet
        }
    }

    func script(ofAddress p: JSON) throws(APIError) -> [UInt8] {
        guard let s = p["address"]?.stringValue, let a = Address.decode(s, network: addressNetwork) else {
            throw APIError(1, "invalid address")
        }
        return a.scriptPubKey
    }

    func utxoList(_ sh: ScriptHash, _ p: JSON) async throws(APIError) -> [(String, JSON)] {
        let start = try Self.intParam(p, "start", default: 0)
        let count = try Self.intParam(p, "count", default: 100)
        guard start >= 0, start <= 100_000_000, count >= 0, count <= 10_000 else { throw APIError(1, "bad start/count") }
        let all = try await backend.unspent(sh, limit: Int(start + count) + 10_000)
        let confirmed = (p["filter_mempool"]?.boolValue ?? false) ? all.filter { $0.height > 0 } : all
        let page = confirmed.dropFirst(Int(start)).prefix(Int(count))
        return [("utxos", .array(page.map {
            .object([("tx_id", .string($0.outpoint.txid.displayHex)), ("value", .int(Int64(clamping: $0.value))),
                     ("out_index", .int(Int64($0.outpoint.vout)))])
        }))]
    }

    func call(_ name: String, _ p: JSON) async throws(APIError) -> [(String, JSON)] {
        switch name {
        case "ping":
            return [("origintimestamp", p["timestamp"] ?? .int(0)), ("timestamp", .int(Int64(time(nil))))]
        case "block-header-best", "block-header-best-raw":
            let t = try await backend.tipHeader()
            return [("height", .int(Int64(t.height))),
                    ("block_header", name.hasSuffix("-raw") ? .string(t.header.serialized().hex) : Self.headerJSON(t.header))]
        case "block-headers-by-height", "block-headers-by-height-raw":
            let h = try Self.intParam(p, "height")
            guard h >= 0, let r = try await backend.header(height: UInt64(h)) else { throw APIError(1, "no block at height \(h)") }
            return [("block_headers", .array([name.hasSuffix("-raw") ? .string(r.header.serialized().hex) : Self.headerJSON(r.header)]))]
        case "block-by-hash", "block-by-hash-raw":
            let hash = try Self.hashParam(p, "hash")
            guard let raw = try await backend.rawBlock(hash) else { throw APIError(1, "block not found: \(hash.displayHex)") }
            if name.hasSuffix("-raw") { return [("block", .string(raw.hex))] }
            guard let b = try? Block(bytes: raw) else { throw APIError(2, "undecodable block") }
            return [("block", .object([("hash", .string(hash.displayHex)), ("header", Self.headerJSON(b.header)),
                                       ("txs", .array(b.transactions.map(Self.txJSON)))]))]
        case "tx-by-id", "tx-by-id-raw":
            let txid = try Self.hashParam(p, "tx_id")
            guard let raw = try await backend.rawTransaction(txid) else { throw APIError(1, "tx not found: \(txid.displayHex)") }
            if name.hasSuffix("-raw") { return [("tx", .string(raw.hex))] }
            guard let tx = try? Transaction(bytes: raw) else { throw APIError(2, "undecodable transaction") }
            return [("tx", Self.txJSON(tx))]
        case "balance-by-address":
            let b = try await backend.balance(ScriptHash(script: try script(ofAddress: p)))
            return [("balance", .int(Int64(clamping: b.confirmed)))]
        case "utxos-by-address", "utxos-by-address-raw":
            return try await utxoList(ScriptHash(script: try script(ofAddress: p)), p)
        case "utxos-by-script-hash":
            let b = try Self.hexParam(p, "script_hash")
            guard b.count == 32 else { throw APIError(1, "script_hash must be 32 bytes") }
            return try await utxoList(ScriptHash(Bytes32(b)), p)
        case "keystones-by-height":
            let height = try Self.intParam(p, "height")
            let depth = try Self.intParam(p, "depth")
            guard depth != 0, depth >= -1000, depth <= 1000, height >= 0, height <= Int64(UInt32.max) else { throw APIError(1, "invalid depth") }
            let tip = try await backend.tipHeader()
            var out: [JSON] = []
            var h = height
            for _ in 0..<abs(depth) {
                h += depth > 0 ? 1 : -1
                guard h >= 0, h <= Int64(tip.height) else { break }
                out += try await backend.keystones(height: UInt32(h)).map { Self.keystoneJSON($0.keystone) }
            }
            return [("l2_keystone_abrevs", .array(out)), ("btc_tip_height", .int(Int64(tip.height)))]
        case "block-by-l2-abrev-hash":
            guard let hashes = p["l2_keystone_abrev_hashes"]?.arrayValue, hashes.count <= 1000 else {
                throw APIError(1, "missing l2_keystone_abrev_hashes")
            }
            var out: [JSON] = []
            for h in hashes {
                guard let s = h.stringValue, let k = Bytes32(displayHex: s.hasPrefix("0x") ? String(s.dropFirst(2)) : s) else {
                    out.append(.object([("error", Self.error("invalid hash"))]))
                    continue
                }
                if let r = try await backend.keystone(hash: k) {
                    out.append(.object([("l2_keystone_abrev", Self.keystoneJSON(r.keystone)),
                                        ("l2_keystone_block_hash", .string(r.blockHash.displayHex)),
                                        ("l2_keystone_block_height", .int(Int64(r.blockHeight)))]))
                } else {
                    out.append(.object([("error", Self.error("keystone not found: \(s)"))]))
                }
            }
            let tip = try await backend.tipHeader()
            return [("l2_keystone_blocks", .array(out)), ("btc_tip_block_hash", .string(tip.hash.displayHex)),
                    ("btc_tip_block_height", .int(Int64(tip.height)))]
        case "block-keystone-by-l2-keystone-abrev-hash":
            let k = try Self.hashParam(p, "l2_keystones_abrev_hash")
            guard let r = try await backend.keystone(hash: k) else { throw APIError(1, "keystone not found") }
            return [("l2_keystone_abrev", Self.keystoneJSON(r.keystone)), ("btc_block_hash", .string(r.blockHash.displayHex)),
                    ("btc_block_height", .int(Int64(r.blockHeight)))]
        case "fee-estimate":
            var out: [JSON] = []
            for n in 1...6 {
                let r = try await backend.estimateFeeRate(blocks: n) ?? 1
                out.append(.object([("blocks", .int(Int64(n))), ("sats_per_vbyte", .double(r))]))
            }
            return [("fee_estimate", .array(out))]
        case "mempool-info":
            let pool = await backend.mempool()
            return [("size", .int(Int64(pool.reduce(0) { $0 + $1.vsize }))), ("tx_num", .int(Int64(pool.count)))]
        case "tx-broadcast", "tx-broadcast-raw":
            let raw = try Self.hexParam(p, "tx")
            return [("tx_id", .string(try await backend.broadcast(raw).displayHex))]
        default:
            throw APIError(1, "unknown command tbcapi-\(name)-request")
        }
    }
}
