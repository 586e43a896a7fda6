public import Logging

/// Everything the chat server can be told at start-up. Every setting has a default that serves a
/// developer on their own machine; `chat-server --help` lists the flag and environment variable of each.
public struct ChatServerConfiguration: Sendable {
    /// The address to listen on. `127.0.0.1` keeps the server private to this machine.
    public var host: String
    /// The port to listen on; `0` lets the system pick one.
    public var port: Int
    /// The SQLite file that holds every message; created and migrated on first start.
    public var databasePath: String
    /// Browser origins allowed to open WebSockets besides the server's own (see ``HandshakePolicy``).
    public var allowedOrigins: [String]
    /// The largest message or frame a client may send, in bytes; larger ones close the connection
    /// with 1009.
    public var maxMessageSize: Int
    /// Open WebSockets beyond which handshakes are refused with 503 and `Retry-After`.
    public var maxConnections: Int
    /// Messages a second a connection may send on average.
    public var rateLimit: Double
    /// Messages a connection may send in a burst above the average.
    public var rateBurst: Int
    /// Messages refused in a row for the rate, after which the connection is closed with 1008.
    public var rateStrikes: Int
    /// How often the server pings each client; a client that has not answered by the next ping is
    /// taken to be gone, and its connection is closed.
    public var pingInterval: Duration
    /// How long shutdown waits for clients to answer the 1001 close before it stops anyway.
    public var shutdownTimeout: Duration
    /// Messages that may wait for one connection's writer; past this (or ``maxQueuedBytes``) the
    /// connection is too slow to keep up and is closed with 1008.
    public var maxQueuedMessages: Int
    /// Bytes that may wait for one connection's writer.
    public var maxQueuedBytes: Int
    /// Whether messages are stored; off only to measure the fan-out alone (see ``MessageStore``).
    public var keepsHistory: Bool
    /// How clients prove who they are.
    public var authentication: Authentication
    /// How long an access token lives.
    public var accessTokenLifetime: Duration
    /// Whether anyone may register with `POST /users`.
    public var allowsRegistration: Bool
    /// bcrypt's cost (log2 of its rounds) for new password hashes.
    public var passwordHashCost: UInt8
    /// The least severe log level written.
    public var logLevel: Logger.Level
    /// Reverse proxies, by IP address, whose `X-Forwarded-For` names the client (see ``ClientAddress``).
    public var trustedProxies: [String] = []
    /// What the server calls itself: the logger's label, the `Server` header, the web page's title and
    /// the `/health` answer. A product built on this server sets its own.
    public var productName = "chat-server"
    /// A PostgreSQL database (`postgres://user:password@host:port/database`) in place of the SQLite
    /// file at ``databasePath``, for the messages and the accounts: several processes on it serve the
    /// same rooms and users.
    public var historyDatabaseURL: String? = nil
    /// How often each process on the PostgreSQL database (see ``historyDatabaseURL``) says it still
    /// runs, and sweeps away the presence of the processes that stopped saying so.
    public var presenceHeartbeatInterval: Duration = .seconds(1)
    /// How long after its last heartbeat a process on the PostgreSQL database is taken to be dead: its
    /// users are announced gone at most this plus ``presenceHeartbeatInterval`` after it died. Keep it
    /// several intervals long, or a process whose heartbeat is merely late is taken for dead.
    public var presenceTimeout: Duration = .seconds(5)

    /// Creates a configuration.
    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        databasePath: String = "chat.sqlite",
        allowedOrigins: [String] = [],
        maxMessageSize: Int = 64 * 1024,
        maxConnections: Int = 10_000,
        rateLimit: Double = 20,
        rateBurst: Int = 40,
        rateStrikes: Int = 20,
        pingInterval: Duration = .seconds(30),
        shutdownTimeout: Duration = .seconds(10),
        maxQueuedMessages: Int = 1024,
        maxQueuedBytes: Int = 4 << 20,
        keepsHistory: Bool = true,
        authentication: Authentication = .tokens(signedWith: .randomForDevelopment()),
        accessTokenLifetime: Duration = .seconds(15 * 60),
        allowsRegistration: Bool = false,
        passwordHashCost: UInt8 = 12,
        logLevel: Logger.Level = .info
    ) {
        self.host = host
        self.port = port
        self.databasePath = databasePath
        self.allowedOrigins = allowedOrigins
        self.maxMessageSize = maxMessageSize
        self.maxConnections = maxConnections
        self.rateLimit = rateLimit
        self.rateBurst = rateBurst
        self.rateStrikes = rateStrikes
        self.pingInterval = pingInterval
        self.shutdownTimeout = shutdownTimeout
        self.maxQueuedMessages = maxQueuedMessages
        self.maxQueuedBytes = maxQueuedBytes
        self.keepsHistory = keepsHistory
        self.authentication = authentication
        self.accessTokenLifetime = accessTokenLifetime
        self.allowsRegistration = allowsRegistration
        self.passwordHashCost = passwordHashCost
        self.logLevel = logLevel
    }

    /// The handshake policy these settings make: the origins, and the `chat.v1` subprotocol.
    public var handshakePolicy: HandshakePolicy {
        HandshakePolicy(allowedOrigins: allowedOrigins, subprotocols: ["chat.v1"])
    }
}

/// How clients prove who they are.
public struct Authentication: Sendable {
    enum Mode: Sendable {
        case tokens(SigningKey)
        case anonymous
    }

    let mode: Mode

    /// OAuth2 access tokens (JWTs) signed with this key, from `POST /token`.
    public static func tokens(signedWith key: SigningKey) -> Authentication {
        Authentication(mode: .tokens(key))
    }

    /// No accounts: a client is whoever `?name=` says. For development on one's own machine only.
    public static let anonymousForDevelopment = Authentication(mode: .anonymous)
}
