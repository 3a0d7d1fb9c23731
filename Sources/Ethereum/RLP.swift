public import Primitives

/// Recursive Length Prefix encoding (Yellow Paper appendix B; <https://ethereum.org/developers/docs/data-structures-and-encoding/rlp>).
///
/// Encoding appends straight into a caller's `[UInt8]` (no intermediate items): integers as minimal
/// big-endian byte strings, fixed-size hashes and addresses as strings, lists via `appendList`,
/// which back-patches the header. Decoding is strict canonical: see `RLPReader`.
public enum RLP {
    /// Headers: strings `0x80 + len` (len < 56) or `0xb7 + lenOfLen`; lists `0xc0 + len` or `0xf7 + lenOfLen`.
    public static let shortStringOffset: UInt8 = 0x80
    public static let longStringOffset: UInt8 = 0xb7
    public static let shortListOffset: UInt8 = 0xc0
    public static let longListOffset: UInt8 = 0xf7

    /// RLP of the empty string (`0x80`), also the encoding of integer zero.
    public static let emptyString: [UInt8] = [0x80]
    /// RLP of the empty list (`0xc0`).
    public static let emptyList: [UInt8] = [0xc0]

    // MARK: Lengths

    /// Number of bytes in the minimal big-endian form of `v` (0 for 0).
    @inlinable public static func byteCount(_ v: UInt64) -> Int { (64 - v.leadingZeroBitCount + 7) / 8 }

    /// Size of the header for a payload of `length` bytes (string or list).
    @inlinable public static func headerLength(payloadLength length: Int) -> Int {
        length < 56 ? 1 : 1 + byteCount(UInt64(length))
    }

    /// Encoded size of a byte string whose first byte is `first` and size `count`.
    @inlinable public static func encodedLength(stringCount count: Int, firstByte first: UInt8) -> Int {
        if count == 1 && first < 0x80 { return 1 }
        return headerLength(payloadLength: count) + count
    }

    /// Encoded size of a byte string.
    @inlinable public static func encodedLength(of bytes: some Collection<UInt8>) -> Int {
        encodedLength(stringCount: bytes.count, firstByte: bytes.first ?? 0)
    }

    /// Encoded size of an integer.
    @inlinable public static func encodedLength(of v: UInt64) -> Int { v < 0x80 && v != 0 ? 1 : 1 + byteCount(v) }

    /// Encoded size of a 256-bit integer.
    @inlinable public static func encodedLength(of v: UInt256) -> Int {
        let n = (v.bitLength + 7) / 8
        if n <= 1 && v.l0 < 0x80 && v.l0 != 0 { return 1 }
        return 1 + n
    }

    // MARK: Encoding

    /// Appends a header (`offset` is 0x80 for strings, 0xc0 for lists).
    @inlinable public static func appendHeader(payloadLength length: Int, offset: UInt8, to out: inout [UInt8]) {
        if length < 56 {
            out.append(offset &+ UInt8(truncatingIfNeeded: length))
        } else {
            let v = UInt64(truncatingIfNeeded: length)
            let n = byteCount(v)
            out.append(offset &+ 55 &+ UInt8(truncatingIfNeeded: n))
            var i = n - 1
            while i >= 0 {
                out.append(UInt8(truncatingIfNeeded: v >> UInt64(i * 8)))
                i -= 1
            }
        }
    }

    /// Appends a byte string.
    @inlinable public static func append(bytes: some Collection<UInt8>, to out: inout [UInt8]) {
        let count = bytes.count
        if count == 1, let b = bytes.first, b < 0x80 {
            out.append(b)
            return
        }
        appendHeader(payloadLength: count, offset: shortStringOffset, to: &out)
        out.append(contentsOf: bytes)
    }

