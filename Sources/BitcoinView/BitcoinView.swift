public import Primitives
public import Bitcoin
import Hashing

/// The index key of an output script: SHA-256 of the raw `scriptPubKey` (not reversed, not the
/// Electrum byte order) — `reference/hemi-protocol.md` §5.5.
public struct ScriptHash: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The 32 hash bytes, in the order SHA-256 produced them.
    public let value: Bytes32

    public init(_ value: Bytes32) { self.value = value }

    /// Hashes an output script (`SHA-256(pkScript)`).
    public init(script: some Collection<UInt8>) { value = SHA256Hash.hash(Array(script)) }

    public static func < (a: ScriptHash, b: ScriptHash) -> Bool { a.value < b.value }
    public var description: String { value.hex }
}

/// A header the view knows, with its place in the header tree.
public struct HeaderRecord: Hashable, Sendable {
    public var hash: BlockHash
    public var height: UInt64
    public var header: BlockHeader
    /// Cumulative proof of work from genesis through this header (Core's `nChainWork`).
    public var chainWork: UInt256

    public init(hash: BlockHash, height: UInt64, header: BlockHeader, chainWork: UInt256) {
        self.hash = hash
        self.height = height
        self.header = header
        self.chainWork = chainWork
    }

    /// The 116-byte record of the hVM header precompiles 0x44/0x45 (§5.4): height u32 BE ‖ block hash
    /// ‖ version u32 BE ‖ prev hash ‖ merkle root ‖ time u32 BE ‖ bits u32 BE ‖ nonce u32 BE, hashes in
    /// display (byte-reversed) order.
    public func hvmRecord() -> [UInt8] {
        var w = ByteWriter(capacity: 116)
        w.writeUInt32BE(UInt32(truncatingIfNeeded: height))
        w.write(hash.bytes.reversed())
        w.writeUInt32BE(UInt32(bitPattern: header.version))
        w.write(header.prevBlock.bytes.reversed())
        w.write(header.merkleRoot.bytes.reversed())
        w.writeUInt32BE(header.time)
        w.writeUInt32BE(header.bits)
        w.writeUInt32BE(header.nonce)
        return w.bytes
    }
}

/// An unspent output in the script-hash index.
public struct IndexedUTXO: Hashable, Sendable {
    public var outpoint: OutPoint
    /// Value in satoshis.
    public var value: UInt64

    public init(outpoint: OutPoint, value: UInt64) {
        self.outpoint = outpoint
        self.value = value
    }
}

/// Where a transaction is stored: its block and its byte range inside the raw (witness-serialized) block.
public struct TxLocation: Hashable, Sendable {
    public var txid: TxID
    public var blockHash: BlockHash
    public var blockHeight: UInt64
    /// Offset of the transaction's first byte in the raw block.
    public var start: UInt32
    /// Serialized length (with witness).
    public var length: UInt32

    public init(txid: TxID, blockHash: BlockHash, blockHeight: UInt64, start: UInt32, length: UInt32) {
        self.txid = txid
        self.blockHash = blockHash
        self.blockHeight = blockHeight
        self.start = start
        self.length = length
    }
}

/// The input that spent an outpoint, from the spends index.
public struct SpendRecord: Hashable, Sendable {
    public var spendingTxid: TxID
    public var inputIndex: UInt32
    public var blockHash: BlockHash

    public init(spendingTxid: TxID, inputIndex: UInt32, blockHash: BlockHash) {
        self.spendingTxid = spendingTxid
        self.inputIndex = inputIndex
        self.blockHash = blockHash
    }
}

/// A PoP keystone in the keystone index: the first canonical Bitcoin block that carries it.
public struct KeystoneRecord: Hashable, Sendable {
    /// The keystone hash (double SHA-256 of the 76 bytes, internal order).
    public var hash: Bytes32
    public var keystone: KeystoneAbbrev
    public var blockHash: BlockHash
    public var blockHeight: UInt32

    public init(hash: Bytes32, keystone: KeystoneAbbrev, blockHash: BlockHash, blockHeight: UInt32) {
        self.hash = hash
        self.keystone = keystone
        self.blockHash = blockHash
        self.blockHeight = blockHeight
    }
}

