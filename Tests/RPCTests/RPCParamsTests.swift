import Primitives
import Testing

@testable import RPC

/// Quantity/data rules follow go-ethereum's `common/hexutil` tests (json_test.go / hexutil_test.go).
@Suite struct RPCParamsTests {
    private func code(_ body: () throws -> Void) -> Int? {
        do {
            try body()
            return nil
        } catch let error as RPCError {
            return error.code
        } catch {
            return nil
        }
    }

    @Test(arguments: [
        ("0x0", "0"), ("0x1", "1"), ("0x12", "18"), ("0xff", "255"), ("0xFF", "255"),
        ("0x" + String(repeating: "f", count: 64),
         "115792089237316195423570985008687907853269984665640564039457584007913129639935"),
    ])
    func quantityAccepts(_ text: String, _ decimal: String) throws {
        let v = try JSONValue.string(text).quantity()
        #expect(v == UInt256(decimal: decimal))
    }

    @Test(arguments: [
        JSONValue.string(""), "0x", "0", "1", "0x01", "0x00", "0xg", "0x-1", "0x 1",
        .string("0x1" + String(repeating: "0", count: 64)), 1, .null, true, [], [:],
    ])
    func quantityRejects(_ v: JSONValue) {
        #expect(code { _ = try v.quantity() } == -32602)
    }

    @Test func uint64Bounds() throws {
        #expect(try JSONValue.string("0xffffffffffffffff").uint64() == UInt64.max)
        #expect(code { _ = try JSONValue.string("0x10000000000000000").uint64() } == -32602)
    }

    @Test func dataRules() throws {
        #expect(try JSONValue.string("0x").data() == [])
        #expect(try JSONValue.string("0x00ff").data() == [0x00, 0xff])
        #expect(try JSONValue.string("0xABcd").data() == [0xab, 0xcd])
        for bad: JSONValue in ["0x0", "00", "0xzz", "", 5] {
            #expect(code { _ = try bad.data() } == -32602)
        }
    }

    @Test func addressAndHash() throws {
        let a = try JSONValue.string("0x52908400098527886E0F7030069857D2E4169EE7").address()
        #expect(a.hex == "52908400098527886e0f7030069857d2e4169ee7")
        #expect(code { _ = try JSONValue.string("0x52908400098527886E0F7030069857D2E4169E").address() } == -32602)
        #expect(code { _ = try JSONValue.string("52908400098527886E0F7030069857D2E4169EE7").address() } == -32602)
        let h = "0x" + String(repeating: "ab", count: 32)
        #expect(try JSONValue.string(h).hash().hex == String(repeating: "ab", count: 32))
        #expect(code { _ = try JSONValue.string(h + "00").hash() } == -32602)
    }

    @Test func blockTags() throws {
        let hash = "0x" + String(repeating: "11", count: 32)
        let h = try #require(Bytes32(hex: String(repeating: "11", count: 32)))
        let cases: [(JSONValue, BlockTag)] = [
            ("latest", .latest), ("pending", .pending), ("safe", .safe), ("finalized", .finalized),
            ("earliest", .earliest), ("0x0", .number(0)), ("0x1b4", .number(436)),
            (.string(hash), .hash(h, requireCanonical: false)),
            (["blockNumber": "0x10"], .number(16)),
            (["blockNumber": "latest"], .latest),
            (["blockHash": .string(hash)], .hash(h, requireCanonical: false)),
            (["blockHash": .string(hash), "requireCanonical": true], .hash(h, requireCanonical: true)),
        ]
        for (json, tag) in cases {
            #expect(try json.blockTag() == tag, "\(json.jsonString)")
            #expect(try tag.json.blockTag() == tag)
        }
        let bad: [JSONValue] = [
            "Latest", "0x", "0x01", 5, .null, [:], ["blockHash": .string(hash), "blockNumber": "0x1"],
            ["blockHash": "0x11"], ["blockHash": .string(hash), "requireCanonical": "yes"], "0x8000000000000000",
        ]
        for b in bad {
            #expect(code { _ = try b.blockTag() } == -32602, "\(b.jsonString)")
        }
        #expect(try JSONValue.string("0x7fffffffffffffff").blockTag() == .number(UInt64(Int64.max)))
    }

    @Test func positionalAccessors() throws {
        let p = RPCParams(["0x2a", .string("0x" + String(repeating: "0", count: 40)), true, .null])
        #expect(try p.uint64(0) == 42)
        #expect(try p.address(1) == Bytes20.zero)
        #expect(try p.bool(2) == true)
        #expect(try p.optionalBlockTag(3) == nil)
        #expect(try p.optionalBlockTag(4) == nil)
        #expect(code { _ = try p.bool(3) } == -32602)
        #expect(code { _ = try p.uint64(9) } == -32602)
        #expect(code { try p.expectCount(max: 3) } == -32602)
        #expect(code { try p.expectCount(min: 5, max: 6) } == -32602)
        #expect(code { try p.expectCount(min: 1, max: 4) } == nil)
        do throws(RPCError) {
            _ = try p.bool(0)
            Issue.record("expected a throw")
        } catch {
            #expect(error.message == "argument 0: expected bool, got string")
        }
    }

    @Test func outputHelpers() {
        #expect(JSONValue.quantity(UInt64(0)) == "0x0")
        #expect(JSONValue.quantity(UInt64(0x1b4)) == "0x1b4")
        #expect(JSONValue.quantity(UInt256.max) == .string("0x" + String(repeating: "f", count: 64)))
        #expect(JSONValue.data([UInt8]()) == "0x")
        #expect(JSONValue.data([0x00, 0x0a]) == "0x000a")
    }
}