    /// Appends an unsigned integer as a minimal big-endian string (zero is `0x80`).
    @inlinable public static func append(_ v: UInt64, to out: inout [UInt8]) {
        if v != 0 && v < 0x80 {
            out.append(UInt8(truncatingIfNeeded: v))
            return
        }
        let n = byteCount(v)
        out.append(shortStringOffset &+ UInt8(truncatingIfNeeded: n))
        var i = n - 1
        while i >= 0 {
            out.append(UInt8(truncatingIfNeeded: v >> UInt64(i * 8)))
            i -= 1
        }
    }

    /// Appends a 256-bit unsigned integer as a minimal big-endian string.
    @inlinable public static func append(_ v: UInt256, to out: inout [UInt8]) {
        if v.l1 | v.l2 | v.l3 == 0 {
            append(v.l0, to: &out)
            return
        }
        let n = (v.bitLength + 7) / 8
        out.append(shortStringOffset &+ UInt8(truncatingIfNeeded: n))
        var i = n - 1
        while i >= 0 {
            out.append(UInt8(truncatingIfNeeded: v[limb: i >> 3] >> UInt64((i & 7) * 8)))
            i -= 1
        }
    }

    /// Appends a boolean as an integer (false `0x80`, true `0x01`).
    @inlinable public static func append(_ v: Bool, to out: inout [UInt8]) { out.append(v ? 0x01 : 0x80) }

    /// Appends a 20-byte address as a string.
    @inlinable public static func append(_ a: Bytes20, to out: inout [UInt8]) {
        out.append(0x94)
        for i in 0..<20 { out.append(a[i]) }
    }

    /// Appends a 32-byte hash as a string.
    @inlinable public static func append(_ h: Bytes32, to out: inout [UInt8]) {
        out.append(0xa0)
        for i in 0..<32 { out.append(h[i]) }
    }

    /// Appends an optional address: `nil` (contract creation) encodes as the empty string.
    @inlinable public static func append(_ a: Bytes20?, to out: inout [UInt8]) {
        if let a { append(a, to: &out) } else { out.append(0x80) }
    }

    /// Appends a list whose payload `body` writes directly into `out`; the header is inserted
    /// afterwards (one memmove when the payload is 56 bytes or more).
    @inlinable public static func appendList(to out: inout [UInt8], _ body: (inout [UInt8]) -> Void) {
        let start = out.count
        out.append(0)
        body(&out)
        let length = out.count - start - 1
        if length < 56 {
            out[start] = shortListOffset &+ UInt8(truncatingIfNeeded: length)
        } else {
            var header: [UInt8] = []
            appendHeader(payloadLength: length, offset: shortListOffset, to: &header)
            out.replaceSubrange(start..<(start + 1), with: header)
        }
    }

    /// Appends an already encoded item (e.g. a nested node or a precomputed field) verbatim.
    @inlinable public static func append(encoded: some Collection<UInt8>, to out: inout [UInt8]) {
        out.append(contentsOf: encoded)
    }

    /// RLP of a byte string.
    @inlinable public static func encode(bytes: some Collection<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 9)
        append(bytes: bytes, to: &out)
        return out
    }

    /// RLP of an integer.
    @inlinable public static func encode(_ v: UInt64) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(9)
        append(v, to: &out)
        return out
    }

    /// RLP of a 256-bit integer.
    @inlinable public static func encode(_ v: UInt256) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(33)
        append(v, to: &out)
        return out
    }

    /// RLP of a list of already encoded items.
    public static func encodeList(encodedItems items: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        appendList(to: &out) { o in for it in items { o.append(contentsOf: it) } }
        return out
    }

    // MARK: Decoding

    /// Decodes exactly one item covering all of `bytes` (strict canonical; trailing bytes rejected).
    public static func decode(_ bytes: [UInt8], depthLimit: Int = RLPItem.defaultDepthLimit) throws(RLPError) -> RLPItem
    {
        var r = RLPReader(bytes)
        let item = try r.readItem(depthLimit: depthLimit)
        try r.expectEnd()
        return item
    }
}
