public import NIOCore

/// Frames and decodes inbound bytes with `MessageFramer` and passes on `ReceivedMessage`s.
///
/// Every framing or decoding failure (wrong magic, invalid command, oversize length, bad checksum,
/// undecodable payload) is fired as a `P2PError` through `errorCaught` and the channel is closed:
/// there is no resynchronisation (ADR 0006). Bytes arriving after a failure are dropped.
/// Memory held per connection is at most one partial message (≤ the command's payload limit,
/// 4,000,000 bytes for `block`) plus one read.
public final class P2PMessageDecoder: ChannelInboundHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ReceivedMessage

    private var framer: MessageFramer
    private var failed = false

    public init(magic: NetworkMagic) { framer = MessageFramer(magic: magic) }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !failed else { return }
        let buffer = unwrapInboundIn(data)
        framer.feed(buffer.readableBytesView)
        while true {
            do throws(P2PError) {
                guard let raw = try framer.nextRawMessage() else { return }
                let message = try raw.decode()
                let keep = raw.command == .block || raw.command == .tx
                context.fireChannelRead(
                    wrapInboundOut(ReceivedMessage(message: message, rawPayload: keep ? raw.payload : [])))
            } catch {
                failed = true
                context.fireErrorCaught(error)
                context.close(promise: nil)
                return
            }
        }
    }
}

@available(*, unavailable)
extension P2PMessageDecoder: Sendable {}

/// Encodes `OutboundFrame`s into wire bytes (use inside `MessageToByteHandler`).
public struct P2PMessageEncoder: MessageToByteEncoder, Sendable {
    public typealias OutboundIn = OutboundFrame
    public let magic: NetworkMagic

    public init(magic: NetworkMagic) { self.magic = magic }

    public func encode(data: OutboundFrame, out: inout ByteBuffer) throws {
        out.writeBytes(data.encode(magic: magic))
    }
}

extension ChannelPipeline.SynchronousOperations {
    /// Adds the P2P decoder and encoder for the network with `magic`.
    public func addP2PHandlers(magic: NetworkMagic) throws {
        try addHandler(P2PMessageDecoder(magic: magic))
        try addHandler(MessageToByteHandler(P2PMessageEncoder(magic: magic)))
    }
}
