import EVM
import Ethereum
import Execution
import Foundation
import MerkleTrie
import Precompiles
import Primitives
import TestSupport
import Testing

/// BlockchainTests (Cancun) through the `hemi evm blocktest` library code: a few directories in the
/// unit suite (the whole tree runs from the CLI in `scripts/conformance`), tampered fixtures that
/// must fail, and the executor's header rules against EIP vectors and mutated fixture headers.
@Suite struct BlockchainTestTests {
    static let directories = [
        "ValidBlocks/bcEIP4844-blobtransactions", "ValidBlocks/bcExample", "ValidBlocks/bcEIP1559",
        "ValidBlocks/bcRandomBlockhashTest", "ValidBlocks/bcForkStressTest", "InvalidBlocks/bc4895-withdrawals",
        "InvalidBlocks/bcInvalidHeaderTest", "InvalidBlocks/bcMultiChainTest", "InvalidBlocks/bcEIP1559",
    ]

    static func path(_ relative: String) throws -> String {
        let p = TestData.path("ethereum/BlockchainTests/" + relative)
        guard FileManager.default.fileExists(atPath: p) else { throw TestDataError.notFound(p) }
        return p
    }

    @Test(arguments: directories)
    func blockchainTests(_ dir: String) throws {
        let s = BlockchainTestRunner().run(paths: [try Self.path(dir)])
        let detail = s.failures.prefix(20).joined(separator: "\n")
        #expect(s.failed == 0, "\(dir): \(s.line)\n\(detail)")
        #expect(s.passed > 0, "\(dir): nothing ran (\(s.line))")
        #expect(s.skipped == 0)
    }

    /// Loads the single test of a fixture file.
    static func fixture(_ relative: String) throws -> (name: String, test: [String: Any]) {
        let data = try Data(contentsOf: URL(fileURLWithPath: try path(relative)))
        guard let obj = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let (name, t) = obj.first, let test = t as? [String: Any]
        else { throw TestDataError.notFound(relative) }
        return (name, test)
    }

    /// Runs `test` (after `mutate`) from a temporary file; returns the summary.
    static func runMutated(_ relative: String, _ mutate: (inout [String: Any]) -> Void) throws
        -> StateTestRunner.Summary
    {
        var (name, test) = try fixture(relative)
        mutate(&test)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "blocktest-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: [name: test]).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return BlockchainTestRunner().run(paths: [file.path])
    }

    static let example = "ValidBlocks/bcExample/shanghaiExample.json"

    @Test func unmodifiedFixturePasses() throws {
        let s = try Self.runMutated(Self.example) { _ in }
        #expect(s.passed == 1 && s.failed == 0, "\(s.failures)")
    }

    @Test func tamperedPostStateFails() throws {
        let s = try Self.runMutated(Self.example) { t in
            guard var post = t["postState"] as? [String: Any], let (addr, a) = post.first,
                var acct = a as? [String: Any]
            else { return }
            acct["balance"] = "0x0123456789"
            post[addr] = acct
            t["postState"] = post
        }
        #expect(s.failed == 1, "\(s.line)")
        #expect(s.failures.first?.contains("balance") == true, "\(s.failures)")
    }

    @Test func tamperedLastBlockHashFails() throws {
        let s = try Self.runMutated(Self.example) { t in
            t["lastblockhash"] = "0x" + String(repeating: "11", count: 32)
        }
        #expect(s.failed == 1 && s.failures.first?.contains("lastblockhash") == true, "\(s.failures)")
    }

    @Test func validBlockMarkedInvalidFails() throws {
        let s = try Self.runMutated(Self.example) { t in
            guard var blocks = t["blocks"] as? [[String: Any]], !blocks.isEmpty else { return }
            blocks[0]["expectException"] = "BlockException.INVALID_STATE_ROOT"
            t["blocks"] = blocks
        }
        #expect(s.failed == 1 && s.failures.first?.contains("was imported") == true, "\(s.failures)")
    }

