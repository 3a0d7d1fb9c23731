public import KVStore
import Primitives
import Hashing

/// Per-table digests of a node's store, for comparing two nodes (`hemi btc digest`).
///
/// Each part is SHA-256 over its entries in key order, each entry as key length u32 BE ‖ key ‖ value
/// length u32 BE ‖ value. Tables whose keys carry a one-byte kind prefix (`outputs`: `u`/`h`;
/// `transactions`: `t`/`s`/`b`) get one part per prefix, so a mismatch names the index. Parts marked
/// `chainState` are functions of the active chain alone (the UTXO set, undo data and every index) and
/// must be equal on any two nodes at the same tip; the others (header tree, stored blocks, `meta`)
/// also depend on what a node has seen (e.g. the blocks of an abandoned branch).
public enum ChainDigest {
    /// The digest of one table or table part.
    public struct Part: Sendable, Hashable {
        /// Table name, with `:<prefix>` for a prefix part (e.g. `outputs:h`).
        public let name: String
        /// Number of entries.
        public let entries: Int
        /// SHA-256 of the entries, hex.
        public let sha256: String
        /// Whether the part is determined by the active chain alone.
        public let chainState: Bool
    }

    /// Prefix parts of tables whose keys start with a kind byte.
    static let prefixed: [String: [(UInt8, String)]] = [
        NodeTables.outputs: [(UInt8(ascii: "u"), "UTXO index"), (UInt8(ascii: "h"), "script-hash index")],
        NodeTables.transactions: [(UInt8(ascii: "t"), "tx index"), (UInt8(ascii: "s"), "spend index"), (UInt8(ascii: "b"), "indexed blocks")],
    ]

    /// Digests every table of `NodeTables.all` (in that order) in one read snapshot. The `meta` row
    /// `tip` is its own chain-state part (`meta:tip`).
    public static func compute<S: KVStore>(store: S) throws -> [Part] {
        try store.read { r in
            var parts: [Part] = []
            let chainTables = Set(NodeTables.indexTables)
            for spec in NodeTables.all {
                let name = spec.name
                let table = try store.table(name)
                if let kinds = prefixed[name] {
                    var known = Set<UInt8>()
                    for (p, _) in kinds {
                        known.insert(p)
                        parts.append(try digest(r, table, name: name + ":" + String(UnicodeScalar(p)), prefix: [p], chainState: chainTables.contains(name)))
                    }
                    // Anything under another prefix would be a format this digest does not know.
                    var other = Hasher256()
                    try r.forEach(table) { k, v in
                        if let first = k.first, !known.contains(first) { other.add(k, v) }
                        return true
                    }
                    if other.count > 0 { parts.append(other.part(name + ":other", chainState: chainTables.contains(name))) }
                } else if name == NodeTables.meta {
                    var tip = Hasher256()
                    var rest = Hasher256()
                    let tipKey = Array("tip".utf8)
                    try r.forEach(table) { k, v in
                        if k.elementsEqual(tipKey) { tip.add(k, v) } else { rest.add(k, v) }
                        return true
                    }
                    parts.append(tip.part("meta:tip", chainState: true))
                    parts.append(rest.part("meta:other", chainState: false))
                } else {
                    parts.append(try digest(r, table, name: name, prefix: [], chainState: chainTables.contains(name)))
                }
            }
            return parts
        }
    }

    static func digest(_ r: some KVReadTransaction, _ table: KVTable, name: String, prefix: [UInt8], chainState: Bool) throws -> Part {
        var h = Hasher256()
        try r.forEach(table, prefix: prefix) { k, v in
            h.add(k, v)
            return true
        }
        return h.part(name, chainState: chainState)
    }

    /// Streams entries into SHA-256 in chunks (tables may be large).
    struct Hasher256 {
        var buffer: [UInt8] = []
        var count = 0
        var sha = SHA256Hasher()

        mutating func add(_ k: UnsafeRawBufferPointer, _ v: UnsafeRawBufferPointer) {
            count += 1
            appendLength(k.count)
            buffer.append(contentsOf: k)
            appendLength(v.count)
            buffer.append(contentsOf: v)
            if buffer.count >= 1 << 20 {
                sha.update(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }

        mutating func appendLength(_ n: Int) {
            let x = UInt32(truncatingIfNeeded: n)
            buffer += [UInt8(x >> 24), UInt8(x >> 16 & 0xff), UInt8(x >> 8 & 0xff), UInt8(x & 0xff)]
        }

        mutating func part(_ name: String, chainState: Bool) -> Part {
            sha.update(buffer)
            buffer.removeAll()
            return Part(name: name, entries: count, sha256: Hex.encode(sha.finalize().bytes), chainState: chainState)
        }
    }
}
