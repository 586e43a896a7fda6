import Foundation
import GRDB

/// The server's SQLite file: one pool of connections, and every migration the schema has had.
///
/// A `DatabasePool` keeps the file in WAL mode, so readers never wait for the writer. Another process
/// (the `chat-server users` commands) may change the same file while the server runs.
public final class ChatDatabase: Sendable {
    let pool: DatabasePool

    /// Opens the database at `path`, creating and migrating it if need be.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        // Another process may hold the write lock for a moment (a `users` command): wait, don't fail.
        configuration.busyMode = .timeout(5)
        pool = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(pool)
    }

    /// Whether the database answers a query.
    public func isHealthy() async -> Bool {
        (try? await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }) == 1
    }

    /// Closes the database; nothing may be read or written after.
    public func close() throws {
        try pool.close()
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: messages") { db in
            try db.create(table: "message") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("room", .text)
                table.column("recipient", .text)
                table.column("sender", .text).notNull()
                table.column("text", .text).notNull()
                table.column("createdAt", .datetime).notNull()
                table.column("clientID", .text)
                // SQLite lets NULLs repeat under a unique key: messages without a client id never clash.
                table.uniqueKey(["sender", "clientID"])
            }
            try db.create(index: "message_room_id", on: "message", columns: ["room", "id"])
        }
        migrator.registerMigration("v2: users and refresh tokens") { db in
            try db.create(table: "user") { table in
                table.primaryKey("name", .text)
                table.column("passwordHash", .text).notNull()
                table.column("scopes", .text).notNull()
                table.column("isDisabled", .boolean).notNull().defaults(to: false)
                table.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "refreshToken") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("tokenHash", .text).notNull().unique()
                table.column("family", .text).notNull().indexed()
                table.column("user", .text).notNull().references("user", onDelete: .cascade)
                table.column("scopes", .text).notNull()
                table.column("expiresAt", .datetime).notNull()
                table.column("usedAt", .datetime)
                table.column("revokedAt", .datetime)
            }
        }
        return migrator
    }
}
