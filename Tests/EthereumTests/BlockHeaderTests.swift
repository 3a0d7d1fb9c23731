import Ethereum
import Foundation
import Hashing
import MerkleTrie
import Primitives
import Testing

/// Block, header and withdrawal codecs against ethereum/tests BlockchainTests (Cancun): every genesis
/// and block RLP decodes, re-encodes byte for byte, hashes to the fixture's `hash`, and its fields
/// equal the fixture's JSON `blockHeader`; roots recomputed from the decoded body match the header.
@Suite struct BlockHeaderTests {
    static func field(_ h: [String: Any], _ k: String) -> String? { h[k] as? String }

    /// Compares each JSON header field with the decoded header; returns the names that differ.
    static func diff(_ header: BlockHeader, _ json: [String: Any]) -> [String] {
        var bad: [String] = []
        func b32(_ k: String, _ v: Bytes32?) { if field(json, k).flatMap({ Bytes32(hex: $0) }) != v { bad.append(k) } }
        func u256(_ k: String, _ v: UInt256?) { if field(json, k).flatMap({ UInt256(hex: $0) }) != v { bad.append(k) } }
        func u64(_ k: String, _ v: UInt64?) {
            if field(json, k).flatMap({ UInt256(hex: $0) }) != v.map({ UInt256($0) }) { bad.append(k) }
        }
        b32("parentHash", header.parentHash)
        b32("uncleHash", header.ommersHash)
        if field(json, "coinbase").flatMap({ Bytes20(hex: $0) }) != header.coinbase { bad.append("coinbase") }
        b32("stateRoot", header.stateRoot)
        b32("transactionsTrie", header.transactionsRoot)
        b32("receiptTrie", header.receiptsRoot)
        if field(json, "bloom").flatMap({ [UInt8](hex: $0) }) != header.logsBloom.bytes { bad.append("bloom") }
        u256("difficulty", header.difficulty)
        u64("number", header.number)
        u64("gasLimit", header.gasLimit)
        u64("gasUsed", header.gasUsed)
        u64("timestamp", header.timestamp)
        if field(json, "extraData").flatMap({ [UInt8](hex: $0) }) != header.extraData { bad.append("extraData") }
        b32("mixHash", header.mixHash)
        u64("nonce", header.nonce)
        u256("baseFeePerGas", header.baseFeePerGas)
        b32("withdrawalsRoot", header.withdrawalsRoot)
        u64("blobGasUsed", header.blobGasUsed)
        u64("excessBlobGas", header.excessBlobGas)
        b32("parentBeaconBlockRoot", header.parentBeaconBlockRoot)
        b32("requestsHash", header.requestsHash)
        return bad
    }

    /// Decodes `rlpHex` as a block and checks it against `json` (a fixture `blockHeader`).
    static func check(rlpHex: String, json: [String: Any], label: String) -> Bool {
        guard let bytes = [UInt8](hex: rlpHex) else {
            Issue.record("\(label): rlp is not hex")
            return false
        }
        let block: Block
        do { block = try Block.decode(bytes) } catch {
            Issue.record("\(label): \(error)")
            return false
        }
        var ok = true
        func expect(_ c: Bool, _ what: String) {
            if !c {
                ok = false
                Issue.record("\(label): \(what)")
            }
        }
        expect(block.encoded() == bytes, "re-encoding differs")
        expect(block.header.encoded() == bytes.headerItem(), "header re-encoding differs")
        expect(field(json, "hash").flatMap({ Bytes32(hex: $0) }) == block.header.computeHash(), "hash")
        expect(SealedBlockHeader(block.header).hash == block.header.hash, "sealed hash")
        let d = diff(block.header, json)
        expect(d.isEmpty, "fields differ: \(d)")
        expect(BlockRoots.computeTransactionsRoot(block.transactions) == block.header.transactionsRoot, "tx root")
        expect(BlockRoots.computeOmmersHash(block.ommers) == block.header.ommersHash, "ommers hash")
        if let w = block.withdrawals {
            expect(BlockRoots.computeWithdrawalsRoot(w) == block.header.withdrawalsRoot, "withdrawals root")
        }
        if let b = try? BlockHeader.decode(block.header.encoded()) { expect(b == block.header, "header round trip") }
        return ok
    }

