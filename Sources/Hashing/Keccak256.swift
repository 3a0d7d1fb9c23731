public import Primitives

/// Keccak-256 as Ethereum uses it (original Keccak padding 0x01, not SHA3's 0x06).
/// Our own Keccak-f[1600] with the 25 lanes in locals and the rounds' steps unrolled
/// (generated; see docs/adr/0003-keccak.md).
public enum Keccak256 {
    static let roundConstants: [UInt64] = [
        0x0000_0000_0000_0001, 0x0000_0000_0000_8082, 0x8000_0000_0000_808A, 0x8000_0000_8000_8000,
        0x0000_0000_0000_808B, 0x0000_0000_8000_0001, 0x8000_0000_8000_8081, 0x8000_0000_0000_8009,
        0x0000_0000_0000_008A, 0x0000_0000_0000_0088, 0x0000_0000_8000_8009, 0x0000_0000_8000_000A,
        0x0000_0000_8000_808B, 0x8000_0000_0000_008B, 0x8000_0000_0000_8089, 0x8000_0000_0000_8003,
        0x8000_0000_0000_8002, 0x8000_0000_0000_0080, 0x0000_0000_0000_800A, 0x8000_0000_8000_000A,
        0x8000_0000_8000_8081, 0x8000_0000_0000_8080, 0x0000_0000_8000_0001, 0x8000_0000_8000_8008,
    ]

    /// The 1600-bit state as 25 little-endian lanes, index x + 5y.
    struct State {
    var l0: UInt64 = 0
    var l1: UInt64 = 0
    var l2: UInt64 = 0
    var l3: UInt64 = 0
    var l4: UInt64 = 0
    var l5: UInt64 = 0
    var l6: UInt64 = 0
    var l7: UInt64 = 0
    var l8: UInt64 = 0
    var l9: UInt64 = 0
    var l10: UInt64 = 0
    var l11: UInt64 = 0
    var l12: UInt64 = 0
    var l13: UInt64 = 0
    var l14: UInt64 = 0
    var l15: UInt64 = 0
    var l16: UInt64 = 0
    var l17: UInt64 = 0
    var l18: UInt64 = 0
    var l19: UInt64 = 0
    var l20: UInt64 = 0
    var l21: UInt64 = 0
    var l22: UInt64 = 0
    var l23: UInt64 = 0
    var l24: UInt64 = 0

        @inline(__always) mutating func xorLane(_ i: Int, _ v: UInt64) {
            switch i {
        case 0: l0 ^= v
        case 1: l1 ^= v
        case 2: l2 ^= v
        case 3: l3 ^= v
        case 4: l4 ^= v
        case 5: l5 ^= v
        case 6: l6 ^= v
        case 7: l7 ^= v
        case 8: l8 ^= v
        case 9: l9 ^= v
        case 10: l10 ^= v
        case 11: l11 ^= v
        case 12: l12 ^= v
        case 13: l13 ^= v
        case 14: l14 ^= v
        case 15: l15 ^= v
        case 16: l16 ^= v
        case 17: l17 ^= v
        case 18: l18 ^= v
        case 19: l19 ^= v
        case 20: l20 ^= v
        case 21: l21 ^= v
        case 22: l22 ^= v
        case 23: l23 ^= v
        case 24: l24 ^= v
            default: break
            }
        }
    }

    @inline(__always) static func rotl(_ x: UInt64, _ n: UInt64) -> UInt64 { (x << n) | (x >> (64 - n)) }

