import Hummingbird
import HummingbirdWebSocket
import LessonKit
import NIOWebSocket

/// Exercise 3: `echo.v1` on `/ws`, with its limits.
///
/// Build:
/// - a router of context `BasicWebSocketRequestContext` with a `ws("/ws")` route whose handler reads
///   `inbound.messages(maxSize: 4096)`, writes `reply(to:)` back for each text message, and closes
///   with `.unacceptableData` (1003) at the first binary one;
/// - a `WebSocketServerConfiguration` with `maxFrameSize: 4096` and `validateUTF8: true`;
/// - an `Application` with a plain `Router()` for HTTP, `.http1WebSocketUpgrade(webSocketRouter:configuration:)`
///   as its server, and `configuration`.
///
/// Then a message over 4,096 bytes closes with 1009, in one frame or in many, and text that is not
/// UTF-8 with 1007: the library sends those closes for you.
///
/// - Parameter configuration: where the application listens.
/// - Returns: the application, not yet running.
public func buildMessageServer(configuration: ApplicationConfiguration) throws -> any ApplicationProtocol {
    // TODO: build the route, the limits and the Application. Then delete the line below.
    throw NotDoneYet("build the echo.v1 server: the message loop and its limits, in MessageServer.swift")
}
