internal import Hashing
public import Primitives

/// An Ethereum (or OP Stack deposit) transaction of any supported EIP-2718 type.
public enum Transaction: Hashable, Sendable {
    case legacy(LegacyTransaction)
    case accessList(AccessListTransaction)
    case dynamicFee(DynamicFeeTransaction)
    case blob(BlobTransaction)
    case setCode(SetCodeTransaction)
    case deposit(DepositTransaction)
    /// Hemi 0x7C.
    case btcAttributesDeposited(HemiSystemTransaction)
    /// Hemi 0x7D.
    case popPayout(HemiSystemTransaction)

    public var type: TransactionType {
        switch self {
        case .legacy: return .legacy
        case .accessList: return .accessList
        case .dynamicFee: return .dynamicFee
        case .blob: return .blob
        case .setCode: return .setCode
        case .deposit: return .deposit
        case .btcAttributesDeposited: return .btcAttributesDeposited
        case .popPayout: return .popPayout
        }
    }

    /// The sender's nonce (deposits carry none: nil).
    public var nonce: UInt64? {
        switch self {
        case .legacy(let t): return t.nonce
        case .accessList(let t): return t.nonce
        case .dynamicFee(let t): return t.nonce
        case .blob(let t): return t.nonce
        case .setCode(let t): return t.nonce
        case .deposit, .btcAttributesDeposited, .popPayout: return nil
        }
    }

    public var gasLimit: UInt64 {
        switch self {
        case .legacy(let t): return t.gasLimit
        case .accessList(let t): return t.gasLimit
        case .dynamicFee(let t): return t.gasLimit
        case .blob(let t): return t.gasLimit
        case .setCode(let t): return t.gasLimit
        case .deposit(let t): return t.gasLimit
        case .btcAttributesDeposited(let t), .popPayout(let t): return t.gasLimit
        }
    }

    /// Recipient; nil for contract creation.
    public var to: Bytes20? {
        switch self {
        case .legacy(let t): return t.to
        case .accessList(let t): return t.to
        case .dynamicFee(let t): return t.to
        case .blob(let t): return t.to
        case .setCode(let t): return t.to
        case .deposit(let t): return t.to
        case .btcAttributesDeposited(let t), .popPayout(let t): return t.to
        }
    }

    public var value: UInt256 {
        switch self {
        case .legacy(let t): return t.value
        case .accessList(let t): return t.value
        case .dynamicFee(let t): return t.value
        case .blob(let t): return t.value
        case .setCode(let t): return t.value
        case .deposit(let t): return t.value
        case .btcAttributesDeposited, .popPayout: return .zero
        }
    }

    /// Call data, or initcode for a creation.
    public var data: [UInt8] {
        switch self {
        case .legacy(let t): return t.data
        case .accessList(let t): return t.data
        case .dynamicFee(let t): return t.data
        case .blob(let t): return t.data
        case .setCode(let t): return t.data
        case .deposit(let t): return t.data
        case .btcAttributesDeposited(let t), .popPayout(let t): return t.data
        }
    }

    /// The EIP-2930 access list (empty for legacy and deposit transactions).
    public var accessList: [AccessListEntry] {
        switch self {
        case .legacy, .deposit, .btcAttributesDeposited, .popPayout: return []
        case .accessList(let t): return t.accessList
        case .dynamicFee(let t): return t.accessList
        case .blob(let t): return t.accessList
        case .setCode(let t): return t.accessList
        }
    }

    /// EIP-7702 authorizations (empty for other types).
    public var authorizationList: [Authorization] {
        if case .setCode(let t) = self { return t.authorizationList }
        return []
    }

    /// EIP-4844 versioned hashes (empty for other types).
    public var blobVersionedHashes: [Bytes32] {
        if case .blob(let t) = self { return t.blobVersionedHashes }
        return []
    }

