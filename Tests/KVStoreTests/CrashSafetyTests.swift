import KVStore
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Crash safety: a forked child process writes committed batches to an LMDB store and is killed
/// with SIGKILL (by itself in the middle of a transaction, or by the parent at a random moment).
/// The parent then reopens the store and checks that exactly a prefix of whole batches is present:
/// every batch the child reported as committed, at most one more (committed but not yet reported),
/// and nothing of a partial batch. The child also holds a read transaction; in the rounds killed
/// by the parent, the parent has the environment open read-only at that moment (a second process)
/// and checks that `clearStaleReaders()` (`mdb_reader_check`) frees the dead child's slot.
///
/// Why fork: Swift Testing gives no convenient way to re-exec the test binary into a helper, and
/// the store code must run in the child. After `fork()` only the calling thread exists in the
/// child, so the parent first warms up every code path the child uses (runtime metadata), and the
/// child arms `alarm(60)` so a hang cannot outlive the test. The child never returns into the test
/// runner: it ends only by SIGKILL or `_exit`.
@Suite("LMDB crash safety", .serialized)
struct CrashSafetyTests {
    static let perBatch = 200

    static func key(_ batch: UInt32, _ j: Int) -> [UInt8] { be32(batch) + be32(UInt32(j)) }
    static func value(_ batch: UInt32, _ j: Int) -> [UInt8] {
        be32(batch) + (0..<92).map { UInt8(truncatingIfNeeded: Int(batch) &* 31 &+ j &* 7 &+ $0) }
    }

    static let options = LMDBOptions(mapSize: 1 << 30, durability: .durable)

    /// The child's whole life. `selfKillAfter`: kill itself in the middle of the transaction that
    /// follows this batch. Otherwise it writes until the parent kills it.
    static func child(path: String, progressFD: Int32, selfKillAfter: UInt32?) -> Never {
        alarm(60)
        do {
            let s = try LMDBStore(path: path, tables: ["t", "m"], options: options)
            let t = try s.table("t")
            let m = try s.table("m")
            let snapshot = try s.beginRead()  // a reader slot that dies with the process
            _ = try snapshot.count(t)
            var batch: UInt32 = 0
            while true {
                try s.write { txn throws in
                    for j in 0..<perBatch {
                        try txn.put(t, key(batch, j), value(batch, j))
                        if let k = selfKillAfter, batch == k + 1, j == perBatch / 2 {
                            kill(getpid(), SIGKILL)
                        }
                    }
                    try txn.put(m, bytes("last"), be32(batch))  // another table, same transaction
                }
                var b = be32(batch)
                if write(progressFD, &b, 4) != 4 { _exit(4) }
                batch += 1
            }
        } catch {
            _exit(2)
        }
    }

    /// Same code paths as the child, in the parent, before any fork.
    static func warmUp() throws {
        let dir = TempDir()
        let s = try LMDBStore(path: dir.sub("db"), tables: ["t", "m"], options: options)
        let t = try s.table("t")
        let m = try s.table("m")
        let snap = try s.beginRead()
        _ = try snap.count(t)
        try s.write { txn throws in
            for j in 0..<perBatch { try txn.put(t, key(0, j), value(0, j)) }
            try txn.put(m, bytes("last"), be32(0))
        }
        snap.finish()
        try s.close()
    }

