/// Limits applied while parsing untrusted JSON.
public struct JSONParseLimits: Sendable, Hashable {
    /// Largest accepted input in bytes (checked before any work).
    public var maxBytes: Int
    /// Deepest accepted nesting of arrays and objects (`[[1]]` has depth 2).
    public var maxDepth: Int

    /// - Parameters:
    ///   - maxBytes: defaults to 5 MiB (geth's HTTP body limit).
    ///   - maxDepth: defaults to 64; real Ethereum requests nest at most ~6 levels. Clamped to
    ///     ``maxAllowedDepth``.
    public init(maxBytes: Int = 5 * 1024 * 1024, maxDepth: Int = 64) {
        self.maxBytes = maxBytes
        self.maxDepth = max(0, min(maxDepth, JSONParseLimits.maxAllowedDepth))
    }

    /// The largest depth limit accepted (1024). Parsing is iterative, but a parsed ``JSONValue`` is
    /// destroyed, compared and serialized recursively; 1024 levels stay far inside a 512 KiB stack.
    public static let maxAllowedDepth = 1024
}

/// Why a JSON text was rejected. Offsets are byte offsets into the input.
public enum JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The input is larger than ``JSONParseLimits/maxBytes``.
    case tooLarge(size: Int, limit: Int)
    /// Nesting deeper than ``JSONParseLimits/maxDepth``.
    case tooDeep(offset: Int, limit: Int)
    /// The input is empty or only whitespace.
    case empty
    /// The input ended inside a value.
    case unexpectedEnd
    /// A byte that cannot start or continue a value here.
    case unexpectedByte(offset: Int, byte: UInt8)
    /// A number that does not follow RFC 8259 grammar (`01`, `1.`, `-`, `1e`).
    case invalidNumber(offset: Int)
    /// A bad backslash escape or `\u` sequence.
    case invalidEscape(offset: Int)
    /// A raw control character (< 0x20) inside a string.
    case controlCharacter(offset: Int)
    /// A string that is not valid UTF-8.
    case invalidUTF8(offset: Int)
    /// Non-whitespace after the top-level value.
    case trailingData(offset: Int)

    public var description: String {
        switch self {
        case .tooLarge(let size, let limit): "JSON text of \(size) bytes exceeds the limit of \(limit)"
        case .tooDeep(let offset, let limit): "JSON nesting deeper than \(limit) at offset \(offset)"
        case .empty: "empty JSON text"
        case .unexpectedEnd: "unexpected end of JSON input"
        case .unexpectedByte(let offset, let byte): "invalid character 0x\(String(byte, radix: 16)) at offset \(offset)"
        case .invalidNumber(let offset): "invalid number at offset \(offset)"
        case .invalidEscape(let offset): "invalid escape at offset \(offset)"
        case .controlCharacter(let offset): "control character in string at offset \(offset)"
        case .invalidUTF8(let offset): "invalid UTF-8 in string at offset \(offset)"
        case .trailingData(let offset): "trailing data after JSON value at offset \(offset)"
        }
    }
}

/// An RFC 8259 JSON parser for untrusted input.
///
/// It is iterative (an explicit stack, so deep input cannot overflow the thread stack), checks the
/// size limit before reading and the depth limit before descending, rejects invalid UTF-8, raw
/// control characters in strings, leading zeros and trailing garbage. Lone UTF-16 surrogates in
/// `\u` escapes become U+FFFD, as in Go's `encoding/json`.
public enum JSONParser {
    /// Parses one JSON text.
    public static func parse(_ bytes: UnsafeRawBufferPointer, limits: JSONParseLimits = .init()) throws(JSONParseError)
        -> JSONValue
    {
        guard bytes.count <= limits.maxBytes else { throw .tooLarge(size: bytes.count, limit: limits.maxBytes) }
        var p = Parser(bytes: bytes, maxDepth: max(0, min(limits.maxDepth, JSONParseLimits.maxAllowedDepth)))
        return try p.parseDocument()
    }

