public import Hummingbird
import HummingbirdWebSocket
import Logging
public import NIOCore

/// Builds the chat server: `GET /health`, and WebSockets on `/ws` behind the handshake policy.
///
/// `main` and the tests both call this, so what the tests run is what ships.
///
/// - Parameters:
///   - configuration: the server's settings.
///   - onServerRunning: called once the server listens; tests read the port from the channel.
public func buildApplication(
    _ configuration: ChatServerConfiguration,
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) -> some ApplicationProtocol {
    var logger = Logger(label: "chat-server")
    logger.logLevel = configuration.logLevel

    let router = Router()
    router.get("/health") { _, _ in "ok\n" }
    // A plain GET of the WebSocket endpoint (a browser tab, curl without headers) learns what it is.
    router.get("/ws") { _, _ in
        Response(
            status: .upgradeRequired,
            headers: [.upgrade: "websocket", .contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: "/ws is a WebSocket endpoint: connect with a WebSocket client.\n"))
        )
    }

    let webSocketRouter = Router(context: BasicWebSocketRequestContext.self)
    webSocketRouter.ws("/ws") { inbound, outbound, _ in
        // Echo for now; the chat protocol replaces this handler.
        for try await message in inbound.messages(maxSize: configuration.maxMessageSize) {
            if case .text(let text) = message {
                try await outbound.write(.text(text))
            }
        }
    }

    let policy = configuration.handshakePolicy
    return Application(
        router: router,
        server: .http1WebSocketUpgrade(webSocketRouter: webSocketRouter, guardedBy: policy.decide),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "chat-server"),
        onServerRunning: onServerRunning,
        logger: logger
    )
}
