import Ethereum
import Foundation
import Hashing
import MerkleTrie
import Primitives
import Testing

/// Receipts, logs and the bloom filter against go-ethereum's published vectors
/// (`core/types/bloom9_test.go`, `core/types/receipt_test.go`), plus structural checks of the
/// OP deposit receipt fields with the generic RLP decoder.
@Suite struct ReceiptBloomTests {
    static func hash(_ hexDigits: String) -> Bytes32 {
        // common.HexToHash: left-pads to 32 bytes.
        let b = [UInt8](hex: hexDigits) ?? []
        return Bytes32([UInt8](repeating: 0, count: 32 - b.count) + b)
    }

    static func address(_ b: [UInt8]) -> Bytes20 { Bytes20([UInt8](repeating: 0, count: 20 - b.count) + b) }

    /// geth's `legacyReceipt`: failed, cumulative gas 1, two logs.
    static let gethLogs = [
        Log(address: address([0x11]), topics: [hash("dead"), hash("beef")], data: [0x01, 0x00, 0xff]),
        Log(address: address([0x01, 0x11]), topics: [hash("dead"), hash("beef")], data: [0x01, 0x00, 0xff]),
    ]

    /// `TestReceiptMarshalBinary`'s `legacyWant` (the 2930 and 1559 forms are `01`/`02` ‖ the same).
    static let gethLegacyWant =
        "f901c58001b9010000000000000010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000500000000000000000000000000000000000014000000000000000000000000000000000000000000000000000000000000000000000000000010000080000000000000000000004000000000000000000000000000040000000000000000000000000000800000000000000000000000000000000000000000000000000000400000000000000000000000000000000000000000000000000000000000010000000000000000000000000000000000000000000000000000000000000f8bef85d940000000000000000000000000000000000000011f842a0000000000000000000000000000000000000000000000000000000000000deada0000000000000000000000000000000000000000000000000000000000000beef830100fff85d940000000000000000000000000000000000000111f842a0000000000000000000000000000000000000000000000000000000000000deada0000000000000000000000000000000000000000000000000000000000000beef830100ff"

    @Test func gethReceiptVectors() throws {
        let want = try #require([UInt8](hex: Self.gethLegacyWant))
        for (type, prefix) in [(TransactionType.legacy, [UInt8]()), (.accessList, [0x01]), (.dynamicFee, [0x02])] {
            let r = Receipt(type: type, succeeded: false, cumulativeGasUsed: 1, logs: Self.gethLogs)
            #expect(r.encoded() == prefix + want, "\(type)")
            #expect(try Receipt.decode(prefix + want) == r, "\(type)")
        }
    }

