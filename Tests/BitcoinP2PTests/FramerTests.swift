import Bitcoin
import BitcoinP2P
import Primitives
import Testing

@Suite struct FramerTests {
    static let stream: [UInt8] = {
        var s: [UInt8] = []
        for m in [
            Message.verack, .ping(nonce: 7), .headers([ChainParams.mainnet.genesis.header]),
            .block(ChainParams.mainnet.genesis),
        ] {
            s += MessageEnvelope.encode(m, magic: .mainnet)
        }
        return s
    }()
    static let expected: [Message] = [
        .verack, .ping(nonce: 7), .headers([ChainParams.mainnet.genesis.header]), .block(ChainParams.mainnet.genesis),
    ]

    @Test func splitAtEveryByteBoundary() throws {
        for cut in 0...Self.stream.count {
            var f = MessageFramer(magic: .mainnet)
            var out: [Message] = []
            f.feed(Self.stream[..<cut])
            while let m = try f.nextMessage() { out.append(m) }
            f.feed(Self.stream[cut...])
            while let m = try f.nextMessage() { out.append(m) }
            #expect(out == Self.expected, "cut at \(cut)")
            #expect(f.bufferedByteCount == 0)
        }
    }

    @Test func byteAtATime() throws {
        var f = MessageFramer(magic: .mainnet)
        var out: [Message] = []
        for b in Self.stream {
            f.feed([b])
            while let m = try f.nextMessage() { out.append(m) }
        }
        #expect(out == Self.expected)
    }

    @Test func randomChunks() throws {
        var rng = SplitMix64Local(seed: 42)
        for _ in 0..<200 {
            var f = MessageFramer(magic: .mainnet)
            var out: [Message] = []
            var i = 0
            while i < Self.stream.count {
                let n = min(Int(rng.next() % 64) + 1, Self.stream.count - i)
                f.feed(Self.stream[i..<i + n])
                i += n
                while let m = try f.nextMessage() { out.append(m) }
            }
            #expect(out == Self.expected)
        }
    }

    @Test func manyMessagesInOneFeedCompactTheBuffer() throws {
        // 3000 pings (96,000 bytes) then a block, fed at once and in 10,000-byte chunks: exercises the
        // buffer compaction paths and keeps message order.
        var wire: [UInt8] = []
        for i in 0..<3000 { wire += MessageEnvelope.encode(.ping(nonce: UInt64(i)), magic: .signet) }
        wire += MessageEnvelope.encode(.block(ChainParams.signet.genesis), magic: .signet)
        for chunk in [wire.count, 10_000, 4097] {
            var f = MessageFramer(magic: .signet)
            var out: [Message] = []
            var i = 0
            while i < wire.count {
                let n = min(chunk, wire.count - i)
                f.feed(wire[i..<i + n])
                i += n
                while let m = try f.nextMessage() { out.append(m) }
            }
            #expect(out.count == 3001)
            #expect(out.first == .ping(nonce: 0))
            #expect(out[2999] == .ping(nonce: 2999))
            #expect(out.last == .block(ChainParams.signet.genesis))
            #expect(f.bufferedByteCount == 0)
        }
    }

    @Test func badMagicRejectedOnFirstByte() {
        var f = MessageFramer(magic: .mainnet)
        f.feed(MessageEnvelope.encode(.verack, magic: .testnet3).prefix(1))
        #expect(throws: P2PError.badMagic(expected: hex("f9beb4d9"), got: hex("0b"))) { try f.nextRawMessage() }
        // Sticky: the framer stays failed and drops further input.
        f.feed(MessageEnvelope.encode(.verack, magic: .mainnet))
        #expect(throws: P2PError.self) { try f.nextRawMessage() }
        #expect(f.bufferedByteCount == 0)
    }

