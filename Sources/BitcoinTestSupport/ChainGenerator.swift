// Shared by the Bitcoin test targets (BitcoinNodeTests, BitcoinAPITests): a deterministic test wallet,
// a chain generator with real signed spends, in-memory nodes, index dumps and temporary directories.
public import Bitcoin
import BitcoinConsensus
public import BitcoinNode
import BitcoinScript
public import BitcoinView
import Hashing
public import KVStore
import Primitives
import Secp256k1
public import TestSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Output kinds the test wallet pays to and signs for.
public enum KeyKind: CaseIterable, Sendable { case p2pkh, p2wpkh, p2tr }

/// A test key: secret, compressed public key, and the output script of its kind.
public struct TestKey: Sendable {
    public let secret: [UInt8]
    public let pub: [UInt8]
    public let kind: KeyKind
    public let script: [UInt8]
    /// P2TR: the tweaked secret that signs key-path spends.
    public let tweakedSecret: [UInt8]

    public init(seed: UInt8, kind: KeyKind) {
        var s = [UInt8](repeating: 0, count: 32)
        s[31] = seed
        s[0] = 0x11
        secret = s
        pub = Secp256k1.publicKey(privateKey: s) ?? []
        self.kind = kind
        let h = hash160(pub).bytes
        switch kind {
        case .p2pkh:
            script = [0x76, 0xa9, 0x14] + h + [0x88, 0xac]
            tweakedSecret = s
        case .p2wpkh:
            script = [0x00, 0x14] + h
            tweakedSecret = s
        case .p2tr:
            let x = Secp256k1.xOnlyPublicKey(privateKey: s)
            let out = TaprootOutput(internalKeyX: x?.x ?? [], tree: nil)
            script = out?.scriptPubKey ?? []
            // BIP341 key path: negate the secret if its point has odd Y, then add the tweak.
            let base = (x?.parity ?? false) ? (Secp256k1.privateKeyNegate(s) ?? s) : s
            tweakedSecret = Secp256k1.privateKeyTweakAdd(base, tweak: out?.tweak.bytes ?? []) ?? []
        }
    }
}

/// A coin the wallet can spend.
public struct WalletCoin: Sendable {
    public let outpoint: OutPoint
    public let output: TxOut
    public let height: Int
    public let coinbase: Bool
    /// Index of the owning key in ``TestWallet/keys``.
    public let key: Int

    public init(outpoint: OutPoint, output: TxOut, height: Int, coinbase: Bool, key: Int) {
        self.outpoint = outpoint
        self.output = output
        self.height = height
        self.coinbase = coinbase
        self.key = key
    }
}

/// A deterministic wallet that tracks its coins by watching blocks. A value: copy it to branch.
public struct TestWallet: Sendable {
    public let keys: [TestKey]
    public var coins: [OutPoint: WalletCoin] = [:]
    public let byScript: [[UInt8]: Int]

    public init() {
        var k: [TestKey] = []
        for i in 0..<6 { k.append(TestKey(seed: UInt8(i + 1), kind: KeyKind.allCases[i % 3])) }
        keys = k
        var m: [[UInt8]: Int] = [:]
        for (i, key) in k.enumerated() { m[key.script] = i }
        byScript = m
    }

    public mutating func apply(_ block: Block, height: Int) {
        for tx in block.transactions {
            if !tx.isCoinbase { for i in tx.inputs { coins[i.prevout] = nil } }
            let txid = tx.computeTxID()
            for (o, out) in tx.outputs.enumerated() {
                if let k = byScript[out.scriptPubKey] {
                    let op = OutPoint(txid: txid, vout: UInt32(o))
                    coins[op] = WalletCoin(outpoint: op, output: out, height: height, coinbase: tx.isCoinbase, key: k)
                }
            }
        }
    }

    /// Coins spendable in a block at `height`, in a deterministic order.
    public func spendable(at height: Int) -> [WalletCoin] {
        coins.values.filter { !$0.coinbase || height - $0.height >= 100 }
            .sorted { ($0.height, $0.outpoint.txid.hex, $0.outpoint.vout) < ($1.height, $1.outpoint.txid.hex, $1.outpoint.vout) }
    }

