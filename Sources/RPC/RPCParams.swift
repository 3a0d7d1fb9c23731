public import Primitives

/// Positional parameters of one call, with typed accessors that fail with `-32602`.
///
/// `params` absent or `null` is an empty list; a named-parameter object is rejected by the
/// dispatcher before a handler runs. Accessors taking an index throw when the parameter is missing;
/// the `optional…` variants return nil for a missing or `null` trailing parameter.
public struct RPCParams: Sendable, Hashable {
    /// The raw positional values.
    public let values: [JSONValue]

    public init(_ values: [JSONValue] = []) { self.values = values }

    /// Number of positional parameters given.
    public var count: Int { values.count }

    /// The raw value at `index`, or nil when absent.
    public subscript(index: Int) -> JSONValue? { index >= 0 && index < values.count ? values[index] : nil }

    /// True when the parameter at `index` is present and not `null`.
    public func isPresent(_ index: Int) -> Bool {
        guard let v = self[index] else { return false }
        return !v.isNull
    }

    /// Fails with `-32602` unless `min <= count <= max` (geth: "missing value for required argument N",
    /// "too many arguments, want at most N").
    public func expectCount(min: Int = 0, max: Int) throws(RPCError) {
        if values.count > max { throw .invalidParams("too many arguments, want at most \(max)") }
        if values.count < min { throw .invalidParams("missing value for required argument \(values.count)") }
    }

    /// The value at `index`; a missing (or `null`) required parameter is `-32602`.
    public func required(_ index: Int) throws(RPCError) -> JSONValue {
        guard let v = self[index], !v.isNull else { throw .invalidParams("missing value for required argument \(index)") }
        return v
    }

    private func name(_ index: Int) -> String { "argument \(index)" }

    /// Quantity (`0x…`, no leading zeros) up to 256 bits.
    public func quantity(_ index: Int) throws(RPCError) -> UInt256 { try required(index).quantity(name(index)) }
    /// Quantity that fits in 64 bits.
    public func uint64(_ index: Int) throws(RPCError) -> UInt64 { try required(index).uint64(name(index)) }
    /// Unformatted data (`0x` + even number of hex digits).
    public func data(_ index: Int) throws(RPCError) -> [UInt8] { try required(index).data(name(index)) }
    /// 20-byte address.
    public func address(_ index: Int) throws(RPCError) -> Bytes20 { try required(index).address(name(index)) }
    /// 32-byte hash.
    public func hash(_ index: Int) throws(RPCError) -> Bytes32 { try required(index).hash(name(index)) }
    /// Block tag / number / hash / EIP-1898 object.
    public func blockTag(_ index: Int) throws(RPCError) -> BlockTag { try required(index).blockTag(name(index)) }
    /// JSON bool.
    public func bool(_ index: Int) throws(RPCError) -> Bool { try required(index).bool(name(index)) }
    /// JSON string.
    public func string(_ index: Int) throws(RPCError) -> String { try required(index).string(name(index)) }
    /// JSON object.
    public func object(_ index: Int) throws(RPCError) -> JSONObject { try required(index).object(name(index)) }
    /// JSON array.
    public func array(_ index: Int) throws(RPCError) -> [JSONValue] { try required(index).array(name(index)) }

    /// Optional trailing quantity.
    public func optionalQuantity(_ index: Int) throws(RPCError) -> UInt256? {
        isPresent(index) ? try quantity(index) : nil
    }
    /// Optional trailing 64-bit quantity.
    public func optionalUInt64(_ index: Int) throws(RPCError) -> UInt64? { isPresent(index) ? try uint64(index) : nil }
    /// Optional trailing data.
    public func optionalData(_ index: Int) throws(RPCError) -> [UInt8]? { isPresent(index) ? try data(index) : nil }
    /// Optional trailing address.
    public func optionalAddress(_ index: Int) throws(RPCError) -> Bytes20? {
        isPresent(index) ? try address(index) : nil
    }
    /// Optional trailing hash.
    public func optionalHash(_ index: Int) throws(RPCError) -> Bytes32? { isPresent(index) ? try hash(index) : nil }
    /// Optional trailing block selector (callers usually default to `.latest`).
    public func optionalBlockTag(_ index: Int) throws(RPCError) -> BlockTag? {
        isPresent(index) ? try blockTag(index) : nil
    }
    /// Optional trailing bool.
    public func optionalBool(_ index: Int) throws(RPCError) -> Bool? { isPresent(index) ? try bool(index) : nil }
    /// Optional trailing string.
    public func optionalString(_ index: Int) throws(RPCError) -> String? { isPresent(index) ? try string(index) : nil }
    /// Optional trailing object.
    public func optionalObject(_ index: Int) throws(RPCError) -> JSONObject? {
        isPresent(index) ? try object(index) : nil
    }
}
