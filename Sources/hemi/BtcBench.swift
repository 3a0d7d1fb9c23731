import ArgumentParser
import Bitcoin
import BitcoinConsensus
import BitcoinNode
import BitcoinScript
import BitcoinView
import Hashing
import KVStore
import Primitives
import Secp256k1

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `hemi btc bench-chain`: writes a regtest chain of signed transactions into DIR/chain, for the P2P
/// sync benchmark (`Benchmarks/bitcoin/sync_bench.py`): 101 coinbase-only blocks, one fan-out block
/// (a coinbase split into `--txs` outputs), then `--blocks` blocks of exactly `--txs` transactions.
/// Each transaction spends one coin of the previous block (P2WPKH and P2TR key-path, alternating) and
/// pays 10,000 sat to a fresh P2WPKH script (so the UTXO set grows by `--txs` per block) plus change.
struct BtcBenchChain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-chain", abstract: "Generate a regtest chain of signed transactions (sync benchmark).")

    @Option(help: "Data directory (the chain store is DIR/chain).")
    var datadir: String

    @Option(help: "Blocks of --txs transactions (after 102 set-up blocks).")
    var blocks = 2000

    @Option(help: "Transactions per block.")
    var txs = 200

    func run() async throws {
        guard blocks > 0, txs > 0, txs <= 2000 else { throw ValidationError("--blocks > 0, 0 < --txs ≤ 2000") }
        guard mkdir(datadir, 0o755) == 0 || errno == EEXIST else { throw ValidationError("cannot create \(datadir)") }
        let store = try LMDBStore(path: datadir + "/chain", tables: NodeTables.all, options: LMDBOptions(mapSize: 1 << 30, durability: .noSync))
        let chain = try BitcoinChain(store: store, config: ChainConfig(params: .regtest, verifyScripts: false))
        guard chain.tip.height == 0 else { throw ValidationError("\(datadir) already holds a chain (height \(chain.tip.height))") }
        let wallet = BenchWallet()
        let t0 = ContinuousClock.now
        var firstCoinbase: Transaction?
        for _ in 0..<101 {
            let b = try await chain.mine(payTo: wallet.wpkhScript)
            if firstCoinbase == nil { firstCoinbase = b.transactions[0] }
        }
        guard let cb = firstCoinbase else { return }
        // Fan-out.
        let fee: Int64 = 300
        let share = (cb.outputs[0].value - 10_000) / Int64(txs)
        var fan = Transaction(
            version: 2, inputs: [TxIn(prevout: OutPoint(txid: cb.computeTxID(), vout: 0), sequence: 0xffff_fffd)],
            outputs: (0..<txs).map { TxOut(value: share, scriptPubKey: $0 % 2 == 0 ? wallet.wpkhScript : wallet.trScript) })
        wallet.sign(&fan, spent: [cb.outputs[0]])
        try await chain.mine(payTo: wallet.wpkhScript, transactions: [fan])
        var pool = fan.outputs.indices.map { (OutPoint(txid: fan.computeTxID(), vout: UInt32($0)), fan.outputs[$0]) }
        var counter: UInt64 = 0
        var txCount = 0
        for b in 0..<blocks {
            var blockTxs: [Transaction] = []
            blockTxs.reserveCapacity(txs)
            var next: [(OutPoint, TxOut)] = []
            for (i, (op, out)) in pool.enumerated() {
                counter += 1
                let payScript: [UInt8] = [0x00, 0x14] + hash160(SHA256Hash.hash(Array("pay\(counter)".utf8)).bytes).bytes
                let change = TxOut(value: out.value - 10_000 - fee, scriptPubKey: (i + b) % 2 == 0 ? wallet.wpkhScript : wallet.trScript)
                guard change.value > 1000 else { throw ValidationError("coins exhausted at block \(b)") }
                var tx = Transaction(version: 2, inputs: [TxIn(prevout: op, sequence: 0xffff_fffd)], outputs: [TxOut(value: 10_000, scriptPubKey: payScript), change])
                wallet.sign(&tx, spent: [out])
                next.append((OutPoint(txid: tx.computeTxID(), vout: 1), change))
                blockTxs.append(tx)
            }
            let block = try chain.makeBlock(payTo: wallet.wpkhScript, transactions: blockTxs, fees: fee * Int64(blockTxs.count))
            try await chain.acceptBlock(block)
            txCount += blockTxs.count + 1
            pool = next
            if (b + 1) % 200 == 0 { emitLine("generated \(b + 1)/\(blocks) blocks") }
        }
        emitLine("chain: tip \(chain.tip.height) \(chain.tip.hash.displayHex), \(txCount) transactions in the benchmark blocks, "
                 + "\(formatSeconds(ContinuousClock.now - t0)) s")
    }
}

