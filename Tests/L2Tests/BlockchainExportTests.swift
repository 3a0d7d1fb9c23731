import EVM
import Ethereum
import Execution
import Foundation
import Hashing
import L2Chain
import MerkleTrie
import Node
import Primitives
import Sequencer
import Testing

/// Issue 6 "independent re-execution": blocks produced by the sequencer (`BlockBuilder`) are
/// exported as a BlockchainTests fixture and re-executed by `BlockchainTestRunner` /
/// `BlockExecutor` with the rollup rules (ADR 0011), a separate code path; a tampered export fails.
@Suite struct BlockchainExportTests {
    static let blockCount = 110

    /// ERC-20 init code (Vyper build in contracts/build) + constructor("Token", "TOK", 18, 10^24).
    static func erc20InitCode() throws -> [UInt8] {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("contracts/build/ERC20.json").path
        let data = try #require(FileManager.default.contents(atPath: path), "missing \(path)")
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let hex = try #require(json["bytecode"] as? String)
        let code = try #require(Hex.decode(hex.hasPrefix("0x") ? String(hex.dropFirst(2)) : hex))
        func word(_ v: UInt256) -> [UInt8] { v.bigEndianBytes }
        func str(_ s: String) -> [UInt8] {
            let b = Array(s.utf8)
            return word(UInt256(UInt64(b.count))) + b + [UInt8](repeating: 0, count: (32 - b.count % 32) % 32)
        }
        let name = str("Token")
        return code + word(UInt256(128)) + word(UInt256(UInt64(128 + name.count))) + word(UInt256(18))
            + word(UInt256(1_000_000) &* ether) + name + str("TOK")
    }

    static func transferCall(_ to: Bytes20, _ amount: UInt256) -> [UInt8] {
        [0xa9, 0x05, 0x9c, 0xbb] + [UInt8](repeating: 0, count: 12) + to.bytes + amount.bigEndianBytes
    }

    static func signed2930(
        _ from: DevAccount, nonce: UInt64, to: Bytes20?, value: UInt256 = .zero, data: [UInt8] = [], gas: UInt64,
        accessList: [AccessListEntry]
    ) -> Transaction {
        Transaction.accessList(
            AccessListTransaction(
                chainID: UInt256(901), nonce: nonce, gasPrice: UInt256(3_000_000_000), gasLimit: gas, to: to,
                value: value, data: data, accessList: accessList,
                signature: TransactionSignature(v: .zero, r: .zero, s: .zero))
        ).signed(privateKey: from.privateKey)!
    }

