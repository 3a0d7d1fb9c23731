import Ethereum
import Foundation
import Primitives
import Testing
import TestSupport

@Suite struct RLPFixtureTests {
    /// Builds the expected encoding of a fixture `in` value with the direct encoders.
    static func encode(_ v: Any, into out: inout [UInt8]) throws {
        if let s = v as? String {
            if s.hasPrefix("#") {
                let digits = s.dropFirst()
                guard let be = Fixture.decimalBytes(digits) else { throw FixtureError.shape(s) }
                if let u = UInt256(decimal: digits) {
                    RLP.append(u, to: &out)
                } else {
                    RLP.append(bytes: be, to: &out)  // beyond 256 bits: still a minimal big-endian string
                }
            } else {
                RLP.append(bytes: Array(s.utf8), to: &out)
            }
        } else if let n = v as? NSNumber {
            RLP.append(n.uint64Value, to: &out)
        } else if let l = v as? [Any] {
            var err: (any Error)?
            RLP.appendList(to: &out) { o in
                for e in l {
                    do { try encode(e, into: &o) } catch { err = error }
                }
            }
            if let err { throw err }
        } else {
            throw FixtureError.shape("\(v)")
        }
    }

    @Test func validVectors() throws {
        let tests = try Fixture.object("ethereum/RLPTests/rlptest.json")
        var passed = 0
        for (name, t) in tests.sorted(by: { $0.key < $1.key }) {
            guard let t = t as? [String: Any], let input = t["in"], let outHex = t["out"] as? String,
                let expected = [UInt8](hex: outHex)
            else { throw FixtureError.shape(name) }
            var enc: [UInt8] = []
            try Self.encode(input, into: &enc)
            #expect(enc == expected, "\(name): encode")
            // Decode, then re-encode: identity; the generic item encoder agrees with the direct one.
            let item = try RLP.decode(expected)
            #expect(item.encoded() == expected, "\(name): re-encode")
            if enc == expected && item.encoded() == expected { passed += 1 }
        }
        print("RLPTests/rlptest.json: \(passed)/\(tests.count) passed")
        #expect(passed == tests.count)
    }

    @Test func invalidVectors() throws {
        let tests = try Fixture.object("ethereum/RLPTests/invalidRLPTest.json")
        var rejected = 0
        for (name, t) in tests.sorted(by: { $0.key < $1.key }) {
            guard let t = t as? [String: Any], let outHex = t["out"] as? String, let bytes = [UInt8](hex: outHex)
            else { throw FixtureError.shape(name) }
            do {
                let item = try RLP.decode(bytes)
                Issue.record("\(name): accepted invalid RLP as \(item)")
            } catch {
                rejected += 1
            }
        }
        print("RLPTests/invalidRLPTest.json: \(rejected)/\(tests.count) rejected")
        #expect(rejected == tests.count)
    }

    /// The invalid vectors fail for the reason their names give.
    @Test func invalidVectorReasons() throws {
        let tests = try Fixture.object("ethereum/RLPTests/invalidRLPTest.json")
        func reason(_ e: RLPError) -> String {
            switch e {
            case .nonCanonicalSingleByte: return "single"
            case .leadingZeroInLength: return "leadingZero"
            case .nonCanonicalLongForm: return "nonOptimal"
            case .truncated, .lengthTooLarge: return "truncated"  // both: declared length beyond the input
            default: return "other"
            }
        }
        let expected: [(prefix: String, reason: String)] = [
            ("bytesShouldBeSingleByte", "single"), ("leadingZerosInLongLength", "leadingZero"),
            ("nonOptimalLongLength", "nonOptimal"), ("wrongSizeList", "nonOptimal"), ("lessThan", "truncated"),
            ("emptyEncoding", "truncated"),
        ]
        var checked = 0
        for (name, t) in tests {
            guard let t = t as? [String: Any], let hex = t["out"] as? String, let bytes = [UInt8](hex: hex),
                let want = expected.first(where: { name.hasPrefix($0.prefix) })?.reason
            else { continue }
            do {
                _ = try RLP.decode(bytes)
                Issue.record("\(name) accepted")
            } catch {
                #expect(reason(error) == want, "\(name): \(error)")
                checked += 1
            }
        }
        #expect(checked >= 18)
    }

    @Test func randomVectors() throws {
        let files = try Fixture.jsonFiles(under: "ethereum/RLPTests/RandomRLPTests")
        #expect(!files.isEmpty)
        var passed = 0
        var total = 0
        for f in files {
            for (name, t) in try Fixture.object(f) {
                total += 1
                guard let t = t as? [String: Any], let outHex = t["out"] as? String, let bytes = [UInt8](hex: outHex)
                else { throw FixtureError.shape(name) }
                let item = try RLP.decode(bytes)
                #expect(item.encoded() == bytes, "\(name)")
                if item.encoded() == bytes { passed += 1 }
            }
        }
        print("RLPTests/RandomRLPTests: \(passed)/\(total) passed")
    }
}

