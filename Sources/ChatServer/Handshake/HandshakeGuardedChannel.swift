public import HTTPTypes
public import Hummingbird
public import HummingbirdCore
public import HummingbirdWebSocket
import Logging
import NIOCore
import NIOHTTP1

/// Hummingbird's HTTP/1 channel with WebSocket upgrade, with a ``HandshakeGuard`` in front of the
/// upgrader.
struct HandshakeGuardedChannel: ServerChildChannel {
    typealias Value = HTTP1WebSocketUpgradeChannel.Value

    let base: HTTP1WebSocketUpgradeChannel
    let decide: @Sendable (HTTPRequest) async throws -> UpgradeDecision

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            let upgrader = try pipeline.handler(type: NIOTypedHTTPServerUpgradeHandler<HTTP1WebSocketUpgradeChannel.UpgradeResult>.self)
            try pipeline.addHandler(HandshakeGuard(logger: logger, decide: decide), position: .before(upgrader))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// An HTTP/1 server whose WebSocket handshakes are decided by `decide` before any upgrade.
    ///
    /// `decide` sees every request that tries to open a WebSocket, on any path; it may wait (on a
    /// database, say) without holding up the event loop. What it accepts goes on
    /// to `webSocketRouter`, whose `ws` routes handle the connection; what it refuses is answered with
    /// the refusal's status, header fields and reason.
    ///
    /// - Parameters:
    ///   - webSocketRouter: the router with the `ws` routes.
    ///   - configuration: HTTP/1 and WebSocket settings.
    ///   - decide: the handshake decision, such as ``HandshakePolicy/decide(_:)``.
    public static func http1WebSocketUpgrade<WebSocketRouter: HTTPResponderBuilder & SendableMetatype>(
        webSocketRouter: WebSocketRouter,
        configuration: HTTP1WebSocketUpgradeChannel.Configuration = .init(),
        guardedBy decide: @escaping @Sendable (HTTPRequest) async throws -> UpgradeDecision
    ) -> HTTPServerBuilder where WebSocketRouter.Responder.Context: WebSocketRequestContext {
        let webSocketResponder = webSocketRouter.buildResponder()
        return .init { responder in
            HandshakeGuardedChannel(
                base: HTTP1WebSocketUpgradeChannel(responder: responder, webSocketResponder: webSocketResponder, configuration: configuration),
                decide: decide
            )
        }
    }
}
