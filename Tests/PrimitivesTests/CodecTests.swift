import Testing
import Primitives

@Suite struct HexTests {
    @Test func roundTrips() {
        var rng = SystemRandomNumberGenerator()
        for n in 0..<64 {
            let bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let hex = Hex.encode(bytes)
            #expect(hex.count == 2 * n)
            #expect(hex == hex.lowercased())
            #expect(Hex.decode(hex) == bytes)
            #expect(Hex.decode(hex.uppercased()) == bytes)
            #expect([UInt8](hex: "0x" + hex) == bytes)
            #expect(bytes.hex == hex)
        }
    }

    @Test func rejectsMalformed() {
        #expect(Hex.decode("") == [])
        #expect(Hex.decode("0") == nil)
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("0g") == nil)
        #expect(Hex.decode("zz") == nil)
        #expect(Hex.decode(" 00") == nil)
        #expect(Hex.decode("0x") == [])
        #expect(Hex.decode("0X0a") == [0x0a])
        #expect(Hex.decode("é0") == nil)
        #expect(Hex.decode("AbCdEf") == [0xab, 0xcd, 0xef])
    }

    @Test func fixedWidthTypes() {
        let h = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
        let b = Bytes32(hex: h)
        #expect(b?.hex == h)
        #expect(b?.bytes == Array(0..<32))
        #expect(Bytes32(displayHex: h)?.displayHex == h)
        #expect(Bytes32(displayHex: h)?.bytes == Array((0..<32).reversed()))
        #expect(Bytes32(hex: String(h.dropLast(2))) == nil)
        #expect(Bytes32(exactly: [UInt8](repeating: 0, count: 31)) == nil)
        #expect(Bytes20(hex: "00112233445566778899aabbccddeeff00112233")?.hex == "00112233445566778899aabbccddeeff00112233")
        #expect(Bytes20(hex: "0011") == nil)
    }
}

@Suite struct ByteCodecTests {
    @Test func integerRoundTrips() throws {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let u8 = UInt8.random(in: 0...255, using: &rng)
            let u16 = UInt16.random(in: 0...UInt16.max, using: &rng)
            let u32 = UInt32.random(in: 0...UInt32.max, using: &rng)
            let u64 = UInt64.random(in: 0...UInt64.max, using: &rng)
            let i32 = Int32.random(in: Int32.min...Int32.max, using: &rng)
            let i64 = Int64.random(in: Int64.min...Int64.max, using: &rng)
            var w = ByteWriter()
            w.write(u8)
            w.writeUInt16LE(u16)
            w.writeUInt32LE(u32)
            w.writeUInt32BE(u32)
            w.writeUInt64LE(u64)
            w.writeUInt64BE(u64)
            w.writeInt32LE(i32)
            w.writeInt64LE(i64)
            #expect(w.bytes.count == 1 + 2 + 4 + 4 + 8 + 8 + 4 + 8)
            var r = ByteReader(w.bytes)
            #expect(try r.readUInt8() == u8)
            #expect(try r.readUInt16LE() == u16)
            #expect(try r.readUInt32LE() == u32)
            #expect(try r.readUInt32BE() == u32)
            #expect(try r.readUInt64LE() == u64)
            #expect(try r.readUInt64BE() == u64)
            #expect(try r.readInt32LE() == i32)
            #expect(try r.readInt64LE() == i64)
            #expect(r.isAtEnd)
            try r.expectEnd()
        }
    }

    @Test func byteOrder() throws {
        var w = ByteWriter()
        w.writeUInt32LE(0x0102_0304)
        w.writeUInt32BE(0x0102_0304)
        w.writeUInt16LE(0xa1b2)
        #expect(w.bytes == [4, 3, 2, 1, 1, 2, 3, 4, 0xb2, 0xa1])
        var r = ByteReader([0xb2, 0xa1, 0xb2, 0xa1])
        #expect(try r.readUInt16LE() == 0xa1b2)
        #expect(try r.readUInt16BE() == 0xb2a1)
    }

    @Test func truncationIsAnError() {
        var r = ByteReader([1, 2, 3])
        #expect(throws: DecodeError.truncated(offset: 0, needed: 4, remaining: 3)) { try r.readUInt32LE() }
        #expect(r.offset == 0)  // a failed read consumes nothing
        #expect(throws: DecodeError.self) { try r.readBytes(4) }
        #expect(throws: DecodeError.self) { try r.readBytes(-1) }
        #expect(throws: DecodeError.self) { try r.readBytes32() }
        #expect(throws: DecodeError.self) { try r.skip(10) }
        #expect((try? r.readSlice(2)) == [1, 2][...])
        #expect(throws: DecodeError.trailingBytes(offset: 2, count: 1)) { try r.expectEnd() }
        #expect(throws: DecodeError.self) { try r.readUInt16LE() }
        var empty = ByteReader([])
        #expect(throws: DecodeError.self) { try empty.readUInt8() }
        #expect(throws: DecodeError.self) { try empty.readCompactSize() }
        // A reader started past the end is clamped, not trapped.
        let clamped = ByteReader([1], offset: 5)
        #expect(clamped.isAtEnd)
    }

    @Test func bytesAndVarBytes() throws {
        var w = ByteWriter()
        let b32 = Bytes32(Array(100..<132))
        w.write(b32)
        w.writeVarBytes([9, 8, 7])
        w.writeVarBytes([UInt8](repeating: 5, count: 300))
        var r = ByteReader(w.bytes)
        #expect(try r.readBytes32() == b32)
        #expect(try r.readVarBytes() == [9, 8, 7])
        #expect(try r.readVarBytes() == [UInt8](repeating: 5, count: 300))
        try r.expectEnd()
        // A length prefix larger than the remaining bytes fails before allocating.
        var lying = ByteReader([0xfe, 0xff, 0xff, 0xff, 0x7f, 1, 2])
        #expect(throws: DecodeError.self) { try lying.readVarBytes(limit: UInt64.max) }
        var overLimit = ByteReader([0x05, 1, 2, 3, 4, 5])
        #expect(throws: DecodeError.tooLarge(offset: 0, value: 5, limit: 4)) { try overLimit.readVarBytes(limit: 4) }
    }
}

