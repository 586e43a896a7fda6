import ChatServer
import Hummingbird
import HummingbirdWebSocket

/// Exercise 3, the reference: a server whose handshakes `decideUpgrade` guards, with an echo on `/ws`.
///
/// - Parameters:
///   - policy: passed to `decideUpgrade` for every handshake.
///   - configuration: where the application listens.
/// - Returns: the application, not yet running.
public func buildEchoServer(policy: HandshakePolicy, configuration: ApplicationConfiguration) throws -> any ApplicationProtocol {
    // The route: what FastAPI writes as `@app.websocket("/ws")`. By the time the handler runs, the
    // handshake was accepted and the 101 sent: `websocket.accept()` has already happened.
    let webSocketRouter = Router(context: BasicWebSocketRequestContext.self)
    webSocketRouter.ws("/ws") { inbound, outbound, _ in
        for try await message in inbound.messages(maxSize: 64 * 1024) {
            if case .text(let text) = message {
                try await outbound.write(.text(text))
            }
        }
    }

    // The guard: the decision runs on every handshake before NIO's upgrader, so a refusal keeps its status.
    return Application(
        router: Router(),
        server: .http1WebSocketUpgrade(
            webSocketRouter: webSocketRouter,
            guardedBy: { request in try decideUpgrade(request, policy: policy) }
        ),
        configuration: configuration
    )
}