    /// Produces `blockCount` blocks of mixed traffic; returns the chain and how many user
    /// transactions of each kind went in.
    static func produceChain() throws -> (L2Chain, [String: Int]) {
        let chain = try L2Chain(path: makeTempDir("export"), config: devConfig())
        let clock = TestClock()
        let pool = TxPool(chain: chain)
        let producer = BlockProducer(chain: chain, pool: pool, blockTime: 1, now: clock.next)
        var nonces = [UInt64](repeating: 0, count: devAccounts.count)
        var kinds: [String: Int] = [:]
        func send(_ i: Int, _ kind: String, _ make: (UInt64) -> Transaction) throws {
            let tx = make(nonces[i])
            _ = try pool.add(raw: tx.encodedEnvelope())
            nonces[i] += 1
            kinds[kind, default: 0] += 1
        }
        let a = devAccounts
        // Block 1: the ERC-20 and the logger contract are created.
        let erc20Init = try erc20InitCode()
        try send(0, "create ERC-20") { signedEIP1559(a[0], nonce: $0, to: nil, data: erc20Init, gas: 3_000_000) }
        try send(1, "create") { signedEIP1559(a[1], nonce: $0, to: nil, data: loggerInit, gas: 200_000) }
        let b1 = try producer.produceBlock()
        let token = try #require(b1.receipts[1].contractAddress)
        let logger = try #require(b1.receipts[2].contractAddress)
        #expect(b1.receipts.allSatisfy { $0.receipt.succeeded == true })
        let revertingInit: [UInt8] = [0x60, 0x00, 0x60, 0x00, 0xfd]  // PUSH1 0 PUSH1 0 REVERT

        for n in 2...blockCount {
            let r = n % 8
            // Every block: a plain transfer (EIP-1559 or legacy alternating) and a token transfer.
            if n % 2 == 0 {
                try send(2, "eth transfer 1559") {
                    signedEIP1559(
                        a[2], nonce: $0, to: a[3].address, value: UInt256(UInt64(n)) &* UInt256(1_000_000_000))
                }
            } else {
                try send(3, "eth transfer legacy") {
                    signedLegacy(a[3], nonce: $0, to: a[2].address, value: UInt256(UInt64(n)))
                }
            }
            try send(0, "erc20 transfer") {
                signedEIP1559(
                    a[0], nonce: $0, to: token, data: transferCall(a[1 + n % 3].address, UInt256(UInt64(n)) &* ether),
                    gas: 100_000)
            }
            switch r {
            case 0:  // reverting call: more tokens than the sender holds
                try send(2, "erc20 revert") {
                    signedEIP1559(
                        a[2], nonce: $0, to: token, data: transferCall(a[0].address, UInt256(1) << 200), gas: 100_000)
                }
            case 1:  // EIP-2930 call with a pre-warmed slot
                let key = Bytes32([UInt8](repeating: 0, count: 12) + a[3].address.bytes)
                try send(3, "access list call") {
                    signed2930(
                        a[3], nonce: $0, to: logger, data: UInt256(UInt64(n)).bigEndianBytes, gas: 80_000,
                        accessList: [AccessListEntry(address: logger, storageKeys: [key])])
                }
            case 2:  // contract creation
                try send(1, "create") { signedEIP1559(a[1], nonce: $0, to: nil, data: loggerInit, gas: 200_000) }
            case 3:  // creation that reverts
                try send(1, "create revert") {
                    signedEIP1559(a[1], nonce: $0, to: nil, data: revertingInit, gas: 100_000)
                }
            case 4:  // out of gas in SSTORE (exceptional halt)
                try send(2, "out of gas") {
                    signedEIP1559(a[2], nonce: $0, to: logger, data: UInt256(7).bigEndianBytes, gas: 23_000)
                }
            case 5:  // the logger: storage write + LOG1; then a zero write (storage clear, refund)
                try send(1, "call logs") {
                    signedEIP1559(a[1], nonce: $0, to: logger, data: UInt256(UInt64(n)).bigEndianBytes, gas: 80_000)
                }
                try send(1, "call clear") {
                    signedEIP1559(a[1], nonce: $0, to: logger, data: [UInt8](repeating: 0, count: 32), gas: 80_000)
                }
            case 6:  // pre-EIP-155 legacy transfer (the devnet accepts them on purpose)
                try send(3, "legacy pre-155") {
                    Transaction.legacy(
                        LegacyTransaction(
                            nonce: $0, gasPrice: UInt256(2_000_000_000), gasLimit: 21_000, to: a[0].address,
                            value: UInt256(1), data: [], signature: TransactionSignature(v: .zero, r: .zero, s: .zero))
                    ).signed(privateKey: a[3].privateKey)!
                }
            default:  // an empty block now and then (only the L1-attributes deposit)
                if n % 16 == 7 {
                    _ = try producer.produceBlock()  // this block: the two transfers above
                    let empty = try producer.produceBlock()
                    #expect(empty.transactions.count == 1)
                    kinds["empty block", default: 0] += 1
                    continue
                }
            }
            _ = try producer.produceBlock()
        }
        #expect(pool.count == 0)
        return (chain, kinds)
    }

    static func writeTemp(_ bytes: [UInt8]) throws -> String {
        let path = makeTempDir("fixture") + "/fixture.json"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        return path
    }

    static func fixture(_ bytes: [UInt8]) throws -> [String: Any] {
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        return try #require(obj["hemi"] as? [String: Any])
    }

    static func write(_ fixture: [String: Any]) throws -> String {
        try writeTemp([UInt8](try JSONSerialization.data(withJSONObject: ["hemi": fixture])))
    }

