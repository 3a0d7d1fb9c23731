import Ethereum
import Foundation
import Hashing
import MerkleTrie
import Primitives
import Testing

/// ethereum/tests BlockchainTests (Cancun): for every block with a header in the fixture, decode the
/// block RLP's transactions (legacy lists and typed envelopes wrapped as strings), check each sender,
/// and check `transactionsTrie` and `withdrawalsRoot` with `orderedTrieRoot`, and the header hash.
@Suite struct BlockTransactionsTests {
    static func check(block: [String: Any], fork: Fork) throws -> (ok: Bool, why: String) {
        guard let rlpHex = block["rlp"] as? String, let bytes = [UInt8](hex: rlpHex),
            let header = block["blockHeader"] as? [String: Any]
        else { return (false, "shape") }
        var r = RLPReader(bytes)
        var body = try r.readList()
        let headerEnc = Array(try body.readEncodedItem())
        if let h = header["hash"] as? String, Bytes32(hex: h) != Keccak256.hash(headerEnc) {
            return (false, "header hash")
        }
        var txReader = try body.readList()
        var envelopes: [[UInt8]] = []
        var senders: [Bytes20] = []
        let rules = TransactionRules(fork: fork, chainID: UInt256(1))
        while !txReader.isAtEnd {
            let tx = try Transaction.read(blockEncodingFrom: &txReader)
            envelopes.append(tx.encodedEnvelope())
            senders.append(try tx.validate(rules: rules).sender)
        }
        if let expected = block["transactions"] as? [[String: Any]] {
            if expected.count != senders.count { return (false, "transaction count") }
            for (e, got) in zip(expected, senders) {
                // A few fixtures omit `sender` for hand-made signatures; compare where given.
                if let s = e["sender"] as? String, Bytes20(hex: s) != got { return (false, "sender \(got) != \(s)") }
            }
        }
        if let root = header["transactionsTrie"] as? String, Bytes32(hex: root) != orderedTrieRoot(envelopes) {
            return (false, "transactionsTrie")
        }
        try body.skipItem()  // uncles
        if !body.isAtEnd, let wroot = header["withdrawalsRoot"] as? String {
            var ws = try body.readList()
            var items: [[UInt8]] = []
            while !ws.isAtEnd { items.append(Array(try ws.readEncodedItem())) }
            if Bytes32(hex: wroot) != orderedTrieRoot(items) { return (false, "withdrawalsRoot") }
        }
        return (true, "")
    }

    @Test func transactionsAndWithdrawalsRoots() throws {
        let files = try Fixture.jsonFiles(under: "ethereum/BlockchainTests")
        #expect(!files.isEmpty)
        var passed = 0
        var total = 0
        var txCount = 0
        for file in files {
            for (name, t) in try Fixture.object(file) {
                guard let t = t as? [String: Any], let blocks = t["blocks"] as? [[String: Any]],
                    let fork = (t["network"] as? String).flatMap({ Fork(name: $0) })
                else { continue }
                for b in blocks where b["expectException"] == nil && b["blockHeader"] != nil {
                    total += 1
                    txCount += (b["transactions"] as? [Any])?.count ?? 0
                    do {
                        let (ok, why) = try Self.check(block: b, fork: fork)
                        if ok { passed += 1 } else { Issue.record("\(file) \(name): \(why)") }
                    } catch {
                        Issue.record("\(file) \(name): \(error)")
                    }
                }
            }
        }
        print("BlockchainTests blocks (tx/withdrawal roots, senders): \(passed)/\(total), \(txCount) transactions")
        #expect(total > 0)
    }
}
