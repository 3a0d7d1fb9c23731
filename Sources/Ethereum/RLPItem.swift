public import Primitives

/// A generic RLP value: a byte string or a list of items. For known shapes (transactions,
/// headers) prefer `RLPReader` and the direct `RLP.append` encoders, which allocate nothing per field.
public enum RLPItem: Hashable, Sendable {
    case bytes([UInt8])
    case list([RLPItem])

    /// Nesting bound for the generic decoder (each level costs a stack frame). Ethereum structures
    /// nest a handful of levels; 256 leaves ample room and keeps stacks small on any thread.
    public static let defaultDepthLimit = 256

    /// The byte string, or nil for a list.
    public var bytesValue: [UInt8]? {
        if case .bytes(let b) = self { return b }
        return nil
    }

    /// The elements, or nil for a byte string.
    public var listValue: [RLPItem]? {
        if case .list(let l) = self { return l }
        return nil
    }

    /// Appends the canonical encoding.
    public func encode(to out: inout [UInt8]) {
        switch self {
        case .bytes(let b): RLP.append(bytes: b, to: &out)
        case .list(let items): RLP.appendList(to: &out) { o in for it in items { it.encode(to: &o) } }
        }
    }

    /// The canonical encoding.
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        encode(to: &out)
        return out
    }

    /// Decodes exactly one item covering all of `bytes`.
    public static func decode(_ bytes: [UInt8]) throws(RLPError) -> RLPItem { try RLP.decode(bytes) }

    /// An integer as its minimal big-endian string.
    public static func uint(_ v: UInt64) -> RLPItem { uint(UInt256(v)) }

    /// A 256-bit integer as its minimal big-endian string.
    public static func uint(_ v: UInt256) -> RLPItem {
        let be = v.bigEndianBytes
        return .bytes(Array(be.drop(while: { $0 == 0 })))
    }
}
