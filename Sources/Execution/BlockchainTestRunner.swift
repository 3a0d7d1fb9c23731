internal import EVM
internal import Ethereum
internal import Foundation
internal import Primitives

/// Runs ethereum/tests BlockchainTests fixtures (format: `../shared/docs/reference/
/// ethereum-test-suites-and-peers.md` §1.4): from `pre` and the genesis block, import every block of
/// `blocks` in order into a block tree (a block may extend any imported block, so side chains and
/// reorgs work), expect blocks with `expectException` to be rejected and the others to be accepted,
/// then compare the head — after the Merge, the last block imported successfully, which is what
/// the fixtures' `lastblockhash` records — and its state with `postState` (or `postStateHash`).
///
/// Only Paris…Prague networks are supported (`BlockExecutor`); a fixture for an earlier, later or
/// transition network is reported as failed, not skipped.
public struct BlockchainTestRunner {
    public typealias Summary = StateTestRunner.Summary

    public var filter: String?
    /// Called with each failure as it happens (for streaming output).
    public var onFailure: (@Sendable (String) -> Void)?
    /// Called for each expected rejection with the fixture's exception and the executor's reason.
    public var onRejection: (@Sendable (_ label: String, _ expected: String, _ got: String) -> Void)?

    public init(filter: String? = nil) { self.filter = filter }

    /// Runs every file under `paths` on a large-stack thread.
    public func run(paths: [String]) -> Summary {
        let me = self
        return runWithLargeStack {
            var s = Summary()
            for p in paths {
                let files = StateTestRunner.jsonFiles(at: p)
                if files.isEmpty {
                    s.failed += 1
                    s.failures.append("\(p): no such file or no .json files")
                    me.onFailure?("\(p): no such file or no .json files")
                }
                for f in files { s.merge(me.runFile(f)) }
            }
            return s
        }
    }

    /// Runs one fixture file (call on a large-stack thread).
    public func runFile(_ path: String) -> Summary {
        var s = Summary()
        let fileName = (path as NSString).lastPathComponent
        guard let data = FileManager.default.contents(atPath: path),
            let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else {
            record(&s, "\(path): unreadable JSON")
            return s
        }
        let regex = filter.flatMap { try? Regex($0) }
        for (name, value) in obj.sorted(by: { $0.key < $1.key }) {
            guard let fixture = value as? [String: Any], fixture["blocks"] != nil else { continue }
            if let regex, !"\(path) \(name)".contains(regex) { continue }
            let label = "\(fileName) \(name)"
            if let why = runTest(fixture, label: label) { record(&s, "\(label): \(why)") } else { s.passed += 1 }
        }
        return s
    }

    func record(_ s: inout Summary, _ msg: String) {
        s.failed += 1
        s.failures.append(msg)
        onFailure?(msg)
    }

    struct Node {
        var header: BlockHeader
        var hash: Bytes32
        var accounts: [EVMAddress: Account]
    }

    /// Runs one test; returns nil on success, else what differed.
    func runTest(_ t: [String: Any], label: String) -> String? {
        var network = t["network"] as? String ?? "?"
        var rollup: RollupRules?
        if network.hasPrefix(Self.hemiNetworkPrefix) {
            network.removeFirst(Self.hemiNetworkPrefix.count)
            guard let rules = Self.parseRollupRules(t["config"]) else {
                return "network Hemi-\(network) needs a config with the rollup parameters (ADR 0011)"
            }
            rollup = rules
        }
        guard let fork = EVM.Fork(name: network) else { return "network \(network) not supported" }
        guard fork >= .paris else { return "pre-Merge network \(network) not supported (no proof-of-work rules)" }
        guard fork <= .prague else { return "network \(network) not supported yet (block rules end at Prague)" }
        guard let pre = StateTestRunner.parsePre(t["pre"]) else { return "cannot parse pre" }
        guard let genesisBytes = (t["genesisRLP"] as? String).flatMap({ Hex.decode($0) }),
            let genesis = try? Block.decode(genesisBytes)
        else { return "genesisRLP does not decode" }
        let genesisHash = genesis.header.computeHash()
        if let want = ((t["genesisBlockHeader"] as? [String: Any])?["hash"] as? String).flatMap({ Bytes32(hex: $0) }),
            want != genesisHash
        {
            return "genesis hash \(genesisHash.hex) != \(want.hex)"
        }
        let preRoot = StateCommitment.computeStateRoot(pre)
        if preRoot != genesis.header.stateRoot {
            return "pre-state root \(preRoot.hex) != genesis stateRoot \(genesis.header.stateRoot.hex)"
        }

        let executor = rollup.map { BlockExecutor(fork: fork, rollup: $0) } ?? BlockExecutor(fork: fork)
        var tree: [Bytes32: Node] = [genesisHash: Node(header: genesis.header, hash: genesisHash, accounts: pre)]
        var head = genesisHash
        for (i, b) in ((t["blocks"] as? [[String: Any]]) ?? []).enumerated() {
            let expected = (b["expectException"] as? String).flatMap { $0.isEmpty ? nil : $0 }
            let result = importBlock(b, executor: executor, tree: tree)
            switch (result, expected) {
            case (.success(let node), nil):
                tree[node.hash] = node
                head = node.hash
            case (.success, let ex?):
                return "block #\(i) was imported but the fixture expects \(ex)"
            case (.failure(let why), nil):
                return "block #\(i) rejected: \(why)"
            case (.failure(let why), let ex?):
                onRejection?("\(label) block #\(i)", ex, why)
            }
        }

        var diffs: [String] = []
        if let want = (t["lastblockhash"] as? String).flatMap({ Bytes32(hex: $0) }), want != head {
            diffs.append("head \(head.hex) != lastblockhash \(want.hex)")
        }
        let final = tree[head]?.accounts ?? [:]
        if let post = t["postState"] {
            guard let want = StateTestRunner.parsePre(post) else { return "cannot parse postState" }
            diffs += Self.stateDiff(got: final, want: want)
        } else if let want = (t["postStateHash"] as? String).flatMap({ Bytes32(hex: $0) }) {
            let root = StateCommitment.computeStateRoot(final)
            if root != want { diffs.append("post state root \(root.hex) != \(want.hex)") }
        } else {
            diffs.append("fixture has neither postState nor postStateHash")
        }
        return diffs.isEmpty ? nil : diffs.joined(separator: "; ")
    }

