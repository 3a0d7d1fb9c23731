public import Primitives

/// A strict canonical RLP reader over a byte array (no copying: it holds the array and a window).
///
/// Rejected (Yellow Paper appendix B, and the rules geth's `rlp` package enforces):
/// a single byte below 0x80 wrapped as a one-byte string, the long form for payloads under 56 bytes,
/// long-form lengths with leading zeros, lengths beyond the window, and (via `expectEnd`) trailing bytes.
/// Integers must be minimal big-endian (no leading zero byte; zero is the empty string).
public struct RLPReader: Sendable {
    /// The whole input; offsets in errors index into it.
    public let bytes: [UInt8]
    @usableFromInline var _offset: Int
    /// Position of the next item.
    @inlinable public var offset: Int { _offset }
    /// End of this reader's window (exclusive).
    public let end: Int

    /// A decoded header: kind and payload range.
    public struct Header: Sendable, Equatable {
        public var isList: Bool
        /// Offset of the header's first byte.
        public var headerOffset: Int
        public var payloadOffset: Int
        public var payloadLength: Int
        @inlinable public var payloadEnd: Int { payloadOffset + payloadLength }
        @inlinable public init(isList: Bool, headerOffset: Int, payloadOffset: Int, payloadLength: Int) {
            self.isList = isList
            self.headerOffset = headerOffset
            self.payloadOffset = payloadOffset
            self.payloadLength = payloadLength
        }
    }

