import NIOCore
import NIOWebSocket

/// What a connection's session makes of one message: the sans-IO half above the protocol.
protocol ConnectionSession: Sendable {
    /// What to do with a whole message from the client.
    mutating func received(_ message: WebSocketProtocol.Message) -> [ConnectionSessionAction]
}

/// What a session asks of its connection.
enum ConnectionSessionAction: Sendable, Equatable {
    case send(WebSocketProtocol.Message)
    case close(WebSocketErrorCode, reason: String)
}

/// Serves one WebSocket from its channel, on its event loop: no task per connection.
///
/// Below it, NIO's frame decoder and encoder; in it, a ``WebSocketProtocol`` that decides what each
/// frame means, and a session that decides what each message means. Frames written while reading
/// are flushed once, when the read ends.
final class WebSocketConnectionHandler<Session: ConnectionSession>: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private var connection: WebSocketProtocol
    private var session: Session
    /// How long to wait for the client's Close after sending ours.
    private let closingTimeout: TimeAmount
    private var closingDeadline: Scheduled<Void>?
    private var needsFlush = false

    init(session: Session, maxMessageSize: Int, closingTimeout: TimeAmount = .seconds(5)) {
        self.session = session
        self.connection = WebSocketProtocol(maxMessageSize: maxMessageSize)
        self.closingTimeout = closingTimeout
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        perform(connection.received(unwrapInboundIn(data)), context: context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushIfNeeded(context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        closingDeadline?.cancel()
        context.fireChannelInactive()
    }

    /// Carries out what the protocol decided.
    private func perform(_ action: WebSocketProtocol.Action, context: ChannelHandlerContext) {
        switch action {
        case .none:
            break
        case .deliver(let message):
            for request in session.received(message) {
                switch request {
                case .send(let message): write(message, context: context)
                case .close(let code, let reason): perform(connection.close(code, reason: reason), context: context)
                }
            }
        case .sendPong(let payload):
            write(WebSocketFrame(fin: true, opcode: .pong, data: payload), context: context)
        case .sendClose(let code, let reason):
            write(Self.closeFrame(code, reason: reason, allocator: context.channel.allocator), context: context)
            flushIfNeeded(context: context)
            closingDeadline = context.eventLoop.assumeIsolated().scheduleTask(in: closingTimeout) { [self] in
                perform(connection.closingDeadlinePassed(), context: context)
            }
        case .answerCloseAndDisconnect(let code):
            let frame =
                code.map { Self.closeFrame($0, reason: "", allocator: context.channel.allocator) }
                ?? WebSocketFrame(fin: true, opcode: .connectionClose, data: ByteBuffer())
            needsFlush = false
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(frame)).whenComplete { _ in channel.close(promise: nil) }
        case .disconnect:
            closingDeadline?.cancel()
            context.close(promise: nil)
        }
    }

    private func write(_ message: WebSocketProtocol.Message, context: ChannelHandlerContext) {
        switch message {
        case .text(let text):
            write(WebSocketFrame(fin: true, opcode: .text, data: context.channel.allocator.buffer(string: text)), context: context)
        case .binary(let bytes):
            write(WebSocketFrame(fin: true, opcode: .binary, data: bytes), context: context)
        }
    }

    private func write(_ frame: WebSocketFrame, context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(frame), promise: nil)
        needsFlush = true
    }

    private func flushIfNeeded(context: ChannelHandlerContext) {
        guard needsFlush else { return }
        needsFlush = false
        context.flush()
    }

    private static func closeFrame(_ code: WebSocketErrorCode, reason: String, allocator: ByteBufferAllocator) -> WebSocketFrame {
        var payload = allocator.buffer(capacity: 2 + reason.utf8.count)
        payload.write(webSocketErrorCode: code)
        payload.writeString(reason)
        return WebSocketFrame(fin: true, opcode: .connectionClose, data: payload)
    }
}