    /// Reads 4-byte batch numbers until `until` is reached (or EOF/timeout); returns the last one.
    static func readProgress(_ fd: Int32, until: Int, timeoutMs: Int32) -> Int {
        var last = -1
        while last < until {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&pfd, 1, timeoutMs) <= 0 { break }
            var b = [UInt8](repeating: 0, count: 4)
            let n = b.withUnsafeMutableBytes { read(fd, $0.baseAddress, 4) }
            if n != 4 { break }
            last = Int(b.reduce(0) { $0 << 8 | UInt32($1) })
        }
        return last
    }

    /// Reopens and checks: batches 0...L complete, nothing else; returns L.
    static func verify(path: String, reported: Int) throws -> Int {
        let s = try LMDBStore(path: path, tables: ["t", "m"], options: options)
        defer { try? s.close() }
        let t = try s.table("t")
        let m = try s.table("m")
        let last = try s.read { r throws -> Int in
            let l = Int(try decode(r.get(m, bytes("last"))))
            #expect(l >= reported && l <= reported + 1, "last committed \(l), child reported \(reported)")
            #expect(try r.count(t) == (l + 1) * perBatch)
            for b in 0...UInt32(l) {
                for j in 0..<perBatch where try r.get(t, key(b, j)) != value(b, j) {
                    Issue.record("batch \(b) entry \(j) missing or wrong")
                    return l
                }
            }
            #expect(try r.entries(t, prefix: be32(UInt32(l + 1))).isEmpty, "partial batch visible")
            return l
        }
        // Still writable after the crash.
        try s.write { txn throws in try txn.put(t, bytes("after-crash"), [1]) }
        return last
    }

    static func runRound(selfKillAfter: UInt32?, killAfterReported: Int, seed: UInt64) throws {
        let dir = TempDir()
        let path = dir.sub("db")
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        let pid = fork()
        if pid == 0 {
            close(fds[0])
            child(path: path, progressFD: fds[1], selfKillAfter: selfKillAfter)
        }
        close(fds[1])
        defer { close(fds[0]) }
        try #require(pid > 0, "fork failed: errno \(errno)")
        var reported: Int
        if let k = selfKillAfter {
            reported = readProgress(fds[0], until: .max, timeoutMs: 30_000)
            #expect(reported == Int(k), "child should have committed exactly through batch \(k)")
        } else {
            reported = readProgress(fds[0], until: killAfterReported, timeoutMs: 30_000)
            try #require(reported >= killAfterReported, "child made no progress (reported \(reported))")
            // A second process view: read-only (the child holds the write lock), consistent.
            let ro = try LMDBStore(path: path, tables: ["t", "m"], options: LMDBOptions(readOnly: true))
            let rt = try ro.table("t")
            let rm = try ro.table("m")
            try ro.read { r throws in
                let l = Int(try decode(r.get(rm, bytes("last"))))
                #expect(try r.count(rt) == (l + 1) * perBatch)
            }
            // The child holds the write lock: a writable open from this process is refused.
            #expect(throws: KVStoreError.locked(path: path)) {
                try LMDBStore(path: path, tables: ["t", "m"], options: options)
            }
            var rng = SplitMix64(seed: seed)
            usleep(UInt32(rng.next() % 20_000))  // land somewhere in a transaction or commit
            kill(pid, SIGKILL)
            // Commits reported after the kill signal was sent still count.
            reported = max(reported, readProgress(fds[0], until: .max, timeoutMs: 2_000))
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            #expect(status & 0x7F == SIGKILL, "child should die by SIGKILL, wait status \(status)")
            #expect(try ro.clearStaleReaders() >= 1, "the dead child's reader slot should be cleared")
            try ro.close()
            _ = try verify(path: path, reported: reported)
            return
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        #expect(status & 0x7F == SIGKILL, "child should die by SIGKILL, wait status \(status)")
        let last = try verify(path: path, reported: reported)
        if let k = selfKillAfter { #expect(last == Int(k)) }
    }

    @Test func killedWriterLeavesExactlyTheCommittedBatches() throws {
        try Self.warmUp()
        // Deterministic: killed halfway through the transaction after batch 10.
        try Self.runRound(selfKillAfter: 10, killAfterReported: 0, seed: 0)
        // Killed from outside at random moments.
        for round in 0..<3 {
            try Self.runRound(selfKillAfter: nil, killAfterReported: 5 + 10 * round, seed: UInt64(round))
        }
    }

    /// Another process grows the map while this process has the store open (read-only): our next
    /// transaction gets `MDB_MAP_RESIZED`, adopts the new size and sees the data.
    @Test func mapGrownByAnotherProcessIsAdopted() throws {
        try Self.warmUp()
        let dir = TempDir()
        let path = dir.sub("db")
        let small = LMDBOptions(mapSize: 64 << 10, durability: .noSync)
        do {
            let s = try LMDBStore(path: path, tables: ["t"], options: small)
            try s.write { txn throws in try txn.put(t: s, bytes("seed"), [1]) }
            try s.close()
        }
        var go: [Int32] = [0, 0]
        try #require(pipe(&go) == 0)
        let pid = fork()
        if pid == 0 {
            alarm(60)
            close(go[1])
            var b: UInt8 = 0
            if read(go[0], &b, 1) != 1 { _exit(5) }
            do {
                let s = try LMDBStore(path: path, tables: ["t"], options: small)
                let t = try s.table("t")
                for batch: UInt32 in 0..<16 {
                    try s.write { txn throws in
                        for j: UInt32 in 0..<64 {
                            try txn.put(t, be32(batch) + be32(j), [UInt8](repeating: 9, count: 4096))
                        }
                    }
                }
                try s.close()
                _exit(0)
            } catch {
                _exit(2)
            }
        }
        close(go[0])
        try #require(pid > 0)
        let ro = try LMDBStore(path: path, tables: ["t"], options: LMDBOptions(mapSize: 64 << 10, readOnly: true))
        let t = try ro.table("t")
        let before = ro.mapSize
        try ro.read { r throws in #expect(try r.count(t) == 1) }
        var b: UInt8 = 1
        #expect(write(go[1], &b, 1) == 1)
        close(go[1])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        try #require(status == 0, "child failed, wait status \(status)")
        try ro.read { r throws in #expect(try r.count(t) == 1 + 16 * 64) }
        #expect(ro.mapSize > before)
        try ro.close()
    }
}

extension KVWriteTransaction {
    /// Test shorthand: put into table "t" of `s`.
    func put<S: KVStore>(t s: S, _ key: [UInt8], _ value: [UInt8]) throws {
        try put(try s.table("t"), key, value)
    }
}
