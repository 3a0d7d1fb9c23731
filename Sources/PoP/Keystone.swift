public import BitcoinView
public import Ethereum
public import KVStore
public import L2Chain
public import Primitives

/// A full L2 keystone (`reference/hemi-protocol.md` §2.1, heminetwork `hemi.L2Keystone`): made for
/// every L2 block N with N mod 25 == 0, N ≥ 25 (block 0 has no previous keystone).
public struct L2Keystone: Sendable, Equatable {
    /// `KeystoneHeaderPeriod`.
    public static let interval: UInt64 = 25

    public var version: UInt8
    public var l1BlockNumber: UInt32
    public var l2BlockNumber: UInt32
    /// Hash of block N−1 (block N's parent hash).
    public var parentEPHash: Bytes32
    /// Hash of block N−25 (the previous keystone block).
    public var prevKeystoneEPHash: Bytes32
    /// State root of block N.
    public var stateRoot: Bytes32
    /// Hash of block N.
    public var epHash: Bytes32

    public init(
        version: UInt8 = 1, l1BlockNumber: UInt32, l2BlockNumber: UInt32, parentEPHash: Bytes32,
        prevKeystoneEPHash: Bytes32, stateRoot: Bytes32, epHash: Bytes32
    ) {
        self.version = version
        self.l1BlockNumber = l1BlockNumber
        self.l2BlockNumber = l2BlockNumber
        self.parentEPHash = parentEPHash
        self.prevKeystoneEPHash = prevKeystoneEPHash
        self.stateRoot = stateRoot
        self.epHash = epHash
    }

    /// The keystone of `block` (number N) given the header of block N−25; nil if N is not a
    /// keystone height or does not fit the u32 fields.
    public static func derive(block: SealedBlockHeader, previousKeystone: SealedBlockHeader, l1BlockNumber: UInt32 = 0)
        -> L2Keystone?
    {
        let n = block.header.number
        guard n >= interval, n % interval == 0, n <= UInt64(UInt32.max),
            previousKeystone.header.number == n - interval
        else { return nil }
        return L2Keystone(
            l1BlockNumber: l1BlockNumber, l2BlockNumber: UInt32(n), parentEPHash: block.header.parentHash,
            prevKeystoneEPHash: previousKeystone.hash, stateRoot: block.header.stateRoot, epHash: block.hash)
    }

    /// The 76-byte abbreviated form (§2.2).
    public var abbreviated: KeystoneAbbrev {
        KeystoneAbbrev(
            l1BlockNumber: l1BlockNumber, l2BlockNumber: l2BlockNumber, parentEPHash: parentEPHash,
            prevKeystoneEPHash: prevKeystoneEPHash, stateRoot: stateRoot, epHash: epHash)
    }

    /// The keystone ("abrev") hash: double SHA-256 of the abbreviated form, internal byte order.
    public func computeHash() -> Bytes32 { abbreviated.hash }
}

/// Keeps `keystones`: abbreviated hash (internal order) → L2 block number, written in each
/// keystone block's own write transaction.
public struct KeystoneIndexer: BlockIndexer {
    public static let table = "keystones"
    public var tables: [String] { [Self.table] }

    public init() {}

    public func index(_ block: CommittedBlock, chain: L2Chain, txn: LMDBWriteTransaction) throws {
        let n = block.header.header.number
        guard n >= L2Keystone.interval, n % L2Keystone.interval == 0,
            let prev = try chain.header(number: n - L2Keystone.interval, txn: txn),
            let k = L2Keystone.derive(block: block.header, previousKeystone: prev)
        else { return }
        let t = try chain.store.table(Self.table)
        try txn.put(t, k.computeHash().bytes, withUnsafeBytes(of: n.bigEndian) { Array($0) })
    }
}

/// Errors of keystone queries.
public enum KeystoneQueryError: Error, Sendable, Equatable {
    case unknownKeystone
    case storage(String)
}

/// Keystone queries over a chain (what `kss_` serves).
public struct KeystoneStore: Sendable {
    public let chain: L2Chain
    /// op-geth caps `kss_getKeystone`'s count at 50.
    public static let maxCount = 50

    public init(chain: L2Chain) { self.chain = chain }

    /// The keystone of block `number` (nil if it is not a keystone block or not yet produced).
    public func keystone(atBlock number: UInt64) throws(KeystoneQueryError) -> L2Keystone? {
        guard number >= L2Keystone.interval, number % L2Keystone.interval == 0 else { return nil }
        do {
            guard let h = try chain.header(number: number), let p = try chain.header(number: number - L2Keystone.interval)
            else { return nil }
            return L2Keystone.derive(block: h, previousKeystone: p)
        } catch {
            throw .storage("\(error)")
        }
    }

    /// The `count` most recent keystones at or below the head, newest first.
    public func latest(count: Int) throws(KeystoneQueryError) -> [L2Keystone] {
        let head = chain.snapshot.number
        var n = head - head % L2Keystone.interval
        var out: [L2Keystone] = []
        while out.count < Swift.min(count, Self.maxCount), n >= L2Keystone.interval {
            if let k = try keystone(atBlock: n) { out.append(k) }
            n -= L2Keystone.interval
        }
        return out
    }

    /// The keystone with abbreviated hash `hash` (internal order) followed by up to `count` of its
    /// descendants, oldest first.
    public func keystone(hash: Bytes32, count: Int) throws(KeystoneQueryError) -> [L2Keystone] {
        let number: UInt64?
        do {
            let t = try chain.store.table(KeystoneIndexer.table)
            number = try chain.store.read { r in
                try r.get(t, hash.bytes).map { $0.reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
            }
        } catch {
            throw .storage("\(error)")
        }
        guard let number, let first = try keystone(atBlock: number) else { throw .unknownKeystone }
        var out = [first]
        var n = number + L2Keystone.interval
        while out.count <= Swift.min(count, Self.maxCount), let k = try keystone(atBlock: n) {
            out.append(k)
            n += L2Keystone.interval
        }
        return out
    }
}