    @Test func producedBlocksReExecuteIndependently() throws {
        let (chain, kinds) = try Self.produceChain()
        let head = chain.snapshot.number
        #expect(head >= 100)
        // Mixed traffic really happened: failed and successful user transactions of several types.
        var statuses: [Bool: Int] = [:]
        var types: Set<TransactionType> = []
        for n in 1...head {
            for r in try chain.receipts(number: n) ?? [] {
                statuses[r.receipt.succeeded ?? false, default: 0] += 1
                types.insert(r.receipt.type)
            }
        }
        #expect(types == [.deposit, .legacy, .accessList, .dynamicFee])
        #expect((statuses[false] ?? 0) > 20 && (statuses[true] ?? 0) > 200)
        #expect(kinds.count >= 10)

        let json = try chain.exportBlockchainTest(name: "hemi", from: 0, to: head)
        let path = try Self.writeTemp(json)
        let good = BlockchainTestRunner().runFile(path)
        #expect(good.failed == 0 && good.passed == 1, "\(good.failures)")

        // A window that starts later: `pre` is the historical state of block 40.
        let window = BlockchainTestRunner().runFile(
            try Self.writeTemp(try chain.exportBlockchainTest(name: "hemi", from: 40, to: 90)))
        #expect(window.failed == 0 && window.passed == 1, "\(window.failures)")

        // Tampering is caught.
        let f = try Self.fixture(json)
        func run(_ t: [String: Any]) throws -> StateTestRunner.Summary {
            BlockchainTestRunner().runFile(try Self.write(t))
        }
        func blockRLP(_ t: [String: Any], _ i: Int) throws -> Block {
            let blocks = try #require(t["blocks"] as? [[String: Any]])
            let hex = try #require(blocks[i]["rlp"] as? String)
            let bytes = try #require(Hex.decode(hex))
            return try Block.decode(bytes)
        }
        func replacing(_ t: [String: Any], _ i: Int, _ b: Block) -> [String: Any] {
            var t = t
            var blocks = t["blocks"] as? [[String: Any]] ?? []
            blocks[i]["rlp"] = "0x" + b.encoded().hex
            t["blocks"] = blocks
            return t
        }
        let lastIndex = Int(head) - 1

        // 1. The last block's state root changed (its hash too: lastblockhash is updated to match).
        var b = try blockRLP(f, lastIndex)
        b.header.stateRoot = Bytes32(Keccak256.hash([1]).bytes)
        var t1 = replacing(f, lastIndex, b)
        t1["lastblockhash"] = "0x" + b.header.computeHash().hex
        let s1 = try run(t1)
        #expect(s1.failed == 1 && s1.failures.first?.contains("state root") == true, "\(s1.failures)")

        // 2. A transaction of the last block altered (value), header unchanged: transactions root.
        b = try blockRLP(f, lastIndex)
        let txIndex = try #require(b.transactions.firstIndex { $0.type == .dynamicFee || $0.type == .legacy })
        b.transactions[txIndex] = Self.bumpValue(b.transactions[txIndex])
        let s2 = try run(replacing(f, lastIndex, b))
        #expect(s2.failed == 1 && s2.failures.first?.contains("transactions root") == true, "\(s2.failures)")

        // 3. The same with the transactions root recomputed: the recovered sender changes, so the
        //    block no longer executes to its header (rejected transaction or a different state).
        b.header.transactionsRoot = orderedTrieRoot(b.transactions.map { $0.encodedEnvelope() })
        var t3 = replacing(f, lastIndex, b)
        t3["lastblockhash"] = "0x" + b.header.computeHash().hex
        let s3 = try run(t3)
        #expect(s3.failed == 1, "\(s3.failures)")

        // 4. The post-state claims one more wei for an account.
        var t4 = f
        var post = try #require(f["postState"] as? [String: Any])
        let addr = "0x" + devAccounts[0].address.hex
        var acct = try #require(post[addr] as? [String: Any])
        let balHex = try #require(acct["balance"] as? String)
        let bal = try #require(UInt256(hex: balHex))
        acct["balance"] = (bal &+ .one).hexString
        post[addr] = acct
        t4["postState"] = post
        let s4 = try run(t4)
        #expect(s4.failed == 1 && s4.failures.first?.contains("balance") == true, "\(s4.failures)")

        // 5. Block 1 without its L1-attributes deposit (roots recomputed): the rollup rules refuse it.
        b = try blockRLP(f, 0)
        b.transactions.removeFirst()
        b.header.transactionsRoot = orderedTrieRoot(b.transactions.map { $0.encodedEnvelope() })
        let s5 = try run(replacing(f, 0, b))
        #expect(s5.failed == 1 && s5.failures.first?.contains("L1-attributes deposit") == true, "\(s5.failures)")

        // 6. Plain Ethereum rules (network "Cancun") cannot execute the rollup blocks.
        var t6 = f
        t6["network"] = "Cancun"
        #expect(try run(t6).failed == 1)
    }

