import ChatServer
import Hummingbird
import HummingbirdWebSocket
import LessonKit

/// Exercise 3: a server whose handshakes your decision guards, with an echo on `/ws`.
///
/// Three pieces, the Swift side of FastAPI's `@app.websocket("/ws")` and `await websocket.accept()`:
/// - a router of context `BasicWebSocketRequestContext` with a `ws("/ws")` route whose handler echoes
///   every text message back (`for try await message in inbound.messages(maxSize:)`);
/// - a server that runs your `decideUpgrade` on every handshake before any upgrade:
///   `.http1WebSocketUpgrade(webSocketRouter:guardedBy:)`;
/// - an `Application` with a plain `Router()` for HTTP, that server, and `configuration`.
///
/// - Parameters:
///   - policy: passed to `decideUpgrade` for every handshake.
///   - configuration: where the application listens.
/// - Returns: the application, not yet running.
public func buildEchoServer(policy: HandshakePolicy, configuration: ApplicationConfiguration) throws -> any ApplicationProtocol {
    // TODO: build the WebSocket router and its echo route, then return the Application. Then delete
    // the line below.
    throw NotDoneYet("build the echo server: a ws(\"/ws\") route, guarded by decideUpgrade, in EchoServer.swift")
}
