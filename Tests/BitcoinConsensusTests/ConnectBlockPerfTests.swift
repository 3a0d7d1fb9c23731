import Testing
import Hashing
import Primitives
import Bitcoin
import BitcoinConsensus

/// A stand-in for signature checking: `rounds` SHA-256 compressions per input.
final class ThreadSet: @unchecked Sendable {
    private var lock = pthread_mutex_t()
    private var ids = Set<UInt>()
    init() { pthread_mutex_init(&lock, nil) }
    func insert(_ id: UInt) {
        pthread_mutex_lock(&lock)
        ids.insert(id)
        pthread_mutex_unlock(&lock)
    }
    var count: Int {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        return ids.count
    }
}

struct BusyChecker: InputScriptChecker {
    let rounds: Int
    let threads = ThreadSet()
    typealias TxData = Void
    func check(tx: Transaction, inputIndex: Int, spentOutputs: [TxOut], prepared: Void, flags: UInt32) -> String? {
        #if os(Linux)
        threads.insert(UInt(pthread_self()))
        #else
        threads.insert(UInt(bitPattern: pthread_self()))
        #endif
        // Chained SHA-256 from a stack value (no heap allocation, no shared state).
        var h = tx.inputs[inputIndex].prevout.txid
        for _ in 0..<rounds { h = withUnsafeBytes(of: h) { SHA256Hash.hash($0) } }
        return h.isZero ? "impossible" : nil
    }
}

/// Parallel script-check speed-up on block 277647 (732 inputs). Runs only with HEMI_PERF=1, in
/// release: `HEMI_PERF=1 swift test -c release --filter ConnectBlockPerfTests`.
@Suite struct ConnectBlockPerfTests {
    @Test(.enabled(if: getenvString("HEMI_PERF") == "1"))
    func parallelScriptChecks() async throws {
        let block = try loadBlock("block277647.dat")
        let (view, _) = try prevouts277647()
        var results: [(Int, Double, Int)] = []
        for p in [1, 2, 4] {
            let checker = BusyChecker(rounds: 2000)
            let ctx = ConnectContext(height: 277_647, params: .mainnet, parallelism: p)
            var best = Double.infinity
            for _ in 0..<3 {
                let start = ContinuousClock.now
                let r = try await BlockConnector.connect(block, view: view, context: ctx, checker: checker)
                #expect(r.scriptChecks == 732)
                let d = ContinuousClock.now - start
                best = min(best, Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
            }
            results.append((p, best, checker.threads.count))
        }
        for (p, t, n) in results { print("parallelism \(p): \(t) s on \(n) thread(s)") }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func getenvString(_ name: String) -> String? {
    guard let v = getenv(name) else { return nil }
    return String(cString: v)
}
