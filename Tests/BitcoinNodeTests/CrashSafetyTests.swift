import Bitcoin
import BitcoinConsensus
import BitcoinNode
import BitcoinTestSupport
import KVStore
import Primitives
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Lets a forked child drive the chain without the cooperative thread pool (which does not exist
/// after `fork`): `Task.immediate` runs the body on the calling thread, and with
/// `scriptParallelism: 1` nothing in the connect path suspends, so it completes before returning.
final class ChildBox: @unchecked Sendable {
    // SAFETY: used only by the single thread of the forked child.
    let chain: BitcoinChain<LMDBStore>
    var finished = false
    var failed = false
    init(_ c: BitcoinChain<LMDBStore>) { chain = c }

    func run(_ body: @escaping @Sendable (BitcoinChain<LMDBStore>) async throws -> Void) -> Bool {
        finished = false
        failed = false
        Task.immediate { [self] in
            do { try await body(self.chain) } catch { self.failed = true }
            self.finished = true
        }
        return finished && !failed
    }
}

/// Crash safety: a forked child syncs blocks into an LMDB node and is SIGKILLed at 20 random moments.
/// After each kill the parent reopens the store: the tip is a block the child reached (the last it
/// reported or the one after), and every index equals what a never-killed node had at that height.
/// The next child resumes from there. Finally the parent finishes the sync and the state equals the
/// never-killed node's at the end.
@Suite(.serialized) struct CrashSafetyTests {
    static let options = LMDBOptions(mapSize: 256 << 20, durability: .noSync)
    static let config = ChainConfig(params: .regtest, scriptParallelism: 1)

    static func child(path: String, blocks: [Block], progressFD: Int32) -> Never {
        alarm(60)
        guard let store = try? LMDBStore(path: path, tables: NodeTables.all, options: options),
            let chain = try? BitcoinChain(store: store, config: config)
        else { _exit(2) }
        let box = ChildBox(chain)
        // Recovery: connect a block stored before the previous crash, if any.
        guard box.run({ try await $0.activateBestChain() }) else { _exit(3) }
        func report() {
            var h = Int32(chain.tip.height)
            if write(progressFD, &h, 4) != 4 { _exit(4) }
        }
        report()
        var next = Int(chain.tip.height) + 1
        while next < blocks.count {
            let b = blocks[next]
            guard box.run({ try await $0.acceptBlock(b) }) else { _exit(5) }
            report()
            next += 1
        }
        _exit(0)
    }

    static func readProgress(_ fd: Int32, atLeast: Int32, timeoutMs: Int32) -> Int32 {
        var last: Int32 = -1
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while last < atLeast {
            guard poll(&pfd, 1, timeoutMs) > 0 else { break }
            var v: Int32 = 0
            if read(fd, &v, 4) != 4 { break }
            last = v
        }
        return last
    }

    @Test func killedSyncRestartsConsistent() async throws {
        // The never-killed reference, with its index tables at every height.
        let reference = try memoryNode()
        var gen = ChainGenerator(seed: 31)
        var blocks = [ChainParams.regtest.genesis]
        var refDumps: [[String: [KVPair]]] = [try dumpIndexes(reference)]
        for _ in 0..<300 {
            blocks.append(try await gen.mineNext(reference))
            refDumps.append(try dumpIndexes(reference))
        }
        // Warm up every code path (LMDB node, connect, reopen) before forking.
        do {
            let warm = TempDir()
            let s = try LMDBStore(path: warm.sub("db"), tables: NodeTables.all, options: Self.options)
            let c = try BitcoinChain(store: s, config: Self.config)
            for b in blocks[1...3] { try await c.acceptBlock(b) }
            try c.unwind(to: blocks[1].computeHash())
            let h2 = blocks[2].computeHash()
            _ = ChildBox(c).run { try await $0.wind(to: h2) }
        }
        let dir = TempDir()
        let path = dir.sub("db")
        var rng = SplitMix64(seed: 4242)
        var kills = 0
        for round in 0..<20 {
            var fds: [Int32] = [0, 0]
            try #require(pipe(&fds) == 0)
            let pid = fork()
            if pid == 0 {
                close(fds[0])
                Self.child(path: path, blocks: blocks, progressFD: fds[1])
            }
            close(fds[1])
            try #require(pid > 0, "fork failed")
            let start = Self.readProgress(fds[0], atLeast: 0, timeoutMs: 30_000)
            try #require(start >= 0, "child did not start")
            // Let it sync a random number of blocks, then kill it mid-block.
            let goal = min(Int32(blocks.count - 1), start + 1 + Int32(rng.next() % 8))
            var reported = Self.readProgress(fds[0], atLeast: goal, timeoutMs: 60_000)
            usleep(UInt32(rng.next() % 3_000))
            kill(pid, SIGKILL)
            reported = max(reported, Self.readProgress(fds[0], atLeast: .max, timeoutMs: 1_000))
            close(fds[0])
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            if status & 0x7F == SIGKILL { kills += 1 } else {
                #expect(status == 0, "round \(round): child exited with status \(status)")
            }
            // Reopen: consistent at the last reported block or the one after.
            let store = try LMDBStore(path: path, tables: NodeTables.all, options: Self.options)
            let chain = try BitcoinChain(store: store, config: Self.config)
            let h = Int(chain.tip.height)
            #expect(h >= Int(reported) && h <= Int(reported) + 1, "round \(round): tip \(h), child reported \(reported)")
            #expect(chain.tip.hash == blocks[h].computeHash())
            expectSameIndexes(try dumpIndexes(chain), refDumps[h], "round \(round) after kill at \(h)")
            if h >= blocks.count - 1 { break }
        }
        #expect(kills >= 15, "the child should have been killed mid-sync at (nearly) every round, got \(kills)")
        // Finish in this process and compare with the never-killed node.
        let store = try LMDBStore(path: path, tables: NodeTables.all, options: Self.options)
        let chain = try BitcoinChain(store: store, config: Self.config)
        try await chain.activateBestChain()
        for b in blocks[(Int(chain.tip.height) + 1)...] { try await chain.acceptBlock(b) }
        #expect(chain.tip.hash == reference.tip.hash)
        expectSameIndexes(try dumpIndexes(chain), refDumps[blocks.count - 1], "final")
        try verifyIndexes(chain, blocks: blocks)
    }
}
