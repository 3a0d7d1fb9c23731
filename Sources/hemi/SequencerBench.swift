import ArgumentParser
import EVM
import Ethereum
import Foundation
import Hashing
import KVStore
import L2Chain
import Node
import PoP
import Primitives
import Secp256k1
import Sequencer

/// `hemi devnet bench`: sequencer throughput with ERC-20 transfers, commit to disk included.
struct SequencerBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure block production with ERC-20 transfers (execution, state root, LMDB commit).",
        discussion: """
            Deploys the ERC-20 of --artifact (contracts/build/ERC20.json) on a fresh chain in a temporary \
            directory, gives tokens to --senders accounts, then times --rounds rounds in which every sender \
            transfers to another account. Transactions are signed before timing; pool admission (signature \
            recovery, checks) and block production (30M-gas blocks, commit with fsync) are timed separately.
            """
    )

    @Option(help: "ERC-20 artifact JSON with abi and bytecode.") var artifact = "contracts/build/ERC20.json"
    @Option(help: "Number of sending accounts.") var senders = 1000
    @Option(help: "Transfers per sender.") var rounds = 10

    func run() throws {
        guard let data = FileManager.default.contents(atPath: artifact),
            let json = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let hex = json["bytecode"] as? String, let code = Hex.decode(hex.hasPrefix("0x") ? String(hex.dropFirst(2)) : hex)
        else { throw ValidationError("cannot read bytecode from \(artifact)") }
        // Keys: keccak(i) for i in 1...senders (deterministic, no HD derivation needed).
        var keys: [[UInt8]] = []
        var addrs: [Bytes20] = []
        for i in 1...(senders + 1) {
            let k = Keccak256.hash(Array("hemi-bench-\(i)".utf8)).bytes
            guard let pub = Secp256k1.publicKey(privateKey: k, compressed: false), let a = ethereumAddress(uncompressedPublicKey: pub) else { continue }
            keys.append(k)
            addrs.append(a)
        }
        var alloc: [Bytes20: GenesisAccount] = [:]
        for a in addrs { alloc[a] = GenesisAccount(balance: UInt256(1_000_000_000_000_000_000) &* UInt256(1000)) }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hemi-bench-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var config = ChainConfig.devnet(alloc: alloc, blockTime: 1, genesisTimestamp: 1_700_000_000)
        config.genesisBaseFee = UInt256(1_000_000)
        let chain = try L2Chain(path: dir, config: config, indexers: [KeystoneIndexer()])
        var limits = PoolLimits()
        limits.perSender = 100_000
        limits.total = 10_000_000
        let pool = TxPool(chain: chain, limits: limits)
        final class Clock: @unchecked Sendable {
            var t: UInt64 = 1_700_000_000
            func next() -> UInt64 { t += 1; return t }
        }
        let clock = Clock()
        let producer = BlockProducer(chain: chain, pool: pool, blockTime: 1, now: { clock.next() })

        func sign(_ k: [UInt8], nonce: UInt64, to: Bytes20?, data: [UInt8], gas: UInt64) -> Transaction {
            Transaction.dynamicFee(
                DynamicFeeTransaction(
                    chainID: UInt256(config.chainID), nonce: nonce, maxPriorityFeePerGas: UInt256(1_000),
                    maxFeePerGas: UInt256(1_000_000_000_000), gasLimit: gas, to: to, value: .zero, data: data,
                    accessList: [], signature: TransactionSignature(v: .zero, r: .zero, s: .zero))
            ).signed(privateKey: k)!
        }
        func word(_ v: UInt256) -> [UInt8] { v.bigEndianBytes }
        func addrWord(_ a: Bytes20) -> [UInt8] { [UInt8](repeating: 0, count: 12) + a.bytes }
        func str(_ s: String) -> [UInt8] {
            let b = Array(s.utf8)
            return word(UInt256(UInt64(b.count))) + b + [UInt8](repeating: 0, count: (32 - b.count % 32) % 32)
        }
        // constructor(string name, string symbol, uint8 decimals, uint256 supply)
        let nameEnc = str("Bench")
        let ctor = word(UInt256(128)) + word(UInt256(UInt64(128 + nameEnc.count))) + word(UInt256(18))
            + word(UInt256(1) << 200) + nameEnc + str("BNC")
        try pool.add(SealedTransaction(sign(keys[0], nonce: 0, to: nil, data: code + ctor, gas: 3_000_000)))
        let deployBlock = try producer.produceBlock()
        guard let token = deployBlock.receipts.last?.contractAddress, deployBlock.receipts.last?.receipt.succeeded == true else {
            throw ValidationError("deployment failed")
        }
        let transfer: [UInt8] = [0xa9, 0x05, 0x9c, 0xbb]
        // Distribute tokens from the deployer to every sender.
        var setup: [SealedTransaction] = []
        for i in 1..<addrs.count {
            setup.append(SealedTransaction(sign(keys[0], nonce: UInt64(i), to: token, data: transfer + addrWord(addrs[i]) + word(UInt256(1) << 100), gas: 100_000)))
        }
        for t in setup { try pool.add(t) }
        while pool.count > 0 { try producer.produceBlock() }

        // Measured workload.
        var work: [SealedTransaction] = []
        for r in 0..<rounds {
            for i in 1..<addrs.count {
                let to = addrs[1 + (i + r * 7 + 13) % (addrs.count - 1)]
                work.append(SealedTransaction(sign(keys[i], nonce: UInt64(r), to: token, data: transfer + addrWord(to) + word(UInt256(UInt64(1000 + r))), gas: 100_000)))
            }
        }
        let t0 = Date()
        for t in work { try pool.add(t) }
        let admit = Date().timeIntervalSince(t0)
        let t1 = Date()
        var blocks = 0
        var gas: UInt64 = 0
        var txs = 0
        while pool.count > 0 {
            let b = try producer.produceBlock()
            blocks += 1
            gas += b.header.header.gasUsed
            txs += b.transactions.count - 1
            if b.transactions.count <= 1 { break }
        }
        let prod = Date().timeIntervalSince(t1)
        let failed = pool.count
        print("ERC-20 transfers: \(txs) in \(blocks) blocks, \(gas) gas; pool left \(failed)")
        print(String(format: "pool admission: %.0f tx/s (%.2f s)", Double(work.count) / admit, admit))
        print(String(format: "block production incl. state root and LMDB commit: %.2f s, %.1f blocks/s, %.0f tx/s, %.1f Mgas/s",
            prod, Double(blocks) / prod, Double(txs) / prod, Double(gas) / prod / 1e6))
        try chain.store.close()
    }
}

/// `hemi l2 …`
struct L2Commands: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "l2",
        abstract: "Hemi L2 chain tools.",
        subcommands: [SequencerBench.self, L2ExportBlockTest.self]
    )
}