    static func permute(_ s: inout State) {
        var a0 = s.l0
        var a1 = s.l1
        var a2 = s.l2
        var a3 = s.l3
        var a4 = s.l4
        var a5 = s.l5
        var a6 = s.l6
        var a7 = s.l7
        var a8 = s.l8
        var a9 = s.l9
        var a10 = s.l10
        var a11 = s.l11
        var a12 = s.l12
        var a13 = s.l13
        var a14 = s.l14
        var a15 = s.l15
        var a16 = s.l16
        var a17 = s.l17
        var a18 = s.l18
        var a19 = s.l19
        var a20 = s.l20
        var a21 = s.l21
        var a22 = s.l22
        var a23 = s.l23
        var a24 = s.l24
        for round in 0..<24 {
            let c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20
            let c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21
            let c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22
            let c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23
            let c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24
            let d0 = c4 ^ rotl(c1, 1)
            let d1 = c0 ^ rotl(c2, 1)
            let d2 = c1 ^ rotl(c3, 1)
            let d3 = c2 ^ rotl(c4, 1)
            let d4 = c3 ^ rotl(c0, 1)
            let b0 = (a0 ^ d0)
            let b16 = rotl(a5 ^ d0, 36)
            let b7 = rotl(a10 ^ d0, 3)
            let b23 = rotl(a15 ^ d0, 41)
            let b14 = rotl(a20 ^ d0, 18)
            let b10 = rotl(a1 ^ d1, 1)
            let b1 = rotl(a6 ^ d1, 44)
            let b17 = rotl(a11 ^ d1, 10)
            let b8 = rotl(a16 ^ d1, 45)
            let b24 = rotl(a21 ^ d1, 2)
            let b20 = rotl(a2 ^ d2, 62)
            let b11 = rotl(a7 ^ d2, 6)
            let b2 = rotl(a12 ^ d2, 43)
            let b18 = rotl(a17 ^ d2, 15)
            let b9 = rotl(a22 ^ d2, 61)
            let b5 = rotl(a3 ^ d3, 28)
            let b21 = rotl(a8 ^ d3, 55)
            let b12 = rotl(a13 ^ d3, 25)
            let b3 = rotl(a18 ^ d3, 21)
            let b19 = rotl(a23 ^ d3, 56)
            let b15 = rotl(a4 ^ d4, 27)
            let b6 = rotl(a9 ^ d4, 20)
            let b22 = rotl(a14 ^ d4, 39)
            let b13 = rotl(a19 ^ d4, 8)
            let b4 = rotl(a24 ^ d4, 14)
            a0 = b0 ^ (~b1 & b2)
            a1 = b1 ^ (~b2 & b3)
            a2 = b2 ^ (~b3 & b4)
            a3 = b3 ^ (~b4 & b0)
            a4 = b4 ^ (~b0 & b1)
            a5 = b5 ^ (~b6 & b7)
            a6 = b6 ^ (~b7 & b8)
            a7 = b7 ^ (~b8 & b9)
            a8 = b8 ^ (~b9 & b5)
            a9 = b9 ^ (~b5 & b6)
            a10 = b10 ^ (~b11 & b12)
            a11 = b11 ^ (~b12 & b13)
            a12 = b12 ^ (~b13 & b14)
            a13 = b13 ^ (~b14 & b10)
            a14 = b14 ^ (~b10 & b11)
            a15 = b15 ^ (~b16 & b17)
            a16 = b16 ^ (~b17 & b18)
            a17 = b17 ^ (~b18 & b19)
            a18 = b18 ^ (~b19 & b15)
            a19 = b19 ^ (~b15 & b16)
            a20 = b20 ^ (~b21 & b22)
            a21 = b21 ^ (~b22 & b23)
            a22 = b22 ^ (~b23 & b24)
            a23 = b23 ^ (~b24 & b20)
            a24 = b24 ^ (~b20 & b21)
            a0 ^= roundConstants[round]
        }
        s.l0 = a0
        s.l1 = a1
        s.l2 = a2
        s.l3 = a3
        s.l4 = a4
        s.l5 = a5
        s.l6 = a6
        s.l7 = a7
        s.l8 = a8
        s.l9 = a9
        s.l10 = a10
        s.l11 = a11
        s.l12 = a12
        s.l13 = a13
        s.l14 = a14
        s.l15 = a15
        s.l16 = a16
        s.l17 = a17
        s.l18 = a18
        s.l19 = a19
        s.l20 = a20
        s.l21 = a21
        s.l22 = a22
        s.l23 = a23
        s.l24 = a24
    }

    static let rate = 136

    /// Absorbs full blocks starting at `offset`; returns the offset of the unabsorbed tail.
    @inline(__always)
    static func absorb(_ state: inout State, _ p: UnsafeRawBufferPointer, from offset: Int) -> Int {
        var off = offset
        while p.count - off >= rate {
            for i in 0..<(rate / 8) {
                // SAFETY: off + 8*i + 8 <= off + rate <= p.count.
                state.xorLane(i, UInt64(littleEndian: p.loadUnaligned(fromByteOffset: off + 8 * i, as: UInt64.self)))
            }
            permute(&state)
            off += rate
        }
        return off
    }

    /// Keccak-256 of `data`.
    public static func hash(_ data: some Collection<UInt8>) -> Bytes32 {
        if let r = data.withContiguousStorageIfAvailable({ hash(UnsafeRawBufferPointer($0)) }) { return r }
        return Array(data).withUnsafeBytes { hash($0) }
    }

    /// Keccak-256 of the bytes in a raw buffer.
    public static func hash(_ p: UnsafeRawBufferPointer) -> Bytes32 {
        var state = State()
        let off = absorb(&state, p, from: 0)
        // Final block: the tail, the 0x01 domain byte and the closing 0x80 bit.
        var block = [UInt8](repeating: 0, count: rate)
        let tail = p.count - off
        for i in 0..<tail { block[i] = p[off + i] }
        block[tail] ^= 0x01
        block[rate - 1] ^= 0x80
        block.withUnsafeBytes { b in
            for i in 0..<(rate / 8) {
                state.xorLane(i, UInt64(littleEndian: b.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))
            }
        }
        permute(&state)
        return Bytes32(w0: state.l0, w1: state.l1, w2: state.l2, w3: state.l3)
    }
}
