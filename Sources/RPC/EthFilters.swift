internal import Primitives
import Synchronization

/// Polling filters (`eth_newFilter`, `eth_newBlockFilter`, `eth_newPendingTransactionFilter`,
/// `eth_getFilterChanges`, `eth_getFilterLogs`, `eth_uninstallFilter`). Bounded: at most
/// `maxFilters` filters, `maxQueued` queued hashes each; filters idle for `timeout` are dropped
/// (geth: 5 minutes).
final class FilterManager: Sendable {
    enum Kind: Sendable {
        case logs(LogCriteria, fromBlock: JSONValue?, toBlock: JSONValue?)
        case blocks
        case pending
    }

    struct Filter: Sendable {
        var kind: Kind
        /// Last block reported (blocks and logs filters).
        var lastBlock: UInt64
        var pendingHashes: [Bytes32] = []
        var lastPoll: ContinuousClock.Instant
    }

    static let maxFilters = 1000
    static let maxQueued = 10_000
    static let timeout = Duration.seconds(300)

    let filters = Mutex<[String: Filter]>([:])

    func install(_ kind: Kind, head: UInt64) throws(RPCError) -> String {
        var rng = SystemRandomNumberGenerator()
        let id = "0x" + String(rng.next() as UInt64, radix: 16) + String(rng.next() as UInt64, radix: 16)
        let now = ContinuousClock.now
        try filters.withLock { (f: inout [String: Filter]) throws(RPCError) in
            f = f.filter { now - $0.value.lastPoll < Self.timeout }
            guard f.count < Self.maxFilters else { throw .limitExceeded("too many filters") }
            f[id] = Filter(kind: kind, lastBlock: head, lastPoll: now)
        }
        return id
    }

    func uninstall(_ id: String) -> Bool { filters.withLock { $0.removeValue(forKey: id) != nil } }

    /// Takes the filter's state and advances it to `head`; nil for an unknown id.
    func poll(_ id: String, head: UInt64) -> (Kind, from: UInt64, pending: [Bytes32])? {
        filters.withLock { f in
            guard var x = f[id] else { return nil }
            let from = x.lastBlock + 1
            let pending = x.pendingHashes
            x.lastBlock = Swift.max(x.lastBlock, head)
            x.pendingHashes = []
            x.lastPoll = .now
            f[id] = x
            return (x.kind, from, pending)
        }
    }

    func kind(_ id: String) -> Kind? { filters.withLock { $0[id]?.kind } }

    func pendingTransaction(_ hash: Bytes32) {
        filters.withLock { f in
            for (id, x) in f {
                guard case .pending = x.kind, x.pendingHashes.count < Self.maxQueued else { continue }
                f[id]?.pendingHashes.append(hash)
            }
        }
    }
}
