/// A JSON value as JSON-RPC sees it.
///
/// Numbers are kept as their exact, validated source text (`.number("1e3")`), so request ids echo
/// byte for byte and no precision is lost; use ``intValue`` / ``doubleValue`` to read them.
/// Objects keep their members in source (or insertion) order; lookups take the last duplicate,
/// as Go's `encoding/json` does.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// A JSON number as validated text (RFC 8259 grammar), e.g. `"42"`, `"-1.5e3"`.
    /// Build numbers with ``int(_:)`` or an integer literal; the serializer writes this text verbatim.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// A number from an integer.
    @inlinable public static func int(_ v: some BinaryInteger) -> JSONValue { .number(String(v)) }

    /// The number as an `Int`, when it is an integer literal without fraction or exponent that fits.
    public var intValue: Int? {
        guard case .number(let text) = self else { return nil }
        return Int(text)
    }

    /// The number as a `Double` (nil for non-numbers).
    public var doubleValue: Double? {
        guard case .number(let text) = self else { return nil }
        return Double(text)
    }

    /// The string payload, or nil.
    public var stringValue: String? {
        guard case .string(let s) = self else { return nil }
        return s
    }

    /// The bool payload, or nil.
    public var boolValue: Bool? {
        guard case .bool(let b) = self else { return nil }
        return b
    }

    /// The array payload, or nil.
    public var arrayValue: [JSONValue]? {
        guard case .array(let a) = self else { return nil }
        return a
    }

    /// The object payload, or nil.
    public var objectValue: JSONObject? {
        guard case .object(let o) = self else { return nil }
        return o
    }

    /// True for `.null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// Member lookup for objects (nil for missing members and non-objects).
    public subscript(key: String) -> JSONValue? {
        guard case .object(let o) = self else { return nil }
        return o[key]
    }

    /// A short name of the JSON type, for error messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

/// An ordered JSON object. Equality is order-sensitive.
public struct JSONObject: Sendable, Hashable, Sequence {
    /// Member names in order (duplicates kept as parsed).
    public private(set) var keys: [String]
    /// Member values, parallel to ``keys``.
    public private(set) var values: [JSONValue]

    /// An empty object.
    public init() {
        keys = []
        values = []
    }

    /// An object from ordered members.
    public init(_ members: [(String, JSONValue)]) {
        keys = members.map(\.0)
        values = members.map(\.1)
    }

    /// Number of members (duplicates included).
    public var count: Int { keys.count }

    /// True when the object has no members.
    public var isEmpty: Bool { keys.isEmpty }

    /// Last member named `key`; setting replaces the last such member or appends; `nil` removes all.
    public subscript(key: String) -> JSONValue? {
        get {
            var i = keys.count
            while i > 0 {
                i -= 1
                if keys[i] == key { return values[i] }
            }
            return nil
        }
        set {
            if let newValue {
                if let i = keys.lastIndex(of: key) {
                    values[i] = newValue
                } else {
                    keys.append(key)
                    values.append(newValue)
                }
            } else {
                while let i = keys.lastIndex(of: key) {
                    keys.remove(at: i)
                    values.remove(at: i)
                }
            }
        }
    }

    /// Appends a member without checking for duplicates (cheap; used by the parser and builders).
    public mutating func append(_ key: String, _ value: JSONValue) {
        keys.append(key)
        values.append(value)
    }

    /// Iterates `(key, value)` pairs in order.
    public func makeIterator() -> Zip2Sequence<[String], [JSONValue]>.Iterator {
        zip(keys, values).makeIterator()
    }
}

/// Literals. There is deliberately no `ExpressibleByNilLiteral`: with it, `cond ? value : nil` in a
/// closure returning `JSONValue?` silently produced `.some(.null)` instead of `nil`. Write `.null`.
extension JSONValue: ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(String(value)) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(JSONObject(elements)) }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self.init(elements) }
}
