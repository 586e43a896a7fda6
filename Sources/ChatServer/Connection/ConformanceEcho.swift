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
                            try channel.pipeline.syncOperations.addHandler(handler)
                        }
                    }
                )
                return channel.pipeline.configureHTTPServerPipeline(
                    withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in })
                )
            }
            .bind(host: host, port: port)
            .get()
    }
}
