/// A JSON value for the API servers (no Foundation): parsing with depth and size limits, and
/// compact serialization.
public enum JSON: Hashable, Sendable {
    case null
    case bool(Bool)
    /// Integers that fit in 64 bits are kept exact.
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSON])
    /// Keys in insertion order (serialization keeps it).
    case object([(String, JSON)])

    public static func == (a: JSON, b: JSON) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.int(x), .int(y)): return x == y
        case let (.double(x), .double(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    public func hash(into h: inout Hasher) { h.combine(serialized()) }

    /// Member of an object.
    public subscript(key: String) -> JSON? {
        guard case let .object(kv) = self else { return nil }
        return kv.first { $0.0 == key }?.1
    }

    /// Element of an array.
    public subscript(index: Int) -> JSON? {
        guard case let .array(a) = self, index >= 0, index < a.count else { return nil }
        return a[index]
    }

    public var stringValue: String? { if case let .string(s) = self { return s } else { return nil } }
    public var intValue: Int64? {
        switch self {
        case let .int(i): return i
        case let .double(d) where d == d.rounded() && abs(d) < 9e15: return Int64(d)
        default: return nil
        }
    }
    public var doubleValue: Double? {
        switch self {
        case let .int(i): return Double(i)
        case let .double(d): return d
        default: return nil
        }
    }
    public var boolValue: Bool? { if case let .bool(b) = self { return b } else { return nil } }
    public var arrayValue: [JSON]? { if case let .array(a) = self { return a } else { return nil } }

    /// Compact serialization.
    public func serialized() -> String {
        var out = ""
        write(into: &out)
        return out
    }

    func write(into out: inout String) {
        switch self {
        case .null: out += "null"
        case let .bool(b): out += b ? "true" : "false"
        case let .int(i): out += String(i)
        case let .double(d):
            if d.isFinite { out += "\(d)" } else { out += "null" }
        case let .string(s): JSON.writeString(s, into: &out)
        case let .array(a):
            out += "["
            for (i, v) in a.enumerated() {
                if i > 0 { out += "," }
                v.write(into: &out)
            }
            out += "]"
        case let .object(kv):
            out += "{"
            for (i, (k, v)) in kv.enumerated() {
                if i > 0 { out += "," }
                JSON.writeString(k, into: &out)
                out += ":"
                v.write(into: &out)
            }
            out += "}"
        }
    }

    static func writeString(_ s: String, into out: inout String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let h = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }

    /// Parses one JSON document (surrounding whitespace allowed). Nesting deeper than `maxDepth` is rejected.
    public static func parse(_ bytes: some Collection<UInt8>, maxDepth: Int = 32) throws(JSONError) -> JSON {
        var p = JSONParser(bytes: Array(bytes), maxDepth: maxDepth)
        p.skipWS()
        let v = try p.value(depth: 0)
        p.skipWS()
        guard p.i == p.b.count else { throw .trailing(p.i) }
        return v
    }

    /// Parses a string.
    public static func parse(_ s: String, maxDepth: Int = 32) throws(JSONError) -> JSON {
        try parse(Array(s.utf8), maxDepth: maxDepth)
    }
}

/// Why a document is not JSON.
public enum JSONError: Error, Hashable, Sendable {
    case unexpected(Int)
    case endOfInput
    case tooDeep
    case badNumber(Int)
    case badString(Int)
    case trailing(Int)
}

struct JSONParser {
    let b: [UInt8]
    let maxDepth: Int
    var i = 0

    init(bytes: [UInt8], maxDepth: Int) {
        b = bytes
        self.maxDepth = maxDepth
    }

    mutating func skipWS() {
        while i < b.count, b[i] == 0x20 || b[i] == 0x0a || b[i] == 0x0d || b[i] == 0x09 { i += 1 }
    }

    mutating func literal(_ s: String, _ v: JSON) throws(JSONError) -> JSON {
        let u = Array(s.utf8)
        guard i + u.count <= b.count, Array(b[i..<i + u.count]) == u else { throw .unexpected(i) }
        i += u.count
        return v
    }

    mutating func value(depth: Int) throws(JSONError) -> JSON {
        guard depth <= maxDepth else { throw .tooDeep }
        guard i < b.count else { throw .endOfInput }
        switch b[i] {
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "["):
            i += 1
            var a: [JSON] = []
            skipWS()
            if i < b.count, b[i] == UInt8(ascii: "]") {
                i += 1
                return .array(a)
            }
            while true {
                skipWS()
                a.append(try value(depth: depth + 1))
                skipWS()
                guard i < b.count else { throw .endOfInput }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                if b[i] == UInt8(ascii: "]") { i += 1; return .array(a) }
                throw .unexpected(i)
            }
        case UInt8(ascii: "{"):
            i += 1
            var kv: [(String, JSON)] = []
            skipWS()
            if i < b.count, b[i] == UInt8(ascii: "}") {
                i += 1
                return .object(kv)
            }
            while true {
                skipWS()
                guard i < b.count, b[i] == UInt8(ascii: "\"") else { throw .unexpected(i) }
                let k = try string()
                skipWS()
                guard i < b.count, b[i] == UInt8(ascii: ":") else { throw .unexpected(i) }
                i += 1
                skipWS()
                kv.append((k, try value(depth: depth + 1)))
                skipWS()
                guard i < b.count else { throw .endOfInput }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                if b[i] == UInt8(ascii: "}") { i += 1; return .object(kv) }
                throw .unexpected(i)
            }
        default: return try number()
        }
    }

    mutating func number() throws(JSONError) -> JSON {
        let start = i
        var isInt = true
        if i < b.count, b[i] == UInt8(ascii: "-") { i += 1 }
        var digits = 0
        while i < b.count {
            let c = b[i]
            if c >= 0x30 && c <= 0x39 {
                digits += 1
            } else if c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") || c == UInt8(ascii: "+")
                || c == UInt8(ascii: "-")
            {
                isInt = false
            } else {
                break
            }
            i += 1
        }
        guard digits > 0, i - start <= 64 else { throw .badNumber(start) }
        let s = String(decoding: b[start..<i], as: UTF8.self)
        if isInt, let v = Int64(s) { return .int(v) }
        guard let d = Double(s) else { throw .badNumber(start) }
        return .double(d)
    }

    mutating func hex4() throws(JSONError) -> UInt32 {
        guard i + 4 <= b.count else { throw .badString(i) }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = b[i]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw .badString(i)
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }

    mutating func string() throws(JSONError) -> String {
        i += 1  // opening quote
        var out: [UInt8] = []
        while true {
            guard i < b.count else { throw .endOfInput }
            let c = b[i]
            i += 1
            if c == UInt8(ascii: "\"") { break }
            if c < 0x20 { throw .badString(i - 1) }
            if c != UInt8(ascii: "\\") {
                out.append(c)
                continue
            }
            guard i < b.count else { throw .endOfInput }
            let e = b[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5c)
            case UInt8(ascii: "/"): out.append(0x2f)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0c)
            case UInt8(ascii: "n"): out.append(0x0a)
            case UInt8(ascii: "r"): out.append(0x0d)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var cp = try hex4()
                if cp >= 0xD800 && cp < 0xDC00, i + 6 <= b.count, b[i] == 0x5c, b[i + 1] == UInt8(ascii: "u") {
                    i += 2
                    let lo = try hex4()
                    guard lo >= 0xDC00 && lo < 0xE000 else { throw .badString(i) }
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(cp) else { throw .badString(i) }
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
            default: throw .badString(i - 1)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
