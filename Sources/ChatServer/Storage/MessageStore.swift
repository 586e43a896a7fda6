import Foundation
import GRDB
import NIOConcurrencyHelpers

/// Every message, in the SQLite file: a message is committed here before anyone is told of it.
///
/// Ids come from an `AUTOINCREMENT` key: they increase with every message and are never reused.
public final class MessageStore: Sendable {
    private let database: DatabasePool
    /// Whether messages are written to the database at all.
    public let keepsHistory: Bool
    /// Without history: the last id given, behind a lock that keeps ids and callbacks in order.
    private let ephemeral = NIOLockedValueBox<Int64>(0)

    /// The messages of a database.
    ///
    /// - Parameters:
    ///   - database: where they are kept.
    ///   - keepsHistory: `false` stores nothing: ids come from memory, joins recover nothing, and
    ///     resends are not recognised. For measuring the fan-out alone (`chat-server --no-history`).
    public init(_ database: ChatDatabase, keepsHistory: Bool = true) {
        self.database = database.pool
        self.keepsHistory = keepsHistory
    }

    /// A message about to be stored.
    public struct Draft: Sendable {
        public var room: String?
        public var to: String?
        public var from: String
        public var text: String
        public var clientID: String?

        public init(room: String? = nil, to: String? = nil, from: String, text: String, clientID: String?) {
            self.room = room
            self.to = to
            self.from = from
            self.text = text
            self.clientID = clientID
        }
    }

    /// Stores a message, unless its sender already stored one with the same `clientID`.
    ///
    /// `onCommit` runs once the message is committed, in commit order: callbacks never overtake one
    /// another, so fanning out from them delivers a room's messages in id order.
    ///
    /// - Returns: the stored message, and whether it is new; a resend returns the message stored the
    ///   first time (and `onCommit` does not run), so a client that resends after a reconnect never
    ///   makes a duplicate.
    public func append(
        _ draft: Draft,
        onCommit: @escaping @Sendable (ChatMessage) -> Void = { _ in }
    ) async throws -> (message: ChatMessage, isNew: Bool) {
        try await withCheckedThrowingContinuation { continuation in
            append(draft, onCommit: onCommit) { continuation.resume(with: $0) }
        }
    }

    /// Stores a message as ``append(_:onCommit:)`` does, without waiting: writes are queued in
    /// order, and `completion` runs after `onCommit`, in the same order.
    public func append(
        _ draft: Draft,
        onCommit: @escaping @Sendable (ChatMessage) -> Void = { _ in },
        completion: @escaping @Sendable (Result<(message: ChatMessage, isNew: Bool), any Error>) -> Void
    ) {
        guard keepsHistory else {
            let message = ephemeral.withLockedValue { lastID in
                lastID += 1
                let message = ChatMessage(
                    id: lastID,
                    room: draft.room,
                    to: draft.to,
                    from: draft.from,
                    text: draft.text,
                    at: Date(),
                    clientID: draft.clientID
                )
                onCommit(message)
                return message
            }
            completion(.success((message, true)))
            return
        }
        database.asyncWrite { db in
            if let clientID = draft.clientID,
                let stored = try MessageRecord.filter(Column("sender") == draft.from && Column("clientID") == clientID).fetchOne(db)
            {
                return (stored.message, false)
            }
            var record = MessageRecord(draft: draft, at: Self.now())
            try record.insert(db)
            let message = record.message
            db.afterNextTransaction(onCommit: { _ in onCommit(message) })
            return (message, true)
        } completion: { _, result in
            completion(result)
        }
    }

    /// Reads what a client joining a room should see, and runs `body` with it, in step with the
    /// commit callbacks of ``append(_:onCommit:)``.
    ///
    /// A message committed before the read is in the list; one committed after it runs its callback
    /// after `body`. So if `body` makes the client a member of the room, the client sees every message
    /// exactly once: in the list, or live.
    ///
    /// - Parameters:
    ///   - room: the room.
    ///   - since: the last id the client has seen: the messages after it, oldest first; `nil` for the
    ///     latest messages.
    ///   - limit: the most messages to read.
    ///   - body: what to do with them, such as joining the room and answering the client.
    public func recentMessages<Value: Sendable>(
        in room: String,
        since: Int64?,
        limit: Int,
        then body: @escaping @Sendable ([ChatMessage]) -> Value
    ) async throws -> Value {
        guard keepsHistory else { return ephemeral.withLockedValue { _ in body([]) } }
        return try await database.write { db in
            var request = MessageRecord.filter(Column("room") == room)
            let messages: [MessageRecord]
            if let since {
                messages = try request.filter(Column("id") > since).order(Column("id")).limit(limit).fetchAll(db)
            } else {
                request = request.order(Column("id").desc).limit(limit)
                messages = try request.fetchAll(db).reversed()
            }
            return body(messages.map(\.message))
        }
    }

    /// The messages of a room before `id` (or the very latest), oldest first, at most `limit`.
    public func messages(in room: String, before id: Int64? = nil, limit: Int) async throws -> [ChatMessage] {
        guard keepsHistory else { return [] }
        return try await database.read { db in
            var request = MessageRecord.filter(Column("room") == room)
            if let id { request = request.filter(Column("id") < id) }
            return try request.order(Column("id").desc).limit(limit).fetchAll(db).reversed().map(\.message)
        }
    }

    /// Now, to the millisecond that SQLite keeps.
    private static func now() -> Date {
        Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1000).rounded(.down) / 1000)
    }
}

/// A row of the `message` table.
private struct MessageRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "message"

    var id: Int64?
    var room: String?
    var recipient: String?
    var sender: String
    var text: String
    var createdAt: Date
    var clientID: String?

    init(draft: MessageStore.Draft, at date: Date) {
        room = draft.room
        recipient = draft.to
        sender = draft.from
        text = draft.text
        createdAt = date
        clientID = draft.clientID
    }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    var message: ChatMessage {
        ChatMessage(id: id ?? 0, room: room, to: recipient, from: sender, text: text, at: createdAt, clientID: clientID)
    }
}
