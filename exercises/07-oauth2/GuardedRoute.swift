import ChatServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import LessonKit
import NIOWebSocket

/// Exercise 3: who a handshake speaks for, or the refusal to answer it with, before any upgrade.
///
/// The token may come in any one of three carriers (lesson 7's text, "Three carriers"):
/// `Authorization: Bearer` (RFC 6750 §2.1), the `access_token` query parameter (§2.3), or a
/// `Sec-WebSocket-Protocol` element `bearer.<token>`. It must pass `verifier` with scope `chat:read`.
/// The refusals are RFC 6750 §3 and §3.1, each with a `WWW-Authenticate: Bearer realm="chat"` challenge:
/// - no token: 401, with no error code in the challenge;
/// - a token `verifier` refuses as `invalid_token`: 401, `error="invalid_token"`;
/// - one refused as `insufficient_scope`: 403, `error="insufficient_scope"`, `scope="chat:read"`;
/// - tokens in more than one carrier: 400, `error="invalid_request"`.
public func authorize(_ request: HTTPRequest, verifier: any AccessTokenVerifying) async throws -> Result<VerifiedAccess, HandshakeRefusal> {
    // TODO: find the token, verify it, and answer with the identity or the refusal. Then delete the line below.
    throw NotDoneYet("find the token in its carrier, verify it, and refuse with 401, 403 or 400: authorize, in GuardedRoute.swift")
}

/// Exercise 3: one guarded connection, for `access.user`.
///
/// Each text message comes back as `{"type":"message","from":USER,"text":TEXT}`. When the token's
/// `expiresAt` passes, the server closes the connection with 1008 and the reason "token expired"
/// (RFC 6455 §7.4.1: a policy violation, never an HTTP status as a close code).
public func guardedConnection(_ access: VerifiedAccess, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
    // TODO: answer each message with the user's name, and close with 1008 when the token expires. Then delete the line below.
    throw NotDoneYet("reply as the token's user, close with 1008 at expiry: guardedConnection, in GuardedRoute.swift")
}
