import Hummingbird
import HummingbirdWebSocket
import LessonKit
import NIOWebSocket

/// Exercise 3: an echo on `/ws?name=NAME` that keeps `registry` true: a connection is in it while
/// open, and out of it however it ends.
///
/// Build a `ws("/ws")` route (context `BasicWebSocketRequestContext`) whose handler:
/// - reads the name from `context.request.uri.queryParameters["name"]`; without one, closes with
///   `.policyViolation` (1008) and returns;
/// - adds the connection with `registry.connect(user:)`, and removes it in a `defer`, so that it
///   goes however the handler ends;
/// - echoes each text message from `inbound.messages(maxSize: 4096)`.
///
/// Serve it with `WebSocketServerConfiguration(autoPing: .enabled(timePeriod: pingInterval))`, so
/// that a client that stops answering pings is dropped, through
/// `.http1WebSocketUpgrade(webSocketRouter:configuration:)` in an `Application` with a plain `Router()`.
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
    // TODO: build the route, the pings and the Application. Then delete the line below.
    throw NotDoneYet("build the presence server: register, echo, and unregister in a defer, in PresenceServer.swift")
}
