import Bitcoin
import BitcoinP2P
import NIOCore
import NIOEmbedded
import Primitives
import Testing

/// `P2PMessageDecoder` / `P2PMessageEncoder` on an `EmbeddedChannel`.
@Suite struct ChannelHandlerTests {
    static func channel() throws -> EmbeddedChannel {
        let ch = EmbeddedChannel()
        try ch.pipeline.syncOperations.addP2PHandlers(magic: .regtest)
        return ch
    }

    @Test func decodesMessagesSplitAcrossReadsAndKeepsRawBlockBytes() throws {
        let ch = try Self.channel()
        let genesis = ChainParams.regtest.genesis
        let bytes = MessageEnvelope.encode(.ping(nonce: 7), magic: .regtest)
            + MessageEnvelope.encode(.block(genesis), magic: .regtest)
        // One byte at a time, then the rest.
        for b in bytes.prefix(30) { try ch.writeInbound(ByteBuffer(bytes: [b])) }
        try ch.writeInbound(ByteBuffer(bytes: Array(bytes.dropFirst(30))))
        let first = try #require(try ch.readInbound(as: ReceivedMessage.self))
        #expect(first.message == .ping(nonce: 7))
        #expect(first.rawPayload.isEmpty)
        let second = try #require(try ch.readInbound(as: ReceivedMessage.self))
        #expect(second.message == .block(genesis))
        #expect(second.rawPayload == genesis.serialized())
        #expect(try ch.readInbound(as: ReceivedMessage.self) == nil)
        _ = try ch.finish()
    }

    @Test func badChecksumFiresTypedErrorAndCloses() throws {
        let ch = try Self.channel()
        var bytes = MessageEnvelope.encode(.pong(nonce: 1), magic: .regtest)
        bytes[21] ^= 1
        #expect {
            try ch.writeInbound(ByteBuffer(bytes: bytes))
        } throws: { error in
            if case .badChecksum? = error as? P2PError { return true }
            return false
        }
        #expect(!ch.isActive)
    }

    @Test func oversizeLengthRejectedFromTheHeaderAlone() throws {
        let ch = try Self.channel()
        var header = MessageEnvelope.encode(command: .headers, payload: [], magic: .regtest)
        // headers: 2000 × 81 + 3 bytes at most; declare one more.
        let limit = UInt32(MessageLimits.maxPayload(for: .headers) + 1)
        header.replaceSubrange(16..<20, with: withUnsafeBytes(of: limit.littleEndian, Array.init))
        #expect {
            try ch.writeInbound(ByteBuffer(bytes: header))
        } throws: { error in
            if case .payloadTooLarge? = error as? P2PError { return true }
            return false
        }
    }

    @Test func encoderWritesEnvelopes() throws {
        let ch = try Self.channel()
        try ch.writeOutbound(OutboundFrame.message(.verack))
        try ch.writeOutbound(OutboundFrame.raw(command: .tx, payload: [1, 2, 3]))
        let a = try #require(try ch.readOutbound(as: ByteBuffer.self))
        let b = try #require(try ch.readOutbound(as: ByteBuffer.self))
        #expect(Array(a.readableBytesView) == MessageEnvelope.encode(.verack, magic: .regtest))
        // verack on regtest: fabfb5da "verack" length 0, checksum 5df6e0e2 (SHA256d of nothing).
        #expect(Array(a.readableBytesView).suffix(4) == [0x5d, 0xf6, 0xe0, 0xe2])
        #expect(Array(b.readableBytesView) == MessageEnvelope.encode(command: .tx, payload: [1, 2, 3], magic: .regtest))
        _ = try ch.finish()
    }
}
