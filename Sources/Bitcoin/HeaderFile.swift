internal import Primitives

/// Errors from reading header files.
public enum HeaderFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The binary length is neither a multiple of 80 nor 4 + a multiple of 80.
    case badLength(Int)
    /// The 4-byte count prefix disagrees with the number of headers that follow.
    case countMismatch(declared: UInt32, actual: Int)
    /// A hex line is not 160 hex digits.
    case badLine(Int)
    case empty

    public var description: String {
        switch self {
        case let .badLength(n): return "file length \(n) is not a multiple of 80 (optionally after a 4-byte count)"
        case let .countMismatch(d, a): return "count prefix says \(d) headers, file holds \(a)"
        case let .badLine(l): return "line \(l) is not an 80-byte header in hex (160 digits)"
        case .empty: return "no header in file"
        }
    }
}

/// Reads files of block headers: raw 80-byte headers back to back, optionally behind a 4-byte
/// little-endian count (as `mainnet_1_32260.bin`), or text with one 160-digit hex header per line.
public enum HeaderFile {
    public static func parse(_ bytes: [UInt8]) throws(HeaderFileError) -> [BlockHeader] {
        if BlockFile.isHexText(bytes) { return try parseHex(bytes) }
        var start = 0
        if bytes.count % BlockHeader.size == 0 {
            start = 0
        } else if bytes.count >= 4, (bytes.count - 4) % BlockHeader.size == 0 {
            let declared = UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
            let actual = (bytes.count - 4) / BlockHeader.size
            guard UInt64(declared) == UInt64(actual) else { throw .countMismatch(declared: declared, actual: actual) }
            start = 4
        } else {
            throw .badLength(bytes.count)
        }
        let n = (bytes.count - start) / BlockHeader.size
        guard n > 0 else { throw .empty }
        var out: [BlockHeader] = []
        out.reserveCapacity(n)
        var r = ByteReader(bytes, offset: start)
        for _ in 0..<n {
            // Cannot fail: the length was checked above.
            guard let h = try? BlockHeader.decode(from: &r) else { throw .badLength(bytes.count) }
            out.append(h)
        }
        return out
    }

    static func parseHex(_ bytes: [UInt8]) throws(HeaderFileError) -> [BlockHeader] {
        var out: [BlockHeader] = []
        var lineNo = 0
        for line in bytes.split(separator: 0x0a, omittingEmptySubsequences: false) {
            lineNo += 1
            let t = line.filter { $0 != 0x0d && $0 != 0x20 && $0 != 0x09 }
            if t.isEmpty { continue }
            guard t.count == 2 * BlockHeader.size, let raw = Hex.decode(String(decoding: t, as: UTF8.self)),
                let h = try? BlockHeader(bytes: raw)
            else { throw .badLine(lineNo) }
            out.append(h)
        }
        if out.isEmpty { throw .empty }
        return out
    }
}
