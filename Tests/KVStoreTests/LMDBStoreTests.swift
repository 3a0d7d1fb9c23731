import KVStore
import TestSupport
import Testing
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("LMDBStore")
struct LMDBStoreTests {
    @Test func mapGrowsFromTinyMapAndRetriesWrites() throws {
        let dir = TempDir()
        let opts = LMDBOptions(mapSize: 64 << 10, durability: .noSync)
        let s = try LMDBStore(path: dir.sub("db"), tables: ["t"], options: opts)
        defer { try? s.close() }
        let t = try s.table("t")
        let start = s.mapSize
        #expect(start <= 64 << 10)
        var rng = SplitMix64(seed: 1)
        var runs = 0
        // 8 MiB in batches of 256 KiB of 1 KiB values, plus one 2 MiB transaction.
        for batch: UInt32 in 0..<32 {
            try s.write { txn throws in
                runs += 1
                for i: UInt32 in 0..<256 {
                    try txn.put(t, be32(batch) + be32(i), randomBytes(1024, &rng))
                }
            }
        }
        #expect(runs > 32, "some writes must have been re-run after growth (runs \(runs))")
        let big = [UInt8](repeating: 0xAB, count: 2 << 20)
        try s.write { txn throws in try txn.put(t, bytes("big"), big) }
        #expect(s.mapSize >= 10 << 20)
        try s.read { r throws in
            #expect(try r.count(t) == 32 * 256 + 1)
            #expect(try r.get(t, bytes("big")) == big)
            #expect(try r.get(t, be32(31) + be32(255))?.count == 1024)
        }
    }