    /// Parses one JSON text.
    public static func parse(_ bytes: [UInt8], limits: JSONParseLimits = .init()) throws(JSONParseError) -> JSONValue {
        let r: Result<JSONValue, JSONParseError> = bytes.withUnsafeBytes { buf in
            do throws(JSONParseError) { return .success(try parse(buf, limits: limits)) } catch { return .failure(error) }
        }
        return try r.get()
    }

    /// Parses one JSON text.
    public static func parse(_ text: String, limits: JSONParseLimits = .init()) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8), limits: limits)
    }
}

private enum Frame {
    case array([JSONValue])
    case object(JSONObject, key: String)
}

private struct Parser {
    let b: UnsafeRawBufferPointer
    let maxDepth: Int
    var i = 0
    var stack: [Frame] = []

    init(bytes: UnsafeRawBufferPointer, maxDepth: Int) {
        b = bytes
        self.maxDepth = maxDepth
    }

    @inline(__always) mutating func skipWhitespace() {
        while i < b.count {
            switch b[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            default: return
            }
        }
    }

    @inline(__always) func peek() throws(JSONParseError) -> UInt8 {
        guard i < b.count else { throw .unexpectedEnd }
        return b[i]
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        guard i < b.count else { throw .empty }
        var value: JSONValue
        outer: while true {
            // Parse the start of a value; containers push a frame and continue with their first element.
            skipWhitespace()
            let c = try peek()
            switch c {
            case UInt8(ascii: "{"):
                guard stack.count < maxDepth else { throw .tooDeep(offset: i, limit: maxDepth) }
                i += 1
                skipWhitespace()
                if try peek() == UInt8(ascii: "}") {
                    i += 1
                    value = .object(JSONObject())
                } else {
                    let key = try parseKey()
                    stack.append(.object(JSONObject(), key: key))
                    continue outer
                }
            case UInt8(ascii: "["):
                guard stack.count < maxDepth else { throw .tooDeep(offset: i, limit: maxDepth) }
                i += 1
                skipWhitespace()
                if try peek() == UInt8(ascii: "]") {
                    i += 1
                    value = .array([])
                } else {
                    stack.append(.array([]))
                    continue outer
                }
            case UInt8(ascii: "\""):
                value = .string(try parseString())
            case UInt8(ascii: "t"):
                try literal("true")
                value = .bool(true)
            case UInt8(ascii: "f"):
                try literal("false")
                value = .bool(false)
            case UInt8(ascii: "n"):
                try literal("null")
                value = .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                value = .number(try parseNumber())
            default:
                throw .unexpectedByte(offset: i, byte: c)
            }
            // Complete containers upward until one wants another element.
            while let top = stack.popLast() {
                skipWhitespace()
                let sep = try peek()
                switch top {
                case .array(var arr):
                    arr.append(value)
                    if sep == UInt8(ascii: ",") {
                        i += 1
                        stack.append(.array(arr))
                        continue outer
                    } else if sep == UInt8(ascii: "]") {
                        i += 1
                        value = .array(arr)
                    } else {
                        throw .unexpectedByte(offset: i, byte: sep)
                    }
                case .object(var obj, let key):
                    obj.append(key, value)
                    if sep == UInt8(ascii: ",") {
                        i += 1
                        skipWhitespace()
                        let next = try parseKey()
                        stack.append(.object(obj, key: next))
                        continue outer
                    } else if sep == UInt8(ascii: "}") {
                        i += 1
                        value = .object(obj)
                    } else {
                        throw .unexpectedByte(offset: i, byte: sep)
                    }
                }
            }
            break outer
        }
        skipWhitespace()
        guard i == b.count else { throw .trailingData(offset: i) }
        return value
    }

