/// Errors from decoding untrusted bytes. Carries the offset where decoding failed.
public enum DecodeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Needed more bytes than remain.
    case truncated(offset: Int, needed: Int, remaining: Int)
    /// A length or count exceeds a limit fixed before allocation.
    case tooLarge(offset: Int, value: UInt64, limit: UInt64)
    /// A CompactSize integer that is not minimally encoded.
    case nonCanonicalCompactSize(offset: Int)
    /// Bytes left over after a complete object.
    case trailingBytes(offset: Int, count: Int)
    /// Any other structural violation.
    case invalid(offset: Int, reason: String)

    public var description: String {
        switch self {
        case let .truncated(o, n, r): return "truncated at offset \(o): needed \(n) bytes, \(r) remain"
        case let .tooLarge(o, v, l): return "value \(v) at offset \(o) exceeds limit \(l)"
        case let .nonCanonicalCompactSize(o): return "non-canonical CompactSize at offset \(o)"
        case let .trailingBytes(o, c): return "\(c) trailing bytes at offset \(o)"
        case let .invalid(o, r): return "invalid data at offset \(o): \(r)"
        }
    }
}