/// Two keys (P2WPKH and P2TR key path) that sign the benchmark chains.
struct BenchWallet {
    let secret: [UInt8]
    let pub: [UInt8]
    let wpkhScript: [UInt8]
    let trScript: [UInt8]
    let tweaked: [UInt8]

    init() {
        var s = [UInt8](repeating: 0x22, count: 32)
        s[31] = 7
        secret = s
        pub = Secp256k1.publicKey(privateKey: s) ?? []
        wpkhScript = [0x00, 0x14] + hash160(pub).bytes
        let x = Secp256k1.xOnlyPublicKey(privateKey: s)
        let out = TaprootOutput(internalKeyX: x?.x ?? [], tree: nil)
        trScript = out?.scriptPubKey ?? []
        let base = (x?.parity ?? false) ? (Secp256k1.privateKeyNegate(s) ?? s) : s
        tweaked = Secp256k1.privateKeyTweakAdd(base, tweak: out?.tweak.bytes ?? []) ?? []
    }

    /// Signs every input; `spent[i]` is the output input i spends (one of this wallet's scripts).
    func sign(_ tx: inout Transaction, spent: [TxOut]) {
        let pre = PrecomputedTransactionData(tx: tx, spentOutputs: spent, force: true)
        for (i, out) in spent.enumerated() {
            if out.scriptPubKey == wpkhScript {
                let code = [0x76, 0xa9, 0x14] + hash160(pub).bytes + [0x88, 0xac]
                let h = SigHash.witnessV0(tx: tx, inputIndex: i, scriptCode: code, amount: out.value, hashType: 1, precomputed: pre)
                tx.inputs[i].witness = [(Secp256k1.signECDSA(message: h, privateKey: secret) ?? []) + [0x01], pub]
            } else if let h = SigHash.taproot(tx: tx, inputIndex: i, hashType: 0, precomputed: pre) {
                tx.inputs[i].witness = [Secp256k1.signSchnorr(message: h, privateKey: tweaked, auxRandom: nil) ?? []]
            }
        }
    }
}

