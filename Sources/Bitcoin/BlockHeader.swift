public import Primitives
internal import Hashing

/// A block hash: SHA256d of the 80-byte header, stored in internal (wire) order.
/// Use `.displayHex` for the byte-reversed form shown by explorers and RPC.
public typealias BlockHash = Bytes32

/// The 80-byte Bitcoin block header.
///
/// Layout (all little-endian): version (4), previous block hash (32), merkle root (32),
/// time (4), bits (4, compact target), nonce (4).
public struct BlockHeader: Hashable, Sendable {
    /// Serialized size of every header.
    public static let size = 80

    /// Block version (BIP9 version bits from 0x20000000; BIP34/66/65 set minimums).
    public var version: Int32
    /// Hash of the parent block (internal order).
    public var prevBlock: BlockHash
    /// Merkle root of the block's txids.
    public var merkleRoot: Bytes32
    /// Block time, seconds since the Unix epoch (unsigned in the serialization).
    public var time: UInt32
    /// The target in compact form (see `CompactTarget`).
    public var bits: UInt32
    /// Proof-of-work nonce.
    public var nonce: UInt32

    public init(version: Int32, prevBlock: BlockHash, merkleRoot: Bytes32, time: UInt32, bits: UInt32, nonce: UInt32) {
        self.version = version
        self.prevBlock = prevBlock
        self.merkleRoot = merkleRoot
        self.time = time
        self.bits = bits
        self.nonce = nonce
    }

    // MARK: Encoding

    public func encode(into w: inout ByteWriter) {
        w.writeInt32LE(version)
        w.write(prevBlock)
        w.write(merkleRoot)
        w.writeUInt32LE(time)
        w.writeUInt32LE(bits)
        w.writeUInt32LE(nonce)
    }

    /// The 80 serialized bytes.
    public func serialized() -> [UInt8] {
        var w = ByteWriter(capacity: BlockHeader.size)
        encode(into: &w)
        return w.bytes
    }

    /// Reads 80 bytes from `r`.
    public static func decode(from r: inout ByteReader) throws(DecodeError) -> BlockHeader {
        let version = try r.readInt32LE()
        // Four little-endian words per hash (Bytes32's layout), cheaper than a byte loop.
        let prev = Bytes32(w0: try r.readUInt64LE(), w1: try r.readUInt64LE(), w2: try r.readUInt64LE(), w3: try r.readUInt64LE())
        let merkle = Bytes32(w0: try r.readUInt64LE(), w1: try r.readUInt64LE(), w2: try r.readUInt64LE(), w3: try r.readUInt64LE())
        let time = try r.readUInt32LE()
        let bits = try r.readUInt32LE()
        let nonce = try r.readUInt32LE()
        return BlockHeader(version: version, prevBlock: prev, merkleRoot: merkle, time: time, bits: bits, nonce: nonce)
    }

    /// Decodes exactly 80 bytes.
    public init(bytes: [UInt8]) throws(DecodeError) {
        var r = ByteReader(bytes)
        self = try BlockHeader.decode(from: &r)
        try r.expectEnd()
    }

    /// Decodes a header from 160 hex digits.
    public init(hex: some StringProtocol) throws(DecodeError) {
        guard let b = Hex.decode(hex) else { throw .invalid(offset: 0, reason: "header is not valid hex") }
        try self.init(bytes: b)
    }

    // MARK: Derived values

