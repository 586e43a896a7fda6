import ChatServer
public import Hummingbird
public import HummingbirdWebSocket
import NIOCore
import NIOWebSocket

/// One chat connection of `user`, from the moment it opens until the handler returns: what lesson 5's
/// third exercise writes.
public typealias ChatConnectionHandler =
    @Sendable (_ user: String, _ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter) async throws -> Void

/// Lesson 5's server around a chat connection handler, as `chat-server --dev --allow-anonymous` is
/// around its own: the web chat at `/`, `/config.json` telling the page to sign in by name, and `/ws`,
/// whose handshakes the final server's policy decides (subprotocol `chat.v1`).
///
/// A connection on `/ws` without a valid `?name=` is closed with 1008 before `handler` runs.
///
/// - Parameters:
///   - allowedOrigins: browser origins allowed besides the server's own.
///   - configuration: where the application listens.
///   - handler: what runs for each connection with a name.
/// - Returns: the application, not yet running.
public func buildChatLessonServer(
    allowedOrigins: [String] = [],
    configuration: ApplicationConfiguration,
    handler: @escaping ChatConnectionHandler
) throws -> any ApplicationProtocol {
    let page = try WebPage.chat()
    let router = Router()
    router.get("/") { _, _ in Response(status: .ok, headers: page.headers, body: .init(byteBuffer: page.body)) }
    router.get("/config.json") { _, _ in
        let anonymous = ByteBuffer(string: #"{"authentication":"anonymous","registration":false}"#)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: anonymous))
    }

    let webSocketRouter = Router(context: BasicWebSocketRequestContext.self)
    webSocketRouter.ws("/ws") { inbound, outbound, context in
        guard let user = context.request.uri.queryParameters["name"].map(String.init), UserName.isValid(user) else {
            try await outbound.close(.policyViolation, reason: "?name= must be \(UserName.rule)")
            return
        }
        try await handler(user, inbound, outbound)
    }
    let policy = HandshakePolicy(allowedOrigins: allowedOrigins, subprotocols: ["chat.v1"])
    // A frame may hold a whole message of 4,096 characters, each up to 4 bytes, with its JSON around it.
    let webSocket = WebSocketServerConfiguration(maxFrameSize: 64 * 1024, autoPing: .enabled(timePeriod: .seconds(30)))
    return Application(
        router: router,
        server: .http1WebSocketUpgrade(webSocketRouter: webSocketRouter, configuration: .init(ws: webSocket), guardedBy: policy.decide),
        configuration: configuration
    )
}
