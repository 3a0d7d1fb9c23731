import Foundation
import Testing

@testable import RPC

@Suite struct JSONParserTests {
    @Test func parsesScalarsAndContainers() throws {
        #expect(try JSONParser.parse("null") == .null)
        #expect(try JSONParser.parse(" true ") == .bool(true))
        #expect(try JSONParser.parse("false") == .bool(false))
        #expect(try JSONParser.parse("-1.5e+3") == .number("-1.5e+3"))
        #expect(try JSONParser.parse("0") == .number("0"))
        #expect(try JSONParser.parse(#""a\"b\\c\u0041\n\/""#) == .string("a\"b\\cA\n/"))
        #expect(try JSONParser.parse(#"[1,[2,{"a":[]}],{}]"#) == [1, [2, ["a": []]], [:]])
        #expect(try JSONParser.parse(" \t\r\n[ 1 , 2 ]\n") == [1, 2])
    }

    @Test func unicodeEscapes() throws {
        // U+1F600 as a surrogate pair (RFC 8259 §7).
        #expect(try JSONParser.parse(#""\ud83d\ude00""#) == .string("\u{1F600}"))
        #expect(try JSONParser.parse(#""\u00e9\u20AC""#) == .string("é€"))
        // Lone surrogates become U+FFFD (Go encoding/json behaviour).
        #expect(try JSONParser.parse(#""\ud83dx""#) == .string("\u{FFFD}x"))
        #expect(try JSONParser.parse(#""\ude00""#) == .string("\u{FFFD}"))
        #expect(try JSONParser.parse(#""\ud83d\u0041""#) == .string("\u{FFFD}A"))
        // Raw multi-byte UTF-8 passes through.
        #expect(try JSONParser.parse("\"日本\"") == .string("日本"))
    }

