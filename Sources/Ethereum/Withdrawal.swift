public import Primitives

/// A validator withdrawal pushed into the execution layer (EIP-4895). RLP:
/// `[index, validatorIndex, address, amount]`; `amount` is in Gwei (credit `amount × 10⁹` wei).
public struct Withdrawal: Hashable, Sendable {
    /// Monotonic withdrawal index (consensus layer).
    public var index: UInt64
    public var validatorIndex: UInt64
    /// The execution-layer recipient.
    public var address: Bytes20
    /// Amount in Gwei.
    public var amount: UInt64

    public init(index: UInt64, validatorIndex: UInt64, address: Bytes20, amount: UInt64) {
        self.index = index
        self.validatorIndex = validatorIndex
        self.address = address
        self.amount = amount
    }

    /// The amount in wei (`amount × 10⁹`; cannot overflow 256 bits).
    public var amountInWei: UInt256 { UInt256(amount) &* UInt256(1_000_000_000) }
}

extension Withdrawal: RLPCodable {
    public func appendRLP(to out: inout [UInt8]) {
        RLP.appendList(to: &out) { o in
            RLP.append(index, to: &o)
            RLP.append(validatorIndex, to: &o)
            RLP.append(address, to: &o)
            RLP.append(amount, to: &o)
        }
    }

    public init(rlp r: inout RLPReader) throws(RLPError) {
        var l = try r.readList()
        let index = try l.readUInt64()
        let validator = try l.readUInt64()
        let address = try l.readBytes20()
        let amount = try l.readUInt64()
        try l.expectEnd()
        self.init(index: index, validatorIndex: validator, address: address, amount: amount)
    }
}
