import BitcoinView
import EVM
import Ethereum
import Execution
import Foundation
import Hashing
import KVStore
import MerkleTrie
import L2Chain
import Node
import PoP
import Primitives
import Sequencer
import Testing

@Suite struct DevAccountTests {
    @Test func bip39SeedVector() {
        // BIP39 reference vector (trezor/python-mnemonic vectors.json, first entry, passphrase "TREZOR").
        let m = Array(repeating: "abandon", count: 11).joined(separator: " ") + " about"
        let seed = DevAccounts.computeSeed(mnemonic: m, passphrase: "TREZOR")
        #expect(
            Hex.encode(seed)
                == "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04"
        )
    }

    @Test func hardhatAccounts() {
        // The published Hardhat/Anvil accounts of the test mnemonic.
        let a = DevAccounts.derive(count: 2)
        #expect(a.count == 2)
        #expect(a[0].address.checksumHex == "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266")
        #expect(Hex.encode(a[0].privateKey) == "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")
        #expect(a[1].address.checksumHex == "0x70997970C51812dc3A010C7d01b50e0d17dc79C8")
    }
}

@Suite struct L2ChainTests {
    func open(_ dir: String, _ config: ChainConfig = devConfig()) throws -> L2Chain {
        try L2Chain(path: dir, config: config, indexers: [KeystoneIndexer()])
    }

    @Test func genesisStateRootMatchesFullRecomputation() throws {
        let chain = try open(makeTempDir())
        let snap = chain.snapshot
        #expect(snap.number == 0)
        #expect(snap.head.header.stateRoot == StateCommitment.computeStateRoot(snap.accounts))
        #expect(snap.accounts[devAccounts[0].address]?.balance == ether &* UInt256(10_000))
    }

    @Test func produceStoreReopen() throws {
        let dir = makeTempDir()
        let clock = TestClock()
        var mined: [Bytes32] = []
        var contract: Bytes20?
        var headHash = Bytes32.zero
        var roots: [UInt64: Bytes32] = [:]
        var balancesAt: [UInt64: UInt256] = [:]
        do {
            let chain = try open(dir)
            let pool = TxPool(chain: chain)
            let producer = BlockProducer(chain: chain, pool: pool, blockTime: 1, now: clock.next)
            let deploy = signedEIP1559(devAccounts[0], nonce: 0, to: nil, data: loggerInit, gas: 200_000)
            mined.append(try pool.add(raw: deploy.encodedEnvelope()))
            mined.append(try pool.add(raw: signedLegacy(devAccounts[1], nonce: 0, to: devAccounts[2].address, value: ether).encodedEnvelope()))
            let b1 = try producer.produceBlock()
            #expect(b1.transactions.count == 3)  // L1 attributes + 2
            #expect(b1.transactions[0].transaction.type == .deposit)
            // The L1-attributes deposit: 164 bytes of Ecotone calldata to a code-less predeploy, so it
            // uses exactly its intrinsic gas (21000 + 4 per zero byte + 16 per non-zero byte).
            let calldata = b1.transactions[0].transaction.data
            #expect(calldata.count == 164 && Array(calldata.prefix(4)) == [0x44, 0x0a, 0x5e, 0x20])
            let zeros = UInt64(calldata.filter { $0 == 0 }.count)
            #expect(b1.receipts[0].gasUsed == 21_000 + 4 * zeros + 16 * (164 - zeros))
            #expect(b1.receipts[0].receipt.depositNonce == 0 && b1.receipts[0].receipt.depositReceiptVersion == 1)
            #expect(b1.receipts.allSatisfy { $0.receipt.succeeded == true })
            contract = b1.receipts.compactMap(\.contractAddress).first
            #expect(contract != nil)
            // Calls with logs and storage writes from two senders over several blocks.
            for i in 0..<6 {
                let word = UInt256(UInt64(i + 1)).bigEndianBytes
                let tx = signedEIP1559(devAccounts[2], nonce: UInt64(i), to: contract, data: word, gas: 60_000)
                mined.append(try pool.add(raw: tx.encodedEnvelope()))
                let tx2 = signedEIP1559(devAccounts[0], nonce: UInt64(i + 1), to: devAccounts[3].address, value: UInt256(UInt64(i)))
                mined.append(try pool.add(raw: tx2.encodedEnvelope()))
                let b = try producer.produceBlock()
                #expect(b.transactions.count == 3)
                #expect(b.receipts[1].receipt.logs.count + b.receipts[2].receipt.logs.count == 1)
                roots[b.header.header.number] = b.header.header.stateRoot
                balancesAt[b.header.header.number] = chain.snapshot.accounts[devAccounts[3].address]?.balance ?? .zero
                // Independent recomputation of the whole state root from the flat state.
                #expect(b.header.header.stateRoot == StateCommitment.computeStateRoot(chain.snapshot.accounts))
            }
            #expect(pool.count == 0)
            headHash = chain.snapshot.head.hash
            #expect(chain.snapshot.accounts[contract!]?.storage[UInt256(bigEndian: devAccounts[2].address.bytes)!] == UInt256(6))
            // Historical state via reverse diffs.
            for (n, bal) in balancesAt {
                let acc = try chain.accounts(atBlock: n)
                #expect(acc?[devAccounts[3].address]?.balance ?? .zero == bal)
                #expect(StateCommitment.computeStateRoot(acc ?? [:]) == roots[n])
            }
            try chain.store.close()
        }
        // Reopen: the flat state is reloaded and its root checked against the head header.
        let chain = try open(dir)
        #expect(chain.snapshot.head.hash == headHash)
        #expect(chain.snapshot.number == 7)
        for h in mined {
            let loc = try chain.location(ofTransaction: h)
            #expect(loc != nil)
            if let loc {
                let receipts = try chain.receipts(number: loc.block)
                #expect(receipts?[loc.index].transactionHash == h)
                let txs = try chain.transactions(number: loc.block)
                #expect(txs.map { SealedTransaction($0[loc.index]).hash } == h)
            }
        }
        // Stored receipts and the header's receipts root agree.
        for n in 1...7 {
            let hdr = try chain.header(number: UInt64(n))!
            let rs = try chain.receipts(number: UInt64(n))!
            #expect(BlockRootsCheck.receiptsRoot(rs) == hdr.header.receiptsRoot)
            var seen = UInt64(0)
            for r in rs {
                #expect(r.firstLogIndex == seen)
                seen += UInt64(r.receipt.logs.count)
            }
        }
    }

