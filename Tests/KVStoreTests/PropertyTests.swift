import KVStore
import TestSupport
import Testing

/// LMDBStore must behave exactly like MemoryStore (the model) over long random operation sequences.
@Suite("LMDB vs MemoryStore model")
struct PropertyTests {
    enum Op {
        case put([UInt8], [UInt8])
        case putNew([UInt8], [UInt8])
        case delete([UInt8])
        case get([UInt8])
        case deletePair([UInt8], [UInt8])
        case append([UInt8], [UInt8])
        case seekAndWalk([UInt8], Int)
        case walkBack(Int)
        case count, clear
    }

    struct Abort: Error {}

    static func randomKey(_ rng: inout SplitMix64) -> [UInt8] {
        // A tiny alphabet and short keys: many collisions and prefix relations.
        let alphabet: [UInt8] = [0x00, 0x01, 0x02, 0x7F, 0xFF]
        return (0..<(1 + Int(rng.next() % 4))).map { _ in alphabet[Int(rng.next() % 5)] }
    }

    static func randomValue(_ rng: inout SplitMix64) -> [UInt8] {
        let n = rng.next() % 20 == 0 ? 3000 + Int(rng.next() % 3000) : Int(rng.next() % 64)
        return randomBytes(n, &rng)
    }

    static func randomOp(_ rng: inout SplitMix64) -> Op {
        switch rng.next() % 100 {
        case 0..<35: return .put(randomKey(&rng), randomValue(&rng))
        case 35..<45: return .putNew(randomKey(&rng), randomValue(&rng))
        case 45..<57: return .delete(randomKey(&rng))
        case 57..<65: return .deletePair(randomKey(&rng), randomValue(&rng))
        case 65..<75: return .get(randomKey(&rng))
        case 75..<80: return .append(randomKey(&rng), randomValue(&rng))
        case 80..<90: return .seekAndWalk(randomKey(&rng), Int(rng.next() % 5))
        case 90..<95: return .walkBack(Int(rng.next() % 5))
        case 95..<99: return .count
        default: return .clear
        }
    }

    /// Applies the operations and records every observable result. Pure in its inputs, so the
    /// LMDB backend may re-run it after growing the map.
    static func apply<T: KVWriteTransaction>(_ ops: [Op], _ txn: T, _ t: KVTable) throws -> [String] {
        var out: [String] = []
        // Dup-sort tables take short values from a tiny alphabet (1-2 bytes), so pairs collide.
        func dv(_ v: [UInt8]) -> [UInt8] { t.isDupSort ? (v.isEmpty ? [0] : v.prefix(2).map { $0 % 3 }) : v }
        for op in ops {
            switch op {
            case .put(let k, let v): out.append("put \(try txn.put(t, k, dv(v), mode: .upsert))")
            case .putNew(let k, let v): out.append("putNew \(try txn.put(t, k, dv(v), mode: .noOverwrite))")
            case .delete(let k): out.append("del \(try txn.delete(t, k))")
            case .deletePair(let k, let v): out.append("delPair \(try txn.delete(t, k, value: dv(v)))")
            case .append(let k, let v):
                out.append(t.isDupSort ? "append n/a" : "append \(try txn.put(t, k, v, mode: .append))")
            case .get(let k): out.append("get \(String(describing: try txn.get(t, k)))")
            case .seekAndWalk(let k, let n):
                let c = try txn.cursor(t)
                var p = try c.seek(k)
                var keys: [[UInt8]] = []
                for _ in 0...n {
                    guard let e = p else { break }
                    keys.append(e.key + [0xEE] + e.value.prefix(4))
                    p = try c.next()
                }
                out.append("seek \(keys)")
            case .walkBack(let n):
                let c = try txn.cursor(t)
                var p = try c.last()
                var keys: [[UInt8]] = []
                for _ in 0...n {
                    guard let e = p else { break }
                    keys.append(e.key)
                    p = try c.prev()
                }
                out.append("back \(keys)")
            case .count: out.append("count \(try txn.count(t))")
            case .clear:
                try txn.clear(t)
                out.append("clear")
            }
        }
        return out
    }

    static func dump<R: KVReadTransaction>(_ r: R, _ t: KVTable) throws -> [KVPair] { try r.entries(t) }