    /// Parses `"key"` and the following `:`, leaving `i` after the colon.
    mutating func parseKey() throws(JSONParseError) -> String {
        let c = try peek()
        guard c == UInt8(ascii: "\"") else { throw .unexpectedByte(offset: i, byte: c) }
        let key = try parseString()
        skipWhitespace()
        let colon = try peek()
        guard colon == UInt8(ascii: ":") else { throw .unexpectedByte(offset: i, byte: colon) }
        i += 1
        return key
    }

    mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let n = word.utf8CodeUnitCount
        guard b.count - i >= n else { throw .unexpectedEnd }
        let w = word.utf8Start
        for k in 0..<n where b[i + k] != w[k] {
            throw .unexpectedByte(offset: i + k, byte: b[i + k])
        }
        i += n
    }

    mutating func parseNumber() throws(JSONParseError) -> String {
        let start = i
        if b[i] == UInt8(ascii: "-") { i += 1 }
        guard i < b.count else { throw .invalidNumber(offset: start) }
        if b[i] == UInt8(ascii: "0") {
            i += 1
        } else if b[i] >= UInt8(ascii: "1") && b[i] <= UInt8(ascii: "9") {
            while i < b.count, b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") { i += 1 }
        } else {
            throw .invalidNumber(offset: start)
        }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            let digits = i
            while i < b.count, b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") { i += 1 }
            guard i > digits else { throw .invalidNumber(offset: start) }
        }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            let digits = i
            while i < b.count, b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") { i += 1 }
            guard i > digits else { throw .invalidNumber(offset: start) }
        }
        return String(decoding: UnsafeRawBufferPointer(rebasing: b[start..<i]), as: UTF8.self)
    }

    /// Parses a string starting at the opening quote; leaves `i` after the closing quote.
    mutating func parseString() throws(JSONParseError) -> String {
        let open = i
        i += 1
        let start = i
        // Fast path: no escapes.
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                let s = String(validating: UnsafeRawBufferPointer(rebasing: b[start..<i]), as: UTF8.self)
                guard let s else { throw .invalidUTF8(offset: open) }
                i += 1
                return s
            }
            if c == UInt8(ascii: "\\") { break }
            if c < 0x20 { throw .controlCharacter(offset: i) }
            i += 1
        }
        guard i < b.count else { throw .unexpectedEnd }
        // Slow path: decode escapes into a buffer.
        var out = [UInt8](UnsafeRawBufferPointer(rebasing: b[start..<i]))
        while true {
            guard i < b.count else { throw .unexpectedEnd }
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                guard let s = String(validating: out, as: UTF8.self) else { throw .invalidUTF8(offset: open) }
                return s
            }
            if c < 0x20 { throw .controlCharacter(offset: i) }
            if c != UInt8(ascii: "\\") {
                out.append(c)
                i += 1
                continue
            }
            let esc = i
            i += 1
            guard i < b.count else { throw .unexpectedEnd }
            let e = b[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4(escapeOffset: esc)
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    // High surrogate: a low surrogate escape must follow, else U+FFFD.
                    if b.count - i >= 6, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u") {
                        let save = i
                        i += 2
                        let low = try hex4(escapeOffset: save)
                        if low >= 0xDC00 && low < 0xE000 {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            i = save
                            scalar = 0xFFFD
                        }
                    } else {
                        scalar = 0xFFFD
                    }
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    scalar = 0xFFFD
                }
                appendUTF8(scalar, to: &out)
            default:
                throw .invalidEscape(offset: esc)
            }
        }
    }

    /// Reads 4 hex digits at `i`.
    mutating func hex4(escapeOffset: Int) throws(JSONParseError) -> UInt32 {
        guard b.count - i >= 4 else { throw .unexpectedEnd }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = b[i]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw .invalidEscape(offset: escapeOffset)
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }

    func appendUTF8(_ v: UInt32, to out: inout [UInt8]) {
        switch v {
        case 0..<0x80:
            out.append(UInt8(v))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (v >> 6)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (v >> 12)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (v >> 18)))
            out.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        }
    }
}