    /// Signs every input (each spends `spent[i]`), by the kind of the key that owns it.
    public func sign(_ tx: inout Transaction, spent: [WalletCoin]) {
        let outs = spent.map(\.output)
        for (i, c) in spent.enumerated() {
            let key = keys[c.key]
            switch key.kind {
            case .p2pkh:
                let h = SigHash.legacy(tx: tx, inputIndex: i, scriptCode: c.output.scriptPubKey, hashType: 1)
                let sig = (Secp256k1.signECDSA(message: h, privateKey: key.secret) ?? []) + [0x01]
                tx.inputs[i].scriptSig = Script.pushData(sig) + Script.pushData(key.pub)
            case .p2wpkh:
                let code = [0x76, 0xa9, 0x14] + hash160(key.pub).bytes + [0x88, 0xac]
                let h = SigHash.witnessV0(tx: tx, inputIndex: i, scriptCode: code, amount: c.output.value, hashType: 1, precomputed: nil)
                tx.inputs[i].witness = [(Secp256k1.signECDSA(message: h, privateKey: key.secret) ?? []) + [0x01], key.pub]
            case .p2tr:
                break
            }
        }
        // Taproot sighashes commit to all spent outputs; sign after the others are final (they do not
        // commit to witnesses of other inputs anyway).
        let pre = PrecomputedTransactionData(tx: tx, spentOutputs: outs, force: true)
        for (i, c) in spent.enumerated() where keys[c.key].kind == .p2tr {
            guard let h = SigHash.taproot(tx: tx, inputIndex: i, hashType: 0, precomputed: pre) else { continue }
            tx.inputs[i].witness = [Secp256k1.signSchnorr(message: h, privateKey: keys[c.key].tweakedSecret, auxRandom: nil) ?? []]
        }
    }
}

/// Builds blocks with real signed spends (P2PKH, P2WPKH, P2TR key path), OP_RETURN data and PoP
/// keystones (some republished), including spends of outputs created earlier in the same block.
public struct ChainGenerator: Sendable {
    public var wallet = TestWallet()
    public var rng: SplitMix64
    public var keystoneCounter: UInt32 = 0
    public var lastKeystone: KeystoneAbbrev?
    /// Distinguishes branches built from the same state (changes the coinbase script choice).
    public var branchSalt: Int

    public init(seed: UInt64, branchSalt: Int = 0) {
        rng = SplitMix64(seed: seed)
        self.branchSalt = branchSalt
    }

    public mutating func nextKeystone() -> KeystoneAbbrev {
        // Every fourth keystone republishes the previous one (the index keeps the first block).
        if let last = lastKeystone, rng.next() % 4 == 0 { return last }
        keystoneCounter += 1
        func h(_ tag: UInt64) -> Bytes32 { SHA256Hash.hash(Array("ks\(keystoneCounter)-\(tag)-\(rng.next())".utf8)) }
        let k = KeystoneAbbrev(
            l1BlockNumber: 1000 + keystoneCounter, l2BlockNumber: keystoneCounter * 25, parentEPHash: h(1), prevKeystoneEPHash: h(2),
            stateRoot: h(3), epHash: h(4))
        lastKeystone = k
        return k
    }

    /// Transactions for a block at `height`: up to `maxTxs`, each spending 1–2 wallet coins.
    public mutating func transactions(height: Int, maxTxs: Int) -> (txs: [Transaction], fees: Int64) {
        var avail = wallet.spendable(at: height)
        var txs: [Transaction] = []
        var fees: Int64 = 0
        let n = avail.isEmpty ? 0 : 1 + Int(rng.next() % UInt64(maxTxs))
        for _ in 0..<n {
            guard !avail.isEmpty else { break }
            let take = min(avail.count, 1 + Int(rng.next() % 2))
            let spent = Array(avail.prefix(take))
            avail.removeFirst(take)
            let total = spent.reduce(Int64(0)) { $0 + $1.output.value }
            let fee = Int64(1000 * take)
            var outCount = 1 + Int(rng.next() % 3)
            // Coins split over many blocks get small: leave dust-sized ones alone.
            if total - fee < 20_000 { continue }
            outCount = min(outCount, Int((total - fee) / 10_000))
            let each = (total - fee) / Int64(outCount)
            var outputs: [TxOut] = []
            for o in 0..<outCount {
                let k = Int(rng.next() % UInt64(wallet.keys.count))
                let v = o == outCount - 1 ? total - fee - each * Int64(outCount - 1) : each
                outputs.append(TxOut(value: v, scriptPubKey: wallet.keys[k].script))
            }
            switch rng.next() % 3 {
            case 0: outputs.append(TxOut(value: 0, scriptPubKey: PoPPayload.script(for: nextKeystone())))
            case 1: outputs.append(TxOut(value: 0, scriptPubKey: [0x6a, 0x04, 0xde, 0xad, 0xbe, 0xef]))
            default: break
            }
            var tx = Transaction(
                version: 2, inputs: spent.map { TxIn(prevout: $0.outpoint, sequence: 0xffff_fffe) }, outputs: outputs,
                lockTime: UInt32(height - 1))
            wallet.sign(&tx, spent: spent)
            txs.append(tx)
            fees += fee
            // Outputs are spendable later in the same block.
            let txid = tx.computeTxID()
            for (o, out) in tx.outputs.enumerated() {
                if let k = wallet.byScript[out.scriptPubKey], rng.next() % 2 == 0 {
                    avail.append(WalletCoin(outpoint: OutPoint(txid: txid, vout: UInt32(o)), output: out, height: height, coinbase: false, key: k))
                }
            }
        }
        return (txs, fees)
    }