@Suite struct CompactSizeTests {
    static let boundaries: [(UInt64, [UInt8])] = [
        (0, [0x00]),
        (0xfc, [0xfc]),
        (0xfd, [0xfd, 0xfd, 0x00]),
        (0xffff, [0xfd, 0xff, 0xff]),
        (0x1_0000, [0xfe, 0x00, 0x00, 0x01, 0x00]),
        (0xffff_ffff, [0xfe, 0xff, 0xff, 0xff, 0xff]),
        (0x1_0000_0000, [0xff, 0, 0, 0, 0, 1, 0, 0, 0]),
        (UInt64.max, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
    ]

    @Test func canonicalEncodingAtBoundaries() throws {
        for (v, enc) in Self.boundaries {
            var w = ByteWriter()
            w.writeCompactSize(v)
            #expect(w.bytes == enc, "\(v)")
            #expect(ByteWriter.compactSizeLength(v) == enc.count)
            var r = ByteReader(enc)
            #expect(try r.readCompactSize() == v)
            #expect(r.isAtEnd)
        }
    }

    @Test func roundTripsRandom() throws {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<1000 {
            let bits = UInt64.random(in: 0...64, using: &rng)
            let v = bits == 64 ? UInt64.random(in: 0...UInt64.max, using: &rng)
                : UInt64.random(in: 0...((1 << bits) - 1), using: &rng)
            var w = ByteWriter()
            w.writeCompactSize(v)
            var r = ByteReader(w.bytes)
            #expect(try r.readCompactSize() == v)
            #expect(r.isAtEnd)
        }
    }

    /// Non-minimal encodings are rejected, as Bitcoin Core's ReadCompactSize does.
    @Test(arguments: [
        [0xfd, 0x00, 0x00],  // 0 in 3 bytes
        [0xfd, 0xfc, 0x00],  // 252 in 3 bytes
        [0xfe, 0xff, 0xff, 0x00, 0x00],  // 0xffff in 5 bytes
        [0xfe, 0x00, 0x00, 0x00, 0x00],
        [0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00],  // 0xffffffff in 9 bytes
        [0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00],
    ] as [[UInt8]])
    func nonCanonicalRejected(_ enc: [UInt8]) {
        var r = ByteReader(enc)
        #expect(throws: DecodeError.nonCanonicalCompactSize(offset: 0)) { try r.readCompactSize() }
    }

    @Test func truncatedAndLimited() {
        for enc: [UInt8] in [[0xfd], [0xfd, 0xff], [0xfe, 1, 2, 3], [0xff, 1, 2, 3, 4, 5, 6, 7]] {
            var r = ByteReader(enc)
            #expect(throws: DecodeError.self) { try r.readCompactSize() }
        }
        var r = ByteReader([0xfd, 0x00, 0x01])
        #expect(throws: DecodeError.tooLarge(offset: 0, value: 256, limit: 255)) { try r.readCompactSize(limit: 255) }
        var ok = ByteReader([0xfd, 0x00, 0x01])
        #expect((try? ok.readCompactSize(limit: 256)) == 256)
    }
}
