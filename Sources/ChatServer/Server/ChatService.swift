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
    public let hub = Hub()
    /// What the server counts, as served at `/metrics`.
    public let metrics = ChatMetrics()
    let database: ChatDatabase
    let store: MessageStore
    let identity: any IdentityProvider
    let logger: Logger
    let onServerRunning: @Sendable (any Channel) async -> Void

    /// Opens the database (creating and migrating it if need be) and prepares the server.
    ///
    /// - Parameters:
    ///   - configuration: the server's settings.
    ///   - identity: who a connecting client is; by default the `?name=` of the URL.
    ///   - onServerRunning: called once the server listens; tests read the port from the channel.
    /// - Throws: when the database can't be opened or migrated.
    public init(
        configuration: ChatServerConfiguration,
        identity: any IdentityProvider = QueryNameIdentity(),
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) throws {
        self.configuration = configuration
        self.identity = identity
        self.onServerRunning = onServerRunning
        var logger = Logger(label: "chat-server")
        logger.logLevel = configuration.logLevel
        self.logger = logger
        self.database = try ChatDatabase(path: configuration.databasePath)
        self.store = MessageStore(database)
    }

    public func run() async throws {
        let drain = WebSocketDrain(hub: hub, timeout: configuration.shutdownTimeout)
        let group = ServiceGroup(configuration: .init(services: [try makeApplication(), drain], logger: logger))
        try await withGracefulShutdownHandler {
            try await group.run()
        } onGracefulShutdown: {
            Task { await group.triggerGracefulShutdown() }
        }
        try database.close()
        logger.info("Stopped; the database is closed")
    }
}