/// Failures of a view read: the storage failed or holds bytes that do not decode (never a
/// "not found", which is `nil`).
public enum BitcoinViewError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The store reported an error.
    case storage(String)
    /// A stored record did not decode (database corruption or a format mismatch).
    case corruptRecord(table: String, detail: String)

    public var description: String {
        switch self {
        case let .storage(s): return "storage: \(s)"
        case let .corruptRecord(t, d): return "corrupt record in \(t): \(d)"
        }
    }
}

/// Read-only Bitcoin answers pinned at one block (`pinnedHash`): the indexes the hVM precompiles,
/// the tbc API and PoP payouts read (`reference/hemi-protocol.md` §5.4–5.5, §6.1).
///
/// Every answer reflects the chain ending at `pinnedHash`: UTXOs and balances as of that block,
/// transactions, spends and keystones in blocks up to it, headers by height along it. A view is a
/// consistent snapshot; writers never change what an open view answers. Not found is `nil` (or empty),
/// never an error.
public protocol BitcoinView {
    /// The block every answer is pinned at.
    var pinnedHash: BlockHash { get }
    /// Its height.
    var pinnedHeight: UInt64 { get }

    /// The header with the most cumulative work the node knows (may be ahead of `pinnedHash`).
    func bestHeader() throws(BitcoinViewError) -> HeaderRecord
    /// Any known header by hash (canonical or not).
    func header(hash: BlockHash) throws(BitcoinViewError) -> HeaderRecord?
    /// The header at `height` on the chain ending at `pinnedHash`; nil above it.
    func header(height: UInt64) throws(BitcoinViewError) -> HeaderRecord?
    /// Whether `hash` is on the chain ending at `pinnedHash`.
    func isCanonical(_ hash: BlockHash) throws(BitcoinViewError) -> Bool

    /// Sum of the values of the unspent outputs whose script hashes to `scriptHash`.
    func balance(scriptHash: ScriptHash) throws(BitcoinViewError) -> UInt64
    /// Unspent outputs of `scriptHash` in index order (txid, then output index), skipping `start`
    /// and returning at most `count`.
    func utxos(scriptHash: ScriptHash, start: Int, count: Int) throws(BitcoinViewError) -> [IndexedUTXO]
    /// Whether `outpoint` is an unspent, indexed output (OP_RETURN outputs never are).
    func isUnspent(_ outpoint: OutPoint) throws(BitcoinViewError) -> Bool
    /// The script hash an unspent output pays to.
    func scriptHash(of outpoint: OutPoint) throws(BitcoinViewError) -> ScriptHash?

    /// Where a confirmed transaction is.
    func txLocation(txid: TxID) throws(BitcoinViewError) -> TxLocation?
    /// The witness-serialized bytes of a confirmed transaction.
    func rawTransaction(txid: TxID) throws(BitcoinViewError) -> [UInt8]?
    /// `pinnedHeight − txHeight + 1` for a confirmed transaction.
    func confirmations(txid: TxID) throws(BitcoinViewError) -> UInt64?
    /// The raw block, if stored.
    func rawBlock(hash: BlockHash) throws(BitcoinViewError) -> [UInt8]?

    /// The input that spent `outpoint`, if a block up to `pinnedHash` did.
    func spend(of outpoint: OutPoint) throws(BitcoinViewError) -> SpendRecord?

    /// A keystone by its hash.
    func keystone(hash: Bytes32) throws(BitcoinViewError) -> KeystoneRecord?
    /// The keystones first published in the block at `height`, ordered by keystone hash.
    func keystones(height: UInt32) throws(BitcoinViewError) -> [KeystoneRecord]
}

extension BitcoinView {
    /// A confirmed transaction, decoded.
    public func transaction(txid: TxID) throws(BitcoinViewError) -> Transaction? {
        guard let raw = try rawTransaction(txid: txid) else { return nil }
        do { return try Transaction(bytes: raw) } catch {
            throw .corruptRecord(table: "blocks", detail: "transaction \(txid.displayHex): \(error)")
        }
    }

    /// The best header's hash and height.
    public func bestHeight() throws(BitcoinViewError) -> UInt64 { try bestHeader().height }
}
