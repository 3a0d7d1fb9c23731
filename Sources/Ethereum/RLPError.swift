/// Why a byte string is not strict canonical RLP (Yellow Paper appendix B), or why a decoded item
/// has the wrong shape for what the caller expected. Every case carries the byte offset of the
/// offending item header (or payload) in the input.
public enum RLPError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input ended before the header or payload was complete.
    case truncated(offset: Int, needed: Int, remaining: Int)
    /// A single byte below 0x80 was written as a one-byte string (`0x81 0x00…0x7f`).
    case nonCanonicalSingleByte(offset: Int)
    /// The long form (`0xb8…`/`0xf8…`) was used for a payload shorter than 56 bytes.
    case nonCanonicalLongForm(offset: Int, length: Int)
    /// A long-form length begins with a zero byte.
    case leadingZeroInLength(offset: Int)
    /// A long-form length does not fit the platform `Int` or a caller's limit.
    case lengthTooLarge(offset: Int)
    /// Bytes follow the complete top-level item (or a list's declared payload has leftovers).
    case trailingBytes(offset: Int, count: Int)
    /// A byte string was expected but a list was found.
    case expectedBytes(offset: Int)
    /// A list was expected but a byte string was found.
    case expectedList(offset: Int)
    /// An integer payload starts with a zero byte (integers are minimal big-endian; zero is `0x80`).
    case leadingZeroInInteger(offset: Int)
    /// An integer payload is longer than the target type allows.
    case integerTooLarge(offset: Int, length: Int, maxBytes: Int)
    /// A fixed-size field (address, hash) has the wrong length.
    case wrongLength(offset: Int, expected: Int, got: Int)
    /// Lists nested deeper than the decoder allows.
    case depthLimitExceeded(offset: Int, limit: Int)
    /// A list ended before all expected elements were read.
    case missingElement(offset: Int)
    /// A boolean field was neither `0x80` (false) nor `0x01` (true).
    case invalidBool(offset: Int)

    public var description: String {
        switch self {
        case .truncated(let o, let n, let r): return "RLP truncated at offset \(o): needed \(n) bytes, \(r) remain"
        case .nonCanonicalSingleByte(let o):
            return "non-canonical RLP at offset \(o): single byte below 0x80 encoded as string"
        case .nonCanonicalLongForm(let o, let l):
            return "non-canonical RLP at offset \(o): long form for length \(l) < 56"
        case .leadingZeroInLength(let o): return "non-canonical RLP at offset \(o): leading zero in length"
        case .lengthTooLarge(let o): return "RLP length at offset \(o) too large"
        case .trailingBytes(let o, let c): return "\(c) trailing bytes after RLP item at offset \(o)"
        case .expectedBytes(let o): return "expected RLP byte string at offset \(o), found list"
        case .expectedList(let o): return "expected RLP list at offset \(o), found byte string"
        case .leadingZeroInInteger(let o): return "RLP integer at offset \(o) has a leading zero"
        case .integerTooLarge(let o, let l, let m):
            return "RLP integer at offset \(o) has \(l) bytes, at most \(m) allowed"
        case .wrongLength(let o, let e, let g): return "RLP field at offset \(o) has \(g) bytes, expected \(e)"
        case .depthLimitExceeded(let o, let l): return "RLP nesting deeper than \(l) at offset \(o)"
        case .missingElement(let o): return "RLP list ended early at offset \(o)"
        case .invalidBool(let o): return "RLP boolean at offset \(o) is neither 0x80 nor 0x01"
        }
    }
}
