import BitcoinTestSupport
import KVStore
import Testing

// The chain generator, test wallet, in-memory nodes, index dumps and temporary directories live in the
// shared `BitcoinTestSupport` library; this records their differences as test issues.

/// Compares two index dumps table by table, recording an issue per differing table.
func expectSameIndexes(_ a: [String: [KVPair]], _ b: [String: [KVPair]], _ what: String) {
    for message in indexDifferences(a, b, what) { Issue.record(Comment(rawValue: message)) }
}
