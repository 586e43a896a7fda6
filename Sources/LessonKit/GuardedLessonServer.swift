public import ChatServer
public import HTTPTypes
public import Hummingbird
public import HummingbirdWebSocket
import NIOCore
import NIOWebSocket

/// Answers `POST /token`: lesson 7's second exercise.
public protocol TokenResponding: Sendable {
    /// The answer to a token request: RFC 6749 §5.1 on success, §5.2 on an error.
    func respond(to request: Request) async throws -> Response
}

/// Says who opens a connection, from its handshake, or the refusal to answer it with: lesson 7's
/// third exercise writes one.
public typealias HandshakeAuthorizer = @Sendable (HTTPRequest) async throws -> Result<VerifiedAccess, HandshakeRefusal>

/// One guarded connection, from the moment it opens, knowing who it is for.
public typealias GuardedConnectionHandler =
    @Sendable (_ access: VerifiedAccess, _ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter) async throws -> Void

/// Lesson 7's server: `POST /token`, and `/ws`, whose handshakes `authorize` decides before any upgrade.
///
/// The handshake first passes the final server's policy (RFC 6455, the origin, subprotocol `chat.v1`),
/// then `authorize`. The route asks `authorize` again: the handshake guard runs before the
/// connection exists, and the handler is where the user must be known.
///
/// - Parameters:
///   - tokenEndpoint: what answers `POST /token`; `nil` for none.
///   - allowedOrigins: browser origins allowed besides the server's own.
///   - configuration: where the application listens.
///   - authorize: the identity or the refusal, for each handshake.
///   - connection: what runs for each accepted connection.
/// - Returns: the application, not yet running.
public func buildGuardedLessonServer(
    tokenEndpoint: (any TokenResponding)?,
    allowedOrigins: [String] = [],
    configuration: ApplicationConfiguration,
    authorize: @escaping HandshakeAuthorizer,
    connection: @escaping GuardedConnectionHandler
) -> any ApplicationProtocol {
    let router = Router()
    if let tokenEndpoint {
        router.post("/token") { request, _ in try await tokenEndpoint.respond(to: request) }
    }
    let webSocketRouter = Router(context: BasicWebSocketRequestContext.self)
    webSocketRouter.ws("/ws") { inbound, outbound, context in
        guard case .success(let access) = try await authorize(context.request.head) else {
            try await outbound.close(.policyViolation, reason: "unauthorized")
            return
        }
        do {
            try await connection(access, inbound, outbound)
        } catch let error as NotDoneYet {
            // The learner's check reads the close reason: it says what to write.
            try await outbound.close(.unexpectedServerError, reason: String(error.description.utf8.prefix(123)) ?? "not done yet")
        }
    }
    let policy = HandshakePolicy(allowedOrigins: allowedOrigins, subprotocols: ["chat.v1"])
    let guardHandshake: @Sendable (HTTPRequest) async throws -> UpgradeDecision = { request in
        let decision = policy.decide(request)
        guard case .accept = decision else { return decision }
        if case .failure(let refusal) = try await authorize(request) {
            return .refuse(refusal)
        }
        return decision
    }
    return Application(
        router: router,
        server: .http1WebSocketUpgrade(webSocketRouter: webSocketRouter, guardedBy: guardHandshake),
        configuration: configuration
    )
}