    /// Networks the executor does not implement are failures with a reason, never skips.
    @Test(arguments: ["London", "Osaka", "ShanghaiToCancunAtTime15k"])
    func unsupportedNetworkIsReportedNotSkipped(_ network: String) throws {
        let s = try Self.runMutated(Self.example) { t in t["network"] = network }
        #expect(s.failed == 1 && s.skipped == 0, "\(s.line)")
        #expect(s.failures.first?.contains("not supported") == true, "\(s.failures)")
    }

    // MARK: Header rules

    /// Genesis and block 1 headers of a fixture.
    static func headerPair() throws -> (parent: BlockHeader, child: Block) {
        let (_, t) = try fixture(example)
        guard let g = (t["genesisRLP"] as? String).flatMap({ Hex.decode($0) }),
            let b = ((t["blocks"] as? [[String: Any]])?.first?["rlp"] as? String).flatMap({ Hex.decode($0) })
        else { throw TestDataError.notFound(example) }
        return (try Block.decode(g).header, try Block.decode(b))
    }

    static func rejects(
        _ mutate: (inout BlockHeader) -> Void, fork: EVM.Fork = .cancun, parentGasLimit: UInt64? = nil
    ) throws -> BlockValidationError? {
        var (parent, block) = try headerPair()
        if let parentGasLimit { parent.gasLimit = parentGasLimit }
        var h = block.header
        mutate(&h)
        do {
            try BlockExecutor(fork: fork).validateHeader(h, parent: parent)
            return nil
        } catch {
            return error
        }
    }

