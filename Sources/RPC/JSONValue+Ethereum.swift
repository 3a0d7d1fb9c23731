public import Primitives

/// Ethereum JSON encodings (execution-apis "quantity" and "data").
extension JSONValue {
    /// A quantity: `0x`-prefixed minimal hex (`0x0` for zero).
    public static func quantity(_ v: UInt64) -> JSONValue { .string("0x" + String(v, radix: 16)) }

    /// A quantity: `0x`-prefixed minimal hex (`0x0` for zero).
    public static func quantity(_ v: UInt256) -> JSONValue { .string(v.hexString) }

    /// Unformatted data: `0x`-prefixed lower-case hex, two digits per byte (`0x` for empty).
    public static func data(_ bytes: some Sequence<UInt8>) -> JSONValue { .string("0x" + Hex.encode(bytes)) }

    /// A 20-byte address as data.
    public static func data(_ v: Bytes20) -> JSONValue { .string("0x" + v.hex) }

    /// A 32-byte hash as data.
    public static func data(_ v: Bytes32) -> JSONValue { .string("0x" + v.hex) }
}

/// Decoders for Ethereum JSON encodings; failures are `-32602` errors naming `field`.
extension JSONValue {
    private func hexString(_ field: String) throws(RPCError) -> Substring {
        guard case .string(let s) = self else {
            throw .invalidParams("\(field): expected a hex string, got \(typeName)")
        }
        guard s.hasPrefix("0x") || s.hasPrefix("0X") else {
            throw .invalidParams("\(field): hex string without 0x prefix")
        }
        return s.dropFirst(2)
    }

    /// A quantity (`0x`, no leading zeros, at most 256 bits), as go-ethereum `hexutil.Big` accepts it.
    public func quantity(_ field: String = "value") throws(RPCError) -> UInt256 {
        let digits = try hexString(field)
        guard !digits.isEmpty else { throw .invalidParams("\(field): hex string \"0x\"") }
        guard digits.count == 1 || digits.first != "0" else {
            throw .invalidParams("\(field): hex number with leading zero digits")
        }
        guard digits.count <= 64 else { throw .invalidParams("\(field): hex number > 256 bits") }
        guard let v = UInt256(hex: digits) else { throw .invalidParams("\(field): invalid hex string") }
        return v
    }

    /// A quantity that fits in 64 bits (go-ethereum `hexutil.Uint64`).
    public func uint64(_ field: String = "value") throws(RPCError) -> UInt64 {
        let v = try quantity(field)
        guard v.l1 == 0, v.l2 == 0, v.l3 == 0 else { throw .invalidParams("\(field): hex number > 64 bits") }
        return v.l0
    }

    /// Unformatted data: `0x` then an even number of hex digits (go-ethereum `hexutil.Bytes`).
    public func data(_ field: String = "value") throws(RPCError) -> [UInt8] {
        let digits = try hexString(field)
        guard digits.count % 2 == 0 else { throw .invalidParams("\(field): hex string of odd length") }
        guard let bytes = Hex.decode(digits) else { throw .invalidParams("\(field): invalid hex string") }
        return bytes
    }

    /// A 20-byte address (exactly 40 hex digits; checksum case is not verified, as geth).
    public func address(_ field: String = "value") throws(RPCError) -> Bytes20 {
        let bytes = try data(field)
        guard let a = Bytes20(exactly: bytes) else {
            throw .invalidParams("\(field): hex string has length \(bytes.count * 2), want 40 for address")
        }
        return a
    }

    /// A 32-byte hash (exactly 64 hex digits).
    public func hash(_ field: String = "value") throws(RPCError) -> Bytes32 {
        let bytes = try data(field)
        guard let h = Bytes32(exactly: bytes) else {
            throw .invalidParams("\(field): hex string has length \(bytes.count * 2), want 64 for hash")
        }
        return h
    }

    /// A JSON bool.
    public func bool(_ field: String = "value") throws(RPCError) -> Bool {
        guard case .bool(let b) = self else { throw .invalidParams("\(field): expected bool, got \(typeName)") }
        return b
    }

    /// A JSON string.
    public func string(_ field: String = "value") throws(RPCError) -> String {
        guard case .string(let s) = self else { throw .invalidParams("\(field): expected string, got \(typeName)") }
        return s
    }

    /// A JSON object.
    public func object(_ field: String = "value") throws(RPCError) -> JSONObject {
        guard case .object(let o) = self else { throw .invalidParams("\(field): expected object, got \(typeName)") }
        return o
    }

    /// A JSON array.
    public func array(_ field: String = "value") throws(RPCError) -> [JSONValue] {
        guard case .array(let a) = self else { throw .invalidParams("\(field): expected array, got \(typeName)") }
        return a
    }

    /// A block tag, number, hash or EIP-1898 object (see ``BlockTag``).
    public func blockTag(_ field: String = "value") throws(RPCError) -> BlockTag {
        try BlockTag(json: self, field: field)
    }
}
