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
    /// Parses a whole header file, detecting the format; errors name the line or the length problem.
    public static func parse(_ bytes: [UInt8]) throws(HeaderFileError) -> [BlockHeader] {
        // Text if the first 16 bytes look like hex (a binary header starts with version bytes such as
        // 01 00 00 00, which are not hex digits); parseHex then checks every character.
        if BlockFile.isHexText(Array(bytes.prefix(16))) { return try parseHex(bytes) }
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
        out.reserveCapacity(bytes.count / (2 * BlockHeader.size + 1))
        var raw = [UInt8](repeating: 0, count: BlockHeader.size)
        var lineNo = 0
        var i = 0
        let n = bytes.count
        while i < n {
            lineNo += 1
            var end = i
            while end < n && bytes[end] != 0x0a { end += 1 }
            // Trim surrounding whitespace (spaces, tabs, CR).
            var a = i, b = end
            while a < b && isSpace(bytes[a]) { a += 1 }
            while b > a && isSpace(bytes[b - 1]) { b -= 1 }
            i = end + 1
            if a == b { continue }
            guard b - a == 2 * BlockHeader.size else { throw .badLine(lineNo) }
            for k in 0..<BlockHeader.size {
                guard let hi = nibble(bytes[a + 2 * k]), let lo = nibble(bytes[a + 2 * k + 1]) else { throw .badLine(lineNo) }
                raw[k] = hi << 4 | lo
            }
            var r = ByteReader(raw)
            guard let h = try? BlockHeader.decode(from: &r) else { throw .badLine(lineNo) }
            out.append(h)
        }
        if out.isEmpty { throw .empty }
        return out
    }

    @inline(__always) static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0d }

    @inline(__always) static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c &- 0x30
        case 0x61...0x66: return c &- 0x61 &+ 10
        case 0x41...0x46: return c &- 0x41 &+ 10
        default: return nil
        }
    }
}