    /// SHA256d of the 80-byte serialization (the block hash, internal order).
    public func computeHash() -> BlockHash {
        #if _endian(little)
        // Serializes into an 80-byte stack buffer and hashes twice without heap allocation.
        // Bytes32's four little-endian words have the wire byte order in memory on little-endian hosts.
        return withUnsafeTemporaryAllocation(byteCount: BlockHeader.size, alignment: 8) { raw -> BlockHash in
            raw.storeBytes(of: version.littleEndian, toByteOffset: 0, as: Int32.self)
            raw.storeBytes(of: prevBlock.w0, toByteOffset: 4, as: UInt64.self)
            raw.storeBytes(of: prevBlock.w1, toByteOffset: 12, as: UInt64.self)
            raw.storeBytes(of: prevBlock.w2, toByteOffset: 20, as: UInt64.self)
            raw.storeBytes(of: prevBlock.w3, toByteOffset: 28, as: UInt64.self)
            raw.storeBytes(of: merkleRoot.w0, toByteOffset: 36, as: UInt64.self)
            raw.storeBytes(of: merkleRoot.w1, toByteOffset: 44, as: UInt64.self)
            raw.storeBytes(of: merkleRoot.w2, toByteOffset: 52, as: UInt64.self)
            raw.storeBytes(of: merkleRoot.w3, toByteOffset: 60, as: UInt64.self)
            raw.storeBytes(of: time, toByteOffset: 68, as: UInt32.self)
            raw.storeBytes(of: bits, toByteOffset: 72, as: UInt32.self)
            raw.storeBytes(of: nonce, toByteOffset: 76, as: UInt32.self)
            let first = SHA256Hash.hash(UnsafeRawBufferPointer(raw))
            return withUnsafeBytes(of: first) { SHA256Hash.hash($0) }
        }
        #else
        return SHA256Hash.double(serialized())
        #endif
    }

    /// The target decoded from `bits` with Bitcoin Core's `SetCompact` semantics.
    public var compactTarget: CompactTarget { CompactTarget(bits: bits) }

    /// The work this header represents (Core's `GetBlockProof`): 2^256 / (target + 1), or zero when
    /// `bits` is negative, overflows, or encodes zero.
    public func computeWork() -> UInt256 { CompactTarget(bits: bits).work }
}

/// A header together with its hash, computed once (a "sealed" header).
public struct SealedHeader: Hashable, Sendable {
    public let header: BlockHeader
    public let hash: BlockHash

    public init(_ header: BlockHeader) {
        self.header = header
        self.hash = header.computeHash()
    }
}

/// A 256-bit target in Bitcoin's 32-bit "compact" floating-point encoding (`nBits`).
///
/// The top byte is the size in bytes, the low 23 bits the mantissa, bit 23 the sign. Decoding follows
/// Bitcoin Core's `arith_uint256::SetCompact` exactly, including its negative and overflow flags;
/// encoding follows `GetCompact`.
public struct CompactTarget: Hashable, Sendable {
    /// The decoded (unsigned) magnitude; zero when the shift moved every bit out.
    public let target: UInt256
    /// Sign bit set with a non-zero mantissa.
    public let isNegative: Bool
    /// The value does not fit in 256 bits.
    public let isOverflow: Bool

    /// Decodes `bits` (Core's `SetCompact`).
    public init(bits: UInt32) {
        let size = Int(bits >> 24)
        var word = bits & 0x007f_ffff
        let value: UInt256
        if size <= 3 {
            word >>= UInt32(8 * (3 - size))
            value = UInt256(UInt64(word))
        } else {
            value = UInt256(UInt64(word)) << (8 * (size - 3))
        }
        target = value
        isNegative = word != 0 && (bits & 0x0080_0000) != 0
        isOverflow = word != 0 && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32))
    }

    /// Encodes a target (Core's `GetCompact`). `negative` sets the sign bit when the mantissa is non-zero.
    public static func encode(_ target: UInt256, negative: Bool = false) -> UInt32 {
        var size = (target.bitLength + 7) / 8
        var compact: UInt32
        if size <= 3 {
            compact = UInt32(truncatingIfNeeded: target.l0 << UInt64(8 * (3 - size)))
        } else {
            compact = UInt32(truncatingIfNeeded: (target >> (8 * (size - 3))).l0)
        }
        // The mantissa is signed: if its top bit would be set, shift one byte further.
        if compact & 0x0080_0000 != 0 {
            compact >>= 8
            size += 1
        }
        compact |= UInt32(size) << 24
        if negative && (compact & 0x007f_ffff) != 0 { compact |= 0x0080_0000 }
        return compact
    }

    /// Core's `GetBlockProof`: `~target / (target + 1) + 1` (= 2^256 / (target + 1)); zero for a
    /// negative, overflowing or zero target.
    public var work: UInt256 {
        if isNegative || isOverflow || target.isZero { return .zero }
        return (~target / (target &+ .one)) &+ .one
    }
}
