import KVStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// KVStore throughput measurement. Depends only on `KVStore` so that `scripts/kvstore-bench` can
/// compile it with `-O` against the release `KVStore` module without building the whole test
/// product; the gated test `KVStoreBenchTests` runs the same code under `swift test -c release`.
///
/// Workload (UTXO-like): random 32-byte keys, 32-byte values, inserted in random order in write
/// transactions of 10,000 puts; then random point reads of every key (shuffled), and a full
/// cursor scan.
enum KVStoreBenchmark {
    struct RNG {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
        mutating func bytes(_ n: Int) -> [UInt8] {
            var out = [UInt8]()
            out.reserveCapacity(n)
            while out.count < n {
                var x = next()
                for _ in 0..<8 where out.count < n {
                    out.append(UInt8(truncatingIfNeeded: x))
                    x >>= 8
                }
            }
            return out
        }
    }

    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    static func rate(_ n: Int, _ seconds: Double) -> String {
        let r = Double(n) / seconds
        return r >= 1e6 ? "\(Double(Int(r / 1e4)) / 100) M/s" : "\(Int(r / 1e3)) k/s"
    }

    /// Runs the workload on LMDB stores under `directory` (which must exist); returns report lines.
    static func run(directory: String, keys n: Int, batch: Int = 10_000) throws -> [String] {
        var rng = RNG(state: 0x5EED)
        let keys = (0..<n).map { _ in rng.bytes(32) }
        let values = (0..<n).map { _ in rng.bytes(32) }
        var order = Array(0..<n)
        for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        var lines: [String] = [
            "KVStore benchmark: \(n) random 32-byte keys, 32-byte values, \(batch) puts per write transaction"
        ]

        for durability in [LMDBOptions.Durability.noSync, .durable] {
            let path = directory + "/bench-\(durability)"
            let store = try LMDBStore(
                path: path, tables: ["t"], options: LMDBOptions(mapSize: 1 << 30, durability: durability))
            let t = try store.table("t")
            var t0 = now()
            var i = 0
            while i < n {
                let end = min(i + batch, n)
                try store.write { txn throws in
                    for j in i..<end { try txn.put(t, keys[j], values[j]) }
                }
                i = end
            }
            var dt = now() - t0
            lines.append("  put (\(durability)): \(rate(n, dt))  [\(Int(dt * 1000)) ms, \(n / batch) commits]")
            guard durability == .noSync else {
                try store.close()
                continue
            }
            // Random point reads (copying get, then zero-copy withValue).
            t0 = now()
            var found = 0
            try store.read { r throws in
                for j in order where try r.get(t, keys[j]) != nil { found += 1 }
            }
            dt = now() - t0
            lines.append("  get (copy, one read txn): \(rate(n, dt))  [found \(found)]")
            t0 = now()
            var sum = 0
            try store.read { r throws in
                for j in order { sum &+= try r.withValue(t, keys[j]) { $0?.count ?? 0 } }
            }
            dt = now() - t0
            lines.append("  get (withValue, zero-copy): \(rate(n, dt))  [bytes \(sum)]")
            // Point reads each in its own read transaction (reader slot acquire/release cost).
            let m = min(n, 200_000)
            t0 = now()
            for j in order.prefix(m) { _ = try store.read { r throws in try r.get(t, keys[j]) } }
            dt = now() - t0
            lines.append("  get (one read txn per get): \(rate(m, dt))")
            // Cursor scan.
            t0 = now()
            var rows = 0
            try store.read { r throws in
                try r.forEach(t, prefix: []) { k, v in
                    rows &+= k.count &+ v.count > 0 ? 1 : 0
                    return true
                }
            }
            dt = now() - t0
            lines.append("  cursor scan: \(rate(rows, dt)) rows  [\(rows) rows]")
            lines.append("  map size after load: \(store.mapSize >> 20) MiB")
            // Sorted bulk load with .append (e.g. height-keyed indexes) into a second store.
            let appendStore = try LMDBStore(
                path: directory + "/bench-append", tables: ["t"],
                options: LMDBOptions(mapSize: 1 << 30, durability: .noSync))
            let at = try appendStore.table("t")
            let sortedKeys = keys.sorted { $0.lexicographicallyPrecedes($1) }
            t0 = now()
            i = 0
            while i < n {
                let end = min(i + batch, n)
                try appendStore.write { txn throws in
                    for j in i..<end { _ = try txn.put(at, sortedKeys[j], values[j], mode: .append) }
                }
                i = end
            }
            dt = now() - t0
            lines.append("  put (.append, keys in order, noSync): \(rate(n, dt))")
            try appendStore.close()
            try store.close()
        }
        return lines
    }
}