    @inlinable public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self._offset = 0
        self.end = bytes.count
    }

    /// A reader for `bytes[range]`; the caller guarantees the range lies within `bytes`.
    @inlinable init(_ bytes: [UInt8], offset: Int, end: Int) {
        self.bytes = bytes
        self._offset = offset
        self.end = end
    }

    @inlinable public var isAtEnd: Bool { offset >= end }
    @inlinable public var remaining: Int { end - offset }

    /// Throws `trailingBytes` unless the window is consumed.
    @inlinable public func expectEnd() throws(RLPError) {
        if offset < end { throw .trailingBytes(offset: offset, count: end - offset) }
    }

    /// Reads and validates the next header without consuming the payload. Does not advance.
    @inlinable public func peekHeader() throws(RLPError) -> Header {
        let start = offset
        guard start < end else { throw .truncated(offset: start, needed: 1, remaining: 0) }
        let b = bytes[start]
        if b < 0x80 {
            return Header(isList: false, headerOffset: start, payloadOffset: start, payloadLength: 1)
        }
        let isList = b >= 0xc0
        let base: UInt8 = isList ? 0xc0 : 0x80
        let short = b &- base
        let payloadOffset: Int
        let length: Int
        if short <= 55 {
            length = Int(short)
            payloadOffset = start + 1
            if !isList && length == 1 {
                guard payloadOffset < end else { throw .truncated(offset: start, needed: 1, remaining: 0) }
                if bytes[payloadOffset] < 0x80 { throw .nonCanonicalSingleByte(offset: start) }
            }
        } else {
            let lenOfLen = Int(short) - 55  // 1...8
            let avail = end - start - 1
            guard lenOfLen <= avail else { throw .truncated(offset: start, needed: lenOfLen, remaining: avail) }
            if bytes[start + 1] == 0 { throw .leadingZeroInLength(offset: start) }
            var v: UInt64 = 0
            for i in 0..<lenOfLen { v = v << 8 | UInt64(bytes[start + 1 + i]) }
            if v < 56 { throw .nonCanonicalLongForm(offset: start, length: Int(v)) }
            guard v <= UInt64(Int.max / 2) else { throw .lengthTooLarge(offset: start) }
            length = Int(v)
            payloadOffset = start + 1 + lenOfLen
        }
        let avail = end - payloadOffset
        guard length <= avail else { throw .truncated(offset: start, needed: length, remaining: avail) }
        return Header(isList: isList, headerOffset: start, payloadOffset: payloadOffset, payloadLength: length)
    }

    /// Reads the next header and moves past the whole item.
    @inlinable public mutating func readHeader() throws(RLPError) -> Header {
        let h = try peekHeader()
        _offset = h.payloadEnd
        return h
    }

    /// Skips the next item.
    @inlinable public mutating func skipItem() throws(RLPError) { _ = try readHeader() }

    /// True if the next item is a list (throws on malformed or missing header).
    @inlinable public func nextIsList() throws(RLPError) -> Bool { try peekHeader().isList }

    /// Range of the next byte string's payload within `bytes`.
    @inlinable public mutating func readBytesRange() throws(RLPError) -> Range<Int> {
        let h = try peekHeader()
        if h.isList { throw .expectedBytes(offset: h.headerOffset) }
        _offset = h.payloadEnd
        return h.payloadOffset..<h.payloadEnd
    }

    /// The next byte string's payload as a slice of the input (no copy).
    @inlinable public mutating func readSlice() throws(RLPError) -> ArraySlice<UInt8> {
        bytes[try readBytesRange()]
    }

    /// The next byte string's payload as a new array.
    @inlinable public mutating func readBytes() throws(RLPError) -> [UInt8] {
        Array(bytes[try readBytesRange()])
    }

    /// A reader over the next list's payload; this reader moves past the list.
    @inlinable public mutating func readList() throws(RLPError) -> RLPReader {
        let h = try peekHeader()
        if !h.isList { throw .expectedList(offset: h.headerOffset) }
        _offset = h.payloadEnd
        return RLPReader(bytes, offset: h.payloadOffset, end: h.payloadEnd)
    }

    /// The raw encoding (header and payload) of the next item.
    @inlinable public mutating func readEncodedItem() throws(RLPError) -> ArraySlice<UInt8> {
        let h = try readHeader()
        return bytes[h.headerOffset..<h.payloadEnd]
    }

    /// Validates an integer payload and returns its range; `maxBytes` bounds its length.
    /// Both faults reject the input; the order only decides which is reported. It follows geth's
    /// `rlp` package: for 64-bit fields the size is checked first, for 256-bit ones leading zeros.
    @inlinable mutating func readIntegerRange(maxBytes: Int) throws(RLPError) -> Range<Int> {
        let start = offset
        let r = try readBytesRange()
        let leadingZero = r.count > 0 && bytes[r.lowerBound] == 0
        if leadingZero && maxBytes > 8 { throw .leadingZeroInInteger(offset: start) }
        if r.count > maxBytes { throw .integerTooLarge(offset: start, length: r.count, maxBytes: maxBytes) }
        if leadingZero { throw .leadingZeroInInteger(offset: start) }
        return r
    }

    /// A canonical unsigned integer of at most 8 bytes.
    @inlinable public mutating func readUInt64() throws(RLPError) -> UInt64 {
        let r = try readIntegerRange(maxBytes: 8)
        var v: UInt64 = 0
        for i in r { v = v << 8 | UInt64(bytes[i]) }
        return v
    }

    /// A canonical unsigned integer of at most 32 bytes.
    @inlinable public mutating func readUInt256() throws(RLPError) -> UInt256 {
        let r = try readIntegerRange(maxBytes: 32)
        var v = UInt256.zero
        var shift = 0
        var i = r.upperBound - 1
        while i >= r.lowerBound {
            v[limb: shift >> 6] |= UInt64(bytes[i]) << UInt64(shift & 63)
            shift += 8
            i -= 1
        }
        return v
    }

    /// A boolean encoded as integer 0 (`0x80`) or 1 (`0x01`).
    @inlinable public mutating func readBool() throws(RLPError) -> Bool {
        let start = offset
        let v = try readUInt64()
        switch v {
        case 0: return false
        case 1: return true
        default: throw .invalidBool(offset: start)
        }
    }

    /// A 20-byte string (an address).
    @inlinable public mutating func readBytes20() throws(RLPError) -> Bytes20 {
        let start = offset
        let r = try readBytesRange()
        guard r.count == 20 else { throw .wrongLength(offset: start, expected: 20, got: r.count) }
        return Bytes20(bytes[r])
    }

    /// A 32-byte string (a hash or storage key).
    @inlinable public mutating func readBytes32() throws(RLPError) -> Bytes32 {
        let start = offset
        let r = try readBytesRange()
        guard r.count == 32 else { throw .wrongLength(offset: start, expected: 32, got: r.count) }
        return Bytes32(bytes[r])
    }

    /// A generic item, with lists nested at most `depthLimit` deep.
    public mutating func readItem(depthLimit: Int = RLPItem.defaultDepthLimit) throws(RLPError) -> RLPItem {
        try readItem(remaining: depthLimit, limit: depthLimit)
    }

    mutating func readItem(remaining: Int, limit: Int) throws(RLPError) -> RLPItem {
        let h = try readHeader()
        if !h.isList { return .bytes(Array(bytes[h.payloadOffset..<h.payloadEnd])) }
        guard remaining > 0 else { throw .depthLimitExceeded(offset: h.headerOffset, limit: limit) }
        var sub = RLPReader(bytes, offset: h.payloadOffset, end: h.payloadEnd)
        var items: [RLPItem] = []
        while !sub.isAtEnd { items.append(try sub.readItem(remaining: remaining - 1, limit: limit)) }
        return .list(items)
    }
}
