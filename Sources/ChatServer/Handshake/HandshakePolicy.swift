/// What a server accepts in a WebSocket opening handshake, beyond what RFC 6455 requires of every one.
///
/// The policy is data; ``HandshakePolicy/decide(_:)`` applies it to a request.
public struct HandshakePolicy: Sendable, Equatable {
    /// Browser origins allowed besides the server's own, such as `https://chat.example.com`.
    ///
    /// A request whose `Origin` names the host it was sent to is always allowed, and so is a request
    /// with no `Origin` at all, or a `ws://` or `wss://` one: browsers send the `http(s)` origin of the
    /// page, and the check exists for them (RFC 6455 §10.2). `"*"` allows every origin, which turns off the protection against
    /// cross-site WebSocket hijacking.
    public var allowedOrigins: [String]
    /// Subprotocols the server speaks. The server picks the first one the client offers that is in this
    /// list, or none (RFC 6455 §4.2.2).
    public var subprotocols: [String]

    /// Creates a policy.
    ///
    /// - Parameters:
    ///   - allowedOrigins: origins allowed besides the server's own; `["*"]` allows any.
    ///   - subprotocols: subprotocols the server speaks.
    public init(allowedOrigins: [String] = [], subprotocols: [String] = []) {
        self.allowedOrigins = allowedOrigins
        self.subprotocols = subprotocols
    }
}
