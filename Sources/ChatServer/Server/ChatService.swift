import Foundation
public import Logging
public import NIOCore
public import ServiceLifecycle

/// The chat server as one service: the message store, the hub, and the HTTP application, started
/// together and shut down in order.
///
/// `chat-server` runs it under a service group that turns SIGTERM and SIGINT into a graceful
/// shutdown; tests run the same service on port 0. On shutdown every WebSocket is closed with 1001
/// while the server still runs, then the server stops, then the database is closed.
public struct ChatService: Service {
    public let configuration: ChatServerConfiguration
    /// Who is connected, and in which rooms.
    public let hub: Hub
    /// What the server counts, as served at `/metrics`.
    public let metrics = ChatMetrics()
    /// The SQLite file, unless the server runs on PostgreSQL.
    let database: ChatDatabase?
    let store: any MessageStore
    /// The PostgreSQL database that holds the messages instead of `database`, when one is configured,
    /// what the process hears of the others on it, and `store` on it: services the server runs.
    let history: (database: PostgresChatDatabase, listener: PostgresListener, store: PostgresMessageStore)?
    /// The presence of every process sharing that database: a service too.
    let presence: PostgresPresence?
    let users: any UserStore
    let identity: any IdentityProvider
    /// The OAuth endpoints, when clients sign in with tokens.
    let oauth: OAuthEndpoints?
    let logger: Logger
    let onServerRunning: @Sendable (any Channel) async -> Void

    /// Opens the database (creating and migrating it if need be) and prepares the server.
    ///
    /// - Parameters:
    ///   - configuration: the server's settings.
    ///   - logger: where the server logs; one labelled with the product's name at the configured level by default.
    ///   - onServerRunning: called once the server listens; tests read the port from the channel.
    /// - Throws: when the database can't be opened or migrated, or the signing key can't be used.
    public init(
        configuration: ChatServerConfiguration,
        logger: Logger? = nil,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) async throws {
        self.configuration = configuration
        self.onServerRunning = onServerRunning
        self.logger =
            logger
            ?? {
                var logger = Logger(label: configuration.productName)
                logger.logLevel = configuration.logLevel
                return logger
            }()
        // Accounts live where the messages do: in PostgreSQL, every process shares them.
        let refreshTokens: any RefreshTokenStore
        let throttle: any LoginThrottle
        // A group commit's fan-outs wake each event loop once, so its messages leave in shared writes.
        if let url = configuration.historyDatabaseURL, configuration.keepsHistory {
            let postgres = try PostgresChatDatabase(url: url, logger: self.logger)
            try await postgres.migrateBeforeRunning()
            let listener = PostgresListener(postgres)
            // The presence service makes the hub: the hub tells it who comes and goes here.
            let presence = PostgresPresence(
                postgres,
                listener: listener,
                heartbeatInterval: configuration.presenceHeartbeatInterval,
                timeout: configuration.presenceTimeout
            )
            let hub = presence.hub
            let store = PostgresMessageStore(
                postgres,
                listener: listener,
                aroundCallbacks: { FanOutBatch.gathering($0) },
                deliverElsewhere: { hub.deliverFromElsewhere($0) }
            )
            self.history = (postgres, listener, store)
            self.presence = presence
            self.hub = hub
            self.store = store
            self.database = nil
            (users, refreshTokens, throttle) = (PostgresUserStore(postgres), PostgresRefreshTokenStore(postgres), PostgresLoginThrottle(postgres))
        } else {
            let database = try ChatDatabase(path: configuration.databasePath)
            self.history = nil
            self.presence = nil
            self.hub = Hub()
            self.store = SQLiteMessageStore(database, keepsHistory: configuration.keepsHistory) { FanOutBatch.gathering($0) }
            self.database = database
            (users, refreshTokens, throttle) = (SQLiteUserStore(database), SQLiteRefreshTokenStore(database), InMemoryLoginThrottle())
        }

        switch configuration.authentication.mode {
        case .anonymous:
            identity = QueryNameIdentity()
            oauth = nil
        case .tokens(let key):
            let tokens = try await TokenService(key: key, accessTokenLifetime: configuration.accessTokenLifetime)
            let hasher = PasswordHasher(cost: configuration.passwordHashCost)
            identity = BearerTokenIdentity(tokens: tokens, users: users)
            oauth = OAuthEndpoints(
                users: users,
                refreshTokens: refreshTokens,
                tokens: tokens,
                hasher: hasher,
                throttle: throttle,
                clientAddress: ClientAddress(trustedProxies: configuration.trustedProxies),
                allowsRegistration: configuration.allowsRegistration,
                decoyHash: try await hasher.hash(UUID().uuidString)
            )
        }
    }

    public func run() async throws {
        var services: [any Service] = [
            try makeApplication(),
            WebSocketDrain(hub: hub, timeout: configuration.shutdownTimeout),
        ]
        if let database {
            services.append(Checkpoints(database: database, store: store as? SQLiteMessageStore, interval: .seconds(1), logger: logger))
        }
        if let history, let presence {
            // First in, so last out: the history outlives every connection that may still send, and
            // the process's presence is deleted once every connection has closed.
            services.insert(contentsOf: [history.database, history.listener, history.store, presence] as [any Service], at: 0)
        }
        if oauth != nil {
            services.append(AccountWatch(hub: hub, users: users, interval: .milliseconds(250), logger: logger))
        }
        let group = ServiceGroup(configuration: .init(services: services, logger: logger))
        try await withGracefulShutdownHandler {
            try await group.run()
        } onGracefulShutdown: {
            Task { await group.triggerGracefulShutdown() }
        }
        try database?.close()
        logger.info("Stopped; the database is closed")
    }
}
