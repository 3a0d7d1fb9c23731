public import Primitives

/// A value with a canonical RLP encoding, appended straight into a buffer. Use it through generics
/// (`some RLPEncodable`, `[T] where T: RLPEncodable`), not as an existential, on hot paths.
public protocol RLPEncodable {
    func appendRLP(to out: inout [UInt8])
}

/// A value decodable from the next item of a strict `RLPReader`.
public protocol RLPDecodable {
    init(rlp r: inout RLPReader) throws(RLPError)
}

public typealias RLPCodable = RLPEncodable & RLPDecodable

extension RLPEncodable {
    /// The canonical encoding.
    @inlinable public func rlpEncoded() -> [UInt8] {
        var out: [UInt8] = []
        appendRLP(to: &out)
        return out
    }
}

extension RLPDecodable {
    /// Decodes exactly one item covering all of `bytes`.
    @inlinable public init(rlpEncoded bytes: [UInt8]) throws(RLPError) {
        var r = RLPReader(bytes)
        self = try Self(rlp: &r)
        try r.expectEnd()
    }
}

extension RLP {
    /// Appends `rlp([e₀, e₁, …])`.
    @inlinable public static func append<T: RLPEncodable>(list elements: [T], to out: inout [UInt8]) {
        appendList(to: &out) { o in for e in elements { e.appendRLP(to: &o) } }
    }
}

extension RLPReader {
    /// Reads a list whose elements are all `T`.
    @inlinable public mutating func readList<T: RLPDecodable>(of: T.Type) throws(RLPError) -> [T] {
        var sub = try readList()
        var out: [T] = []
        while !sub.isAtEnd { out.append(try T(rlp: &sub)) }
        return out
    }
}

extension UInt64: RLPCodable {
    @inlinable public func appendRLP(to out: inout [UInt8]) { RLP.append(self, to: &out) }
    @inlinable public init(rlp r: inout RLPReader) throws(RLPError) { self = try r.readUInt64() }
}

extension UInt256: RLPCodable {
    @inlinable public func appendRLP(to out: inout [UInt8]) { RLP.append(self, to: &out) }
    @inlinable public init(rlp r: inout RLPReader) throws(RLPError) { self = try r.readUInt256() }
}

extension Bool: RLPCodable {
    @inlinable public func appendRLP(to out: inout [UInt8]) { RLP.append(self, to: &out) }
    @inlinable public init(rlp r: inout RLPReader) throws(RLPError) { self = try r.readBool() }
}

extension Bytes20: RLPCodable {
    @inlinable public func appendRLP(to out: inout [UInt8]) { RLP.append(self, to: &out) }
    @inlinable public init(rlp r: inout RLPReader) throws(RLPError) { self = try r.readBytes20() }
}

extension Bytes32: RLPCodable {
    @inlinable public func appendRLP(to out: inout [UInt8]) { RLP.append(self, to: &out) }
    @inlinable public init(rlp r: inout RLPReader) throws(RLPError) { self = try r.readBytes32() }
}

extension RLPItem: RLPCodable {
    public func appendRLP(to out: inout [UInt8]) { encode(to: &out) }
    public init(rlp r: inout RLPReader) throws(RLPError) { self = try r.readItem() }
}

extension AccessListEntry: RLPCodable {
    /// `[address, [storageKey, …]]` (EIP-2930).
    public func appendRLP(to out: inout [UInt8]) {
        RLP.appendList(to: &out) { o in
            RLP.append(address, to: &o)
            RLP.append(list: storageKeys, to: &o)
        }
    }

    public init(rlp r: inout RLPReader) throws(RLPError) {
        var l = try r.readList()
        let address = try l.readBytes20()
        let keys = try l.readList(of: Bytes32.self)
        try l.expectEnd()
        self.init(address: address, storageKeys: keys)
    }
}
