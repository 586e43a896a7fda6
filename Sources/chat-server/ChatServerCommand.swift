import ArgumentParser
import ChatServer
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// The product's name: the command's, and what the server calls itself in logs, the `Server` header,
/// `/health` and the page's title. The executable's target and folder carry the same name.
let productName = "chat-server"

@main
struct ChatServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: productName,
        abstract: "A chat server: rooms, history (SQLite, or PostgreSQL for several processes) and presence over WebSockets (protocol chat.v1).",
        subcommands: [ServeCommand.self, UsersCommand.self, BackupCommand.self, EchoCommand.self],
        defaultSubcommand: ServeCommand.self
    )

    /// `chat-server --help` shows the server's options: serving is what `chat-server` does, and the
    /// options are what people look for. `chat-server help` still lists the subcommands.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments == ["--help"] || arguments == ["-h"] {
            print(helpMessage(for: ServeCommand.self))
            print("\nAccounts: \(productName) users --help. Backups: \(productName) backup --help. Every subcommand: \(productName) help.")
            return
        }
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

/// The environment variables the options read their defaults from.
let environment = ProcessInfo.processInfo.environment

/// `chat-server` and `chat-server serve`: run the server.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the server (the default).",
        discussion: """
            Serves the web chat at /, WebSockets at /ws, OAuth2 at /token and /revoke, /health, \
            /metrics and /asyncapi.yaml. Every option can also be set with the environment variable \
            named in its help; a flag wins.
            Access tokens are signed with CHAT_JWT_SECRET, --jwt-secret-file or --jwt-key-file; \
            without one the server refuses to start, unless --dev gives it a random key for this run.
            """
    )

    @Option(help: "The address to listen on (CHAT_HOST).")
    var host = environment["CHAT_HOST"] ?? "127.0.0.1"

    @Option(help: "The port to listen on (CHAT_PORT).")
    var port = environment["CHAT_PORT"].flatMap(Int.init) ?? 8080

    @OptionGroup var database: DatabaseOption

    @OptionGroup var history: HistoryDatabaseOption

    @Option(
        name: .customLong("allowed-origin"),
        help: "A browser origin allowed besides the server's own; repeat for more, * allows any (CHAT_ALLOWED_ORIGINS, comma-separated)."
    )
    var allowedOrigins: [String] = environment["CHAT_ALLOWED_ORIGINS"].map { $0.split(separator: ",").map(String.init) } ?? []

    @Option(
        name: .customLong("trusted-proxy"),
        help: """
            The IP address of a reverse proxy whose X-Forwarded-For names the client, for sign-in limits; \
            repeat for more (CHAT_TRUSTED_PROXIES, comma-separated). Without one, X-Forwarded-For is ignored.
            """
    )
    var trustedProxies: [String] = environment["CHAT_TRUSTED_PROXIES"].map { $0.split(separator: ",").map(String.init) } ?? []

    @Option(help: "The largest message or frame, in bytes; larger ones close with 1009 (CHAT_MAX_MESSAGE_SIZE).")
    var maxMessageSize = environment["CHAT_MAX_MESSAGE_SIZE"].flatMap(Int.init) ?? 64 * 1024

    @Option(help: "Open WebSockets beyond which handshakes get 503 and Retry-After (CHAT_MAX_CONNECTIONS).")
    var maxConnections = environment["CHAT_MAX_CONNECTIONS"].flatMap(Int.init) ?? 10_000

    @Option(help: "Messages a second each connection may send on average (CHAT_RATE_LIMIT).")
    var rateLimit = environment["CHAT_RATE_LIMIT"].flatMap(Double.init) ?? 20

    @Option(help: "Messages a connection may send in a burst (CHAT_RATE_BURST).")
    var rateBurst = environment["CHAT_RATE_BURST"].flatMap(Int.init) ?? 40

    @Option(help: "Seconds between pings; a client silent for two closes (CHAT_PING_INTERVAL).")
    var pingInterval = environment["CHAT_PING_INTERVAL"].flatMap(Double.init) ?? 30

    @Option(help: "Messages that may wait for one slow reader before it is cut off with 1008 (CHAT_MAX_QUEUED_MESSAGES).")
    var maxQueuedMessages = environment["CHAT_MAX_QUEUED_MESSAGES"].flatMap(Int.init) ?? 1024

    @Option(help: "Bytes that may wait for one slow reader before it is cut off with 1008 (CHAT_MAX_QUEUED_BYTES).")
    var maxQueuedBytes = environment["CHAT_MAX_QUEUED_BYTES"].flatMap(Int.init) ?? 4 << 20

    @Option(help: "trace, debug, info, notice, warning, error or critical (CHAT_LOG_LEVEL).")
    var logLevel = environment["CHAT_LOG_LEVEL"] ?? "info"

    @Option(help: "A file holding the HS256 secret, at least 32 bytes (or the secret itself in CHAT_JWT_SECRET).")
    var jwtSecretFile: String?

    @Option(help: "A file holding an ES256 (P-256) private key in PEM, to sign with instead of a secret.")
    var jwtKeyFile: String?

    @Option(help: "Seconds an access token lives (CHAT_ACCESS_TOKEN_TTL).")
    var accessTokenTTL = environment["CHAT_ACCESS_TOKEN_TTL"].flatMap(Int.init) ?? 900

    @Flag(help: "Store no messages: for measuring the fan-out alone (joins recover nothing, resends are not recognised).")
    var noHistory = false

    @Flag(help: "Let anyone register with POST /users.")
    var allowRegistration = false

    @Flag(help: "Development: without a signing key, make a random one for this run (tokens die with it).")
    var dev = false

    @Flag(help: "With --dev: no accounts, a client is whoever ?name= on the WebSocket URL says.")
    var allowAnonymous = false

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical.")
        }
        guard maxMessageSize > 0, maxConnections > 0, maxQueuedMessages > 0, maxQueuedBytes >= maxMessageSize, rateLimit > 0, rateBurst > 0,
            pingInterval > 0, accessTokenTTL > 0
        else {
            throw ValidationError("Sizes, limits and intervals must be positive.")
        }
        guard !allowAnonymous || dev else {
            throw ValidationError("--allow-anonymous lets anyone be anyone: it needs --dev.")
        }
        if noHistory, history.url != nil {
            throw ValidationError(
                "--no-history stores no messages, and processes on --database reach each other through the stored ones: use one or the other."
            )
        }
    }

    /// How clients prove who they are, from the key options.
    func authentication(logger: Logger) throws -> Authentication {
        if allowAnonymous {
            logger.warning("Development mode: no accounts; anyone may claim any name with ?name=")
            return .anonymousForDevelopment
        }
        if let jwtKeyFile {
            return .tokens(signedWith: try .es256(pem: try String(contentsOfFile: jwtKeyFile, encoding: .utf8)))
        }
        if let secret = try jwtSecretFile.map({ try Data(contentsOf: URL(fileURLWithPath: $0)) })
            ?? environment["CHAT_JWT_SECRET"].map({ Data($0.utf8) })
        {
            // A secret file usually ends with a newline that is not part of the secret.
            let trimmed = Array(secret).reversed().drop { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }.reversed()
            return .tokens(signedWith: try .hs256(secret: Array(trimmed)))
        }
        guard dev else {
            throw CommandFailure(
                "No signing key. Set CHAT_JWT_SECRET (at least 32 bytes), or pass --jwt-secret-file or --jwt-key-file; "
                    + "or run with --dev for a random key for this run."
            )
        }
        logger.warning("Development mode: access tokens are signed with a random key that dies with this process")
        return .tokens(signedWith: .randomForDevelopment())
    }

    func run() async throws {
        let configuration = ChatServerConfiguration(
            host: host,
            port: port,
            databasePath: database.path,
            allowedOrigins: allowedOrigins,
            maxMessageSize: maxMessageSize,
            maxConnections: maxConnections,
            rateLimit: rateLimit,
            rateBurst: rateBurst,
            pingInterval: .milliseconds(Int(pingInterval * 1000)),
            maxQueuedMessages: maxQueuedMessages,
            maxQueuedBytes: maxQueuedBytes,
            keepsHistory: !noHistory,
            logLevel: Logger.Level(rawValue: logLevel) ?? .info
        )
        var logger = Logger(label: productName)
        logger.logLevel = configuration.logLevel
        var settled = configuration
        settled.productName = productName
        settled.authentication = try authentication(logger: logger)
        settled.accessTokenLifetime = .seconds(accessTokenTTL)
        settled.allowsRegistration = allowRegistration
        settled.trustedProxies = trustedProxies
        settled.historyDatabaseURL = history.url
        let service = try await ChatService(configuration: settled, logger: logger)
        let group = ServiceGroup(
            configuration: .init(services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        try await group.run()
    }
}