    /// The signature (nil for deposits).
    public var signature: TransactionSignature? {
        switch self {
        case .legacy(let t): return t.signature
        case .accessList(let t): return t.signature
        case .dynamicFee(let t): return t.signature
        case .blob(let t): return t.signature
        case .setCode(let t): return t.signature
        case .deposit, .btcAttributesDeposited, .popPayout: return nil
        }
    }

    /// The price cap per gas: `gasPrice` (types 0, 1) or `maxFeePerGas` (2, 3, 4); zero for deposits.
    public var maxFeePerGas: UInt256 {
        switch self {
        case .legacy(let t): return t.gasPrice
        case .accessList(let t): return t.gasPrice
        case .dynamicFee(let t): return t.maxFeePerGas
        case .blob(let t): return t.maxFeePerGas
        case .setCode(let t): return t.maxFeePerGas
        case .deposit, .btcAttributesDeposited, .popPayout: return .zero
        }
    }

    /// The tip cap: `gasPrice` for types 0 and 1 (EIP-1559 treats it as both caps), zero for deposits.
    public var maxPriorityFeePerGas: UInt256 {
        switch self {
        case .legacy(let t): return t.gasPrice
        case .accessList(let t): return t.gasPrice
        case .dynamicFee(let t): return t.maxPriorityFeePerGas
        case .blob(let t): return t.maxPriorityFeePerGas
        case .setCode(let t): return t.maxPriorityFeePerGas
        case .deposit, .btcAttributesDeposited, .popPayout: return .zero
        }
    }

    // MARK: Encoding

    /// Appends the EIP-2718 envelope (`TransactionType ‖ rlp(fields)`; legacy: `rlp(fields)`),
    /// the form that is hashed and that `eth_sendRawTransaction` carries.
    public func appendEnvelope(to out: inout [UInt8]) {
        switch self {
        case .legacy(let t):
            RLP.appendList(to: &out) { o in
                t.appendUnsignedFields(to: &o)
                t.signature.appendFields(to: &o)
            }
        case .accessList(let t):
            out.append(TransactionType.accessList.rawValue)
            RLP.appendList(to: &out) { o in
                t.appendUnsignedFields(to: &o)
                t.signature.appendFields(to: &o)
            }
        case .dynamicFee(let t):
            out.append(TransactionType.dynamicFee.rawValue)
            RLP.appendList(to: &out) { o in
                t.appendUnsignedFields(to: &o)
                t.signature.appendFields(to: &o)
            }
        case .blob(let t):
            out.append(TransactionType.blob.rawValue)
            RLP.appendList(to: &out) { o in
                t.appendUnsignedFields(to: &o)
                t.signature.appendFields(to: &o)
            }
        case .setCode(let t):
            out.append(TransactionType.setCode.rawValue)
            RLP.appendList(to: &out) { o in
                t.appendUnsignedFields(to: &o)
                t.signature.appendFields(to: &o)
            }
        case .deposit(let t):
            out.append(TransactionType.deposit.rawValue)
            RLP.appendList(to: &out) { o in t.appendFields(to: &o) }
        case .btcAttributesDeposited(let t):
            out.append(TransactionType.btcAttributesDeposited.rawValue)
            RLP.appendList(to: &out) { o in t.appendFields(to: &o) }
        case .popPayout(let t):
            out.append(TransactionType.popPayout.rawValue)
            RLP.appendList(to: &out) { o in t.appendFields(to: &o) }
        }
    }

