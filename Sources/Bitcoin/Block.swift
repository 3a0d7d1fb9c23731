public import Primitives
internal import Hashing

/// Block-level limits (BIP141).
public enum BlockLimits {
    /// `MAX_BLOCK_WEIGHT`.
    public static let maxWeight = 4_000_000
    /// `MAX_BLOCK_SERIALIZED_SIZE`: no serialized block can be larger.
    public static let maxSerializedSize = 4_000_000
    /// `MAX_BLOCK_SIGOPS_COST`.
    public static let maxSigOpsCost = 80_000
    /// `WITNESS_SCALE_FACTOR`.
    public static let witnessScaleFactor = 4
    /// The smallest possible transaction serialization (version, 0 inputs... is not decodable, so:
    /// version 4 + 1 input count + 41 input + 1 output count + 4 lock time would be 51; 10 is a safe
    /// floor used only to bound preallocation).
    static let minTxSize = 10
}

/// A block: header and transactions.
public struct Block: Hashable, Sendable {
    /// The 80-byte header.
    public var header: BlockHeader
    /// The transactions; the first must be the coinbase.
    public var transactions: [Transaction]

    public init(header: BlockHeader, transactions: [Transaction]) {
        self.header = header
        self.transactions = transactions
    }

    /// The block hash (SHA256d of the header).
    public func computeHash() -> BlockHash { header.computeHash() }

    /// Appends the serialization: header, CompactSize count, transactions (BIP144 form unless `witness: false`).
    public func encode(into w: inout ByteWriter, witness: Bool = true) {
        header.encode(into: &w)
        w.writeCompactSize(transactions.count)
        for tx in transactions { tx.encode(into: &w, witness: witness) }
    }

    /// The serialization (with witnesses unless `witness: false`).
    public func serialized(witness: Bool = true) -> [UInt8] {
        var w = ByteWriter(capacity: 1024)
        encode(into: &w, witness: witness)
        return w.bytes
    }

    /// Decodes one block. The transaction count is limited by `BlockLimits.maxSerializedSize` and
    /// preallocation by the bytes that remain.
    public static func decode(from r: inout ByteReader) throws(DecodeError) -> Block {
        let header = try BlockHeader.decode(from: &r)
        let n = try r.readCompactSize(limit: UInt64(BlockLimits.maxSerializedSize / BlockLimits.minTxSize))
        var txs: [Transaction] = []
        txs.reserveCapacity(min(n, r.remaining / BlockLimits.minTxSize))
        for _ in 0..<n { txs.append(try Transaction.decode(from: &r)) }
        return Block(header: header, transactions: txs)
    }

    /// Decodes exactly one block from `bytes`; trailing bytes are an error.
    public init(bytes: [UInt8]) throws(DecodeError) {
        guard bytes.count <= BlockLimits.maxSerializedSize else {
            throw .tooLarge(offset: 0, value: UInt64(bytes.count), limit: UInt64(BlockLimits.maxSerializedSize))
        }
        var r = ByteReader(bytes)
        self = try Block.decode(from: &r)
        try r.expectEnd()
    }
}

/// One block read from a file, with where it was found.
public struct FileBlock: Sendable {
    /// Byte offset of the block (after any framing) in the file, or the line number for hex files.
    public let position: Int
    /// The network magic in front of the block, for blk-framed files.
    public let magic: UInt32?
    /// The exact bytes the block was decoded from.
    public let raw: [UInt8]
    /// The decoded block.
    public let block: Block
}

/// Errors from reading block files.
public enum BlockFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Block `index` (0-based) at `position` failed to decode.
    case decode(index: Int, position: Int, DecodeError)
    /// A blk frame has an unknown magic.
    case badMagic(position: Int, magic: UInt32)
    /// A blk frame's length is below 80 or above `BlockLimits.maxSerializedSize`, or exceeds the file.
    case badFrameLength(position: Int, length: UInt64, remaining: Int)
    /// A hex line is not valid hex.
    case badHex(line: Int)
    /// The file holds no block.
    case empty

    public var description: String {
        switch self {
        case let .decode(i, p, e): return "block #\(i) at \(p): \(e)"
        case let .badMagic(p, m): return "unknown network magic 0x\(String(m, radix: 16)) at offset \(p)"
        case let .badFrameLength(p, l, r): return "bad blk frame length \(l) at offset \(p) (\(r) bytes remain)"
        case let .badHex(l): return "line \(l) is not valid hex"
        case .empty: return "no block in file"
        }
    }
}

