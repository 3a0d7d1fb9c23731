import Primitives
public import Bitcoin
public import BitcoinConsensus
import BitcoinScript
import BitcoinView
import Hashing
import KVStore
import Secp256k1

/// A deterministic regtest workload wallet: keys of every standard output kind, coins found in the
/// node's UTXO set (no wallet state of its own, so it survives restarts and follows reorgs), and
/// signed spends of every kind for mined blocks and the mempool.
///
/// Output kinds: P2PKH, P2WPKH, P2TR spent by key path, and P2TR spent by script path (one tapleaf
/// `<x-only key> OP_CHECKSIG`, witness = signature ‖ leaf script ‖ control block). Transactions add
/// OP_RETURN outputs (plain data and Hemi PoP keystones) now and then. Everything is derived from the
/// wallet seed and the parent block hash, so a block's spends are reproducible on one branch and
/// differ between branches.
public struct RegtestWallet: Sendable {
    /// How a wallet output is locked and spent.
    public enum Kind: String, Sendable, CaseIterable {
        case p2pkh, p2wpkh, p2trKeyPath, p2trScriptPath
    }

    /// One wallet key and the output it owns.
    public struct Key: Sendable {
        public let kind: Kind
        /// The signing secret (ECDSA kinds), or the taproot internal secret.
        let secret: [UInt8]
        /// Compressed public key of `secret`.
        let publicKey: [UInt8]
        /// The locking script of this key's outputs.
        public let scriptPubKey: [UInt8]
        /// P2TR key path: the tweaked secret (BIP341). Script path: the leaf key's secret.
        let schnorrSecret: [UInt8]
        /// P2TR script path: the leaf script and its control block.
        let leafScript: [UInt8]
        let controlBlock: [UInt8]
        let leafHash: Bytes32?
    }

    /// The keys, two of each kind.
    public let keys: [Key]
    let byScript: [[UInt8]: Int]
    let seed: UInt64

    /// The wallet of `seed` (every node with the same seed derives the same keys).
    public init(seed: UInt64 = 0) {
        self.seed = seed
        var keys: [Key] = []
        for i in 0..<8 {
            let kind = Kind.allCases[i % 4]
            keys.append(Self.makeKey(kind: kind, secret: Self.secret(seed: seed, index: i, tag: 0), leafSecret: Self.secret(seed: seed, index: i, tag: 1)))
        }
        self.keys = keys
        var m: [[UInt8]: Int] = [:]
        for (i, k) in keys.enumerated() { m[k.scriptPubKey] = i }
        byScript = m
    }

    static func secret(seed: UInt64, index: Int, tag: UInt8) -> [UInt8] {
        var w = ByteWriter()
        w.write(Array("hemi regtest wallet".utf8))
        w.writeUInt64BE(seed)
        w.writeUInt32BE(UInt32(index))
        w.write(tag)
        // A SHA-256 output is a valid secret with overwhelming probability; re-hash otherwise.
        var s = SHA256Hash.hash(w.bytes).bytes
        while !Secp256k1.isValidPrivateKey(s) { s = SHA256Hash.hash(s).bytes }
        return s
    }