    /// Networks named `Hemi-<fork>` (e.g. `Hemi-Cancun`) are OP Stack / Hemi rollup blocks on the
    /// EVM rules of `<fork>`; their fixture carries the rollup parameters in `config` (ADR 0011).
    public static let hemiNetworkPrefix = "Hemi-"

    /// `config` of a Hemi fixture: `chainid`, `elasticityMultiplier`, `baseFeeChangeDenominator`,
    /// `l1BaseFee`, `l1BlobBaseFee`, `baseFeeScalar`, `blobBaseFeeScalar` (hex quantities),
    /// `l1FeeRecipient`, `baseFeeRecipient` (address or null = burnt), `depositReceiptVersion`
    /// (quantity or null). Every key is required, so a fixture cannot silently fall back to defaults.
    static func parseRollupRules(_ any: Any?) -> RollupRules? {
        guard let c = any as? [String: Any] else { return nil }
        func q(_ k: String) -> UInt256? { StateTestRunner.u256(c[k]) }
        func u64(_ k: String) -> UInt64? { StateTestRunner.u64(c[k]) }
        func u32(_ k: String) -> UInt32? { u64(k).flatMap { UInt32(exactly: $0) } }
        func addr(_ k: String) -> EVMAddress?? {
            if c[k] is NSNull { return .some(nil) }
            guard let s = c[k] as? String, let a = EVMAddress(hex: s) else { return nil }
            return .some(a)
        }
        guard let chainID = q("chainid"), let elasticity = u64("elasticityMultiplier"),
            let denominator = u64("baseFeeChangeDenominator"), let l1BaseFee = q("l1BaseFee"),
            let l1BlobBaseFee = q("l1BlobBaseFee"), let baseFeeScalar = u32("baseFeeScalar"),
            let blobBaseFeeScalar = u32("blobBaseFeeScalar"), let l1Vault = addr("l1FeeRecipient") ?? nil,
            let baseFeeVault = addr("baseFeeRecipient"), c.keys.contains("depositReceiptVersion")
        else { return nil }
        let receiptVersion: UInt64?
        if c["depositReceiptVersion"] is NSNull { receiptVersion = nil } else {
            guard let v = u64("depositReceiptVersion") else { return nil }
            receiptVersion = v
        }
        return RollupRules(
            chainID: chainID, elasticityMultiplier: elasticity, baseFeeChangeDenominator: denominator,
            l1BaseFee: l1BaseFee, l1BlobBaseFee: l1BlobBaseFee, baseFeeScalar: baseFeeScalar,
            blobBaseFeeScalar: blobBaseFeeScalar, l1FeeRecipient: l1Vault, baseFeeRecipient: baseFeeVault,
            depositReceiptVersion: receiptVersion)
    }

    enum ImportResult {
        case success(Node)
        case failure(String)
    }

    func importBlock(_ b: [String: Any], executor: BlockExecutor, tree: [Bytes32: Node]) -> ImportResult {
        guard let bytes = (b["rlp"] as? String).flatMap({ Hex.decode($0) }) else { return .failure("rlp is not hex") }
        let block: Block
        do { block = try Block.decode(bytes) } catch { return .failure("\(error)") }
        guard let parent = tree[block.header.parentHash] else {
            return .failure("\(BlockValidationError.unknownParent(block.header.parentHash))")
        }
        // BLOCKHASH sees the 256 ancestors on this block's own branch.
        var hashes: [UInt64: Bytes32] = [:]
        var cursor: Node? = parent
        while let n = cursor, hashes.count < 256 {
            hashes[n.header.number] = n.hash
            cursor = n.header.number == 0 ? nil : tree[n.header.parentHash]
        }
        do {
            let r = try executor.execute(block, parent: parent.header, state: parent.accounts, blockHashes: hashes)
            return .success(Node(header: block.header, hash: block.header.computeHash(), accounts: r.accounts))
        } catch {
            return .failure("\(error)")
        }
    }

    /// Differences between two states, at most a handful, in address order.
    static func stateDiff(got: [EVMAddress: Account], want: [EVMAddress: Account]) -> [String] {
        var out: [String] = []
        let all = Set(got.keys).union(want.keys).sorted(by: { $0.hex < $1.hex })
        for a in all {
            let g = got[a]
            let w = want[a]
            if g == w { continue }
            guard let g else {
                out.append("account \(a.hex) missing")
                continue
            }
            guard let w else {
                out.append("unexpected account \(a.hex)")
                continue
            }
            var parts: [String] = []
            if g.nonce != w.nonce { parts.append("nonce \(g.nonce) != \(w.nonce)") }
            if g.balance != w.balance { parts.append("balance \(g.balance) != \(w.balance)") }
            if g.code != w.code { parts.append("code differs") }
            for k in Set(g.storage.keys).union(w.storage.keys).sorted() where g.storage[k] != w.storage[k] {
                parts.append("storage[\(k)] \(g.storage[k] ?? .zero) != \(w.storage[k] ?? .zero)")
                if parts.count > 6 { break }
            }
            out.append("account \(a.hex): " + parts.joined(separator: ", "))
            if out.count >= 8 { break }
        }
        return out
    }
}