    /// The EIP-2718 envelope bytes.
    public func encodedEnvelope() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.count + 160)
        appendEnvelope(to: &out)
        return out
    }

    /// Appends the form used inside block bodies and the transactions trie's values on the wire
    /// of `eth` block messages: legacy as its RLP list, typed as an RLP string holding the envelope.
    public func appendBlockEncoding(to out: inout [UInt8]) {
        if case .legacy = self {
            appendEnvelope(to: &out)
        } else {
            RLP.append(bytes: encodedEnvelope(), to: &out)
        }
    }

    /// The transaction hash: keccak256 of the envelope.
    public func computeHash() -> Bytes32 { Keccak256.hash(encodedEnvelope()) }

    // MARK: Decoding

    /// Decodes an EIP-2718 envelope: a legacy RLP list, or a type byte (0x01–0x04, Hemi 0x7C/0x7D,
    /// OP 0x7E) followed by
    /// exactly one RLP list. The whole input must be consumed. Shape-only: fork rules are `validate`'s.
    public static func decode(envelope bytes: [UInt8]) throws(TransactionDecodingError) -> Transaction {
        guard let first = bytes.first else { throw .empty }
        if first >= 0xc0 {
            var r = RLPReader(bytes)
            let tx = try decodeLegacy(&r)
            do { try r.expectEnd() } catch { throw .field(.envelope, error) }
            return tx
        }
        guard let type = TransactionType(rawValue: first), type != .legacy else { throw .unsupportedType(first) }
        var r = RLPReader(bytes, offset: 1, end: bytes.count)
        let tx = try decodeTyped(type, &r)
        do { try r.expectEnd() } catch { throw .field(.envelope, error) }
        return tx
    }

    /// Reads one transaction in block-body form (legacy list, or a string wrapping a typed envelope).
    public static func read(blockEncodingFrom r: inout RLPReader) throws(TransactionDecodingError) -> Transaction {
        let h: RLPReader.Header
        do { h = try r.peekHeader() } catch { throw .field(.envelope, error) }
        if h.isList { return try decodeLegacy(&r) }
        let range: Range<Int>
        do { range = try r.readBytesRange() } catch { throw .field(.envelope, error) }
        guard let first = range.first.map({ r.bytes[$0] }) else { throw .empty }
        guard let type = TransactionType(rawValue: first), type != .legacy else { throw .unsupportedType(first) }
        var inner = RLPReader(r.bytes, offset: range.lowerBound + 1, end: range.upperBound)
        let tx = try decodeTyped(type, &inner)
        do { try inner.expectEnd() } catch { throw .field(.envelope, error) }
        return tx
    }

    static func decodeLegacy(_ r: inout RLPReader) throws(TransactionDecodingError) -> Transaction {
        var f = try FieldReader(list: &r, type: .legacy)
        let t = LegacyTransaction(
            nonce: try f.uint64(.nonce), gasPrice: try f.uint256(.gasPrice), gasLimit: try f.uint64(.gasLimit),
            to: try f.optionalAddress(.to), value: try f.uint256(.value), data: try f.bytes(.data),
            signature: try f.signature())
        try f.finish()
        return .legacy(t)
    }

    static func decodeTyped(_ type: TransactionType, _ r: inout RLPReader) throws(TransactionDecodingError)
        -> Transaction
    {
        var f = try FieldReader(list: &r, type: type)
        let tx: Transaction
        switch type {
        case .legacy:
            throw .unsupportedType(0)
        case .accessList:
            tx = .accessList(
                AccessListTransaction(
                    chainID: try f.uint256(.chainID), nonce: try f.uint64(.nonce), gasPrice: try f.uint256(.gasPrice),
                    gasLimit: try f.uint64(.gasLimit), to: try f.optionalAddress(.to), value: try f.uint256(.value),
                    data: try f.bytes(.data), accessList: try f.accessList(), signature: try f.signature()))
        case .dynamicFee:
            tx = .dynamicFee(
                DynamicFeeTransaction(
                    chainID: try f.uint256(.chainID), nonce: try f.uint64(.nonce),
                    maxPriorityFeePerGas: try f.uint256(.maxPriorityFeePerGas),
                    maxFeePerGas: try f.uint256(.maxFeePerGas), gasLimit: try f.uint64(.gasLimit),
                    to: try f.optionalAddress(.to), value: try f.uint256(.value), data: try f.bytes(.data),
                    accessList: try f.accessList(), signature: try f.signature()))
        case .blob:
            tx = .blob(
                BlobTransaction(
                    chainID: try f.uint256(.chainID), nonce: try f.uint64(.nonce),
                    maxPriorityFeePerGas: try f.uint256(.maxPriorityFeePerGas),
                    maxFeePerGas: try f.uint256(.maxFeePerGas), gasLimit: try f.uint64(.gasLimit),
                    to: try f.address(.to), value: try f.uint256(.value), data: try f.bytes(.data),
                    accessList: try f.accessList(), maxFeePerBlobGas: try f.uint256(.maxFeePerBlobGas),
                    blobVersionedHashes: try f.hashList(.blobVersionedHashes), signature: try f.signature()))
        case .setCode:
            tx = .setCode(
                SetCodeTransaction(
                    chainID: try f.uint256(.chainID), nonce: try f.uint64(.nonce),
                    maxPriorityFeePerGas: try f.uint256(.maxPriorityFeePerGas),
                    maxFeePerGas: try f.uint256(.maxFeePerGas), gasLimit: try f.uint64(.gasLimit),
                    to: try f.address(.to), value: try f.uint256(.value), data: try f.bytes(.data),
                    accessList: try f.accessList(), authorizationList: try f.authorizationList(),
                    signature: try f.signature()))
        case .btcAttributesDeposited:
            tx = .btcAttributesDeposited(
                HemiSystemTransaction(
                    to: try f.optionalAddress(.to), gasLimit: try f.uint64(.gasLimit), data: try f.bytes(.data)))
        case .popPayout:
            tx = .popPayout(
                HemiSystemTransaction(
                    to: try f.optionalAddress(.to), gasLimit: try f.uint64(.gasLimit), data: try f.bytes(.data)))
        case .deposit:
            tx = .deposit(
                DepositTransaction(
                    sourceHash: try f.hash(.sourceHash), from: try f.address(.from), to: try f.optionalAddress(.to),
                    mint: try f.uint256(.mint), value: try f.uint256(.value), gasLimit: try f.uint64(.gasLimit),
                    isSystemTransaction: try f.bool(.isSystemTransaction), data: try f.bytes(.data)))
        }
        try f.finish()
        return tx
    }
}