    @Test func gethBloomVectors() {
        var bloom = Bloom()
        for s in ["testtest", "test", "hallo", "other"] { bloom.add(Array(s.utf8)) }
        for s in ["testtest", "test", "hallo", "other"] { #expect(bloom.mightContain(Array(s.utf8))) }
        for s in ["tes", "lo"] { #expect(!bloom.mightContain(Array(s.utf8))) }

        // TestBloomExtensively.
        var b = Bloom()
        for i in 0..<100 { b.add(Array("xxxxxxxxxx data \(i) yyyyyyyyyyyyyy".utf8)) }
        #expect(
            Keccak256.hash(b.bytes) == Bytes32(hex: "c8d3ca65cdb4874300a9e39475508f23ed6da09fdbc487f89a2dcf50b09eb263"))
        #expect(Bloom(bytes: b.bytes) == b)
        #expect(Bloom(bytes: [UInt8](repeating: 0, count: 255)) == nil)
    }

    @Test func bloomOfLogsIsTheUnionOfEntries() {
        var manual = Bloom()
        for l in Self.gethLogs {
            manual.add(l.address.bytes)
            for t in l.topics { manual.add(t.bytes) }
        }
        #expect(Bloom(logs: Self.gethLogs) == manual)
        var u = Bloom(logs: [Self.gethLogs[0]])
        u.formUnion(Bloom(logs: [Self.gethLogs[1]]))
        #expect(u == manual)
        // Data is not part of the filter.
        var l = Self.gethLogs[0]
        l.data = [9, 9, 9]
        #expect(Bloom(logs: [l]) == Bloom(logs: [Self.gethLogs[0]]))
    }

    @Test func preByzantiumRootAndStatus() throws {
        let root = Bytes32([UInt8](repeating: 2, count: 32))
        let r = Receipt(type: .legacy, outcome: .stateRoot(root), cumulativeGasUsed: 3, logs: [])
        let item = try RLP.decode(r.encoded())
        #expect(item.listValue?.first == .bytes(root.bytes))
        #expect(try Receipt.decode(r.encoded()) == r)
        let ok = Receipt(type: .blob, succeeded: true, cumulativeGasUsed: 21_000, logs: [])
        #expect(ok.encoded().first == 0x03)
        #expect(try RLP.decode(Array(ok.encoded().dropFirst())).listValue?.first == .bytes([1]))
        #expect(ok.succeeded == true)
    }

    @Test func depositReceiptFields() throws {
        let r = Receipt(
            type: .deposit, outcome: .status(true), cumulativeGasUsed: 50_000, logs: [],
            depositNonce: 7, depositReceiptVersion: 1)
        let enc = r.encoded()
        #expect(enc.first == 0x7e)
        let fields = try #require(try RLP.decode(Array(enc.dropFirst())).listValue)
        #expect(fields.count == 6)
        #expect(fields[4] == .bytes([7]))
        #expect(fields[5] == .bytes([1]))
        #expect(try Receipt.decode(enc) == r)
        // Regolith (nonce only) and pre-Regolith (neither).
        let regolith = Receipt(type: .deposit, outcome: .status(true), cumulativeGasUsed: 1, logs: [], depositNonce: 0)
        #expect(try RLP.decode(Array(regolith.encoded().dropFirst())).listValue?.count == 5)
        #expect(try Receipt.decode(regolith.encoded()) == regolith)
        // Deposit fields on a non-deposit receipt are rejected.
        var bad = [UInt8]([0x02])
        RLP.appendList(to: &bad) { o in
            RLP.append(true, to: &o)
            RLP.append(UInt64(1), to: &o)
            Bloom().appendRLP(to: &o)
            RLP.append(encoded: RLP.emptyList, to: &o)
            RLP.append(UInt64(3), to: &o)
        }
        #expect(throws: ReceiptDecodingError.unexpectedDepositFields(type: .dynamicFee)) { try Receipt.decode(bad) }
    }

    @Test func malformedReceipts() {
        #expect(throws: ReceiptDecodingError.empty) { try Receipt.decode([]) }
        #expect(throws: ReceiptDecodingError.self) { try Receipt.decode([0x80]) }  // geth: errShortTypedReceipt
        #expect(throws: ReceiptDecodingError.unsupportedType(0x05)) { try Receipt.decode([0x05, 0xc0]) }
        let want = [UInt8](hex: Self.gethLegacyWant) ?? []
        #expect(throws: ReceiptDecodingError.self) { try Receipt.decode(want + [0x00]) }
        #expect(throws: ReceiptDecodingError.self) { try Receipt.decode(Array(want.dropLast())) }
    }

    @Test func requestsHash() {
        // EIP-7685: no requests hash to sha256 of nothing (geth's EmptyRequestsHash).
        #expect(
            BlockRequests.emptyRequestsHash
                == Bytes32(hex: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"))
        // Requests with empty data are left out.
        #expect(BlockRequests.computeRequestsHash([[0x00], [0x01], [0x02]]) == BlockRequests.emptyRequestsHash)
        let a: [UInt8] = [0x00, 1, 2, 3]
        let b: [UInt8] = [0x02, 4]
        let want = SHA256Hash.hash(SHA256Hash.hash(a).bytes + SHA256Hash.hash(b).bytes)
        #expect(BlockRequests.computeRequestsHash([a, [0x01], b]) == want)
    }
}
