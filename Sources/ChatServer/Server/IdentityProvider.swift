import Foundation
public import HTTPTypes
import HummingbirdCore

/// Who a connection speaks for, and what it may do until when.
public struct Identity: Sendable, Equatable {
    /// The user name.
    public var user: String
    /// What the connection may do: `chat:read` to join rooms and read history, `chat:write` to send.
    public var scopes: Set<String>
    /// When the identity stops holding (a token's `exp`); `nil` for never.
    public var expiresAt: Date?

    public init(user: String, scopes: Set<String>, expiresAt: Date? = nil) {
        self.user = user
        self.scopes = scopes
        self.expiresAt = expiresAt
    }
}

/// The scopes of the chat protocol.
public enum ChatScope {
    /// Join rooms, read history.
    public static let read = "chat:read"
    /// Send messages, room or direct.
    public static let write = "chat:write"
    /// Both.
    public static let all: Set<String> = [read, write]
}

/// Says who opens a connection, from its handshake, or refuses the handshake.
///
/// The chat server asks one identity provider and knows nothing of how it decides: a name in the
/// URL for development, a verified token otherwise.
public protocol IdentityProvider: Sendable {
    /// The identity of the client behind `request`, or the refusal to answer it with.
    func identify(_ request: HTTPRequest) async -> Result<Identity, HandshakeRefusal>
}

/// For development: the user is whoever the `name` query parameter says, such as `/ws?name=alice`,
/// with every scope.
///
/// Anyone can claim any name, so this is for trying the server on one's own machine, never for a
/// server others can reach.
public struct QueryNameIdentity: IdentityProvider {
    public init() {}

    public func identify(_ request: HTTPRequest) async -> Result<Identity, HandshakeRefusal> {
        guard let name = URI(request.path ?? "").queryParameters["name"].map(String.init), UserName.isValid(name) else {
            return .failure(.badRequest("Say who you are with ?name=, \(UserName.rule)."))
        }
        return .success(Identity(user: name, scopes: ChatScope.all))
    }
}