// MARK: Field encoding

extension TransactionSignature {
    @inlinable func appendFields(to o: inout [UInt8]) {
        RLP.append(v, to: &o)
        RLP.append(r, to: &o)
        RLP.append(s, to: &o)
    }
}

extension Array where Element == AccessListEntry {
    /// Appends `rlp([[address, [storageKey, …]], …])` (EIP-2930).
    @inlinable func appendAccessList(to o: inout [UInt8]) { RLP.append(list: self, to: &o) }
}

extension Authorization {
    /// Appends `rlp([chainId, address, nonce, yParity, r, s])`.
    func append(to o: inout [UInt8]) {
        RLP.appendList(to: &o) { o in
            RLP.append(chainID, to: &o)
            RLP.append(address, to: &o)
            RLP.append(nonce, to: &o)
            RLP.append(UInt64(yParity), to: &o)
            RLP.append(r, to: &o)
            RLP.append(s, to: &o)
        }
    }
}

extension LegacyTransaction {
    func appendUnsignedFields(to o: inout [UInt8]) {
        RLP.append(nonce, to: &o)
        RLP.append(gasPrice, to: &o)
        RLP.append(gasLimit, to: &o)
        RLP.append(to, to: &o)
        RLP.append(value, to: &o)
        RLP.append(bytes: data, to: &o)
    }
}

extension AccessListTransaction {
    func appendUnsignedFields(to o: inout [UInt8]) {
        RLP.append(chainID, to: &o)
        RLP.append(nonce, to: &o)
        RLP.append(gasPrice, to: &o)
        RLP.append(gasLimit, to: &o)
        RLP.append(to, to: &o)
        RLP.append(value, to: &o)
        RLP.append(bytes: data, to: &o)
        accessList.appendAccessList(to: &o)
    }
}