    static func makeKey(kind: Kind, secret: [UInt8], leafSecret: [UInt8]) -> Key {
        let pub = Secp256k1.publicKey(privateKey: secret) ?? []
        let h = hash160(pub).bytes
        switch kind {
        case .p2pkh:
            return Key(
                kind: kind, secret: secret, publicKey: pub, scriptPubKey: [0x76, 0xa9, 0x14] + h + [0x88, 0xac], schnorrSecret: [],
                leafScript: [], controlBlock: [], leafHash: nil)
        case .p2wpkh:
            return Key(
                kind: kind, secret: secret, publicKey: pub, scriptPubKey: [0x00, 0x14] + h, schnorrSecret: [], leafScript: [],
                controlBlock: [], leafHash: nil)
        case .p2trKeyPath:
            let x = Secp256k1.xOnlyPublicKey(privateKey: secret)
            let out = TaprootOutput(internalKeyX: x?.x ?? [], tree: nil)
            // BIP341: negate the secret if its point has odd Y, then add the tweak.
            let base = (x?.parity ?? false) ? (Secp256k1.privateKeyNegate(secret) ?? secret) : secret
            let tweaked = Secp256k1.privateKeyTweakAdd(base, tweak: out?.tweak.bytes ?? []) ?? []
            return Key(
                kind: kind, secret: secret, publicKey: pub, scriptPubKey: out?.scriptPubKey ?? [], schnorrSecret: tweaked, leafScript: [],
                controlBlock: [], leafHash: nil)
        case .p2trScriptPath:
            let internalX = Secp256k1.xOnlyPublicKey(privateKey: secret)?.x ?? []
            let leafX = Secp256k1.xOnlyPublicKey(privateKey: leafSecret)?.x ?? []
            let script = [0x20] + leafX + [0xac]  // <32-byte x-only key> OP_CHECKSIG
            let leaf = TapLeaf(script: script)
            let out = leaf.flatMap { TaprootOutput(internalKeyX: internalX, tree: .leaf($0)) }
            let cb = out?.computeControlBlocks().first?.controlBlock ?? []
            return Key(
                kind: kind, secret: secret, publicKey: pub, scriptPubKey: out?.scriptPubKey ?? [], schnorrSecret: leafSecret,
                leafScript: script, controlBlock: cb, leafHash: leaf?.computeHash())
        }
    }

    /// Index of the key owning `script`, if any.
    public func keyIndex(of script: [UInt8]) -> Int? { byScript[script] }

    /// The coinbase payout of a block at `height` (rotates over the keys).
    public func coinbaseScript(height: Int) -> [UInt8] { keys[height % keys.count].scriptPubKey }

    /// A wallet coin: an unspent output owned by one of the keys.
    public struct Coin: Sendable {
        public let outpoint: OutPoint
        public let coin: BitcoinConsensus.Coin
        public let key: Int
    }

    /// Signs every input; input `i` spends `spent[i]`. Taproot inputs sign with SIGHASH_DEFAULT,
    /// ECDSA inputs with SIGHASH_ALL.
    public func sign(_ tx: inout Transaction, spent: [Coin]) {
        for (i, c) in spent.enumerated() {
            let key = keys[c.key]
            switch key.kind {
            case .p2pkh:
                let h = SigHash.legacy(tx: tx, inputIndex: i, scriptCode: c.coin.output.scriptPubKey, hashType: 1)
                let sig = (Secp256k1.signECDSA(message: h, privateKey: key.secret) ?? []) + [0x01]
                tx.inputs[i].scriptSig = Script.pushData(sig) + Script.pushData(key.publicKey)
            case .p2wpkh:
                let code = [0x76, 0xa9, 0x14] + hash160(key.publicKey).bytes + [0x88, 0xac]
                let h = SigHash.witnessV0(tx: tx, inputIndex: i, scriptCode: code, amount: c.coin.output.value, hashType: 1, precomputed: nil)
                tx.inputs[i].witness = [(Secp256k1.signECDSA(message: h, privateKey: key.secret) ?? []) + [0x01], key.publicKey]
            case .p2trKeyPath, .p2trScriptPath:
                break
            }
        }
        // Taproot sighashes commit to every spent output and to no witness: sign them last.
        let pre = PrecomputedTransactionData(tx: tx, spentOutputs: spent.map(\.coin.output), force: true)
        for (i, c) in spent.enumerated() {
            let key = keys[c.key]
            switch key.kind {
            case .p2trKeyPath:
                guard let h = SigHash.taproot(tx: tx, inputIndex: i, hashType: 0, precomputed: pre) else { continue }
                tx.inputs[i].witness = [Secp256k1.signSchnorr(message: h, privateKey: key.schnorrSecret, auxRandom: nil) ?? []]
            case .p2trScriptPath:
                guard let h = SigHash.taproot(tx: tx, inputIndex: i, hashType: 0, precomputed: pre, leafHash: key.leafHash) else { continue }
                let sig = Secp256k1.signSchnorr(message: h, privateKey: key.schnorrSecret, auxRandom: nil) ?? []
                tx.inputs[i].witness = [sig, key.leafScript, key.controlBlock]
            case .p2pkh, .p2wpkh:
                break
            }
        }
    }

