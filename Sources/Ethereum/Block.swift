internal import Primitives

/// Why bytes are not a valid block encoding.
public enum BlockDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The outer structure, header, ommers or withdrawals are malformed.
    case rlp(RLPError)
    /// Transaction `index` of the body does not decode.
    case transaction(index: Int, TransactionDecodingError)
    /// The body has a withdrawals list but the header no `withdrawalsRoot`, or the reverse.
    case withdrawalsPresenceMismatch(inBody: Bool)

    public var description: String {
        switch self {
        case .rlp(let e): return "block: \(e)"
        case .transaction(let i, let e): return "block transaction \(i): \(e)"
        case .withdrawalsPresenceMismatch(let inBody):
            return inBody
                ? "block body has withdrawals but the header has no withdrawalsRoot"
                : "header has a withdrawalsRoot but the block body has no withdrawals list"
        }
    }
}

/// An execution-layer block: `rlp([header, [transaction, …], [ommer, …], [withdrawal, …]?])`, where a
/// legacy transaction is its RLP list and a typed one an RLP string holding its EIP-2718 envelope.
/// The withdrawals list is present from Shanghai (EIP-4895).
public struct Block: Hashable, Sendable {
    public var header: BlockHeader
    public var transactions: [Transaction]
    /// Ommer (uncle) headers; always empty after the Merge (EIP-3675).
    public var ommers: [BlockHeader]
    public var withdrawals: [Withdrawal]?

    public init(
        header: BlockHeader, transactions: [Transaction] = [], ommers: [BlockHeader] = [],
        withdrawals: [Withdrawal]? = nil
    ) {
        self.header = header
        self.transactions = transactions
        self.ommers = ommers
        self.withdrawals = withdrawals
    }

    /// Appends the canonical encoding.
    public func appendRLP(to out: inout [UInt8]) {
        RLP.appendList(to: &out) { o in
            header.appendRLP(to: &o)
            RLP.appendList(to: &o) { t in for tx in transactions { tx.appendBlockEncoding(to: &t) } }
            RLP.append(list: ommers, to: &o)
            if let withdrawals { RLP.append(list: withdrawals, to: &o) }
        }
    }

    /// The canonical encoding.
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        appendRLP(to: &out)
        return out
    }

    /// Decodes exactly one block covering all of `bytes` (strict canonical RLP). Shape only, no
    /// validation against a parent or fork rules, except that the withdrawals list must be present
    /// exactly when the header has a `withdrawalsRoot` (geth's "missing withdrawals in block body").
    public static func decode(_ bytes: [UInt8]) throws(BlockDecodingError) -> Block {
        var r = RLPReader(bytes)
        var l = try rlp { () throws(RLPError) in try r.readList() }
        let header = try rlp { () throws(RLPError) in try BlockHeader(rlp: &l) }
        var txs = try rlp { () throws(RLPError) in try l.readList() }
        var transactions: [Transaction] = []
        while !txs.isAtEnd {
            do {
                transactions.append(try Transaction.read(blockEncodingFrom: &txs))
            } catch {
                throw .transaction(index: transactions.count, error)
            }
        }
        let ommers = try rlp { () throws(RLPError) in try l.readList(of: BlockHeader.self) }
        var withdrawals: [Withdrawal]?
        if !l.isAtEnd { withdrawals = try rlp { () throws(RLPError) in try l.readList(of: Withdrawal.self) } }
        try rlp { () throws(RLPError) in
            try l.expectEnd()
            try r.expectEnd()
        }
        if (withdrawals != nil) != (header.withdrawalsRoot != nil) {
            throw .withdrawalsPresenceMismatch(inBody: withdrawals != nil)
        }
        return Block(header: header, transactions: transactions, ommers: ommers, withdrawals: withdrawals)
    }

    private static func rlp<T>(_ body: () throws(RLPError) -> T) throws(BlockDecodingError) -> T {
        do { return try body() } catch { throw .rlp(error) }
    }
}
