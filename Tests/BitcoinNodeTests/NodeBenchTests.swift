import Bitcoin
import BitcoinConsensus
import BitcoinNode
import BitcoinTestSupport
import BitcoinView
import KVStore
import Primitives
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `x` with `digits` decimals (no Foundation).
func fmt(_ x: Double, _ digits: Int) -> String {
    var m = 1.0
    for _ in 0..<digits { m *= 10 }
    let v = (x * m).rounded() / m
    return digits == 0 ? String(Int(v)) : String(v)
}

func nowSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// Connect throughput and index lookup latency; runs only with `HEMI_BENCH=1`, in release:
/// `HEMI_BENCH=1 swift test -c release --filter NodeBench`. `HEMI_BENCH_BLOCKS` sets the chain length
/// (default 400), `HEMI_BENCH_TXS` the most transactions per block (default 150).
@Suite("NodeBench", .enabled(if: getenv("HEMI_BENCH") != nil))
struct NodeBenchTests {
    @Test func connectAndLookup() async throws {
        let blocksN = getenv("HEMI_BENCH_BLOCKS").flatMap { Int(String(cString: $0)) } ?? 400
        let maxTxs = getenv("HEMI_BENCH_TXS").flatMap { Int(String(cString: $0)) } ?? 150
        // Generate the chain (scripts not verified while generating).
        let source = try memoryNode(verifyScripts: false)
        var gen = ChainGenerator(seed: 5)
        var blocks: [Block] = []
        for _ in 0..<blocksN { blocks.append(try await gen.mineNext(source, maxTxs: maxTxs)) }
        let txCount = blocks.reduce(0) { $0 + $1.transactions.count }
        let inputCount = blocks.reduce(0) { $0 + $1.transactions.dropFirst().reduce(0) { $0 + $1.inputs.count } }
        let raws = blocks.map { $0.serialized() }
        let bytes = raws.reduce(0) { $0 + $1.count }
        print("chain: \(blocksN) blocks, \(txCount) transactions, \(inputCount) inputs, \(bytes / 1024) KiB")

        for (label, verify, parallel) in [("scripts on, serial", true, 1), ("scripts on, parallelism 2", true, 2), ("scripts off", false, 1)] {
            let dir = TempDir()
            let store = try LMDBStore(path: dir.sub("db"), tables: NodeTables.all, options: LMDBOptions(mapSize: 1 << 30, durability: .noSync))
            let chain = try BitcoinChain(store: store, config: ChainConfig(params: .regtest, verifyScripts: verify, scriptParallelism: parallel))
            let t0 = nowSeconds()
            for raw in raws { try await chain.acceptBlock(raw: raw) }
            let dt = nowSeconds() - t0
            #expect(chain.tip.hash == source.tip.hash)
            print(
                "connect (LMDB noSync, indexes on, \(label)): \(fmt(dt, 3)) s, "
                    + "\(fmt(Double(blocksN) / dt, 1)) blocks/s, \(fmt(Double(txCount) / dt, 0)) tx/s, "
                    + "\(fmt(Double(inputCount) / dt, 0)) inputs/s")
            if label != "scripts off" { continue }
            // Lookup latency on this store.
            var rng = SplitMix64(seed: 9)
            let scriptHashes = gen.wallet.keys.map { ScriptHash(script: $0.script) }
            var txids: [TxID] = []
            for b in blocks { for tx in b.transactions { txids.append(tx.computeTxID()) } }
            let view = try chain.view()
            var utxoTotal = 0
            for sh in scriptHashes { utxoTotal += try view.utxos(scriptHash: sh, start: 0, count: 1 << 30).count }
            let n = 20_000
            var t = nowSeconds()
            var sink: UInt64 = 0
            for _ in 0..<n { sink &+= try view.balance(scriptHash: scriptHashes[Int(rng.next() % 6)]) }
            let balanceUs = (nowSeconds() - t) / Double(n) * 1e6
            t = nowSeconds()
            for _ in 0..<n { sink &+= UInt64(try view.utxos(scriptHash: scriptHashes[Int(rng.next() % 6)], start: 0, count: 100).count) }
            let utxoUs = (nowSeconds() - t) / Double(n) * 1e6
            t = nowSeconds()
            for _ in 0..<n { sink &+= UInt64(try view.rawTransaction(txid: txids[Int(rng.next() % UInt64(txids.count))])?.count ?? 0) }
            let txUs = (nowSeconds() - t) / Double(n) * 1e6
            t = nowSeconds()
            for _ in 0..<n { sink &+= try view.confirmations(txid: txids[Int(rng.next() % UInt64(txids.count))]) ?? 0 }
            let confUs = (nowSeconds() - t) / Double(n) * 1e6
            print("lookups (\(utxoTotal) UTXOs over 6 script hashes, \(txids.count) txs; µs per call): balance \(fmt(balanceUs, 1)), "
                + "utxos(100) \(fmt(utxoUs, 1)), tx by id \(fmt(txUs, 1)), confirmations \(fmt(confUs, 1)) [\(sink % 2)]")
        }
    }
}