    /// Spends for a block at `height` from `coins` (the wallet's unspent outputs): up to `maxTxs`
    /// transactions of 1–2 inputs each, paying 2–3 wallet outputs of random kinds and 1,000 sat fee per
    /// input, with an OP_RETURN (data or PoP keystone) on every other transaction; some outputs are
    /// spent again later in the same block. `entropy` (e.g. the parent hash) drives the choices.
    /// Returns the transactions and their total fee.
    public func spends(coins: [Coin], height: Int, entropy: [UInt8], maxTxs: Int) -> (transactions: [Transaction], fees: Int64) {
        var rng = WalletRandom(seed: SHA256Hash.hash(entropy + Array("spends".utf8)))
        var avail = coins.filter { !$0.coin.isCoinbase || height - $0.coin.height >= 100 }
            .sorted { $0.coin.height != $1.coin.height ? $0.coin.height < $1.coin.height : Self.less($0.outpoint, $1.outpoint) }
        // Oldest first would always spend the same coins; rotate by entropy for variety.
        if !avail.isEmpty { avail.rotate(by: Int(rng.next() % UInt64(avail.count))) }
        var txs: [Transaction] = []
        var fees: Int64 = 0
        var keystoneCounter = UInt32(truncatingIfNeeded: height) &* 4
        for _ in 0..<maxTxs {
            guard !avail.isEmpty else { break }
            let take = min(avail.count, 1 + Int(rng.next() % 2))
            let spent = Array(avail.prefix(take))
            avail.removeFirst(take)
            let total = spent.reduce(Int64(0)) { $0 + $1.coin.output.value }
            let fee = Int64(1000 * take)
            guard total - fee >= 30_000 else { continue }  // leave dust alone
            let outCount = 2 + Int(rng.next() % 2)
            let each = (total - fee) / Int64(outCount)
            var outputs: [TxOut] = []
            for o in 0..<outCount {
                let k = Int(rng.next() % UInt64(keys.count))
                let v = o == outCount - 1 ? total - fee - each * Int64(outCount - 1) : each
                outputs.append(TxOut(value: v, scriptPubKey: keys[k].scriptPubKey))
            }
            switch rng.next() % 4 {
            case 0:
                keystoneCounter &+= 1
                outputs.append(TxOut(value: 0, scriptPubKey: PoPPayload.script(for: Self.keystone(counter: keystoneCounter, entropy: entropy))))
            case 1:
                outputs.append(TxOut(value: 0, scriptPubKey: [0x6a, 0x08] + Array("hemi".utf8) + [UInt8(height & 0xff), 0, 0, 1]))
            default:
                break
            }
            var tx = Transaction(
                version: 2, inputs: spent.map { TxIn(prevout: $0.outpoint, sequence: 0xffff_fffe) }, outputs: outputs,
                lockTime: UInt32(max(0, height - 1)))
            sign(&tx, spent: spent)
            txs.append(tx)
            fees += fee
            let txid = tx.computeTxID()
            for (o, out) in tx.outputs.enumerated() where rng.next() % 3 == 0 {
                if let k = byScript[out.scriptPubKey] {
                    avail.append(
                        Coin(outpoint: OutPoint(txid: txid, vout: UInt32(o)), coin: .init(output: out, height: height, isCoinbase: false), key: k))
                }
            }
        }
        return (txs, fees)
    }

