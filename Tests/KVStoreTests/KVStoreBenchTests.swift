import KVStore
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Throughput numbers; runs only with `HEMI_BENCH=1` (use a release build:
/// `HEMI_BENCH=1 swift test -c release --filter KVStoreBench`, or `scripts/kvstore-bench`, which
/// builds only the KVStore module). `HEMI_BENCH_KEYS` sets the key count (default 1,000,000).
@Suite("KVStoreBench", .enabled(if: getenv("HEMI_BENCH") != nil))
struct KVStoreBenchTests {
    @Test func throughput() throws {
        let dir = TempDir()
        let n = getenv("HEMI_BENCH_KEYS").flatMap { Int(String(cString: $0)) } ?? 1_000_000
        for line in try KVStoreBenchmark.run(directory: dir.path, keys: n) { print(line) }
    }
}