/// Reads files holding blocks: a raw serialized block, hex (one block per line), or Bitcoin Core's
/// `blk*.dat` framing (4-byte network magic + u32 LE length + block, repeated; zero padding at the end
/// is ignored, as preallocated blk files have it).
public enum BlockFile {
    /// The wire magic as a little-endian u32 of its four bytes (e.g. mainnet `f9beb4d9` → 0xd9b4bef9).
    public static func magicValue(_ bytes: [UInt8]) -> UInt32 {
        var v: UInt32 = 0
        for (i, b) in bytes.prefix(4).enumerated() { v |= UInt32(b) << (8 * UInt32(i)) }
        return v
    }

    /// Parses a file's bytes. `knownMagics` are the network magics accepted for framing (all five
    /// networks by default).
    public static func parse(_ bytes: [UInt8], knownMagics: [UInt32] = ChainParams.all.map { magicValue($0.magic) })
        throws(BlockFileError) -> [FileBlock]
    {
        if bytes.count >= 8 && knownMagics.contains(magicValue(Array(bytes.prefix(4)))) {
            return try parseFramed(bytes, knownMagics: knownMagics)
        }
        if isHexText(bytes) { return try parseHex(bytes) }
        do throws(DecodeError) {
            let b = try Block(bytes: bytes)
            return [FileBlock(position: 0, magic: nil, raw: bytes, block: b)]
        } catch {
            throw .decode(index: 0, position: 0, error)
        }
    }

    static func isHexText(_ bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty else { return false }
        for c in bytes {
            switch c {
            case 0x30...0x39, 0x41...0x46, 0x61...0x66, 0x0a, 0x0d, 0x20, 0x09: continue
            default: return false
            }
        }
        return true
    }

    static func parseHex(_ bytes: [UInt8]) throws(BlockFileError) -> [FileBlock] {
        var out: [FileBlock] = []
        let text = String(decoding: bytes, as: UTF8.self)
        var lineNo = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNo += 1
            let t = line.filter { !$0.isWhitespace }
            if t.isEmpty { continue }
            guard t.utf8.count / 2 <= BlockLimits.maxSerializedSize, let raw = Hex.decode(t) else {
                throw .badHex(line: lineNo)
            }
            do throws(DecodeError) {
                out.append(FileBlock(position: lineNo, magic: nil, raw: raw, block: try Block(bytes: raw)))
            } catch {
                throw .decode(index: out.count, position: lineNo, error)
            }
        }
        if out.isEmpty { throw .empty }
        return out
    }

    static func parseFramed(_ bytes: [UInt8], knownMagics: [UInt32]) throws(BlockFileError) -> [FileBlock] {
        var out: [FileBlock] = []
        var r = ByteReader(bytes)
        while r.remaining >= 8 {
            let at = r.offset
            guard let magic = try? r.readUInt32LE(), let len = try? r.readUInt32LE() else { break }
            if magic == 0 && len == 0 { break }  // zero padding of a preallocated blk file
            guard knownMagics.contains(magic) else { throw .badMagic(position: at, magic: magic) }
            guard len >= 80, len <= UInt32(BlockLimits.maxSerializedSize), Int(len) <= r.remaining else {
                throw .badFrameLength(position: at, length: UInt64(len), remaining: r.remaining)
            }
            let start = r.offset
            guard let raw = try? r.readBytes(Int(len)) else {
                throw .badFrameLength(position: at, length: UInt64(len), remaining: r.remaining)
            }
            do throws(DecodeError) {
                out.append(FileBlock(position: start, magic: magic, raw: raw, block: try Block(bytes: raw)))
            } catch {
                throw .decode(index: out.count, position: start, error)
            }
        }
        if out.isEmpty { throw .empty }
        return out
    }
}