    static func less(_ a: OutPoint, _ b: OutPoint) -> Bool {
        if a.txid != b.txid { return a.txid.bytes.lexicographicallyPrecedes(b.txid.bytes) }
        return a.vout < b.vout
    }

    static func keystone(counter: UInt32, entropy: [UInt8]) -> KeystoneAbbrev {
        func h(_ tag: UInt8) -> Bytes32 { SHA256Hash.hash(entropy + [tag] + withUnsafeBytes(of: counter.bigEndian, Array.init)) }
        return KeystoneAbbrev(
            l1BlockNumber: 1000 + counter, l2BlockNumber: counter &* 25, parentEPHash: h(1), prevKeystoneEPHash: h(2), stateRoot: h(3),
            epHash: h(4))
    }
}

/// SplitMix64 over a 32-byte seed (the workload's choices; not cryptographic).
struct WalletRandom {
    var state: UInt64

    init(seed: Bytes32) {
        state = seed.bytes.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Array {
    fileprivate mutating func rotate(by k: Int) {
        guard k > 0, k < count else { return }
        self = Array(self[k...] + self[..<k])
    }
}

extension BitcoinChain {
    /// The wallet's coins in the UTXO set at the tip, in outpoint order (a scan of `coins`; fine for
    /// regtest-sized sets).
    public func walletCoins(_ wallet: RegtestWallet) throws(NodeError) -> [RegtestWallet.Coin] {
        let t = self.t
        return try readStore { r in
            var out: [RegtestWallet.Coin] = []
            try r.forEach(t.coins) { k, v in
                let value = [UInt8](v)
                var reader = ByteReader(value)
                guard let coin = try? CoinCodec.decode(from: &reader), let key = wallet.keyIndex(of: coin.output.scriptPubKey) else { return true }
                var kr = ByteReader([UInt8](k))
                guard let txid = try? kr.readBytes32(), let vout = try? kr.readUInt32BE() else { return true }
                out.append(RegtestWallet.Coin(outpoint: OutPoint(txid: txid, vout: vout), coin: coin, key: key))
                return true
            }
            return out
        }
    }

    /// Regtest: mines one block on the tip carrying up to `maxTxs` wallet spends (see
    /// ``RegtestWallet/spends(coins:height:entropy:maxTxs:)``), paying the coinbase to `payTo` or, if
    /// nil, to a wallet key. Coins pooled in the mempool may be spent again here; connecting the block
    /// evicts the conflicting pool entries. Submits through ``acceptBlock(_:)`` (scripts verified).
    @discardableResult
    public nonisolated(nonsending) func mineWithSpends(wallet: RegtestWallet, payTo: [UInt8]?, maxTxs: Int = 6) async throws(NodeError) -> Block {
        let height = Int(tip.height) + 1
        let coins = try walletCoins(wallet)
        let (txs, fees) = wallet.spends(coins: coins, height: height, entropy: tip.hash.bytes, maxTxs: maxTxs)
        let block = try makeBlock(payTo: payTo ?? wallet.coinbaseScript(height: height), transactions: txs, fees: fees)
        try await acceptBlock(block)
        return block
    }

    /// Regtest: one signed wallet spend of a coin not already spent by the mempool, for broadcasting
    /// (nil when the wallet has no mature coin left).
    public func walletTransaction(_ wallet: RegtestWallet) throws(NodeError) -> Transaction? {
        let height = Int(tip.height) + 1
        let pooled = Set(mempool.entries.values.flatMap { $0.tx.inputs.map(\.prevout) })
        let coins = try walletCoins(wallet).filter { !pooled.contains($0.outpoint) }
        var entropy = tip.hash.bytes
        entropy += withUnsafeBytes(of: UInt64(mempool.count).bigEndian, Array.init)
        return wallet.spends(coins: coins, height: height, entropy: entropy, maxTxs: 1).transactions.first
    }
}
