import KVStore
import TestSupport
import Testing

/// Behaviour both backends must share; every test runs against MemoryStore and LMDBStore.
@Suite("KVStore shared behaviour")
struct SharedBehaviourTests {
    @Test(arguments: Backend.allCases)
    func crud(_ b: Backend) throws {
        let h = try Harness(b, tables: ["a", "b"])
        try crudBody(h.store)
    }

    func crudBody<S: KVStore>(_ s: S) throws {
        let a = try s.table("a")
        let t2 = try s.table("b")
        #expect(throws: KVStoreError.invalidTable("nope")) { try s.table("nope") }

        try s.write { txn throws in
            #expect(try txn.get(a, bytes("k1")) == nil)
            try txn.put(a, bytes("k1"), bytes("v1"))
            #expect(try txn.get(a, bytes("k1")) == bytes("v1"))  // sees its own write
            try txn.put(a, bytes("k2"), [])  // empty value
            try txn.put(t2, bytes("k1"), bytes("other table"))
        }
        try s.read { txn throws in
            #expect(try txn.get(a, bytes("k1")) == bytes("v1"))
            #expect(try txn.get(a, bytes("k2")) == [])
            #expect(try txn.get(t2, bytes("k1")) == bytes("other table"))
            #expect(try txn.get(a, bytes("missing")) == nil)
            #expect(try txn.count(a) == 2)
            #expect(try txn.count(t2) == 1)
            #expect(try txn.contains(a, bytes("k2")))
            #expect(try !txn.contains(a, bytes("k3")))
            let n = try txn.withValue(a, bytes("k1")) { $0?.count }
            #expect(n == 2)
            let none = try txn.withValue(a, bytes("zz")) { $0 == nil }
            #expect(none)
            #expect(try txn.getMany(a, [bytes("k1"), bytes("x"), bytes("k2")]) == [bytes("v1"), nil, []])
        }
        try s.write { txn throws in
            // Overwrite, no-overwrite, delete.
            #expect(try txn.put(a, bytes("k1"), bytes("v1b"), mode: .upsert))
            #expect(try !txn.put(a, bytes("k1"), bytes("ignored"), mode: .noOverwrite))
            #expect(try txn.get(a, bytes("k1")) == bytes("v1b"))
            #expect(try txn.put(a, bytes("k3"), bytes("v3"), mode: .noOverwrite))
            #expect(try txn.delete(a, bytes("k2")))
            #expect(try !txn.delete(a, bytes("k2")))
            #expect(try !txn.delete(a, bytes("never")))
        }
        try s.read { txn throws in
            #expect(
                try txn.entries(a) == [
                    KVPair(key: bytes("k1"), value: bytes("v1b")), KVPair(key: bytes("k3"), value: bytes("v3")),
                ])
        }
        // Append: ascending keys only; out of order stores nothing.
        let seq = try s.table("b")
        try s.write { txn throws in
            try txn.clear(seq)
            for i: UInt32 in 1...100 { #expect(try txn.put(seq, be32(i * 2), be32(i), mode: .append)) }
            #expect(try !txn.put(seq, be32(200), [0], mode: .append))  // equal to last
            #expect(try !txn.put(seq, be32(3), [0], mode: .append))  // before last
            #expect(try txn.put(seq, be32(201), [1], mode: .append))
            #expect(try txn.count(seq) == 101)
            #expect(try txn.get(seq, be32(200)) == be32(100))
            try txn.clear(seq)
        }
        // Key size limits are the same for every backend.
        let long = [UInt8](repeating: 7, count: kvMaxKeySize)
        try s.write { txn throws in
            try txn.put(a, long, bytes("max key"))
            #expect(throws: KVStoreError.invalidKeySize(size: 0, max: kvMaxKeySize)) { try txn.put(a, [], [1]) }
            #expect(throws: KVStoreError.invalidKeySize(size: kvMaxKeySize + 1, max: kvMaxKeySize)) {
                try txn.put(a, long + [1], [1])
            }
            #expect(throws: KVStoreError.invalidKeySize(size: 0, max: kvMaxKeySize)) { try txn.get(a, []) }
        }
        try s.read { txn throws in #expect(try txn.get(a, long) == bytes("max key")) }
        // Large value (several pages in LMDB: an overflow page chain).
        let big = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try s.write { txn throws in try txn.put(t2, bytes("big"), big) }
        try s.read { txn throws in #expect(try txn.get(t2, bytes("big")) == big) }
        // Clear and batch helpers.
        try s.write { txn throws in
            try txn.putAll(a, (0..<50).map { KVPair(key: bytes("p") + be32(UInt32($0)), value: be32(UInt32($0))) })
            #expect(try txn.deleteAll(a, prefix: bytes("p")) == 50)
            #expect(try txn.deleteAll(a, keys: [bytes("k1"), bytes("nope")]) == 1)
            try txn.clear(t2)
            #expect(try txn.count(t2) == 0)
        }
        try s.read { txn throws in
            #expect(try txn.count(a) == 2)  // k3 and the long key
            #expect(try txn.count(t2) == 0)
        }
    }

    @Test(arguments: Backend.allCases)
    func foreignTableHandleIsRefused(_ b: Backend) throws {
        let h1 = try Harness(b, tables: ["a"])
        let h2 = try Harness(b, tables: ["a"])
        try refuseForeign(h1.store, try h2.store.table("a"))
    }

    func refuseForeign<S: KVStore>(_ s: S, _ foreign: KVTable) throws {
        #expect(throws: KVStoreError.invalidTable("a")) { try s.read { try $0.get(foreign, [1]) } }
        #expect(throws: KVStoreError.invalidTable("a")) { try s.write { try $0.put(foreign, [1], [2]) } }
    }

    @Test(arguments: Backend.allCases)
    func cursorOrderSeekAndPrefix(_ b: Backend) throws {
        let h = try Harness(b, tables: ["t"])
        try cursorBody(h.store)
    }

    func cursorBody<S: KVStore>(_ s: S) throws {
        let t = try s.table("t")
        // Empty table.
        try s.read { txn throws in
            let c = try txn.cursor(t)
            #expect(try c.first() == nil)
            #expect(try c.last() == nil)
            #expect(try c.seek([0]) == nil)
            #expect(try txn.first(t) == nil)
        }
        // Keys chosen to stress lexicographic byte order: prefixes, 0x00 and 0xFF bytes, lengths.
        var keys: [[UInt8]] = [
            [0x00], [0x00, 0x00], [0x00, 0xFF], [0x01], [0x7F], [0x80], [0xFF], [0xFF, 0x00], [0xFF, 0xFF],
            [0xFF, 0xFF, 0xFF], bytes("a"), bytes("ab"), bytes("abc"), bytes("abd"), bytes("ac"), bytes("b"),
        ]
        var rng = SplitMix64(seed: 42)
        for _ in 0..<300 { keys.append(randomBytes(1 + Int(rng.next() % 6), &rng)) }
        try s.write { txn throws in
            for k in keys { try txn.put(t, k, k.reversed()) }
        }
        let sorted = Set(keys).sorted(by: lexLess)
        try s.read { txn throws in
            #expect(try txn.count(t) == sorted.count)
            // Forward scan.
            var seen: [[UInt8]] = []
            let c = try txn.cursor(t)
            var p = try c.first()
            while let e = p {
                #expect(e.value == Array(e.key.reversed()))
                seen.append(e.key)
                p = try c.next()
            }
            #expect(seen == sorted)
            // Past the end the cursor is unpositioned, so the next `next` starts again at the first.
            #expect(try c.next()?.key == sorted.first)
            // Backward scan.
            var back: [[UInt8]] = []
            p = try c.last()
            while let e = p {
                back.append(e.key)
                p = try c.prev()
            }
            #expect(back == sorted.reversed())
            // Unpositioned next/prev behave like first/last.
            let c2 = try txn.cursor(t)
            #expect(try c2.next()?.key == sorted.first)
            let c3 = try txn.cursor(t)
            #expect(try c3.prev()?.key == sorted.last)
            #expect(try txn.first(t)?.key == sorted.first)
            #expect(try txn.last(t)?.key == sorted.last)
            // Seek (>=) for present and absent probes.
            for _ in 0..<200 {
                let probe = randomBytes(1 + Int(rng.next() % 4), &rng)
                let expected = sorted.first { !lexLess($0, probe) }
                #expect(try c.seek(probe)?.key == expected)
                #expect(try c.move(.seekExact(probe)) == sorted.contains(probe))
            }
            #expect(try c.seek([0x00])?.key == [0x00])
            #expect(try c.seek([0xFF, 0xFF, 0xFF, 0x00]) == nil)
            // Prefix iteration forward and reverse.
            for prefix in [bytes("a"), bytes("ab"), [0x00], [0xFF], [0xFF, 0xFF], [0x42], bytes("zzz"), []] {
                let want = sorted.filter { $0.starts(with: prefix) }
                #expect(try txn.entries(t, prefix: prefix).map(\.key) == want, "prefix \(prefix)")
                var rev: [[UInt8]] = []
                try txn.forEachReversed(t, prefix: prefix) { k, _ in
                    rev.append(Array(k))
                    return true
                }
                #expect(rev == want.reversed(), "reverse prefix \(prefix)")
                #expect(try txn.count(t, prefix: prefix) == want.count)
            }
            #expect(try txn.entries(t, prefix: bytes("a"), limit: 2).map(\.key) == [bytes("a"), bytes("ab")])
            // Half-open range [start, end).
            var range: [[UInt8]] = []
            try txn.forEach(t, from: [0x01], to: [0x80]) { k, _ in
                range.append(Array(k))
                return true
            }
            #expect(range == sorted.filter { !lexLess($0, [0x01]) && lexLess($0, [0x80]) })
            // Early stop.
            var n = 0
            try txn.forEach(t, prefix: []) { _, _ in
                n += 1
                return n < 5
            }
            #expect(n == 5)
        }
    }

    @Test(arguments: Backend.allCases)
    func cursorInWriteTransactionSeesOwnWrites(_ b: Backend) throws {
        let h = try Harness(b, tables: ["t"])
        try ownWritesBody(h.store)
    }

    func ownWritesBody<S: KVStore>(_ s: S) throws {
        let t = try s.table("t")
        try s.write { txn throws in
            for i: UInt32 in stride(from: 0, to: 100, by: 2) { try txn.put(t, be32(i), be32(i)) }
        }
        try s.write { txn throws in
            let c = try txn.cursor(t)
            #expect(try c.seek(be32(10))?.key == be32(10))
            try txn.put(t, be32(11), [1])
            #expect(try c.next()?.key == be32(11))
            #expect(try c.next()?.key == be32(12))
            try txn.delete(t, be32(14))
            #expect(try c.next()?.key == be32(16))
            #expect(try txn.count(t) == 50)
        }
    }

    @Test(arguments: Backend.allCases)
    func dupSortTables(_ b: Backend) throws {
        let h = try Harness(b, tables: [.dupSort("d"), "plain"])
        try dupSortBody(h.store)
    }

    func dupSortBody<S: KVStore>(_ s: S) throws {
        let d = try s.table("d")
        let p = try s.table("plain")
        #expect(d.isDupSort && !p.isDupSort)
        try s.write { txn throws in
            #expect(try txn.put(d, bytes("k"), bytes("b"), mode: .upsert))
            #expect(try txn.put(d, bytes("k"), bytes("a"), mode: .upsert))
            #expect(try txn.put(d, bytes("k"), bytes("c"), mode: .upsert))
            #expect(try !txn.put(d, bytes("k"), bytes("b"), mode: .upsert))  // exact pair exists
            #expect(try !txn.put(d, bytes("k"), bytes("z"), mode: .noOverwrite))  // key exists
            #expect(try txn.put(d, bytes("j"), bytes("x"), mode: .noOverwrite))
            #expect(try txn.put(d, bytes("ka"), bytes("y"), mode: .upsert))
            #expect(try txn.get(d, bytes("k")) == bytes("a"))  // smallest value
            #expect(try txn.count(d) == 5)
            #expect(throws: KVStoreError.invalidValueSize(size: 0, max: kvMaxKeySize)) {
                try txn.put(d, bytes("k"), [])
            }
            #expect(throws: KVStoreError.unsupported("append on dup-sort table d")) {
                try txn.put(d, bytes("zz"), bytes("v"), mode: .append)
            }
            #expect(throws: KVStoreError.invalidValueSize(size: 512, max: kvMaxKeySize)) {
                try txn.put(d, bytes("k"), [UInt8](repeating: 1, count: 512))
            }
        }
        try s.read { r throws in
            // Pairs in (key, value) order, forward and backward.
            let pairs = try r.entries(d).map { String(decoding: $0.key + [0x3D] + $0.value, as: UTF8.self) }
            #expect(pairs == ["j=x", "k=a", "k=b", "k=c", "ka=y"])
            var back: [String] = []
            let c = try r.cursor(d)
            var e = try c.last()
            while let x = e {
                back.append(String(decoding: x.key + [0x3D] + x.value, as: UTF8.self))
                e = try c.prev()
            }
            #expect(back == pairs.reversed())
            #expect(try c.seek(bytes("k"))?.value == bytes("a"))
            #expect(try c.next()?.value == bytes("b"))
            #expect(try c.move(.seekExact(bytes("ka"))))
            #expect(try c.prev()?.value == bytes("c"))
        }
        try s.write { txn throws in
            #expect(try txn.delete(d, bytes("k"), value: bytes("b")))
            #expect(try !txn.delete(d, bytes("k"), value: bytes("b")))
            #expect(try txn.entries(d, prefix: bytes("k")).map(\.value) == [bytes("a"), bytes("c"), bytes("y")])
            #expect(try txn.delete(d, bytes("k")))  // all values of "k"
            #expect(try txn.count(d) == 2)
            // delete(value:) on a plain table deletes only on a matching value.
            try txn.put(p, bytes("x"), bytes("1"))
            #expect(try !txn.delete(p, bytes("x"), value: bytes("2")))
            #expect(try txn.delete(p, bytes("x"), value: bytes("1")))
            #expect(try txn.count(p) == 0)
        }
    }

    @Test(arguments: Backend.allCases)
    func snapshotIsolation(_ b: Backend) throws {
        let h = try Harness(b, tables: ["t"])
        try snapshotBody(h.store)
    }

    func snapshotBody<S: KVStore>(_ s: S) throws {
        let t = try s.table("t")
        try s.write { try $0.put(t, bytes("a"), bytes("1")) }
        let before = try s.beginRead()
        defer { before.finish() }
        try s.write { txn throws in
            try txn.put(t, bytes("a"), bytes("2"))
            try txn.put(t, bytes("b"), bytes("new"))
            // A reader opened while this write is in progress sees neither change.
            try s.read { r throws in
                #expect(try r.get(t, bytes("a")) == bytes("1"))
                #expect(try r.get(t, bytes("b")) == nil)
            }
        }
        // The old snapshot still sees the old state, via get, count and cursor.
        #expect(try before.get(t, bytes("a")) == bytes("1"))
        #expect(try before.get(t, bytes("b")) == nil)
        #expect(try before.count(t) == 1)
        #expect(try before.entries(t).map(\.key) == [bytes("a")])
        try s.write { try $0.delete(t, bytes("a")) }
        #expect(try before.get(t, bytes("a")) == bytes("1"))
        try s.read { r throws in
            #expect(try r.get(t, bytes("a")) == nil)
            #expect(try r.get(t, bytes("b")) == bytes("new"))
        }
    }

    @Test(arguments: Backend.allCases)
    func abortDiscardsAndRethrows(_ b: Backend) throws {
        let h = try Harness(b, tables: ["t"])
        try abortBody(h.store)
    }

    struct Boom: Error, Equatable {}

    func abortBody<S: KVStore>(_ s: S) throws {
        let t = try s.table("t")
        try s.write { try $0.put(t, bytes("keep"), [1]) }
        #expect(throws: Boom()) {
            try s.write { txn throws in
                try txn.put(t, bytes("lost"), [2])
                try txn.delete(t, bytes("keep"))
                throw Boom()
            }
        }
        try s.read { r throws in
            #expect(try r.get(t, bytes("keep")) == [1])
            #expect(try r.get(t, bytes("lost")) == nil)
        }
        // A nested write on the same thread is refused (it would deadlock), and aborts the outer one.
        #expect(throws: KVStoreError.nestedWriteTransaction) {
            try s.write { txn throws in
                try txn.put(t, bytes("outer"), [1])
                try s.write { inner throws in try inner.put(t, bytes("inner"), [1]) }
            }
        }
        try s.read { r throws in #expect(try r.get(t, bytes("outer")) == nil) }
        // The store stays writable after an abort.
        let r: Int = try s.write { txn throws in
            try txn.put(t, bytes("after"), [3])
            return 7
        }
        #expect(r == 7)
    }

    @Test(arguments: Backend.allCases)
    func finishedTransactionsRefuseUse(_ b: Backend) throws {
        let h = try Harness(b, tables: ["t"])
        try finishedBody(h.store)
    }

    func finishedBody<S: KVStore>(_ s: S) throws {
        let t = try s.table("t")
        var escaped: S.WriteTransaction?
        var escapedCursor: S.WriteTransaction.Cursor?
        try s.write { txn throws in
            try txn.put(t, [1], [1])
            escaped = txn
            escapedCursor = try txn.cursor(t)
        }
        #expect(throws: KVStoreError.txnAlreadyFinished) { try escaped?.put(t, [2], [2]) }
        #expect(throws: KVStoreError.txnAlreadyFinished) { try escaped?.get(t, [1]) }
        #expect(throws: KVStoreError.txnAlreadyFinished) { try escapedCursor?.move(.first) }
        var escapedRead: S.ReadTransaction?
        try s.read { escapedRead = $0 }
        #expect(throws: KVStoreError.txnAlreadyFinished) { try escapedRead?.get(t, [1]) }
        #expect(throws: KVStoreError.txnAlreadyFinished) { try escapedRead?.cursor(t) }
        try s.read { r throws in #expect(try r.get(t, [1]) == [1]) }
    }

    @Test(arguments: Backend.allCases)
    func concurrentReadersSeeConsistentSnapshots(_ b: Backend) async throws {
        let h = try Harness(b, tables: ["t"])
        try await concurrentBody(h.store)
    }

    /// Invariant: the values (u32 BE) in the table always sum to 1000. A writer moves amounts
    /// between keys while readers check the sum in their snapshot.
    func concurrentBody<S: KVStore>(_ s: S) async throws {
        let t = try s.table("t")
        try s.write { txn throws in
            for i: UInt32 in 0..<10 { try txn.put(t, be32(i), be32(100)) }
        }
        try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask {
                var rng = SplitMix64(seed: 7)
                for _ in 0..<300 {
                    try s.write { txn throws in
                        let from = be32(UInt32(rng.next() % 10))
                        let to = be32(UInt32(rng.next() % 10))
                        let fv = try decode(txn.get(t, from))
                        let amount = fv == 0 ? 0 : UInt32(rng.next() % UInt64(fv))
                        try txn.put(t, from, be32(fv - amount))
                        let tv = try decode(txn.get(t, to))
                        try txn.put(t, to, be32(tv + amount))
                    }
                }
                return 0
            }
            for _ in 0..<4 {
                group.addTask {
                    var bad = 0
                    for _ in 0..<300 {
                        let sum = try s.read { r throws in
                            var sum: UInt32 = 0
                            try r.forEach(t, prefix: []) { _, v in
                                sum += v.reduce(0) { $0 << 8 | UInt32($1) }
                                return true
                            }
                            return sum
                        }
                        if sum != 1000 { bad += 1 }
                    }
                    return bad
                }
            }
            var bad = 0
            for try await n in group { bad += n }
            #expect(bad == 0)
        }
    }
}

func decode(_ v: [UInt8]?) throws -> UInt32 {
    guard let v, v.count == 4 else { throw TestFailure("bad value \(String(describing: v))") }
    return v.reduce(0) { $0 << 8 | UInt32($1) }
}