    /// Mines the next block on `chain`'s tip (or `parent`), accepts it and updates the wallet.
    @discardableResult
    public mutating func mineNext<S: KVStore>(_ chain: BitcoinChain<S>, maxTxs: Int = 3) async throws -> Block {
        let parent = chain.tip
        let height = Int(parent.height) + 1
        let (txs, fees) = transactions(height: height, maxTxs: maxTxs)
        let payTo = wallet.keys[(height + branchSalt) % wallet.keys.count].script
        let block = try chain.makeBlock(payTo: payTo, transactions: txs, fees: fees)
        try await chain.acceptBlock(block)
        wallet.apply(block, height: height)
        return block
    }
}

/// A node on a fresh in-memory store.
public func memoryNode(verifyScripts: Bool = true) throws -> BitcoinChain<MemoryStore> {
    try BitcoinChain(
        store: MemoryStore(tables: NodeTables.all), config: ChainConfig(params: .regtest, verifyScripts: verifyScripts, scriptParallelism: 1))
}

/// Every entry of the index tables, for comparing two nodes.
public func dumpIndexes<S: KVStore>(_ chain: BitcoinChain<S>) throws -> [String: [KVPair]] {
    var out: [String: [KVPair]] = [:]
    for name in NodeTables.indexTables {
        let t = try chain.store.table(name)
        out[name] = try chain.store.read { r in try r.entries(t) }
    }
    return out
}

/// Compares two dumps table by table; one message per differing table (empty when equal).
public func indexDifferences(_ a: [String: [KVPair]], _ b: [String: [KVPair]], _ what: String) -> [String] {
    var out: [String] = []
    for name in NodeTables.indexTables {
        let x = a[name] ?? [], y = b[name] ?? []
        if x != y {
            let firstDiff = Array(zip(x, y)).firstIndex { $0 != $1 } ?? min(x.count, y.count)
            out.append("\(what): table \(name) differs (\(x.count) vs \(y.count) entries, first difference at \(firstDiff))")
        }
    }
    return out
}

/// A fresh temporary directory, removed on deinit.
public final class TempDir: Sendable {
    public let path: String

    public init() {
        var template = Array("/tmp/hemi-node-test-XXXXXX".utf8CString)
        let ok = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) != nil }
        precondition(ok, "mkdtemp failed: errno \(errno)")
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public func sub(_ name: String) -> String { path + "/" + name }

    deinit {
        if let d = opendir(path) {
            var subdirs: [String] = []
            while let e = readdir(d) {
                let name = withUnsafeBytes(of: e.pointee.d_name) { raw in
                    String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
                }
                if name == "." || name == ".." { continue }
                subdirs.append(path + "/" + name)
            }
            closedir(d)
            for s in subdirs {
                if let d2 = opendir(s) {
                    while let e = readdir(d2) {
                        let name = withUnsafeBytes(of: e.pointee.d_name) { raw in
                            String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
                        }
                        if name != "." && name != ".." { unlink(s + "/" + name) }
                    }
                    closedir(d2)
                    rmdir(s)
                } else {
                    unlink(s)
                }
            }
        }
        rmdir(path)
    }
}
