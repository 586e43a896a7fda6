import Hummingbird
import HummingbirdWebSocket
import LessonKit
import NIOWebSocket

/// Exercise 3, the reference: an echo on `/ws?name=NAME` that keeps `registry` true: a connection is
/// in it while open, and out of it however it ends.
///
/// - Parameters:
///   - registry: where open connections are kept.
///   - pingInterval: how often to ping; a client that has not answered by the next ping is dropped.
///   - configuration: where the application listens.
/// - Returns: the application, not yet running.
public func buildPresenceServer(
    registry: any ConnectionRegistry,
    pingInterval: Duration,
    configuration: ApplicationConfiguration
) throws -> any ApplicationProtocol {
    let webSocketRouter = Router(context: BasicWebSocketRequestContext.self)
    webSocketRouter.ws("/ws") { inbound, outbound, context in
        guard let user = context.request.uri.queryParameters["name"].map(String.init), !user.isEmpty else {
            try await outbound.close(.policyViolation, reason: "?name= is required")
            return
        }
        let connection = try registry.connect(user: user)
        // However the handler ends, by a close, an error, or a connection cut or timed out, this runs.
        defer { try? registry.disconnect(connection) }
        for try await message in inbound.messages(maxSize: 4096) {
            if case .text(let text) = message {
                try await outbound.write(.text(text))
            }
        }
    }
    // TCP alone would not notice a client whose network vanished for hours: pings do, within two intervals.
    let webSocket = WebSocketServerConfiguration(autoPing: .enabled(timePeriod: pingInterval))
    return Application(
        router: Router(),
        server: .http1WebSocketUpgrade(webSocketRouter: webSocketRouter, configuration: webSocket),
        configuration: configuration
    )
}
