internal import Hashing
public import Primitives

/// An execution-layer block header (Yellow Paper §4.3) with the fields later forks append:
/// `baseFeePerGas` (London, EIP-1559), `withdrawalsRoot` (Shanghai, EIP-4895), `blobGasUsed` and
/// `excessBlobGas` (Cancun, EIP-4844), `parentBeaconBlockRoot` (Cancun, EIP-4788) and
/// `requestsHash` (Prague, EIP-7685).
///
/// RLP is the list of the fields in declaration order; the optional fields are trailing and
/// positional: a field may be present only if every optional field before it is present (geth's
/// `rlp:"optional"`). Decoding is strict canonical; the hash is Keccak-256 of the encoding.
public struct BlockHeader: Hashable, Sendable {
    public var parentHash: Bytes32
    /// Keccak-256 of the RLP of the ommer (uncle) headers; `emptyOmmersHash` after the Merge.
    public var ommersHash: Bytes32
    /// The fee recipient ("beneficiary").
    public var coinbase: Bytes20
    public var stateRoot: Bytes32
    public var transactionsRoot: Bytes32
    public var receiptsRoot: Bytes32
    public var logsBloom: Bloom
    /// Zero after the Merge (EIP-3675).
    public var difficulty: UInt256
    public var number: UInt64
    public var gasLimit: UInt64
    public var gasUsed: UInt64
    public var timestamp: UInt64
    /// At most 32 bytes (checked by block validation, not by decoding).
    public var extraData: [UInt8]
    /// `mixHash` before the Merge; `prevRandao` after it (EIP-4399).
    public var mixHash: Bytes32
    /// The 8-byte proof-of-work nonce as a big-endian number; zero after the Merge.
    public var nonce: UInt64
    public var baseFeePerGas: UInt256?
    public var withdrawalsRoot: Bytes32?
    public var blobGasUsed: UInt64?
    public var excessBlobGas: UInt64?
    public var parentBeaconBlockRoot: Bytes32?
    public var requestsHash: Bytes32?

    /// Keccak-256 of the RLP of an empty list: the ommers hash of a block without ommers.
    public static let emptyOmmersHash =
        Bytes32(
            hex: "1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347") ?? .zero
    /// Root of an empty trie (Keccak-256 of `0x80`): the transactions/receipts/withdrawals root of
    /// an empty list.
    public static let emptyTrieRoot =
        Bytes32(
            hex: "56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421") ?? .zero

    /// `prevRandao` (EIP-4399): the same 32 bytes as `mixHash`, under its post-Merge name.
    public var prevRandao: Bytes32 {
        get { mixHash }
        set { mixHash = newValue }
    }

    public init(
        parentHash: Bytes32 = .zero, ommersHash: Bytes32 = BlockHeader.emptyOmmersHash, coinbase: Bytes20 = .zero,
        stateRoot: Bytes32 = BlockHeader.emptyTrieRoot, transactionsRoot: Bytes32 = BlockHeader.emptyTrieRoot,
        receiptsRoot: Bytes32 = BlockHeader.emptyTrieRoot, logsBloom: Bloom = .empty, difficulty: UInt256 = .zero,
        number: UInt64, gasLimit: UInt64, gasUsed: UInt64 = 0, timestamp: UInt64, extraData: [UInt8] = [],
        mixHash: Bytes32 = .zero, nonce: UInt64 = 0, baseFeePerGas: UInt256? = nil, withdrawalsRoot: Bytes32? = nil,
        blobGasUsed: UInt64? = nil, excessBlobGas: UInt64? = nil, parentBeaconBlockRoot: Bytes32? = nil,
        requestsHash: Bytes32? = nil
    ) {
        self.parentHash = parentHash
        self.ommersHash = ommersHash
        self.coinbase = coinbase
        self.stateRoot = stateRoot
        self.transactionsRoot = transactionsRoot
        self.receiptsRoot = receiptsRoot
        self.logsBloom = logsBloom
        self.difficulty = difficulty
        self.number = number
        self.gasLimit = gasLimit
        self.gasUsed = gasUsed
        self.timestamp = timestamp
        self.extraData = extraData
        self.mixHash = mixHash
        self.nonce = nonce
        self.baseFeePerGas = baseFeePerGas
        self.withdrawalsRoot = withdrawalsRoot
        self.blobGasUsed = blobGasUsed
        self.excessBlobGas = excessBlobGas
        self.parentBeaconBlockRoot = parentBeaconBlockRoot
        self.requestsHash = requestsHash
    }

    /// The canonical RLP encoding.
    public func encoded() -> [UInt8] { rlpEncoded() }

