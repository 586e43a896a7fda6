import ChatServer
import Foundation
import GRDB
import LessonKit

/// Exercise 2, the reference: every room message in a SQLite file, committed before anyone is told.
///
/// A `DatabasePool` keeps the file in WAL mode, so that reads never wait for the writer. Every write,
/// and every read that must be in step with the writes, runs on the pool's one writer, in order: a
/// commit's `onCommit` runs before the next write starts.
public final class History: ChatHistory {
    private let database: DatabasePool

    /// Opens the history at `path`, creating the file and its table if need be.
    public init(path: String) throws {
        database = try DatabasePool(path: path)
        try Self.migrator.migrate(database)
    }

    /// The schema, one migration at a time: GRDB records which have run in the file itself.
    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: messages") { db in
            try db.create(table: "message") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("room", .text).notNull()
                table.column("sender", .text).notNull()
                table.column("text", .text).notNull()
                table.column("createdAt", .datetime).notNull()
                table.column("clientID", .text)
                // A resend is found by its sender and client id; NULLs never clash under a unique key.
                table.uniqueKey(["sender", "clientID"])
            }
            try db.create(index: "message_room_id", on: "message", columns: ["room", "id"])
        }
        return migrator
    }

    public func append(
        room: String,
        from user: String,
        text: String,
        clientID: String?,
        onCommit: @escaping @Sendable (ChatMessage) -> Void
    ) async throws -> AppendedMessage {
        try await database.writeWithoutTransaction { db in
            var appended: AppendedMessage?
            try db.inTransaction {
                if let clientID, let first = try MessageRow.filter(Column("sender") == user && Column("clientID") == clientID).fetchOne(db) {
                    appended = AppendedMessage(message: first.message, isNew: false)
                } else {
                    var row = MessageRow(room: room, sender: user, text: text, createdAt: Self.now(), clientID: clientID)
                    try row.insert(db)
                    appended = AppendedMessage(message: row.message, isNew: true)
                }
                return .commit
            }
            // Committed, and still on the writer: no later commit can be told of before this one.
            if let appended, appended.isNew { onCommit(appended.message) }
            return appended!
        }
    }

    public func messages(
        in room: String,
        after id: Int64?,
        limit: Int,
        then body: @escaping @Sendable ([ChatMessage]) throws -> Void
    ) async throws -> [ChatMessage] {
        // On the writer, between two commits: a message is either in this list or told after `body`.
        try await database.writeWithoutTransaction { db in
            let inRoom = MessageRow.filter(Column("room") == room)
            let messages: [ChatMessage]
            if let id {
                messages = try inRoom.filter(Column("id") > id).order(Column("id")).limit(limit).fetchAll(db).map(\.message)
            } else {
                messages = try inRoom.order(Column("id").desc).limit(limit).fetchAll(db).reversed().map(\.message)
            }
            try body(messages)
            return messages
        }
    }

    public func messages(in room: String, before id: Int64?, limit: Int) async throws -> [ChatMessage] {
        try await database.read { db in
            var request = MessageRow.filter(Column("room") == room)
            if let id { request = request.filter(Column("id") < id) }
            return try request.order(Column("id").desc).limit(limit).fetchAll(db).reversed().map(\.message)
        }
    }

    /// Now, to the millisecond that SQLite keeps, so that a message read back equals the one sent out.
    private static func now() -> Date {
        Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1000).rounded(.down) / 1000)
    }
}

/// A row of the `message` table.
private struct MessageRow: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "message"

    var id: Int64?
    var room: String
    var sender: String
    var text: String
    var createdAt: Date
    var clientID: String?

    init(room: String, sender: String, text: String, createdAt: Date, clientID: String?) {
        self.room = room
        self.sender = sender
        self.text = text
        self.createdAt = createdAt
        self.clientID = clientID
    }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    var message: ChatMessage {
        ChatMessage(id: id ?? 0, room: room, from: sender, text: text, at: createdAt, clientID: clientID)
    }
}
