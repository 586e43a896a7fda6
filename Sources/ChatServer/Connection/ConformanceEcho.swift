public import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// An echo on ``WebSocketConnectionHandler``, for conformance suites such as Autobahn|Testsuite: the
/// chat server's connection machinery with nothing of the chat, served by NIO alone. It is not one of
/// the chat server's routes; `chat-server echo` runs it.
public enum ConformanceEcho {
    /// Starts listening; close the returned channel to stop.
    ///
    /// - Parameters:
    ///   - host: the address to listen on.
    ///   - port: the port, or 0 for any free one (the channel's `localAddress` says which).
    ///   - maxMessageSize: the largest message accepted, in bytes; Autobahn's 9.x cases send 16 MiB.
    /// - Returns: the listening channel.
    public static func start(host: String, port: Int, maxMessageSize: Int) async throws -> any Channel {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                let upgrader = NIOWebSocketServerUpgrader(
                    maxFrameSize: maxMessageSize,
                    // The protocol checks what the decoder lets through, and answers its own errors.
                    automaticErrorHandling: true,
                    shouldUpgrade: { channel, _ in channel.eventLoop.makeSucceededFuture([:]) },
                    upgradePipelineHandler: { channel, _ in
                        channel.eventLoop.makeCompletedFuture {
                            // The outbox stays empty: an echo answers each message at once.
                            let outbox = Outbox(bounds: .init(messages: 1, bytes: 1))
                            let handler = WebSocketConnectionHandler(session: EchoSession(), outbox: outbox, maxMessageSize: maxMessageSize)
                            let pipeline = channel.pipeline.syncOperations
                            pipeline.removeHandler(context: try pipeline.context(handlerType: PlainRequestAnswer.self), promise: nil)
                            try pipeline.addHandler(handler)
                        }
                    }
                )
                return channel.pipeline.configureHTTPServerPipeline(
                    withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in })
                ).flatMapThrowing {
                    try channel.pipeline.syncOperations.addHandler(PlainRequestAnswer())
                }
            }
            .bind(host: host, port: port)
            .get()
    }
}

/// Answers a request that is not a WebSocket handshake (curl, a browser tab) with 426, instead of
/// leaving it unanswered. A handshake takes it out of the pipeline along with HTTP.
private final class PlainRequestAnswer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = unwrapInboundIn(data) else { return }
        let body = context.channel.allocator.buffer(string: "This is a WebSocket echo: connect with a WebSocket client.\n")
        var headers = HTTPHeaders([("Content-Type", "text/plain; charset=utf-8"), ("Upgrade", "websocket")])
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .upgradeRequired, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