    /// The block hash: Keccak-256 of the RLP encoding.
    public func computeHash() -> Bytes32 { Keccak256.hash(rlpEncoded()) }

    /// The block hash (Keccak-256 of the RLP encoding). Computed on every access: hold a
    /// `SealedBlockHeader` where the hash is needed repeatedly.
    public var hash: Bytes32 { computeHash() }

    /// Decodes exactly one header covering all of `bytes` (strict canonical RLP).
    public static func decode(_ bytes: [UInt8]) throws(RLPError) -> BlockHeader {
        try BlockHeader(rlpEncoded: bytes)
    }
}

extension BlockHeader: RLPCodable {
    public func appendRLP(to out: inout [UInt8]) {
        RLP.appendList(to: &out) { o in
            RLP.append(parentHash, to: &o)
            RLP.append(ommersHash, to: &o)
            RLP.append(coinbase, to: &o)
            RLP.append(stateRoot, to: &o)
            RLP.append(transactionsRoot, to: &o)
            RLP.append(receiptsRoot, to: &o)
            logsBloom.appendRLP(to: &o)
            RLP.append(difficulty, to: &o)
            RLP.append(number, to: &o)
            RLP.append(gasLimit, to: &o)
            RLP.append(gasUsed, to: &o)
            RLP.append(timestamp, to: &o)
            RLP.append(bytes: extraData, to: &o)
            RLP.append(mixHash, to: &o)
            o.append(0x88)  // the nonce is a fixed 8-byte string
            for i in stride(from: 56, through: 0, by: -8) { o.append(UInt8(truncatingIfNeeded: nonce >> UInt64(i))) }
            // Trailing optional fields: stop at the first absent one (a later field without the
            // earlier ones cannot be represented and is not written).
            guard let baseFeePerGas else { return }
            RLP.append(baseFeePerGas, to: &o)
            guard let withdrawalsRoot else { return }
            RLP.append(withdrawalsRoot, to: &o)
            guard let blobGasUsed else { return }
            RLP.append(blobGasUsed, to: &o)
            guard let excessBlobGas else { return }
            RLP.append(excessBlobGas, to: &o)
            guard let parentBeaconBlockRoot else { return }
            RLP.append(parentBeaconBlockRoot, to: &o)
            guard let requestsHash else { return }
            RLP.append(requestsHash, to: &o)
        }
    }

    public init(rlp r: inout RLPReader) throws(RLPError) {
        var l = try r.readList()
        let parentHash = try l.readBytes32()
        let ommersHash = try l.readBytes32()
        let coinbase = try l.readBytes20()
        let stateRoot = try l.readBytes32()
        let transactionsRoot = try l.readBytes32()
        let receiptsRoot = try l.readBytes32()
        let bloom = try Bloom(rlp: &l)
        let difficulty = try l.readUInt256()
        let number = try l.readUInt64()
        let gasLimit = try l.readUInt64()
        let gasUsed = try l.readUInt64()
        let timestamp = try l.readUInt64()
        let extraData = try l.readBytes()
        let mixHash = try l.readBytes32()
        let nonceStart = l.offset
        let nonceRange = try l.readBytesRange()
        guard nonceRange.count == 8 else { throw .wrongLength(offset: nonceStart, expected: 8, got: nonceRange.count) }
        var nonce: UInt64 = 0
        for i in nonceRange { nonce = nonce << 8 | UInt64(l.bytes[i]) }
        self.init(
            parentHash: parentHash, ommersHash: ommersHash, coinbase: coinbase, stateRoot: stateRoot,
            transactionsRoot: transactionsRoot, receiptsRoot: receiptsRoot, logsBloom: bloom, difficulty: difficulty,
            number: number, gasLimit: gasLimit, gasUsed: gasUsed, timestamp: timestamp, extraData: extraData,
            mixHash: mixHash, nonce: nonce)
        if l.isAtEnd { return }
        baseFeePerGas = try l.readUInt256()
        if l.isAtEnd { return }
        withdrawalsRoot = try l.readBytes32()
        if l.isAtEnd { return }
        blobGasUsed = try l.readUInt64()
        if l.isAtEnd { return }
        excessBlobGas = try l.readUInt64()
        if l.isAtEnd { return }
        parentBeaconBlockRoot = try l.readBytes32()
        if l.isAtEnd { return }
        requestsHash = try l.readBytes32()
        try l.expectEnd()
    }
}

/// A header with its hash, computed once.
public struct SealedBlockHeader: Hashable, Sendable {
    public let header: BlockHeader
    public let hash: Bytes32

    /// Seals by encoding and hashing.
    public init(_ header: BlockHeader) {
        self.header = header
        self.hash = header.computeHash()
    }
}