extension DynamicFeeTransaction {
    func appendUnsignedFields(to o: inout [UInt8]) {
        RLP.append(chainID, to: &o)
        RLP.append(nonce, to: &o)
        RLP.append(maxPriorityFeePerGas, to: &o)
        RLP.append(maxFeePerGas, to: &o)
        RLP.append(gasLimit, to: &o)
        RLP.append(to, to: &o)
        RLP.append(value, to: &o)
        RLP.append(bytes: data, to: &o)
        accessList.appendAccessList(to: &o)
    }
}

extension BlobTransaction {
    func appendUnsignedFields(to o: inout [UInt8]) {
        RLP.append(chainID, to: &o)
        RLP.append(nonce, to: &o)
        RLP.append(maxPriorityFeePerGas, to: &o)
        RLP.append(maxFeePerGas, to: &o)
        RLP.append(gasLimit, to: &o)
        RLP.append(to, to: &o)
        RLP.append(value, to: &o)
        RLP.append(bytes: data, to: &o)
        accessList.appendAccessList(to: &o)
        RLP.append(maxFeePerBlobGas, to: &o)
        RLP.appendList(to: &o) { o in for h in blobVersionedHashes { RLP.append(h, to: &o) } }
    }
}

extension SetCodeTransaction {
    func appendUnsignedFields(to o: inout [UInt8]) {
        RLP.append(chainID, to: &o)
        RLP.append(nonce, to: &o)
        RLP.append(maxPriorityFeePerGas, to: &o)
        RLP.append(maxFeePerGas, to: &o)
        RLP.append(gasLimit, to: &o)
        RLP.append(to, to: &o)
        RLP.append(value, to: &o)
        RLP.append(bytes: data, to: &o)
        accessList.appendAccessList(to: &o)
        RLP.appendList(to: &o) { o in for a in authorizationList { a.append(to: &o) } }
    }
}

extension DepositTransaction {
    func appendFields(to o: inout [UInt8]) {
        RLP.append(sourceHash, to: &o)
        RLP.append(from, to: &o)
        RLP.append(to, to: &o)
        RLP.append(mint, to: &o)
        RLP.append(value, to: &o)
        RLP.append(gasLimit, to: &o)
        RLP.append(isSystemTransaction, to: &o)
        RLP.append(bytes: data, to: &o)
    }
}

extension HemiSystemTransaction {
    func appendFields(to o: inout [UInt8]) {
        RLP.append(to, to: &o)
        RLP.append(gasLimit, to: &o)
        RLP.append(bytes: data, to: &o)
    }
}

// MARK: Field decoding

/// Reads a transaction's field list, attaching the field name to every error.
struct FieldReader {
    var r: RLPReader
    let type: TransactionType

    init(list outer: inout RLPReader, type: TransactionType) throws(TransactionDecodingError) {
        do { r = try outer.readList() } catch { throw .field(.envelope, error) }
        self.type = type
    }

    @inline(__always) func present(_ f: TransactionField) throws(TransactionDecodingError) {
        if r.isAtEnd { throw .missingField(f, offset: r.offset) }
    }

    func finish() throws(TransactionDecodingError) {
        if !r.isAtEnd { throw .extraFields(type: type, offset: r.offset) }
    }

    mutating func uint64(_ f: TransactionField) throws(TransactionDecodingError) -> UInt64 {
        try present(f)
        do { return try r.readUInt64() } catch { throw .field(f, error) }
    }

    mutating func uint256(_ f: TransactionField) throws(TransactionDecodingError) -> UInt256 {
        try present(f)
        do { return try r.readUInt256() } catch { throw .field(f, error) }
    }

