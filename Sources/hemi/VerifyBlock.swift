import ArgumentParser
import Foundation
import Primitives
import Bitcoin
import BitcoinConsensus

/// `--connect` state: the header chain, block times by height and the UTXO set.
struct ChainState {
    let params: ChainParams
    var headers: HeaderChainVerifier
    var times: [UInt32]
    var utxo: [OutPoint: Coin] = [:]
    var scriptsSkipped = 0
    var height: Int { headers.tipHeight }

    init(params: ChainParams) throws {
        self.params = params
        headers = try HeaderChainVerifier(params: params, options: .init(now: unixNow()))
        times = [params.genesis.header.time]
    }

    /// Core's `GetMedianTimePast` of the block at `height` on this chain.
    static func mtp(_ times: [UInt32], _ height: Int) -> Int64? {
        guard height >= 0, height < times.count else { return nil }
        let window = times[max(0, height - 10)...height].map { Int64($0) }.sorted()
        return window[window.count / 2]
    }

    /// Header rules, CheckBlock, ContextualCheckBlock, ConnectBlock; updates the state on success.
    mutating func extend(_ fb: FileBlock, file: String, command: VerifyBlock) async -> Bool {
        let block = fb.block
        let hash = block.computeHash()
        let h = height + 1
        print("block \(hash.displayHex)  (\(file) @ \(fb.position))")
        print("  height: \(h), txs: \(block.transactions.count), weight: \(block.computeWeight())")
        do throws(HeaderValidationError) {
            try headers.append(block.header, hash: hash)
        } catch {
            print("  INVALID: header: \(error.rule.rawValue): \(error.detail)")
            return false
        }
        let parentMTP = ChainState.mtp(times, h - 1)
        do throws(BlockValidationError) {
            try BlockValidation.checkBlock(block, params: params)
            try BlockValidation.contextualCheckBlock(block, height: h, parentMedianTimePast: parentMTP, params: params)
        } catch {
            print("  INVALID: \(error)")
            return false
        }
        times.append(block.header.time)
        let snapshot = times
        let context = ConnectContext(height: h, params: params, medianTimePast: { ChainState.mtp(snapshot, $0) }, parallelism: command.scriptThreads)
        do {
            let r = try await BlockConnector.connect(block, view: utxo, context: context, checker: BitcoinScriptChecker())
            for op in r.spent.keys { utxo[op] = nil }
            for (op, coin) in r.created { utxo[op] = coin }
            scriptsSkipped += r.scriptChecksSkipped
            print("  ok (fees \(r.fees) sat, sigop cost \(r.sigOpsCost)\(r.scriptChecksSkipped > 0 ? ", \(r.scriptChecksSkipped) scripts not verified" : ""))")
            return true
        } catch {
            print("  INVALID: \(error)")
            return false
        }
    }
}

/// Times of blocks seen in the files, to compute a parent's median time past when its 10 ancestors
/// (or everything back to genesis) were seen too.
struct BlockTimes {
    var entries: [BlockHash: (parent: BlockHash, time: UInt32, height: Int?)] = [:]

    mutating func add(hash: BlockHash, parent: BlockHash, time: UInt32, height: Int?) {
        entries[hash] = (parent, time, height)
    }

    /// Core's `GetMedianTimePast` of block `hash`, if the needed ancestors are known.
    func medianTimePast(of hash: BlockHash) -> Int64? {
        var times: [Int64] = []
        var cur = hash
        while times.count < 11 {
            guard let e = entries[cur] else { return nil }
            times.append(Int64(e.time))
            if e.height == 0 { break }
            cur = e.parent
        }
        times.sort()
        return times[times.count / 2]
    }
}

/// One entry of a prevouts file (format of `bitcoin/blocks/block277647.prevouts.json`).
struct PrevoutEntry: Decodable {
    let txid: String
    let vout: UInt32
    let value: Int64
    let scriptPubKey: String
    let height: Int
    let coinbase: Bool
}