/// `hemi btc bench-lookup`: builds a regtest store with N unspent outputs and measures index lookups
/// (balance, UTXO list, tx by id) per call, p50/p99.
///
/// Outputs: every 100th pays one "whale" script (N/100 UTXOs), the rest spread over N/10 P2WPKH
/// scripts (~10 UTXOs each). Blocks of 50 transactions × 200 outputs (scripts not verified while
/// building; each transaction spends the previous one's change).
struct BtcBenchLookup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-lookup", abstract: "Index lookup latency at N UTXOs (p50/p99).")

    @Option(help: "Data directory (created; reused if it already holds the store).")
    var datadir: String

    @Option(help: "Unspent outputs to create.")
    var utxos = 1_000_000

    @Option(help: "Timed calls per lookup kind.")
    var calls = 20_000

    func run() async throws {
        guard utxos >= 10_000, calls > 0 else { throw ValidationError("--utxos ≥ 10,000, --calls > 0") }
        guard mkdir(datadir, 0o755) == 0 || errno == EEXIST else { throw ValidationError("cannot create \(datadir)") }
        let store = try LMDBStore(path: datadir + "/chain", tables: NodeTables.all, options: LMDBOptions(mapSize: 1 << 32, durability: .noSync))
        let chain = try BitcoinChain(store: store, config: ChainConfig(params: .regtest, verifyScripts: false))
        let anyone: [UInt8] = [0x51]
        let whale: [UInt8] = [0x00, 0x14] + [UInt8](repeating: 0xee, count: 20)
        let spread = utxos / 10
        func script(_ i: Int) -> [UInt8] {
            i % 100 == 0 ? whale : [0x00, 0x14] + hash160(SHA256Hash.hash(Array("s\(i % spread)".utf8)).bytes).bytes
        }
        var txids: [TxID] = []
        if chain.tip.height == 0 {
            let t0 = ContinuousClock.now
            var cb: Transaction?
            for _ in 0..<101 {
                let b = try await chain.mine(payTo: anyone)
                if cb == nil { cb = b.transactions[0] }
            }
            guard let cb else { return }
            var carry = (OutPoint(txid: cb.computeTxID(), vout: 0), cb.outputs[0].value)
            var made = 0
            while made < utxos {
                var blockTxs: [Transaction] = []
                for _ in 0..<50 where made < utxos {
                    let n = min(199, utxos - made)
                    var outs = (0..<n).map { TxOut(value: 1_000, scriptPubKey: script(made + $0)) }
                    outs.append(TxOut(value: carry.1 - Int64(n) * 1_000, scriptPubKey: anyone))
                    let tx = Transaction(version: 2, inputs: [TxIn(prevout: carry.0, sequence: 0xffff_fffe)], outputs: outs)
                    made += n
                    carry = (OutPoint(txid: tx.computeTxID(), vout: UInt32(n)), outs[n].value)
                    blockTxs.append(tx)
                }
                try await chain.mine(payTo: anyone, transactions: blockTxs)
            }
            emitLine("built \(made) UTXOs (+ carries) in \(chain.tip.height) blocks, \(formatSeconds(ContinuousClock.now - t0)) s")
        }
        // Every transaction id on the chain (for tx-by-id).
        let view = try chain.view()
        defer { view.close() }
        let tipHeight = chain.tip.height
        for h in 0...tipHeight {
            guard let rec = try view.header(height: h), let raw = try view.rawBlock(hash: rec.hash) else { continue }
            let block = try Block(bytes: raw)
            for tx in block.transactions { txids.append(tx.computeTxID()) }
        }
        var rng = BenchRNG(seed: 42)
        let whaleHash = ScriptHash(script: whale)
        let whaleCount = try view.utxos(scriptHash: whaleHash, start: 0, count: 1 << 30).count
        emitLine("store: \(tipHeight) blocks, \(txids.count) transactions, whale script \(whaleCount) UTXOs, \(spread) other scripts")

        func measure(_ label: String, _ body: () throws -> Int) rethrows {
            var samples: [Double] = []
            samples.reserveCapacity(calls)
            var sink = 0
            for _ in 0..<calls {
                let t = monotonicNanos()
                sink &+= try body()
                samples.append(Double(monotonicNanos() - t) / 1000)
            }
            samples.sort()
            let p50 = samples[samples.count / 2]
            let p99 = samples[min(samples.count - 1, samples.count * 99 / 100)]
            let mean = samples.reduce(0, +) / Double(samples.count)
            emitLine("\(label): p50 \(fmt2(p50)) µs, p99 \(fmt2(p99)) µs, mean \(fmt2(mean)) µs [\(sink & 1)]")
        }
        try measure("balance (script with ~10 UTXOs)") {
            Int(truncatingIfNeeded: try view.balance(scriptHash: ScriptHash(script: script(1 + Int(rng.next() % UInt64(spread - 1))))))
        }
        try measure("utxos(start 0, count 100) (~10 UTXOs)") {
            try view.utxos(scriptHash: ScriptHash(script: script(1 + Int(rng.next() % UInt64(spread - 1)))), start: 0, count: 100).count
        }
        try measure("balance (whale, \(whaleCount) UTXOs)") { Int(truncatingIfNeeded: try view.balance(scriptHash: whaleHash)) }
        try measure("utxos(start 0, count 100) (whale)") { try view.utxos(scriptHash: whaleHash, start: 0, count: 100).count }
        try measure("tx by id (raw transaction)") {
            try view.rawTransaction(txid: txids[Int(rng.next() % UInt64(txids.count))])?.count ?? 0
        }
        try measure("tx location by id") {
            (try view.txLocation(txid: txids[Int(rng.next() % UInt64(txids.count))]) != nil) ? 1 : 0
        }
    }
}

/// SplitMix64.
struct BenchRNG {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func monotonicNanos() -> UInt64 {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
}

/// Two decimal places, without Foundation.
func fmt2(_ x: Double) -> String {
    let h = Int((x * 100).rounded())
    let frac = abs(h % 100)
    return "\(h / 100).\(frac < 10 ? "0" : "")\(frac)"
}