    @Test func headerRules() throws {
        let (parent, block) = try Self.headerPair()
        try BlockExecutor(fork: .cancun).validateHeader(block.header, parent: parent)
        let pg: UInt64 = 30_000_000
        #expect(
            try Self.rejects { $0.number += 1 } == .numberMismatch(expected: parent.number + 1, got: parent.number + 2))
        #expect(try Self.rejects { $0.timestamp = parent.timestamp } != nil)
        #expect(try Self.rejects { $0.extraData = [UInt8](repeating: 0, count: 33) } == .extraDataTooLong(33))
        #expect(try Self.rejects { $0.extraData = [UInt8](repeating: 0, count: 32) } == nil)
        #expect(
            try Self.rejects({ $0.gasLimit = pg + pg / 1024 }, parentGasLimit: pg)
                == .gasLimitOutOfBounds(parent: pg, got: pg + pg / 1024))
        #expect(try Self.rejects({ $0.gasLimit = pg + pg / 1024 - 1 }, parentGasLimit: pg) == nil)
        #expect(try Self.rejects({ $0.gasLimit = pg - pg / 1024 + 1 }, parentGasLimit: pg) == nil)
        #expect(try Self.rejects({ $0.gasLimit = pg - pg / 1024 }, parentGasLimit: pg) != nil)
        #expect(try Self.rejects({ $0.gasLimit = 4999 }, parentGasLimit: 5000) == .gasLimitBelowMinimum(4999))
        #expect(try Self.rejects { $0.gasLimit = 1 << 63 } == .gasLimitTooBig(1 << 63))
        let limit = block.header.gasLimit
        #expect(try Self.rejects { $0.gasUsed = limit + 1 } == .gasUsedAboveLimit(gasUsed: limit + 1, gasLimit: limit))
        #expect(try Self.rejects { $0.difficulty = .one } == .difficultyNotZero)
        #expect(try Self.rejects { $0.nonce = 1 } == .nonceNotZero)
        #expect(try Self.rejects { $0.ommersHash = .zero } == .ommersNotEmpty)
        #expect(try Self.rejects { $0.baseFeePerGas = ($0.baseFeePerGas ?? .zero) &+ .one } != nil)
        #expect(try Self.rejects { $0.parentBeaconBlockRoot = nil } == .missingHeaderField("parentBeaconBlockRoot"))
        #expect(try Self.rejects { $0.excessBlobGas = 1 } == .excessBlobGasMismatch(expected: 0, got: 1))
        #expect(try Self.rejects { $0.blobGasUsed = 1 } == .blobGasUsedInvalid(1))
        #expect(try Self.rejects { $0.blobGasUsed = 7 << 17 } == .blobGasUsedInvalid(7 << 17))
        // Prague needs requestsHash; a Cancun header has none.
        #expect(try Self.rejects({ _ in }, fork: .prague) == .missingHeaderField("requestsHash"))
    }

    /// The fixture's first block through the public executor API on its own large-stack thread.
    @Test func executeOnLargeStack() throws {
        let (_, t) = try Self.fixture(Self.example)
        let pre = try Self.accounts(t["pre"])
        let (parent, block) = try Self.headerPair()
        let e = BlockExecutor(fork: .cancun)
        let r = try e.executeOnLargeStack(block, parent: parent, state: pre, blockHashes: [0: parent.computeHash()])
        #expect(r.stateRoot == block.header.stateRoot)
        #expect(r.gasUsed == block.header.gasUsed)
        #expect(r.receipts.count == block.transactions.count)
        #expect(r.requests.isEmpty)
        var wrong = block
        wrong.header.gasUsed += 1
        #expect(throws: BlockValidationError.gasUsedMismatch(expected: wrong.header.gasUsed, got: block.header.gasUsed))
        {
            try e.executeOnLargeStack(wrong, parent: parent, state: pre, blockHashes: [:])
        }
    }

    /// A transaction reaching a placeholder precompile fails the block with a named reason, not a
    /// wrong root. Runs while KZG point evaluation (0x0a) is still a placeholder.
    @Test func placeholderPrecompileIsNamed() throws {
        guard
            case .failure(_, .notImplemented) = PendingPrecompiles.kzgPointEvaluation(
                input: [UInt8](repeating: 0, count: 192), gasLimit: 100_000)
        else { return }  // implemented: nothing left to name
        let (_, t) = try Self.fixture(Self.example)
        let pre = try Self.accounts(t["pre"])
        let (parent, original) = try Self.headerPair()
        // The fixture's funded sender (ethereum/tests' well-known test key).
        let key = try #require([UInt8](hex: "45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8"))
        let sender = try #require(EVMAddress(hex: "a94f5374fce5edbc8e2a8697c15331677e6ebf0b"))
        let unsigned = Transaction.dynamicFee(
            DynamicFeeTransaction(
                chainID: .one, nonce: pre[sender]?.nonce ?? 0, maxPriorityFeePerGas: .zero,
                maxFeePerGas: original.header.baseFeePerGas ?? .zero, gasLimit: 200_000,
                to: EVMAddress(hex: "000000000000000000000000000000000000000a"), value: .zero,
                data: [UInt8](repeating: 0, count: 192), accessList: [],
                signature: TransactionSignature(v: .zero, r: .zero, s: .zero)))
        let tx = try #require(unsigned.signed(privateKey: key))
        var block = original
        block.transactions = [tx]
        block.header.transactionsRoot = BlockRoots.computeTransactionsRoot([tx])
        #expect(throws: BlockValidationError.unimplementedPrecompile(index: 0, "kzgPointEvaluation")) {
            try BlockExecutor(fork: .cancun).executeOnLargeStack(
                block, parent: parent, state: pre, blockHashes: [:])
        }
    }

    /// A fixture's `pre`/`postState` as accounts.
    static func accounts(_ v: Any?) throws -> [EVMAddress: Account] {
        guard let obj = v as? [String: [String: Any]] else { throw TestDataError.notFound("pre") }
        var out: [EVMAddress: Account] = [:]
        for (a, o) in obj {
            guard let address = EVMAddress(hex: a), let nonce = (o["nonce"] as? String).flatMap({ UInt256(hex: $0) }),
                let balance = (o["balance"] as? String).flatMap({ UInt256(hex: $0) }),
                let code = (o["code"] as? String).flatMap({ Hex.decode($0) })
            else { throw TestDataError.notFound("account \(a)") }
            var storage: [UInt256: UInt256] = [:]
            for (k, v) in (o["storage"] as? [String: String]) ?? [:] {
                if let key = UInt256(hex: k), let value = UInt256(hex: v), !value.isZero { storage[key] = value }
            }
            out[address] = Account(nonce: nonce.l0, balance: balance, code: code, storage: storage)
        }
        return out
    }

    /// go-ethereum `TestCalcBaseFee` (consensus/misc/eip1559).
    @Test func baseFeeVectors() {
        func parent(used: UInt64) -> BlockHeader {
            BlockHeader(
                number: 1, gasLimit: 20_000_000, gasUsed: used, timestamp: 1, baseFeePerGas: UInt256(1_000_000_000))
        }
        #expect(BlockExecutor.computeBaseFee(parent: parent(used: 10_000_000)) == UInt256(1_000_000_000))
        #expect(BlockExecutor.computeBaseFee(parent: parent(used: 9_000_000)) == UInt256(987_500_000))
        #expect(BlockExecutor.computeBaseFee(parent: parent(used: 11_000_000)) == UInt256(1_012_500_000))
    }

    /// go-ethereum `TestCalcExcessBlobGas` (consensus/misc/eip4844), Cancun target 3 blobs and
    /// Prague target 6 (EIP-7691).
    @Test(arguments: [(EVM.Fork.cancun, UInt64(3)), (.prague, 6)])
    func excessBlobGasVectors(_ fork: EVM.Fork, _ targetBlobs: UInt64) {
        let perBlob: UInt64 = 1 << 17
        let target = targetBlobs * perBlob
        let e = BlockExecutor(fork: fork)
        func calc(_ excess: UInt64, _ blobs: UInt64) -> UInt64 {
            e.computeExcessBlobGas(
                parent: BlockHeader(
                    number: 1, gasLimit: 1, timestamp: 1, blobGasUsed: blobs * perBlob, excessBlobGas: excess))
        }
        #expect(calc(0, 0) == 0)
        #expect(calc(0, 1) == 0)
        #expect(calc(0, targetBlobs) == 0)
        #expect(calc(0, targetBlobs + 1) == perBlob)
        #expect(calc(1, targetBlobs + 1) == perBlob + 1)
        #expect(calc(1, targetBlobs + 2) == 2 * perBlob + 1)
        #expect(calc(target, targetBlobs) == target)
        #expect(calc(target, targetBlobs - 1) == target - perBlob)
        #expect(calc(target, targetBlobs - 2) == target - 2 * perBlob)
        #expect(calc(perBlob - 1, targetBlobs - 1) == 0)
    }

    /// EIP-6110: the request is the five ABI `bytes` fields of `DepositEvent` concatenated.
    @Test func depositLogLayout() {
        func word(_ v: Int) -> [UInt8] {
            [UInt8](repeating: 0, count: 24) + (0..<8).map { UInt8(truncatingIfNeeded: v >> (56 - 8 * $0)) }
        }
        func padded(_ b: [UInt8]) -> [UInt8] { b + [UInt8](repeating: 0, count: (32 - b.count % 32) % 32) }
        let fields: [[UInt8]] = [
            [UInt8](repeating: 0xa1, count: 48), [UInt8](repeating: 0xb2, count: 32), [1, 2, 3, 4, 5, 6, 7, 8],
            [UInt8](repeating: 0xc3, count: 96), [8, 7, 6, 5, 4, 3, 2, 1],
        ]
        // ABI head: five offsets; tail: length word + padded bytes each.
        var tail: [UInt8] = []
        var head: [UInt8] = []
        for f in fields {
            head += word(5 * 32 + tail.count)
            tail += word(f.count) + padded(f)
        }
        let data = head + tail
        #expect(data.count == 576)
        #expect(SystemCalls.depositRequest(fromLogData: data) == fields.flatMap { $0 })
        var bad = data
        bad[31] = 0xa1  // the first offset must be 160 (0xa0)
        #expect(SystemCalls.depositRequest(fromLogData: bad) == nil)
        #expect(SystemCalls.depositRequest(fromLogData: Array(data.dropLast())) == nil)
    }
}
