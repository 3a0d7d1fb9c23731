#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension KVWriteTransaction {
    /// Inserts or replaces.
    @inlinable
    public func put(_ table: KVTable, _ key: [UInt8], _ value: [UInt8]) throws(KVStoreError) {
        _ = try put(table, key, value, mode: .upsert)
    }

    /// Puts every pair (upsert). One transaction, so all or nothing.
    public func putAll<S: Sequence>(_ table: KVTable, _ pairs: S) throws(KVStoreError)
    where S.Element == KVPair {
        for p in pairs { _ = try put(table, p.key, p.value, mode: .upsert) }
    }

    /// Deletes every listed key; returns how many existed.
    @discardableResult
    public func deleteAll<S: Sequence>(_ table: KVTable, keys: S) throws(KVStoreError) -> Int
    where S.Element == [UInt8] {
        var n = 0
        for k in keys where try delete(table, k) { n += 1 }
        return n
    }

    /// Deletes every key starting with `prefix` (an empty prefix clears the table); returns the count.
    @discardableResult
    public func deleteAll(_ table: KVTable, prefix: [UInt8]) throws(KVStoreError) -> Int {
        var keys: [[UInt8]] = []
        do {
            try forEach(table, prefix: prefix) { k, _ in
                keys.append(Array(k))
                return true
            }
        } catch let e as KVStoreError {
            throw e
        } catch {
            // forEach's body above throws nothing else.
            throw .backend(code: -1, message: "unexpected error \(error)")
        }
        return try deleteAll(table, keys: keys)
    }
}

extension KVReadTransaction {
    /// Whether `key` is present.
    @inlinable
    public func contains(_ table: KVTable, _ key: [UInt8]) throws(KVStoreError) -> Bool {
        let c = try cursor(table)
        return try c.move(.seekExact(key))
    }

    /// Values for several keys (`nil` where absent), in order.
    public func getMany<S: Sequence>(_ table: KVTable, _ keys: S) throws(KVStoreError) -> [[UInt8]?]
    where S.Element == [UInt8] {
        var out: [[UInt8]?] = []
        out.reserveCapacity(keys.underestimatedCount)
        for k in keys { out.append(try get(table, k)) }
        return out
    }

    /// Visits, in key order, entries with `start ≤ key < end` (`nil` bounds are open). `body`
    /// returns `false` to stop. Buffers are valid only during the call.
    public func forEach(
        _ table: KVTable, from start: [UInt8]? = nil, to end: [UInt8]? = nil,
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        let c = try cursor(table)
        let visit = { (k: UnsafeRawBufferPointer, v: UnsafeRawBufferPointer) throws -> Bool in
            if let end, compareBytes(k, end) >= 0 { return false }
            return try body(k, v)
        }
        var goOn = try c.withMove(start.map { .seek($0) } ?? .first, visit)
        while goOn == true { goOn = try c.withMove(.next, visit) }
    }

    /// Visits, in key order, entries whose key starts with `prefix`. `body` returns `false` to stop.
    public func forEach(
        _ table: KVTable, prefix: [UInt8],
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        let c = try cursor(table)
        let visit = { (k: UnsafeRawBufferPointer, v: UnsafeRawBufferPointer) throws -> Bool in
            guard hasPrefix(k, prefix) else { return false }
            return try body(k, v)
        }
        var goOn = try c.withMove(prefix.isEmpty ? .first : .seek(prefix), visit)
        while goOn == true { goOn = try c.withMove(.next, visit) }
    }

    /// Visits, in reverse key order, entries whose key starts with `prefix`.
    public func forEachReversed(
        _ table: KVTable, prefix: [UInt8],
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        let c = try cursor(table)
        let visit = { (k: UnsafeRawBufferPointer, v: UnsafeRawBufferPointer) throws -> Bool in
            guard hasPrefix(k, prefix) else { return false }
            return try body(k, v)
        }
        var goOn: Bool?
        if !prefix.isEmpty, let after = prefixSuccessor(prefix), try c.move(.seek(after)) {
            goOn = try c.withMove(.prev, visit)
        } else {
            goOn = try c.withMove(.last, visit)
        }
        while goOn == true { goOn = try c.withMove(.prev, visit) }
    }

