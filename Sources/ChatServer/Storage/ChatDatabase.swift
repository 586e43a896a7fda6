import Foundation
import GRDB

/// The server's SQLite file: one pool of connections, and every migration the schema has had.
///
/// A `DatabasePool` keeps the file in WAL mode, so readers never wait for the writer. Another process
/// (the `chat-server users` commands) may change the same file while the server runs.
///
/// SQLite's automatic checkpoint runs inside a commit, and every message is committed before it is
/// broadcast: each checkpoint (about once a second at 400 messages a second) held a broadcast back
/// for milliseconds, the whole tail of the latency. So the pool never checkpoints; a connection of
/// its own does, with ``checkpoint()``, beside the writer rather than in its way.
public final class ChatDatabase: Sendable {
    let pool: DatabasePool
    /// The connection that writes messages (``SQLiteMessageStore``), apart from the pool's writer:
    /// a commit made on an event loop must never queue behind an account's or a token's write, which
    /// may be waiting for another process's lock.
    let messageWriter: DatabaseQueue
    private let checkpointer: DatabaseQueue

    /// How long a write waits for another connection or process to release SQLite's write lock
    /// before it fails (a `users` command holds it for a moment).
    static let busyTimeout: TimeInterval = 5

    /// The size the write-ahead log's file is cut back to when the log starts over after a peak.
    ///
    /// SQLite reuses the file rather than shrink it, so without a limit a peak's log (about 170 MB
    /// for 50,000 messages at 10,000 a second) would keep its disk space for good; the commit after
    /// a restart truncates it to this (`PRAGMA journal_size_limit`). The fixed load's log stays
    /// under 20 MB, so steady traffic never pays for a truncation.
    public static let defaultWALSizeLimit = 64 << 20
    let walSizeLimit: Int

    /// Opens the database at `path`, creating and migrating it if need be.
    public init(path: String, walSizeLimit: Int = defaultWALSizeLimit) throws {
        self.walSizeLimit = walSizeLimit
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        // Another process may hold the write lock for a moment (a `users` command): wait, don't fail.
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
            try db.execute(sql: "PRAGMA journal_size_limit = \(walSizeLimit)")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(pool)
        // As the pool's writer does: the write-ahead log with `synchronous = NORMAL` (see docs/server.md).
        var writing = configuration
        writing.journalMode = .wal
        messageWriter = try DatabaseQueue(path: path, configuration: writing)
        checkpointer = try DatabaseQueue(path: path, configuration: configuration)
    }

    /// Copies what the write-ahead log holds into the database file, without waiting for the
    /// writer or readers (a passive checkpoint, which also lets the log start over once it is all
    /// copied and no reader needs it).
    ///
    /// The pass runs at the idle scheduling class (``withIdlePriority(_:)``): on a busy core it
    /// yields to the event loops at once. A passive checkpoint never holds the writer back, so a
    /// pass that waits for the CPU delays only the log's restart.
    ///
    /// - Returns: the frames in the log, and how many of them are now in the database file.
    @discardableResult
    public func checkpoint() async throws -> (walFrames: Int, checkpointedFrames: Int) {
        try await checkpointer.writeWithoutTransaction { db in try withIdlePriority { try Self.checkpoint(db) } }
    }

    /// A passive checkpoint on `db`'s connection.
    static func checkpoint(_ db: Database) throws -> (walFrames: Int, checkpointedFrames: Int) {
        // SQLite's checkpoint crashes on a closed connection, where GRDB's other calls fail (a
        // test closes the database under a running server).
        guard db.sqliteConnection != nil else { throw ChatDatabaseError.closed }
        let result = try db.checkpoint(.passive)
        return (result.walFrameCount, result.checkpointedFrameCount)
    }

    /// Whether a log of `walFrames` frames is past half the size its file is cut back to: long
    /// enough that the checkpoints should make sure it starts over (see ``Checkpoints``).
    func isLogLong(_ walFrames: Int) -> Bool {
        walFrames * Self.walFrameBytes > walSizeLimit / 2
    }

    /// A frame of the write-ahead log: a page (4,096 bytes, SQLite's default) and its 24-byte header.
    static let walFrameBytes = 4096 + 24

    /// Checkpoints as ``checkpoint()`` does, again until a pass finds that nothing came in during
    /// the one before, at most `passes` times, so that the log can start over.
    ///
    /// The log starts over only at a commit that begins once everything in it is copied. One pass
    /// took longer than the gap between commits at 400 messages a second (7–9 ms against 2.5), so
    /// while messages kept coming the log never started over and grew by 9 MB a second. A second
    /// pass copies only what came in during the first, in well under a millisecond, and usually
    /// finishes between two commits. SQLite's `RESTART` checkpoint would make sure of it, but it holds
    /// the writers back, and commits stalled for 35–60 ms in a third of the runs measured with it.
    ///
    /// - Returns: the last pass's frames in the log, and how many of them are now in the database file.
    @discardableResult
    public func checkpointCatchingUp(passes: Int = 4) async throws -> (walFrames: Int, checkpointedFrames: Int) {
        var result = try await checkpoint()
        for _ in 1..<passes {
            let previous = result
            result = try await checkpoint()
            // Nothing came in during the pass before: everything is copied.
            if result.walFrames == previous.walFrames { break }
        }
        return result
    }

    /// Copies the whole database into a new file, from one consistent snapshot, while the server goes
    /// on writing: SQLite's online backup reads in one transaction, and in WAL mode a reader never
    /// holds up the writer. The copy is a single file, without a write-ahead log beside it.
    ///
    /// - Parameter path: where the copy goes; a backup never overwrites a file.
    public func backup(to path: String) throws {
        guard !FileManager.default.fileExists(atPath: path) else { throw ChatDatabaseError.backupExists(path) }
        let destination = try DatabaseQueue(path: path)
        try pool.backup(to: destination)
        try destination.close()
    }

    /// Whether the database answers a query.
    public func isHealthy() async -> Bool {
        (try? await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }) == 1
    }

    /// Closes the database; nothing may be read or written after.
    public func close() throws {
        try checkpointer.close()
        try messageWriter.close()
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
        migrator.registerMigration("v3: direct messages by recipient") { db in
            // A user's direct messages are found by recipient here, and by sender through the
            // (sender, clientID) key.
            try db.create(index: "message_recipient_id", on: "message", columns: ["recipient", "id"])
        }
        return migrator
    }
}

/// Why the database could not do what it was asked.
public enum ChatDatabaseError: Error, Equatable, CustomStringConvertible {
    case backupExists(String)
    /// The database is closed: nothing can be read or written.
    case closed
    /// A backup of a PostgreSQL database needs `pg_dump`, which is not installed.
    case backupToolMissing
    /// `pg_dump` failed, and said this.
    case backupFailed(String)

    public var description: String {
        switch self {
        case .backupExists(let path): "\(path) exists already; a backup never overwrites a file."
        case .closed: "The database is closed."
        case .backupToolMissing:
            "A backup of a PostgreSQL database runs pg_dump, which is not installed (Debian: apt-get install postgresql-client)."
        case .backupFailed(let reason): "pg_dump failed: \(reason)"
        }
    }
}