struct VerifyBlock: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-block",
        abstract: "Check blocks: hash, merkle root, witness commitment, context-free rules, and inputs.",
        discussion: """
            Each FILE holds a raw serialized block, hex blocks (one per line), or blk*.dat framing (network \
            magic + u32 LE length + block, any number of blocks per file).

            Per block it prints the hash, transaction count, merkle-root result (including CVE-2012-2459 \
            mutation), the BIP141 witness-commitment result, and runs Bitcoin Core's CheckBlock (proof of \
            work against --network, size, coinbase, CheckTransaction, legacy sigops). The height is --height \
            for the first block, else the parent's height + 1 when the parent came earlier in the files (or is \
            genesis), else the BIP34 coinbase prefix.

            With --prevouts JSON (an array of {txid (display order), vout, value, scriptPubKey, height, \
            coinbase}) the block is connected: inputs exist, coinbase maturity, value ranges, fees, subsidy, \
            sigop cost, and every input's scripts under the flags Core applies at that height (in parallel).

            With --connect the files must hold one chain from genesis (genesis itself optional): each block's \
            header is checked against the header rules (as verify-headers, now = the system clock), then \
            CheckBlock, ContextualCheckBlock, and the block is connected to an in-memory UTXO set that starts \
            empty (as Core's: genesis outputs are unspendable), verifying every input's scripts. Checking stops \
            at the first invalid block.

            Every block is checked; exits 1 if any failed, after printing each failure's reason.
            """
    )

    @Option(name: .long, help: "The network whose consensus rules apply.")
    var network = NetworkOption(.mainnet)

    @Option(name: .long, help: "Previous outputs the block spends (JSON), to connect the block.")
    var prevouts: String?

    @Flag(name: .long, help: "Validate the files as one chain from genesis, connecting every block to a UTXO set.")
    var connect = false

    @Option(name: .long, help: "Height of the (first) block when its coinbase does not say it.")
    var height: Int?

    @Option(name: .long, help: "Script checks run in this many concurrent tasks (1 = serially on one core).")
    var scriptThreads: Int = 4

    @Argument(help: "Block files.")
    var files: [String]

    func validate() throws {
        if scriptThreads < 1 || scriptThreads > 256 {
            throw ValidationError("--script-threads must be in 1...256")
        }
        if let h = height, h < 0 || h > HeaderChainVerifier.maxHeight {
            throw ValidationError("--height must be in 0...\(HeaderChainVerifier.maxHeight)")
        }
        if connect && (prevouts != nil || height != nil) {
            throw ValidationError("--connect starts at genesis; it takes neither --prevouts nor --height")
        }
    }

    func run() async throws {
        let params = network.params
        var failures = 0
        var index = 0
        // Heights of blocks seen so far, to place children (genesis is known).
        var heights: [BlockHash: Int] = [params.genesisHash: 0]
        var tree = BlockTimes()
        tree.add(hash: params.genesisHash, parent: .zero, time: params.genesis.header.time, height: 0)
        var chain = connect ? try ChainState(params: params) : nil
        fileLoop: for file in files {
            let blocks: [FileBlock]
            do {
                blocks = try BlockFile.parse(try readFile(file, limit: 1 << 30))
            } catch {
                print("\(file): INVALID: \(error)")
                failures += 1
                continue
            }
            for fb in blocks {
                let hash = fb.block.computeHash()
                let placed: Int? =
                    (index == 0 ? height : nil) ?? heights[hash]
                    ?? heights[fb.block.header.prevBlock].map { min($0 + 1, HeaderChainVerifier.maxHeight) }
                    ?? BlockValidation.coinbaseHeight(fb.block)
                if let placed { heights[hash] = placed }
                tree.add(hash: hash, parent: fb.block.header.prevBlock, time: fb.block.header.time, height: placed)
                if var c = chain {
                    chain = nil
                    if hash == params.genesisHash && c.height == 0 {
                        print("block \(hash.displayHex)  (genesis)")
                        chain = c
                        index += 1
                        continue
                    }
                    let ok = await c.extend(fb, file: file, command: self)
                    if !ok {
                        failures += 1
                        break fileLoop
                    }
                    chain = c
                    index += 1
                    continue
                }
                let ok = await check(
                    fb, file: file, params: params, height: placed, source: index == 0 && height != nil ? "--height" : nil,
                    parentMTP: tree.medianTimePast(of: fb.block.header.prevBlock))
                if !ok { failures += 1 }
                index += 1
            }
        }
        if let c = chain {
            print("chain: tip \(c.headers.tipHash.displayHex) at height \(c.height), \(c.utxo.count) unspent outputs" +
                (c.scriptsSkipped > 0 ? ", \(c.scriptsSkipped) inputs' scripts not verified" : ""))
        }
        if failures > 0 {
            printError("\(failures) block(s) failed")
            throw ExitCode(1)
        }
    }

    func check(_ fb: FileBlock, file: String, params: ChainParams, height h: Int?, source: String?, parentMTP: Int64?) async -> Bool {
        let block = fb.block
        let hash = block.computeHash()
        print("block \(hash.displayHex)  (\(file) @ \(fb.position))")
        print("  txs: \(block.transactions.count), size: \(fb.raw.count), weight: \(block.computeWeight())")
        print("  height: \(h.map(String.init) ?? "unknown")\(source.map { " (\($0))" } ?? "")")
        let (root, mutated) = block.computeMerkleRoot()
        if root != block.header.merkleRoot {
            print("  merkle: MISMATCH (computed \(root.displayHex))")
            return false
        }
        print("  merkle: ok\(mutated ? " but MUTATED (duplicate transactions, CVE-2012-2459)" : "")")
        if mutated { return false }
        // Witness commitment: enforced when segwit is active at the block's height; with an unknown
        // height a present commitment is still checked, and witness data without one is rejected.
        let segwitActive = h.map { $0 >= params.segwitHeight } ?? (block.witnessCommitmentIndex() != nil && block.transactions.first?.hasWitness == true)
        switch block.checkWitnessCommitment(segwitActive: segwitActive) {
        case let .valid(c): print("  witness commitment: ok (\(c.hex))")
        case .noCommitment:
            print("  witness commitment: \(block.witnessCommitmentIndex() != nil ? "present, not enforced before segwit" : "none")")
        case let .invalid(reason):
            print("  witness commitment: INVALID: \(reason)")
            return false
        }
        do {
            try BlockValidation.checkBlock(block, params: params)
            print("  CheckBlock: ok")
            if let h {
                do {
                    try BlockValidation.contextualCheckBlock(block, height: h, parentMedianTimePast: parentMTP, params: params)
                    print("  ContextualCheckBlock: ok")
                } catch where error.reason == "missing-context" {
                    // Finality needs the parent's median time past; the other contextual rules still apply.
                    let prefix = BlockValidation.bip34Prefix(height: h)
                    let sig = block.transactions.first?.inputs.first?.scriptSig ?? []
                    if h >= params.bip34Height && Array(sig.prefix(prefix.count)) != prefix {
                        print("  INVALID: \(BlockValidationError("bad-cb-height", tx: 0, detail: "block height mismatch in coinbase"))")
                        return false
                    }
                    print("  ContextualCheckBlock: BIP34 height ok; lock-time finality not checked (parent median time past unknown)")
                }
            }
        } catch {
            print("  INVALID: \(error)")
            return false
        }
        guard let prevoutsPath = prevouts else { return true }
        guard let h else {
            print("  INVALID: cannot connect: height unknown (pass --height)")
            return false
        }
        let view: [OutPoint: Coin]
        do {
            view = try loadPrevouts(prevoutsPath, below: h)
        } catch {
            print("  INVALID: \(prevoutsPath): \(error)")
            return false
        }
        let context = ConnectContext(height: h, params: params, parallelism: scriptThreads)
        do {
            let clock = ContinuousClock()
            let start = clock.now
            let r = try await BlockConnector.connect(block, view: view, context: context, checker: BitcoinScriptChecker())
            let elapsed = clock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print("  inputs: ok (fees \(r.fees) sat, subsidy \(Money.subsidy(height: h, params: params)) sat, sigop cost \(r.sigOpsCost))")
            print("  scripts: ok (\(r.scriptChecks) inputs verified in \(formatted(seconds, 3)) s)")
            return true
        } catch {
            print("  INVALID: \(error)")
            return false
        }
    }

    /// Loads a prevouts file; entries created by the block itself (height ≥ `below`) are left out,
    /// since connecting the block creates them.
    func loadPrevouts(_ path: String, below height: Int) throws -> [OutPoint: Coin] {
        let data = Data(try readFile(path, limit: 1 << 30))
        let entries = try JSONDecoder().decode([PrevoutEntry].self, from: data)
        var view: [OutPoint: Coin] = [:]
        for e in entries where e.height < height {
            guard let txid = TxID(displayHex: e.txid), let script = [UInt8](hex: e.scriptPubKey) else {
                throw ValidationError("bad prevout entry \(e.txid):\(e.vout)")
            }
            view[OutPoint(txid: txid, vout: e.vout)] = Coin(output: TxOut(value: e.value, scriptPubKey: script), height: e.height, isCoinbase: e.coinbase)
        }
        return view
    }
}