    @Test func growthStopsAtMaxMapSize() throws {
        let dir = TempDir()
        let opts = LMDBOptions(mapSize: 64 << 10, maxMapSize: 256 << 10, durability: .noSync)
        let s = try LMDBStore(path: dir.sub("db"), tables: ["t"], options: opts)
        defer { try? s.close() }
        let t = try s.table("t")
        try s.write { txn throws in try txn.put(t, bytes("small"), [1]) }
        #expect(throws: KVStoreError.mapFull) {
            try s.write { txn throws in try txn.put(t, bytes("huge"), [UInt8](repeating: 1, count: 1 << 20)) }
        }
        // Nothing of the failed write is visible and the store is still usable.
        try s.read { r throws in #expect(try r.get(t, bytes("huge")) == nil) }
        try s.write { txn throws in try txn.put(t, bytes("small2"), [2]) }
        try s.read { r throws in #expect(try r.count(t) == 2) }
    }

    @Test func growthWaitsForReadersAndGivesUpAfterTimeout() throws {
        let dir = TempDir()
        let opts = LMDBOptions(mapSize: 64 << 10, durability: .noSync, growthWaitMilliseconds: 200)
        let s = try LMDBStore(path: dir.sub("db"), tables: ["t"], options: opts)
        defer { try? s.close() }
        let t = try s.table("t")
        let reader = try s.beginRead()
        // This thread holds a snapshot, so the map cannot be resized: mapFull after the timeout.
        #expect(throws: KVStoreError.mapFull) {
            try s.write { txn throws in try txn.put(t, bytes("x"), [UInt8](repeating: 1, count: 512 << 10)) }
        }
        reader.finish()
        try s.write { txn throws in try txn.put(t, bytes("x"), [UInt8](repeating: 1, count: 512 << 10)) }
        try s.read { r throws in #expect(try r.get(t, bytes("x"))?.count == 512 << 10) }
    }

    @Test func growthWaitsForAReaderOnAnotherThread() async throws {
        let dir = TempDir()
        let opts = LMDBOptions(mapSize: 64 << 10, durability: .noSync)
        let s = try LMDBStore(path: dir.sub("db"), tables: ["t"], options: opts)
        defer { try? s.close() }
        let t = try s.table("t")
        try s.write { txn throws in try txn.put(t, bytes("a"), [1]) }
        let reader = try s.beginRead()
        // The snapshot moves to another thread (MDB_NOTLS), which reads for a while and ends it.
        // A real thread, not a task: the writer below blocks its thread while it waits, and on a
        // 2-core machine a task could be starved of cooperative-pool threads until the timeout.
        let result = Mutex<[UInt8]?>(nil)
        let done = DispatchSemaphore(value: 0)
        // The transaction is handed over whole: this thread never touches it again.
        nonisolated(unsafe) let handedOver = reader
        let thread = Thread {
            usleep(100_000)
            let v = try? handedOver.get(t, bytes("a"))
            handedOver.finish()
            result.withLock { $0 = v }
            done.signal()
        }
        thread.start()
        try s.write { txn throws in try txn.put(t, bytes("x"), [UInt8](repeating: 1, count: 512 << 10)) }
        done.wait()
        #expect(result.withLock { $0 } == [1])
        try s.read { r throws in #expect(try r.count(t) == 2) }
    }

    /// Growth while other threads keep starting short read transactions: the resize must find a
    /// moment with none active, readers must never see a half-written state, nothing deadlocks.
    @Test func growthUnderConcurrentReaders() async throws {
        let dir = TempDir()
        let opts = LMDBOptions(mapSize: 64 << 10, durability: .noSync)
        let s = try LMDBStore(path: dir.sub("db"), tables: ["t"], options: opts)
        defer { try? s.close() }
        let t = try s.table("t")
        try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask {
                for batch: UInt32 in 0..<64 {
                    try s.write { txn throws in
                        for j: UInt32 in 0..<16 {
                            try txn.put(t, be32(batch) + be32(j), [UInt8](repeating: UInt8(j), count: 4000))
                        }
                        try txn.put(t, bytes("n"), be32((batch + 1) * 16))
                    }
                }
                return 0
            }
            for _ in 0..<3 {
                group.addTask {
                    var bad = 0
                    for _ in 0..<400 {
                        bad += try s.read { r throws -> Int in
                            let n = try r.get(t, bytes("n")).map { try decode($0) } ?? 0
                            return try r.count(t) == Int(n) + (n == 0 ? 0 : 1) ? 0 : 1
                        }
                    }
                    return bad
                }
            }
            var bad = 0
            for try await b in group { bad += b }
            #expect(bad == 0)
        }
        #expect(s.mapSize >= 4 << 20)
        try s.read { r throws in #expect(try r.count(t) == 64 * 16 + 1) }
    }

    @Test func reopenPersistsAndLockRefusesSecondWriter() throws {
        let dir = TempDir()
        let path = dir.sub("db")
        var s: LMDBStore? = try LMDBStore(path: path, tables: ["a", "b"], options: .test)
        let a = try #require(try s?.table("a"))
        try s?.write { txn throws in
            for i: UInt32 in 0..<1000 { try txn.put(a, be32(i), be32(i &* 7)) }
        }
        // A second writable open of the same directory is refused while the first is open.
        #expect(throws: KVStoreError.locked(path: path)) { try LMDBStore(path: path, tables: ["a"], options: .test) }
        // close() refuses while a transaction is active.
        let r = try #require(try s?.beginRead())
        #expect(throws: KVStoreError.transactionsActive(1)) { try s?.close() }
        r.finish()
        try s?.close()
        #expect(throws: KVStoreError.closed) { try s?.read { _ in () } }
        s = nil

        // Reopen with only table "a" declared; "b" still exists on disk.
        let s2 = try LMDBStore(path: path, tables: ["a"], options: LMDBOptions(durability: .durable))
        let a2 = try s2.table("a")
        try s2.read { r throws in
            #expect(try r.count(a2) == 1000)
            #expect(try r.get(a2, be32(999)) == be32(999 &* 7))
        }
        #expect(s2.staleReadersCleared == 0)
        try s2.close()

        // Read-only: no write lock, writes refused, missing tables refused.
        let ro = try LMDBStore(path: path, tables: ["a", "b"], options: LMDBOptions(readOnly: true))
        let a3 = try ro.table("a")
        try ro.read { r throws in #expect(try r.count(a3) == 1000) }
        #expect(throws: KVStoreError.readOnly) { try ro.write { _ in () } }
        try ro.close()
        #expect(throws: KVStoreError.invalidTable("c")) {
            try LMDBStore(path: path, tables: ["c"], options: LMDBOptions(readOnly: true))
        }
    }

    @Test func copyMakesAConsistentBackup() throws {
        let dir = TempDir()
        let s = try LMDBStore(
            path: dir.sub("db"), tables: ["a", .dupSort("d")],
            options: LMDBOptions(durability: .noSync, readAhead: false))
        let a = try s.table("a")
        let d = try s.table("d")
        try s.write { txn throws in
            for i: UInt32 in 0..<2000 { try txn.put(a, be32(i), be32(i) + be32(i)) }
            for i: UInt32 in 0..<100 { try txn.put(d, bytes("k"), be32(i)) }
        }
        try s.write { txn throws in
            for i: UInt32 in 0..<1000 { try txn.delete(a, be32(i)) }
        }
        for compact in [false, true] {
            let target = dir.sub(compact ? "compact" : "plain")
            mkdir(target, 0o755)
            try s.copy(to: target, compact: compact)
            let c = try LMDBStore(path: target, tables: ["a", .dupSort("d")], options: .test)
            let ca = try c.table("a")
            let cd = try c.table("d")
            try c.read { r throws in
                #expect(try r.count(ca) == 1000)
                #expect(try r.get(ca, be32(1500)) == be32(1500) + be32(1500))
                #expect(try r.count(cd) == 100)
            }
            try c.close()
        }
        // A dup-sort table cannot be reopened as a plain one.
        try s.close()
        #expect(throws: KVStoreError.invalidTable("d")) {
            try LMDBStore(path: dir.sub("db"), tables: ["a", "d"], options: .test)
        }
        #expect(throws: KVStoreError.invalidTable("a")) {
            try LMDBStore(path: dir.sub("db"), tables: [.dupSort("a"), .dupSort("d")], options: .test)
        }
        // The failed opens released the write lock.
        try LMDBStore(path: dir.sub("db"), tables: ["a", .dupSort("d")], options: .test).close()
    }

