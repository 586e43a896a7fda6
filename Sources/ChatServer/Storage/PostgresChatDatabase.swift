import Logging
import PostgresNIO
import ServiceLifecycle

/// The server's PostgreSQL database: a pool of connections, and every migration its schema has had.
///
/// The pool works only while ``run()`` runs (as a service beside the server, or in a task of a
/// test's own): run it, then ``migrate()``, then use the stores made from it.
public final class PostgresChatDatabase: Service, Sendable {
    let client: PostgresClient
    let logger: Logger
    private let configuration: PostgresClient.Configuration
    /// Opened when ``run()`` begins.
    private let started = Gate()

    /// A pool of connections to the database that `configuration` names.
    public init(configuration: PostgresClient.Configuration, logger: Logger = Logger(label: "chat-server.postgres")) {
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
        self.configuration = configuration
    }

    /// A pool of connections to the database at `url` (`postgres://user:password@host:port/database`).
    ///
    /// - Throws: ``PostgresURLError`` when the address can't be read.
    public convenience init(url: String, logger: Logger = Logger(label: "chat-server.postgres")) throws {
        self.init(configuration: try PostgresURL.configuration(from: url), logger: logger)
    }

    /// Keeps the pool's connections until the task is cancelled.
    public func run() async {
        started.open()
        await client.run()
    }

    /// Returns once ``run()`` has begun: services that start beside the pool wait for it, rather than
    /// ask it for a connection first (the pool would wait too, but warn).
    func whenRunning() async {
        await started.wait()
        // `run()` starts the pool right after it lets the waiters go; this lets it.
        await Task.yield()
    }

    /// Brings the schema up to date; several processes that start together migrate it once.
    ///
    /// The pool must be running (see ``migrateBeforeRunning()`` for when it can't be yet).
    public func migrate() async throws {
        try await PostgresMigrations.migrate(client, logger: logger)
    }

    /// Brings the schema up to date through a pool of its own, closed afterwards: for a server that
    /// must migrate before it starts its services, among which this database's pool runs (a pool runs
    /// only once).
    public func migrateBeforeRunning() async throws {
        let migrating = PostgresChatDatabase(configuration: configuration, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await migrating.run() }
            defer { group.cancelAll() }
            await migrating.whenRunning()
            try await migrating.migrate()
        }
    }

    /// Whether the database answers a query.
    public func isHealthy() async -> Bool {
        do {
            let rows = try await self.rows("SELECT 1")
            return try rows.first?.decode(Int.self) == 1
        } catch {
            return false
        }
    }
}
