public import Logging

/// Everything the chat server can be told at start-up. Every setting has a default that serves a
/// developer on their own machine.
public struct ChatServerConfiguration: Sendable {
    /// The address to listen on. `127.0.0.1` keeps the server private to this machine.
    public var host: String
    /// The port to listen on; `0` lets the system pick one.
    public var port: Int
    /// Browser origins allowed to open WebSockets besides the server's own (see ``HandshakePolicy``).
    public var allowedOrigins: [String]
    /// The largest message a client may send, in bytes.
    public var maxMessageSize: Int
    /// The least severe log level written.
    public var logLevel: Logger.Level

    /// Creates a configuration.
    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        allowedOrigins: [String] = [],
        maxMessageSize: Int = 64 * 1024,
        logLevel: Logger.Level = .info
    ) {
        self.host = host
        self.port = port
        self.allowedOrigins = allowedOrigins
        self.maxMessageSize = maxMessageSize
        self.logLevel = logLevel
    }

    /// The handshake policy these settings make.
    public var handshakePolicy: HandshakePolicy {
        HandshakePolicy(allowedOrigins: allowedOrigins)
    }
}