    /// Copies out the entries whose key starts with `prefix`, in key order (at most `limit`).
    public func entries(_ table: KVTable, prefix: [UInt8] = [], limit: Int = .max) throws -> [KVPair] {
        var out: [KVPair] = []
        guard limit > 0 else { return out }
        try forEach(table, prefix: prefix) { k, v in
            out.append(KVPair(key: Array(k), value: Array(v)))
            return out.count < limit
        }
        return out
    }

    /// Number of entries whose key starts with `prefix` (a scan).
    public func count(_ table: KVTable, prefix: [UInt8]) throws -> Int {
        if prefix.isEmpty { return try count(table) }
        var n = 0
        try forEach(table, prefix: prefix) { _, _ in
            n += 1
            return true
        }
        return n
    }

    /// The first entry, or `nil` when the table is empty.
    public func first(_ table: KVTable) throws(KVStoreError) -> KVPair? {
        try cursor(table).pair(after: .first)
    }

    /// The last entry, or `nil` when the table is empty.
    public func last(_ table: KVTable) throws(KVStoreError) -> KVPair? {
        try cursor(table).pair(after: .last)
    }
}

extension KVCursor {
    /// Moves and copies out the entry there.
    @inlinable
    public func pair(after m: KVCursorMove) throws(KVStoreError) -> KVPair? {
        guard try move(m) else { return nil }
        return current()
    }

    /// A copy of the current entry, or `nil` if unpositioned.
    @inlinable
    public func current() -> KVPair? {
        // withCurrent only throws what its body throws; this body does not throw.
        (try? withCurrent { k, v in KVPair(key: Array(k), value: Array(v)) }) ?? nil
    }

    public func first() throws(KVStoreError) -> KVPair? { try pair(after: .first) }
    public func last() throws(KVStoreError) -> KVPair? { try pair(after: .last) }
    public func next() throws(KVStoreError) -> KVPair? { try pair(after: .next) }
    public func prev() throws(KVStoreError) -> KVPair? { try pair(after: .prev) }
    /// The first entry with key ≥ `key`.
    public func seek(_ key: [UInt8]) throws(KVStoreError) -> KVPair? { try pair(after: .seek(key)) }
}

/// Lexicographic comparison of unsigned bytes, shorter first on a common prefix (LMDB's order).
@inlinable
func compareBytes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
    let n = min(a.count, b.count)
    if n > 0, let pa = a.baseAddress, let pb = b.baseAddress {
        let c = memcmp(pa, pb, n)
        if c != 0 { return Int(c) }
    }
    return a.count - b.count
}

@inlinable
func compareBytes(_ a: UnsafeRawBufferPointer, _ b: [UInt8]) -> Int {
    b.withUnsafeBytes { compareBytes(a, $0) }
}

@inlinable
func compareBytes(_ a: [UInt8], _ b: [UInt8]) -> Int {
    a.withUnsafeBytes { pa in b.withUnsafeBytes { pb in compareBytes(pa, pb) } }
}

@inlinable
func hasPrefix(_ k: UnsafeRawBufferPointer, _ prefix: [UInt8]) -> Bool {
    guard k.count >= prefix.count else { return false }
    if prefix.isEmpty { return true }
    return prefix.withUnsafeBytes { p in
        guard let kb = k.baseAddress, let pb = p.baseAddress else { return false }
        return memcmp(kb, pb, p.count) == 0
    }
}

/// The smallest byte string greater than every string with this prefix, or `nil` if none exists
/// (the prefix is all 0xFF).
func prefixSuccessor(_ prefix: [UInt8]) -> [UInt8]? {
    var p = prefix
    while let last = p.last {
        if last < 0xFF {
            p[p.count - 1] = last + 1
            return p
        }
        p.removeLast()
    }
    return nil
}