@Suite struct RLPUnitTests {
    @Test func integers() throws {
        let cases: [(UInt64, String)] = [
            (0, "80"), (1, "01"), (0x7f, "7f"), (0x80, "8180"), (0x400, "820400"),
            (.max, "88ffffffffffffffff"),
        ]
        for (v, hex) in cases {
            #expect(RLP.encode(v).hex == hex)
            #expect(RLP.encodedLength(of: v) == hex.count / 2)
            var r = RLPReader(RLP.encode(v))
            #expect(try r.readUInt64() == v)
            #expect(RLP.encode(UInt256(v)).hex == hex)
            #expect(RLP.encodedLength(of: UInt256(v)) == hex.count / 2)
        }
        #expect(RLP.encode(UInt256.max).hex == "a0" + String(repeating: "ff", count: 32))
        var r = RLPReader(RLP.encode(UInt256.max))
        #expect(try r.readUInt256() == .max)
    }

    @Test func strictIntegers() {
        // Leading zero, and a single byte written as a string, and zero written as 0x00.
        for hex in ["820001", "8100", "00"] {
            var r = RLPReader([UInt8](hex: hex) ?? [])
            #expect(throws: RLPError.self) { _ = try r.readUInt64() }
        }
        var r = RLPReader([UInt8](hex: "89010000000000000000") ?? [])
        #expect(throws: RLPError.integerTooLarge(offset: 0, length: 9, maxBytes: 8)) { _ = try r.readUInt64() }
    }

    @Test func codableRoundTrips() throws {
        func roundTrip<T: RLPCodable & Equatable>(_ v: T) throws {
            #expect(try T(rlpEncoded: v.rlpEncoded()) == v)
        }
        for v: UInt64 in [0, 1, 127, 128, 255, 256, .max] { try roundTrip(v) }
        try roundTrip(UInt256.max)
        try roundTrip(UInt256(hex: "0x0100000000000000000000000000000000") ?? .zero)
        try roundTrip(true)
        try roundTrip(false)
        try roundTrip(Bytes20(hex: "095e7baea6a6c7c4c2dfeb977efac326af552d87") ?? .zero)
        try roundTrip(Bytes32(hex: String(repeating: "ab", count: 32)) ?? .zero)
        try roundTrip(RLPItem.list([.bytes([1, 2, 3]), .list([]), .bytes([])]))
        let entry = AccessListEntry(
            address: .zero, storageKeys: [.zero, Bytes32(hex: String(repeating: "01", count: 32)) ?? .zero])
        try roundTrip(entry)
        var list: [UInt8] = []
        RLP.append(list: [entry, entry], to: &list)
        var r = RLPReader(list)
        #expect(try r.readList(of: AccessListEntry.self) == [entry, entry])
        #expect(throws: RLPError.trailingBytes(offset: 1, count: 1)) { _ = try UInt64(rlpEncoded: [0x01, 0x02]) }
    }

    @Test func longListHeaderBackpatch() throws {
        var out: [UInt8] = []
        RLP.appendList(to: &out) { o in for _ in 0..<100 { RLP.append(UInt64(0x42), to: &o) } }
        #expect(Array(out.prefix(2)) == [0xf8, 100])
        #expect(out.count == 102)
        let item = try RLP.decode(out)
        #expect(item.listValue?.count == 100)
    }

    @Test func depthLimit() throws {
        // 0xc1 repeated: each level claims one byte of payload; the inner lengths overrun, so it is
        // rejected whatever the depth limit.
        let malformed = [UInt8](repeating: 0xc1, count: 2000) + [0xc0]
        #expect(throws: RLPError.self) { _ = try RLP.decode(malformed) }
        func nested(_ depth: Int) -> [UInt8] {
            var enc: [UInt8] = [0xc0]
            for _ in 0..<depth {
                var o: [UInt8] = []
                RLP.appendList(to: &o) { $0.append(contentsOf: enc) }
                enc = o
            }
            return enc
        }
        // `depth` wrappers around the empty list make depth + 1 nested lists.
        let ok = nested(RLPItem.defaultDepthLimit - 1)
        #expect(try RLP.decode(ok).encoded() == ok)
        #expect(throws: RLPError.self) { _ = try RLP.decode(nested(RLPItem.defaultDepthLimit)) }
    }

    /// Decoder fuzz: random and mutated inputs never crash, and anything accepted re-encodes to itself.
    @Test func fuzzDecoder() {
        var rng = SplitMix64(seed: 0x5eed)
        let seeds: [[UInt8]] = [
            [UInt8](hex: "f861f83eb9002100dc2b275d0f74e8a53e6f4ec61b27f24278820be3f82ea2110e") ?? [],
            [UInt8](hex: "c7c0c1c0c3c0c1c0") ?? [], [UInt8](hex: "ecca846b6579318476616c31ca846b65793284") ?? [],
        ]
        var accepted = 0
        for i in 0..<fuzzIterations(20_000) {
            var b: [UInt8]
            if i % 2 == 0 {
                b = (0..<Int(rng.next() % 40)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            } else {
                b = seeds[i % seeds.count]
                if !b.isEmpty {
                    let idx = Int(rng.next() % UInt64(b.count))
                    b[idx] = UInt8(truncatingIfNeeded: rng.next())
                }
            }
            if let item = try? RLP.decode(b) {
                accepted += 1
                #expect(item.encoded() == b)
            }
        }
        #expect(accepted > 0)
    }
}