    @Test func importReExecutesProducedBlocks() throws {
        let clock = TestClock()
        let a = try open(makeTempDir())
        let b = try open(makeTempDir())
        #expect(a.snapshot.head.hash == b.snapshot.head.hash)
        let pool = TxPool(chain: a)
        let producer = BlockProducer(chain: a, pool: pool, blockTime: 1, now: clock.next)
        for i in 0..<5 {
            try pool.add(signedEIP1559(devAccounts[0], nonce: UInt64(i), to: devAccounts[1].address, value: ether).sealedCopy())
            if i == 0 { try pool.add(signedEIP1559(devAccounts[1], nonce: 0, to: nil, data: loggerInit, gas: 200_000).sealedCopy()) }
            let blk = try producer.produceBlock()
            let full = Block(header: blk.header.header, transactions: blk.transactions.map(\.transaction), withdrawals: [])
            let imported = try b.importBlock(full)
            #expect(imported.header.hash == blk.header.hash)
        }
        #expect(b.snapshot.head.header.stateRoot == a.snapshot.head.header.stateRoot)
        // A tampered block is refused.
        try pool.add(signedEIP1559(devAccounts[2], nonce: 0, to: devAccounts[1].address, value: ether).sealedCopy())
        let blk = try producer.produceBlock()
        var h = blk.header.header
        h.stateRoot = Bytes32(Keccak256.hash([1]).bytes)
        #expect(throws: L2ChainError.self) {
            try b.importBlock(Block(header: h, transactions: blk.transactions.map(\.transaction), withdrawals: []))
        }
    }
}

enum BlockRootsCheck {
    /// Receipts root through `orderedTrieRoot` over the consensus encodings.
    static func receiptsRoot(_ rs: [ReceiptRecord]) -> Bytes32 {
        orderedTrieRoot(rs.map { $0.receipt.encoded() })
    }
}

extension Transaction {
    func sealedCopy() -> SealedTransaction { SealedTransaction(self) }
}

@Suite struct CallExecutorTests {
    @Test func estimateIsSufficientAndTight() throws {
        let clock = TestClock()
        let chain = try L2Chain(path: makeTempDir("call"), config: devConfig())
        let pool = TxPool(chain: chain)
        let producer = BlockProducer(chain: chain, pool: pool, blockTime: 1, now: clock.next)
        try pool.add(signedEIP1559(devAccounts[0], nonce: 0, to: nil, data: loggerInit, gas: 200_000).sealedCopy())
        let b = try producer.produceBlock()
        let contract = try #require(b.receipts.compactMap(\.contractAddress).first)
        let snap = chain.snapshot
        let ctx = chain.nextContext(timestamp: clock.next())
        // A first write to a fresh slot: SSTORE 20k + cold costs; the estimate must be enough and minimal.
        let data = UInt256(7).bigEndianBytes
        let req = CallRequest(from: devAccounts[1].address, to: contract, data: data)
        let est: UInt64 = try runWithLargeStack {
            CallExecutor.estimateGas(req, cap: 30_000_000, accounts: snap.accounts, context: ctx, config: chain.config)
        }.get()
        let atEstimate = runWithLargeStack {
            CallExecutor.call(req, gasLimit: est, accounts: snap.accounts, context: ctx, config: chain.config)
        }
        let below = runWithLargeStack {
            CallExecutor.call(req, gasLimit: est - 1, accounts: snap.accounts, context: ctx, config: chain.config)
        }
        #expect(try atEstimate.get().status == .success)
        #expect((try? below.get().status) != .success)
        // The estimate used as a real transaction's gas limit succeeds.
        try pool.add(signedEIP1559(devAccounts[1], nonce: 0, to: contract, data: data, gas: est).sealedCopy())
        let b2 = try producer.produceBlock()
        #expect(b2.receipts.last?.receipt.succeeded == true)
        #expect(b2.receipts.last?.gasUsed ?? 0 <= est)
        // A revert surfaces with its output; intrinsic gas is checked.
        let reverter = CallRequest(from: devAccounts[1].address, to: nil, data: [0x60, 0x2a, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xfd])
        let r = runWithLargeStack {
            CallExecutor.call(reverter, gasLimit: 100_000, accounts: snap.accounts, context: ctx, config: chain.config)
        }
        #expect(try r.get().status == .revert)
        #expect(try r.get().output == UInt256(42).bigEndianBytes)
        let low = runWithLargeStack {
            CallExecutor.call(req, gasLimit: 20_000, accounts: snap.accounts, context: ctx, config: chain.config)
        }
        #expect(throws: CallError.self) { try low.get() }
    }
}
