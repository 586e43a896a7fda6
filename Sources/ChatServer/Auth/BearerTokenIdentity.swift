import Foundation
public import HTTPTypes
import HummingbirdCore

/// Identifies a connection by its access token (RFC 6750), from any of three carriers:
///
/// - `Authorization: Bearer <token>`, for native clients (§2.1);
/// - the `access_token` query parameter (§2.3), for clients that can set nothing else;
/// - `Sec-WebSocket-Protocol: chat.v1, bearer.<token>`, for browsers, whose WebSocket API can set no
///   header but this one. The server selects `chat.v1` and never echoes the token.
///
/// The token must verify, its user must exist and be enabled, and it must carry `chat:read`.
public struct BearerTokenIdentity: IdentityProvider {
    let tokens: TokenService
    let users: any UserStore

    public init(tokens: TokenService, users: any UserStore) {
        self.tokens = tokens
        self.users = users
    }

    /// The prefix that marks a token offered as a subprotocol.
    public static let subprotocolPrefix = "bearer."

    public func identify(_ request: HTTPRequest) async -> Result<Identity, HandshakeRefusal> {
        let offered = Set(Self.tokens(in: request))
        guard offered.count <= 1 else {
            return .failure(.badRequestForToken("Send the access token in one place only."))
        }
        guard let token = offered.first else { return .failure(.unauthorized()) }
        let identity: Identity
        do {
            identity = try await tokens.verify(token)
        } catch {
            return .failure(.unauthorized(error.reason))
        }
        guard (try? await users.activeUsers(among: [identity.user]))?.contains(identity.user) == true else {
            return .failure(.unauthorized("the user is disabled or removed"))
        }
        guard identity.scopes.contains(ChatScope.read) else {
            return .failure(.insufficientScope(ChatScope.read))
        }
        return .success(identity)
    }

    /// Every token the request carries, from any carrier.
    static func tokens(in request: HTTPRequest) -> [String] {
        var tokens: [String] = []
        for value in request.headerFields[values: .authorization] {
            let parts = value.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" { tokens.append(String(parts[1]).trimmingCharacters(in: .whitespaces)) }
        }
        if let query = URI(request.path ?? "").queryParameters["access_token"] {
            tokens.append(String(query))
        }
        for element in request.headerFields[values: .secWebSocketProtocol].flatMap({ $0.split(separator: ",") }) {
            let trimmed = element.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix(subprotocolPrefix) { tokens.append(String(trimmed.dropFirst(subprotocolPrefix.count))) }
        }
        return tokens
    }
}

extension HandshakeRefusal {
    /// 401 with the challenge of RFC 6750 §3: with `error="invalid_token"` when a token was presented,
    /// and with no error at all when none was (§3.1).
    public static func unauthorized(_ description: String? = nil) -> Self {
        var challenge = #"Bearer realm="chat""#
        if let description {
            challenge += #", error="invalid_token", error_description="\#(description)""#
        }
        return .init(
            status: .unauthorized,
            reason: description.map { "Unauthorized: \($0)." } ?? "Unauthorized: present an access token.",
            headers: [.wwwAuthenticate: challenge]
        )
    }

    /// 403 for a valid token that lacks a scope the connection needs (RFC 6750 §3.1).
    public static func insufficientScope(_ scope: String) -> Self {
        .init(
            status: .forbidden,
            reason: "Forbidden: the token lacks the scope \(scope).",
            headers: [.wwwAuthenticate: #"Bearer realm="chat", error="insufficient_scope", scope="\#(scope)""#]
        )
    }

    /// 400 for a request that presents tokens wrongly (RFC 6750 §3.1, `invalid_request`).
    static func badRequestForToken(_ description: String) -> Self {
        .init(
            status: .badRequest,
            reason: description,
            headers: [.wwwAuthenticate: #"Bearer realm="chat", error="invalid_request", error_description="\#(description)""#]
        )
    }
}