    /// With non-zero Ecotone L1 fee parameters the sender pays the L1 fee to the L1FeeVault, in
    /// the builder and in the independent executor alike; a fixture whose L1 parameters are changed
    /// no longer re-executes.
    @Test func l1FeeChargedAndReExecuted() throws {
        var config = devConfig()
        config.l1BaseFee = UInt256(30_000_000_000)
        config.l1BlobBaseFee = UInt256(2)
        config.baseFeeScalar = 1368
        config.blobBaseFeeScalar = 810_949
        let chain = try L2Chain(path: makeTempDir("l1fee"), config: config)
        let clock = TestClock()
        let pool = TxPool(chain: chain)
        let producer = BlockProducer(chain: chain, pool: pool, blockTime: 1, now: clock.next)
        let sender = devAccounts[1]
        let start = chain.snapshot.accounts[sender.address]?.balance ?? .zero
        var spent = UInt256.zero
        var l1Total = UInt256.zero
        for i in 0..<5 {
            let tx = signedEIP1559(
                sender, nonce: UInt64(i), to: devAccounts[2].address, value: UInt256(UInt64(1000 + i)))
            _ = try pool.add(raw: tx.encodedEnvelope())
            let b = try producer.produceBlock()
            let r = try #require(b.receipts.last)
            // Independent Ecotone formula over the envelope bytes.
            let env = tx.encodedEnvelope()
            let l1Gas = UInt64(env.filter { $0 == 0 }.count * 4 + env.filter { $0 != 0 }.count * 16)
            let expectedFee =
                UInt256(l1Gas) &* (UInt256(16 * 1368) &* UInt256(30_000_000_000) &+ UInt256(810_949 * 2))
                / UInt256(16_000_000)
            #expect(r.l1GasUsed == l1Gas && r.l1Fee == expectedFee && !expectedFee.isZero)
            spent = spent &+ UInt256(UInt64(1000 + i)) &+ UInt256(r.gasUsed) &* r.effectiveGasPrice &+ expectedFee
            l1Total = l1Total &+ expectedFee
        }
        let accounts = chain.snapshot.accounts
        #expect(accounts[sender.address]?.balance == start &- spent)
        #expect(accounts[ChainConfig.l1FeeVault]?.balance == l1Total)

        let json = try chain.exportBlockchainTest(name: "hemi", from: 0, to: chain.snapshot.number)
        let good = BlockchainTestRunner().runFile(try Self.writeTemp(json))
        #expect(good.failed == 0 && good.passed == 1, "\(good.failures)")
        var f = try Self.fixture(json)
        var c = try #require(f["config"] as? [String: Any])
        c["l1BaseFee"] = "0x0"
        f["config"] = c
        let bad = BlockchainTestRunner().runFile(try Self.write(f))
        #expect(bad.failed == 1, "\(bad.failures)")
        // A fixture without the rollup parameters is refused, not run with defaults.
        c["l1BaseFee"] = nil
        f["config"] = c
        let missing = BlockchainTestRunner().runFile(try Self.write(f))
        #expect(missing.failed == 1 && missing.failures.first?.contains("rollup parameters") == true)
    }

    static func bumpValue(_ tx: Transaction) -> Transaction {
        switch tx {
        case .dynamicFee(var t):
            t.value = t.value &+ .one
            return .dynamicFee(t)
        case .legacy(var t):
            t.value = t.value &+ .one
            return .legacy(t)
        default: return tx
        }
    }
}
