public import KVStore
import Primitives
import Bitcoin
import BitcoinConsensus

/// The node's KVStore tables and their key/value layouts (`docs/bitcoin-node.md` has the full table).
/// Integers in keys are big-endian so that keys sort numerically.
public enum NodeTables {
    /// Storage format version stored under `meta["version"]`.
    /// Version 2 added the `history` table.
    public static let formatVersion: UInt8 = 2

    public static let meta = "meta"
    public static let headers = "blockheaders"
    public static let heightHash = "heighthash"
    public static let chain = "chain"
    public static let blocks = "blocks"
    public static let coins = "coins"
    public static let undo = "undo"
    public static let outputs = "outputs"
    public static let transactions = "transactions"
    public static let keystones = "keystones"
    public static let keystoneHeights = "keystoneheights"
    /// Script-hash history: every active-chain transaction that pays to or spends from a script hash.
    public static let history = "history"

    /// Every table, for opening a store.
    public static let all: [KVTableSpec] = [
        KVTableSpec(meta), KVTableSpec(headers), KVTableSpec(heightHash), KVTableSpec(chain), KVTableSpec(blocks),
        KVTableSpec(coins), KVTableSpec(undo), KVTableSpec(outputs), KVTableSpec(transactions), KVTableSpec(keystones),
        KVTableSpec(keystoneHeights), KVTableSpec(history),
    ]

    /// The index tables that must equal those of a fresh node on the same chain (the property tests
    /// compare them).
    public static let indexTables: [String] = [
        chain, coins, undo, outputs, transactions, keystones, keystoneHeights, history,
    ]
}

/// Resolved table handles of one store.
struct Tables: Sendable {
    let meta, headers, heightHash, chain, blocks, coins, undo, outputs, transactions, keystones, keystoneHeights, history: KVTable

    init<S: KVStore>(_ s: S) throws(KVStoreError) {
        meta = try s.table(NodeTables.meta)
        headers = try s.table(NodeTables.headers)
        heightHash = try s.table(NodeTables.heightHash)
        chain = try s.table(NodeTables.chain)
        blocks = try s.table(NodeTables.blocks)
        coins = try s.table(NodeTables.coins)
        undo = try s.table(NodeTables.undo)
        outputs = try s.table(NodeTables.outputs)
        transactions = try s.table(NodeTables.transactions)
        keystones = try s.table(NodeTables.keystones)
        keystoneHeights = try s.table(NodeTables.keystoneHeights)
        history = try s.table(NodeTables.history)
    }
}

/// Key builders.
enum Keys {
    static let version: [UInt8] = Array("version".utf8)
    static let bestHeader: [UInt8] = Array("bestheader".utf8)
    static let tip: [UInt8] = Array("tip".utf8)
    static let prefixUTXO = UInt8(ascii: "u")
    static let prefixScriptHash = UInt8(ascii: "h")
    static let prefixTx = UInt8(ascii: "t")
    static let prefixSpend = UInt8(ascii: "s")
    static let prefixBlockIndexed = UInt8(ascii: "b")

    @inline(__always) static func be64(_ v: UInt64, into out: inout [UInt8]) {
        for s in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: v >> UInt64(s))) }
    }
    @inline(__always) static func be32(_ v: UInt32, into out: inout [UInt8]) {
        for s in stride(from: 24, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: v >> UInt32(s))) }
    }

    /// `heighthash`: height u64 BE ‖ 0x00 ‖ hash (tbc's 41-byte key).
    static func heightHash(_ height: UInt64, _ hash: BlockHash) -> [UInt8] {
        var k: [UInt8] = []
        k.reserveCapacity(41)
        be64(height, into: &k)
        k.append(0)
        k += hash.bytes
        return k
    }

    /// `chain`: height u64 BE.
    static func height(_ h: UInt64) -> [UInt8] {
        var k: [UInt8] = []
        k.reserveCapacity(8)
        be64(h, into: &k)
        return k
    }

    /// Outpoint bytes: txid ‖ index u32 BE (36).
    static func outpoint(_ op: OutPoint, prefix: UInt8? = nil) -> [UInt8] {
        var k: [UInt8] = []
        k.reserveCapacity(37)
        if let prefix { k.append(prefix) }
        k += op.txid.bytes
        be32(op.vout, into: &k)
        return k
    }

    /// `outputs` 'h' ‖ scripthash ‖ txid ‖ index u32 BE (69).
    static func scriptHashEntry(_ sh: Bytes32, _ op: OutPoint) -> [UInt8] {
        var k: [UInt8] = [prefixScriptHash]
        k.reserveCapacity(69)
        k += sh.bytes
        k += op.txid.bytes
        be32(op.vout, into: &k)
        return k
    }

    /// `transactions` 't' ‖ txid ‖ block hash (65).
    static func tx(_ txid: TxID, _ block: BlockHash) -> [UInt8] { [prefixTx] + txid.bytes + block.bytes }

    /// `transactions` 's' ‖ prev txid ‖ prev index u32 BE ‖ block hash (69).
    static func spend(_ op: OutPoint, _ block: BlockHash) -> [UInt8] { outpoint(op, prefix: prefixSpend) + block.bytes }

    /// `history`: script hash ‖ height u64 BE ‖ position of the transaction in its block u32 BE (44);
    /// keys sort by script hash, then height, then block order (Electrum's history order).
    static func history(_ sh: Bytes32, height: UInt64, position: UInt32) -> [UInt8] {
        var k: [UInt8] = []
        k.reserveCapacity(44)
        k += sh.bytes
        be64(height, into: &k)
        be32(position, into: &k)
        return k
    }

    /// `keystoneheights`: height u32 BE ‖ keystone hash (36).
    static func keystoneHeight(_ h: UInt32, _ hash: Bytes32) -> [UInt8] {
        var k: [UInt8] = []
        be32(h, into: &k)
        return k + hash.bytes
    }
}