    @Test func openErrorsAreTyped() throws {
        let dir = TempDir()
        // Not a directory we can create.
        #expect(throws: KVStoreError.io(errno: ENOENT, context: "mkdir /nonexistent-hemi/x/db")) {
            try LMDBStore(path: "/nonexistent-hemi/x/db", tables: ["t"])
        }
        // A data file that is not an LMDB file.
        let path = dir.sub("db")
        mkdir(path, 0o755)
        let fd = open(path + "/data.mdb", O_WRONLY | O_CREAT, 0o644)
        let junk = [UInt8](repeating: 0x5A, count: 16384)
        _ = junk.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        do {
            _ = try LMDBStore(path: path, tables: ["t"])
            Issue.record("opened a junk file")
        } catch {
            if case .corrupted = error {} else { Issue.record("expected corrupted, got \(error)") }
        }
    }

    /// Dropped snapshots and cursors release their reader slots and LMDB cursors (deinit paths).
    @Test func droppedTransactionsAndCursorsReleaseResources() throws {
        let dir = TempDir()
        let s = try LMDBStore(
            path: dir.sub("db"), tables: ["t"], options: LMDBOptions(maxReaders: 2, durability: .noSync))
        defer { try? s.close() }
        let t = try s.table("t")
        try s.write { txn throws in for i: UInt32 in 0..<10 { try txn.put(t, be32(i), [1]) } }
        for i in 0..<500 {
            var r: LMDBReadTransaction? = try s.beginRead()
            var c = try r?.cursor(t)
            _ = try c?.first()
            if i % 2 == 0 { c = nil }  // cursor released before or after its transaction
            r = nil
            _ = c
        }
        // Cursors kept past their transaction's end are inert.
        var kept: [LMDBCursor] = []
        for _ in 0..<10 {
            try s.read { r throws in kept.append(try r.cursor(t)) }
        }
        for c in kept { #expect(throws: KVStoreError.txnAlreadyFinished) { try c.move(.first) } }
        kept.removeAll()
        // Both reader slots are free.
        let a = try s.beginRead()
        let b = try s.beginRead()
        a.finish()
        b.finish()
        try s.close()
    }

    @Test func readerTableFull() throws {
        let dir = TempDir()
        let s = try LMDBStore(
            path: dir.sub("db"), tables: ["t"], options: LMDBOptions(maxReaders: 2, durability: .noSync))
        defer { try? s.close() }
        let r1 = try s.beginRead()
        let r2 = try s.beginRead()
        #expect(throws: KVStoreError.readersFull) { try s.beginRead() }
        r1.finish()
        let r3 = try s.beginRead()
        r2.finish()
        r3.finish()
    }
}