    @Test func duplicateKeysLastWins() throws {
        let v = try JSONParser.parse(#"{"a":1,"a":2}"#)
        #expect(v["a"] == 2)
        #expect(v.objectValue?.count == 2)
    }

    @Test(arguments: [
        ("", JSONParseError.empty),
        ("   ", .empty),
        ("[", .unexpectedEnd),
        ("[1,", .unexpectedEnd),
        (#"{"a""#, .unexpectedEnd),
        (#""abc"#, .unexpectedEnd),
        ("01", .trailingData(offset: 1)),
        ("1.", .invalidNumber(offset: 0)),
        ("-", .invalidNumber(offset: 0)),
        ("1e", .invalidNumber(offset: 0)),
        ("1e+", .invalidNumber(offset: 0)),
        ("+1", .unexpectedByte(offset: 0, byte: UInt8(ascii: "+"))),
        (".5", .unexpectedByte(offset: 0, byte: UInt8(ascii: "."))),
        ("[1,]", .unexpectedByte(offset: 3, byte: UInt8(ascii: "]"))),
        (#"{"a":1,}"#, .unexpectedByte(offset: 7, byte: UInt8(ascii: "}"))),
        (#"{1:2}"#, .unexpectedByte(offset: 1, byte: UInt8(ascii: "1"))),
        (#"{"a" 1}"#, .unexpectedByte(offset: 5, byte: UInt8(ascii: "1"))),
        ("[1 2]", .unexpectedByte(offset: 3, byte: UInt8(ascii: "2"))),
        ("tru", .unexpectedEnd),
        ("nul1", .unexpectedByte(offset: 3, byte: UInt8(ascii: "1"))),
        ("NaN", .unexpectedByte(offset: 0, byte: UInt8(ascii: "N"))),
        (#""\x""#, .invalidEscape(offset: 1)),
        (#""\u12G4""#, .invalidEscape(offset: 1)),
        ("\"a\u{01}\"", .controlCharacter(offset: 2)),
        ("\"a\\n\u{0A}\"", .controlCharacter(offset: 4)),
        ("{} {}", .trailingData(offset: 3)),
        ("[]x", .trailingData(offset: 2)),
    ])
    func rejects(_ text: String, _ expected: JSONParseError) {
        #expect(throws: expected) { try JSONParser.parse(text) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONParseError.invalidUTF8(offset: 0)) { try JSONParser.parse([0x22, 0xFF, 0x22]) }
        #expect(throws: JSONParseError.invalidUTF8(offset: 0)) { try JSONParser.parse([0x22, 0xC3, 0x22]) }
        // Overlong encoding of "/" and an encoded surrogate are invalid UTF-8 too.
        #expect(throws: JSONParseError.invalidUTF8(offset: 0)) { try JSONParser.parse([0x22, 0xC0, 0xAF, 0x22]) }
        #expect(throws: JSONParseError.invalidUTF8(offset: 1)) {
            try JSONParser.parse([0x5B, 0x22, 0xED, 0xA0, 0x80, 0x5C, 0x6E, 0x22, 0x5D])
        }
    }

    @Test func sizeLimitBeforeWork() throws {
        let limits = JSONParseLimits(maxBytes: 10, maxDepth: 64)
        #expect(throws: JSONParseError.tooLarge(size: 11, limit: 10)) {
            try JSONParser.parse("[1,2,3,4,5]", limits: limits)
        }
        #expect(try JSONParser.parse("[1,2,3,45]", limits: limits) == [1, 2, 3, 45])
    }

    @Test func depthLimitWithoutRecursion() throws {
        let limits = JSONParseLimits(maxBytes: 10_000_000, maxDepth: 64)
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        _ = try JSONParser.parse(ok, limits: limits)
        let bad = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(throws: JSONParseError.tooDeep(offset: 64, limit: 64)) { try JSONParser.parse(bad, limits: limits) }
        let objects = String(repeating: #"{"a":"#, count: 65) + "1" + String(repeating: "}", count: 65)
        #expect(throws: JSONParseError.tooDeep(offset: 64 * 5, limit: 64)) {
            try JSONParser.parse(objects, limits: limits)
        }
        // A million open brackets neither recurses nor allocates per level beyond the limit.
        let hostile = [UInt8](repeating: UInt8(ascii: "["), count: 1_000_000)
        #expect(throws: JSONParseError.tooDeep(offset: 64, limit: 64)) { try JSONParser.parse(hostile, limits: limits) }
        // The depth limit is clamped to JSONParseLimits.maxAllowedDepth: values are destroyed, compared
        // and serialized recursively, so a limit of a million would only move the crash elsewhere.
        let clamped = JSONParseLimits(maxBytes: 10_000_000, maxDepth: 1_000_000)
        #expect(clamped.maxDepth == JSONParseLimits.maxAllowedDepth)
        let n = JSONParseLimits.maxAllowedDepth
        let deepest = String(repeating: "[", count: n) + String(repeating: "]", count: n)
        let v = try JSONParser.parse(deepest, limits: clamped)
        #expect(try JSONParser.parse(v.serialized(), limits: clamped) == v)
        #expect(throws: JSONParseError.tooDeep(offset: n, limit: n)) {
            try JSONParser.parse("[" + deepest + "]", limits: clamped)
        }
    }

    @Test func serializationEscapes() {
        let s: JSONValue = .string("q\"b\\n\n\r\t\u{01}\u{1F}é")
        #expect(s.jsonString == #""q\"b\\n\n\r\t\u0001\u001fé""#)
        let o: JSONValue = ["b": 1, "a": [true, false, .null], "c": .number("1.5e3")]
        #expect(o.jsonString == #"{"b":1,"a":[true,false,null],"c":1.5e3}"#)
    }

    /// Oracle: Foundation's JSONSerialization reads what we write, for random documents.
    @Test func serializerAgreesWithFoundation() throws {
        var rng = SplitMix64(seed: 0x5eed)
        for _ in 0..<300 {
            let value = randomValue(&rng, depth: 0)
            let bytes = value.serialized()
            let foreign = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
            #expect(matches(value, foreign), "\(value.jsonString)")
            // And our parser reads it back to the same value.
            #expect(try JSONParser.parse(bytes) == value)
        }
    }

    /// Mutated documents never crash the parser; whatever it accepts re-serializes to a fixed point.
    @Test func mutationsNeverCrash() throws {
        var rng = SplitMix64(seed: 42)
        let seeds = [
            #"{"jsonrpc":"2.0","id":1,"method":"eth_call","params":[{"to":"0x00","data":"0xab"},"latest"]}"#,
            #"[{"a":[1,2.5e-3,"\u00e9\ud83d\ude00"]},null,true,false,-0]"#,
        ]
        for seed in seeds {
            let base = Array(seed.utf8)
            for _ in 0..<3000 {
                var b = base
                for _ in 0..<(1 + Int(rng.next() % 4)) {
                    let pos = Int(rng.next() % UInt64(b.count))
                    switch rng.next() % 3 {
                    case 0: b[pos] = UInt8(truncatingIfNeeded: rng.next())
                    case 1: b.remove(at: pos)
                    default: b.insert(Array("{}[]\",:\\0-e".utf8)[Int(rng.next() % 11)], at: pos)
                    }
                    if b.isEmpty { break }
                }
                if let v = try? JSONParser.parse(b) {
                    #expect(try JSONParser.parse(v.serialized()) == v)
                }
            }
        }
    }
}

struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

private func randomString(_ rng: inout SplitMix64) -> String {
    let alphabet: [Character] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{01}", "é", "€", "\u{1F600}"]
    return String((0..<Int(rng.next() % 8)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
}

private func randomValue(_ rng: inout SplitMix64, depth: Int) -> JSONValue {
    let pick = rng.next() % (depth > 3 ? 4 : 6)
    switch pick {
    case 0: return .null
    case 1: return .bool(rng.next() % 2 == 0)
    case 2: return .int(Int64(bitPattern: rng.next()) >> Int64(rng.next() % 60))
    case 3: return .string(randomString(&rng))
    case 4: return .array((0..<Int(rng.next() % 4)).map { _ in randomValue(&rng, depth: depth + 1) })
    default:
        var o = JSONObject()
        for i in 0..<Int(rng.next() % 4) { o.append("k\(i)" + randomString(&rng), randomValue(&rng, depth: depth + 1)) }
        return .object(o)
    }
}

/// Structural equality between our value and Foundation's.
private func matches(_ v: JSONValue, _ f: Any) -> Bool {
    switch v {
    case .null: return f is NSNull
    case .bool(let b): return (f as? NSNumber).map { $0 == NSNumber(value: b) } ?? false
    case .number(let text): return (f as? NSNumber).map { $0.int64Value == Int64(text) } ?? false
    case .string(let s): return (f as? String) == s
    case .array(let a):
        guard let fa = f as? [Any], fa.count == a.count else { return false }
        return zip(a, fa).allSatisfy { matches($0, $1) }
    case .object(let o):
        guard let fo = f as? [String: Any], fo.count == o.count else { return false }
        return o.allSatisfy { k, v in fo[k].map { matches(v, $0) } ?? false }
    }
}
