public import HTTPTypes
import HummingbirdCore

/// Says who opens a connection, from its handshake, or refuses the handshake.
///
/// The chat server asks one identity provider and knows nothing of how it decides: a name in the
/// URL now, a verified token once OAuth2 arrives.
public protocol IdentityProvider: Sendable {
    /// The user name of the client behind `request`, or the refusal to answer it with.
    func identify(_ request: HTTPRequest) -> Result<String, HandshakeRefusal>
}

/// For development: the user is whoever the `name` query parameter says, such as `/ws?name=alice`.
///
/// Anyone can claim any name, so this is for trying the server on one's own machine, never for a
/// server others can reach.
public struct QueryNameIdentity: IdentityProvider {
    public init() {}

    public func identify(_ request: HTTPRequest) -> Result<String, HandshakeRefusal> {
        guard let name = URI(request.path ?? "").queryParameters["name"].map(String.init), UserName.isValid(name) else {
            return .failure(.badRequest("Say who you are with ?name=, \(UserName.rule)."))
        }
        return .success(name)
    }
}