/// Reads big-endian integers from stored bytes.
enum BE {
    static func u64(_ b: some Collection<UInt8>) -> UInt64 { b.reduce(0) { $0 << 8 | UInt64($1) } }
    static func u32(_ b: some Collection<UInt8>) -> UInt32 { b.reduce(0) { $0 << 8 | UInt32($1) } }
}

/// The stored header record (`blockheaders[hash]`): tbc's 120 bytes — height u64 BE ‖ 80-byte header ‖
/// cumulative work 32 bytes BE — followed by one status byte (``BlockStatus``) and, for the
/// testnet min-difficulty rule, the walk-back bits u32 BE (125 bytes in all).
struct HeaderRow {
    static let size = 125
    var height: UInt64
    var header: BlockHeader
    var chainWork: UInt256
    var status: BlockStatus
    var walkBackBits: UInt32

    func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: Self.size)
        w.writeUInt64BE(height)
        header.encode(into: &w)
        w.write(chainWork.bigEndianBytes)
        w.write(status.rawValue)
        w.writeUInt32BE(walkBackBits)
        return w.bytes
    }

    init(height: UInt64, header: BlockHeader, chainWork: UInt256, status: BlockStatus, walkBackBits: UInt32) {
        self.height = height
        self.header = header
        self.chainWork = chainWork
        self.status = status
        self.walkBackBits = walkBackBits
    }

    init(bytes: some Collection<UInt8>) throws(NodeError) {
        let b = Array(bytes)
        guard b.count == Self.size else { throw .corrupt("header record of \(b.count) bytes") }
        height = BE.u64(b[0..<8])
        do { header = try BlockHeader(bytes: Array(b[8..<88])) } catch { throw .corrupt("header record: \(error)") }
        guard let w = UInt256(bigEndian: b[88..<120]) else { throw .corrupt("header record work") }
        chainWork = w
        status = BlockStatus(rawValue: b[120])
        walkBackBits = BE.u32(b[121..<125])
    }
}

/// Undo data of one connected block: the coins its inputs spent, in block input order
/// (`undo[blockhash]`): count u32 BE, then per coin: txid ‖ vout u32 BE ‖ coin record.
struct UndoRecord {
    var spent: [(OutPoint, Coin)]

    func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.writeUInt32BE(UInt32(truncatingIfNeeded: spent.count))
        for (op, coin) in spent {
            w.write(op.txid)
            w.writeUInt32BE(op.vout)
            w.write(CoinCodec.encode(coin))
        }
        return w.bytes
    }

    init(spent: [(OutPoint, Coin)]) { self.spent = spent }

    init(bytes: [UInt8]) throws(NodeError) {
        var r = ByteReader(bytes)
        do {
            let n = try r.readUInt32BE()
            guard UInt64(n) <= UInt64(bytes.count / 49) else { throw NodeError.corrupt("undo count \(n)") }
            var out: [(OutPoint, Coin)] = []
            out.reserveCapacity(Int(n))
            for _ in 0..<n {
                let txid = try r.readBytes32()
                let vout = try r.readUInt32BE()
                let coin = try CoinCodec.decode(from: &r)
                out.append((OutPoint(txid: txid, vout: vout), coin))
            }
            spent = out
        } catch let e as NodeError {
            throw e
        } catch {
            throw .corrupt("undo record: \(error)")
        }
    }
}

/// The consensus UTXO set row (`coins[txid ‖ vout BE]`): height u32 BE ‖ coinbase flag u8 ‖
/// value u64 BE ‖ script length u32 BE ‖ script.
enum CoinCodec {
    static func encode(_ c: Coin) -> [UInt8] {
        var w = ByteWriter(capacity: 17 + c.output.scriptPubKey.count)
        w.writeUInt32BE(UInt32(truncatingIfNeeded: c.height))
        w.write(c.isCoinbase ? 1 : 0)
        w.writeUInt64BE(UInt64(bitPattern: c.output.value))
        w.writeUInt32BE(UInt32(truncatingIfNeeded: c.output.scriptPubKey.count))
        w.write(c.output.scriptPubKey)
        return w.bytes
    }

    static func decode(from r: inout ByteReader) throws(DecodeError) -> Coin {
        let h = try r.readUInt32BE()
        let cb = try r.readUInt8()
        let v = try r.readUInt64BE()
        let n = try r.readUInt32BE()
        let script = try r.readBytes(Int(n))
        return Coin(output: TxOut(value: Int64(bitPattern: v), scriptPubKey: script), height: Int(h), isCoinbase: cb != 0)
    }

    static func decode(_ bytes: [UInt8]) throws(NodeError) -> Coin {
        var r = ByteReader(bytes)
        do { return try decode(from: &r) } catch { throw .corrupt("coin: \(error)") }
    }
}