    @Test(arguments: [false, true])
    func lmdbMatchesMemoryStoreOverRandomOperations(dupSort: Bool) throws {
        let spec = [KVTableSpec("t", dupSort: dupSort)]
        let dir = TempDir()
        let path = dir.sub("db")
        let model = MemoryStore(tables: spec)
        // Start tiny so that map growth (and closure re-runs) happen during the run.
        var lmdb: LMDBStore? = try LMDBStore(
            path: path, tables: spec,
            options: LMDBOptions(mapSize: 64 << 10, durability: .noSync, growthWaitMilliseconds: 50))
        let mt = try model.table("t")
        var rng = SplitMix64(seed: dupSort ? 0xD0B : 0xC0FFEE)
        var opsDone = 0
        var txns = 0
        var aborted = 0
        var blockedGrowths = 0
        var maxMapSeen = 0
        var heldModel: MemoryReadTransaction?
        var heldLMDB: LMDBReadTransaction?
        var heldExpected: [KVPair] = []
        while opsDone < 6000 {
            guard let store = lmdb else { break }
            let lt = try store.table("t")
            let ops = (0..<(1 + Int(rng.next() % 40))).map { _ in Self.randomOp(&rng) }
            let abort = rng.next() % 5 == 0
            var modelOut: [String] = []
            var lmdbOut: [String] = []
            while true {
                do {
                    try store.write { txn throws in
                        lmdbOut = try Self.apply(ops, txn, lt)
                        if abort { throw Abort() }
                    }
                } catch is Abort {
                    aborted += 1
                } catch KVStoreError.mapFull where heldLMDB != nil {
                    // The held snapshot blocked map growth (after growthWaitMilliseconds): release
                    // it and re-run the same transaction.
                    blockedGrowths += 1
                    heldLMDB?.finish()
                    heldModel?.finish()
                    heldLMDB = nil
                    heldModel = nil
                    continue
                }
                break
            }
            do {
                try model.write { txn throws in
                    modelOut = try Self.apply(ops, txn, mt)
                    if abort { throw Abort() }
                }
            } catch is Abort {}
            maxMapSeen = max(maxMapSeen, store.mapSize)
            #expect(modelOut == lmdbOut, "txn \(txns) diverged")
            if modelOut != lmdbOut { return }
            opsDone += ops.count
            txns += 1
            // Compare full contents after every transaction.
            let a = try model.read { try Self.dump($0, mt) }
            let b = try store.read { try Self.dump($0, lt) }
            #expect(a == b, "contents diverged after txn \(txns)")
            if a != b { return }
            // Hold a snapshot across a few transactions (short: it blocks map growth meanwhile,
            // so give up the hold before big writes would need to wait for it).
            if let hm = heldModel, let hl = heldLMDB {
                #expect(try Self.dump(hm, mt) == heldExpected)
                #expect(try Self.dump(hl, lt) == heldExpected)
                if rng.next() % 3 == 0 {
                    hm.finish()
                    hl.finish()
                    heldModel = nil
                    heldLMDB = nil
                }
            } else if rng.next() % 10 == 0 {
                heldModel = try model.beginRead()
                heldLMDB = try store.beginRead()
                heldExpected = a
            }
            // Occasionally close and reopen LMDB.
            if rng.next() % 50 == 0, heldLMDB == nil {
                try store.close()
                lmdb = nil
                lmdb = try LMDBStore(
                    path: path, tables: spec,
                    options: LMDBOptions(mapSize: 64 << 10, durability: .noSync, growthWaitMilliseconds: 50))
            }
        }
        heldModel?.finish()
        heldLMDB?.finish()
        #expect(opsDone >= 5000)
        #expect(aborted > 0)
        print(
            "property test (dupSort \(dupSort)): \(opsDone) ops in \(txns) txns, \(aborted) aborted, \(blockedGrowths) growths blocked by a held snapshot, final map \(lmdb?.mapSize ?? 0) bytes"
        )
        let final = try #require(lmdb)
        // (Dup-sort values are 1-2 bytes: that table stays within 64 KiB once snapshots are released.)
        if !dupSort { #expect(maxMapSeen > 64 << 10, "the map should have grown at some point") }
        let lt = try final.table("t")
        #expect(try model.read { try Self.dump($0, mt) } == final.read { try Self.dump($0, lt) })
        try final.close()
    }
}