    @Test func garbageBetweenMessagesIsAnErrorNotResync() throws {
        var f = MessageFramer(magic: .mainnet)
        f.feed(
            MessageEnvelope.encode(.verack, magic: .mainnet) + [0x00] + MessageEnvelope.encode(.verack, magic: .mainnet)
        )
        #expect(try f.nextMessage() == .verack)
        #expect(throws: P2PError.self) { try f.nextMessage() }
        #expect(f.failure != nil)
    }

    @Test func badChecksum() {
        var wire = MessageEnvelope.encode(.ping(nonce: 1), magic: .mainnet)
        wire[20] ^= 1
        #expect {
            _ = try decodeAll(wire)
        } throws: { e in
            if case .badChecksum(command: "ping", _, _) = e as? P2PError { return true }
            return false
        }
        var payloadFlip = MessageEnvelope.encode(.ping(nonce: 1), magic: .mainnet)
        payloadFlip[24] ^= 0x80
        #expect(throws: P2PError.self) { try decodeAll(payloadFlip) }
    }

    @Test func oversizeLengthRejectedBeforeBuffering() {
        // A block header declaring 4,000,001 bytes: rejected with only the 24 header bytes in hand.
        var w = ByteWriter()
        w.write(NetworkMagic.mainnet.bytes)
        w.write(Command.block.field)
        w.writeUInt32LE(4_000_001)
        w.write([0, 0, 0, 0])
        var f = MessageFramer(magic: .mainnet)
        f.feed(w.bytes)
        #expect(throws: P2PError.payloadTooLarge(command: "block", length: 4_000_001, limit: 4_000_000)) {
            try f.nextRawMessage()
        }

        // Per-command limits: a 9-byte ping, a 1-byte verack, a headers larger than 2000 entries.
        for (cmd, len) in [
            (Command.ping, UInt32(9)), (.verack, 1), (.headers, 162_004), (.inv, 1_800_004), (.addr, 30_004),
            (.unknown, UInt32.max),
        ] {
            var h = ByteWriter()
            h.write(NetworkMagic.mainnet.bytes)
            h.write(cmd.field)
            h.writeUInt32LE(len)
            h.write([0, 0, 0, 0])
            var g = MessageFramer(magic: .mainnet)
            g.feed(h.bytes)
            #expect(throws: P2PError.self, "\(cmd)") { try g.nextRawMessage() }
        }
    }

    @Test func maximumBlockLengthIsAcceptedAndWaitsForBytes() throws {
        var w = ByteWriter()
        w.write(NetworkMagic.mainnet.bytes)
        w.write(Command.block.field)
        w.writeUInt32LE(4_000_000)
        w.write([0, 0, 0, 0])
        var f = MessageFramer(magic: .mainnet)
        f.feed(w.bytes)
        #expect(try f.nextRawMessage() == nil)
        #expect(f.bufferedByteCount == 0)  // header consumed; nothing reserved for the payload
    }

    @Test func invalidCommandRejected() {
        var wire = MessageEnvelope.encode(.verack, magic: .mainnet)
        wire[15] = 0x41  // non-NUL after the first NUL
        #expect(throws: P2PError.self) { try decodeAll(wire) }
        wire = MessageEnvelope.encode(.verack, magic: .mainnet)
        wire[4] = 0x07
        #expect(throws: P2PError.self) { try decodeAll(wire) }
    }

    @Test func malformedPayloadFailsFramer() throws {
        let wire = MessageEnvelope.encode(command: .ping, payload: [1, 2, 3], magic: .mainnet)
        var f = MessageFramer(magic: .mainnet)
        f.feed(wire)
        #expect(throws: P2PError.self) { try f.nextMessage() }
        // nextRawMessage still frames it (decoding is separate).
        var g = MessageFramer(magic: .mainnet)
        g.feed(wire)
        #expect(try g.nextRawMessage() == RawMessage(command: .ping, payload: [1, 2, 3]))
    }
}

extension Command {
    /// A command no decoder knows.
    static let unknown = Command("zzzz") ?? .verack
}

/// Local deterministic generator (kept here so the test does not depend on TestSupport details).
struct SplitMix64Local: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
