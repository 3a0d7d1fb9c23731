public import Primitives

/// A log record emitted by LOG0…LOG4 (Yellow Paper §4.3.1): the emitting contract, up to four
/// topics and opaque data. RLP: `[address, [topic, …], data]`.
public struct Log: Hashable, Sendable {
    public var address: Bytes20
    public var topics: [Bytes32]
    public var data: [UInt8]

    public init(address: Bytes20, topics: [Bytes32], data: [UInt8]) {
        self.address = address
        self.topics = topics
        self.data = data
    }
}

extension Log: RLPCodable {
    public func appendRLP(to out: inout [UInt8]) {
        RLP.appendList(to: &out) { o in
            RLP.append(address, to: &o)
            RLP.append(list: topics, to: &o)
            RLP.append(bytes: data, to: &o)
        }
    }

    public init(rlp r: inout RLPReader) throws(RLPError) {
        var l = try r.readList()
        let address = try l.readBytes20()
        let topics = try l.readList(of: Bytes32.self)
        let data = try l.readBytes()
        try l.expectEnd()
        self.init(address: address, topics: topics, data: data)
    }
}