    mutating func bool(_ f: TransactionField) throws(TransactionDecodingError) -> Bool {
        try present(f)
        do { return try r.readBool() } catch { throw .field(f, error) }
    }

    mutating func bytes(_ f: TransactionField) throws(TransactionDecodingError) -> [UInt8] {
        try present(f)
        do { return try r.readBytes() } catch { throw .field(f, error) }
    }

    mutating func address(_ f: TransactionField) throws(TransactionDecodingError) -> Bytes20 {
        try present(f)
        do { return try r.readBytes20() } catch { throw .field(f, error) }
    }

    mutating func hash(_ f: TransactionField) throws(TransactionDecodingError) -> Bytes32 {
        try present(f)
        do { return try r.readBytes32() } catch { throw .field(f, error) }
    }

    /// An address, or the empty string for contract creation.
    mutating func optionalAddress(_ f: TransactionField) throws(TransactionDecodingError) -> Bytes20? {
        try present(f)
        let start = r.offset
        do throws(RLPError) {
            let range = try r.readBytesRange()
            if range.isEmpty { return nil }
            guard range.count == 20 else { throw RLPError.wrongLength(offset: start, expected: 20, got: range.count) }
            return Bytes20(r.bytes[range])
        } catch {
            throw .field(f, error)
        }
    }

    mutating func signature() throws(TransactionDecodingError) -> TransactionSignature {
        TransactionSignature(v: try uint256(.v), r: try uint256(.r), s: try uint256(.s))
    }

    mutating func accessList() throws(TransactionDecodingError) -> [AccessListEntry] {
        try present(.accessList)
        var list: RLPReader
        do { list = try r.readList() } catch { throw .field(.accessList, error) }
        var out: [AccessListEntry] = []
        while !list.isAtEnd {
            var entry: RLPReader
            do { entry = try list.readList() } catch { throw .field(.accessList, error) }
            let address: Bytes20
            do { address = try entry.readBytes20() } catch { throw .field(.accessListAddress, error) }
            var keysReader: RLPReader
            do { keysReader = try entry.readList() } catch { throw .field(.accessList, error) }
            var keys: [Bytes32] = []
            while !keysReader.isAtEnd {
                do { keys.append(try keysReader.readBytes32()) } catch { throw .field(.accessListStorageKey, error) }
            }
            do { try entry.expectEnd() } catch { throw .field(.accessList, error) }
            out.append(AccessListEntry(address: address, storageKeys: keys))
        }
        return out
    }

    mutating func hashList(_ f: TransactionField) throws(TransactionDecodingError) -> [Bytes32] {
        try present(f)
        do {
            var list = try r.readList()
            var out: [Bytes32] = []
            while !list.isAtEnd { out.append(try list.readBytes32()) }
            return out
        } catch {
            throw .field(f, error)
        }
    }

    mutating func authorizationList() throws(TransactionDecodingError) -> [Authorization] {
        try present(.authorizationList)
        do throws(RLPError) {
            var list = try r.readList()
            var out: [Authorization] = []
            while !list.isAtEnd {
                var a = try list.readList()
                func next() throws(RLPError) {
                    if a.isAtEnd { throw .missingElement(offset: a.offset) }
                }
                try next()
                let chainID = try a.readUInt256()
                try next()
                let address = try a.readBytes20()
                try next()
                let nonce = try a.readUInt64()
                try next()
                let yOffset = a.offset
                let y = try a.readUInt64()
                guard y <= 0xff else { throw RLPError.integerTooLarge(offset: yOffset, length: 2, maxBytes: 1) }
                try next()
                let rr = try a.readUInt256()
                try next()
                let ss = try a.readUInt256()
                try a.expectEnd()
                out.append(
                    Authorization(chainID: chainID, address: address, nonce: nonce, yParity: UInt8(y), r: rr, s: ss))
            }
            return out
        } catch {
            throw .field(.authorization, error)
        }
    }
}