    @Test func fixtureHeadersRoundTripAndHash() throws {
        let files = try Fixture.jsonFiles(under: "ethereum/BlockchainTests")
        #expect(!files.isEmpty)
        var checked = 0
        var passed = 0
        for file in files {
            for (name, t) in try Fixture.object(file) {
                guard let t = t as? [String: Any] else { continue }
                if let g = t["genesisRLP"] as? String, let gh = t["genesisBlockHeader"] as? [String: Any] {
                    checked += 1
                    if Self.check(rlpHex: g, json: gh, label: "\(file) \(name) genesis") { passed += 1 }
                }
                for b in (t["blocks"] as? [[String: Any]]) ?? [] {
                    guard let rlp = b["rlp"] as? String, let h = b["blockHeader"] as? [String: Any] else { continue }
                    checked += 1
                    if Self.check(rlpHex: rlp, json: h, label: "\(file) \(name) block") { passed += 1 }
                }
            }
        }
        print("BlockchainTests headers (decode, re-encode, hash, fields, roots): \(passed)/\(checked)")
        #expect(checked > 1000)
        #expect(passed == checked)
    }

    /// Fixture blocks whose expected exception is an RLP structure error must not decode.
    @Test func malformedFixtureBlocksAreRejected() throws {
        let files = try Fixture.jsonFiles(under: "ethereum/BlockchainTests/InvalidBlocks")
        var count = 0
        for file in files {
            for (name, t) in try Fixture.object(file) {
                guard let t = t as? [String: Any] else { continue }
                for b in (t["blocks"] as? [[String: Any]]) ?? [] {
                    guard let ex = b["expectException"] as? String, ex.contains("RLP_"),
                        let rlp = (b["rlp"] as? String).flatMap({ [UInt8](hex: $0) })
                    else { continue }
                    count += 1
                    #expect(throws: BlockDecodingError.self, "\(file) \(name): \(ex)") { try Block.decode(rlp) }
                }
            }
        }
        #expect(count >= 10)
    }

    @Test func optionalFieldsArePositional() throws {
        var h = BlockHeader(number: 1, gasLimit: 30_000_000, timestamp: 12)
        // No optional fields: 15 items.
        var item = try RLP.decode(h.encoded())
        #expect(item.listValue?.count == 15)
        h.baseFeePerGas = UInt256(7)
        h.withdrawalsRoot = BlockHeader.emptyTrieRoot
        item = try RLP.decode(h.encoded())
        #expect(item.listValue?.count == 17)
        #expect(try BlockHeader.decode(h.encoded()) == h)
        h.blobGasUsed = 0
        h.excessBlobGas = 0
        h.parentBeaconBlockRoot = .zero
        h.requestsHash = BlockRequests.emptyRequestsHash
        item = try RLP.decode(h.encoded())
        #expect(item.listValue?.count == 21)
        #expect(try BlockHeader.decode(h.encoded()) == h)
        // One extra trailing item after requestsHash is rejected.
        var items = item.listValue ?? []
        items.append(.bytes([1]))
        #expect(throws: RLPError.self) { try BlockHeader.decode(RLPItem.list(items).encoded()) }
        // A nonce that is not 8 bytes is rejected.
        items = Array((item.listValue ?? []).prefix(15))
        items[14] = .bytes([1, 2, 3])
        #expect(throws: RLPError.self) { try BlockHeader.decode(RLPItem.list(items).encoded()) }
    }

    @Test func emptyConstants() {
        #expect(BlockHeader.emptyOmmersHash == Keccak256.hash([0xc0]))
        #expect(BlockHeader.emptyTrieRoot == Keccak256.hash([0x80]))
        #expect(BlockRoots.computeReceiptsRoot([]) == BlockHeader.emptyTrieRoot)
    }

    @Test func withdrawalRoundTrip() throws {
        let w = Withdrawal(
            index: 5, validatorIndex: 0x10000, address: Bytes20([UInt8](repeating: 0xaa, count: 20)), amount: 1)
        // Hand-assembled per EIP-4895: [index, validatorIndex, address, amount].
        let want: [UInt8] = [0xdb, 0x05, 0x83, 0x01, 0x00, 0x00, 0x94] + [UInt8](repeating: 0xaa, count: 20) + [0x01]
        #expect(w.rlpEncoded() == want)
        #expect(try Withdrawal(rlpEncoded: want) == w)
        #expect(w.amountInWei == UInt256(1_000_000_000))
    }
}

extension Array where Element == UInt8 {
    /// The first item inside a top-level RLP list (test helper: the header inside a block).
    fileprivate func headerItem() -> [UInt8] {
        var r = RLPReader(self)
        guard var l = try? r.readList(), let h = try? l.readEncodedItem() else { return [] }
        return Array(h)
    }
}
