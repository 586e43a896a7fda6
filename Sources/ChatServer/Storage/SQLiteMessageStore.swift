import Foundation
import GRDB
import NIOConcurrencyHelpers

/// Every message, in the SQLite file: a message is committed here before anyone is told of it.
///
/// Ids come from an `AUTOINCREMENT` key: they increase with every message and are never reused.
///
/// Messages that arrive while a commit is under way are committed together, in one transaction,
/// by the next write (a group commit): under load a commit carries many messages, and their
/// callbacks run back to back, within `aroundCallbacks`.
public final class SQLiteMessageStore: MessageStore {
    private let database: DatabasePool
    /// Whether messages are written to the database at all.
    public let keepsHistory: Bool
    /// Without history: the last id given, behind a lock that keeps ids and callbacks in order.
    private let ephemeral = NIOLockedValueBox<Int64>(0)
    /// Messages waiting for the next write, and whether that write is queued.
    private let waiting = NIOLockedValueBox<(appends: [PendingAppend], isWriteQueued: Bool)>(([], false))
    private let aroundCallbacks: @Sendable (() -> Void) -> Void

    private struct PendingAppend: Sendable {
        let draft: Draft
        let onCommit: @Sendable (ChatMessage) -> Void
        let completion: @Sendable (Result<Appended, any Error>) -> Void
    }

    /// The messages of a database.
    ///
    /// - Parameters:
    ///   - database: where they are kept.
    ///   - keepsHistory: `false` stores nothing: ids come from memory, joins recover nothing, and
    ///     resends are not recognised. For measuring the fan-out alone (`chat-server --no-history`).
    ///   - aroundCallbacks: runs the commit callbacks of one commit; the server gathers the wake-ups
    ///     of their fan-outs in it.
    public init(
        _ database: ChatDatabase,
        keepsHistory: Bool = true,
        aroundCallbacks: @escaping @Sendable (() -> Void) -> Void = { $0() }
    ) {
        self.database = database.pool
        self.keepsHistory = keepsHistory
        self.aroundCallbacks = aroundCallbacks
    }

    public func append(
        _ draft: Draft,
        onCommit: @escaping @Sendable (ChatMessage) -> Void,
        completion: @escaping @Sendable (Result<Appended, any Error>) -> Void
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
        let queuesWrite = waiting.withLockedValue { waiting -> Bool in
            waiting.appends.append(PendingAppend(draft: draft, onCommit: onCommit, completion: completion))
            defer { waiting.isWriteQueued = true }
            return !waiting.isWriteQueued
        }
        if queuesWrite { writeWaitingAppends() }
    }

    /// Queues a write that commits the messages waiting when it runs (at most
    /// ``maxAppendsPerCommit``), then runs their callbacks, in order, before the next write.
    private func writeWaitingAppends() {
        database.asyncWriteWithoutTransaction { [self] db in
            // At most `maxAppendsPerCommit`; the rest go in the next write, queued behind this one.
            let (appends, isMoreWaiting) = waiting.withLockedValue { waiting in
                let appends = Array(waiting.appends.prefix(Self.maxAppendsPerCommit))
                waiting.appends.removeFirst(appends.count)
                waiting.isWriteQueued = !waiting.appends.isEmpty
                return (appends, waiting.isWriteQueued)
            }
            defer { if isMoreWaiting { writeWaitingAppends() } }
            var results: [Result<Appended, any Error>] = []
            do {
                // Every message in one transaction; if any fails, the transaction is rolled back and
                // the batch is written again with a savepoint per message, so that only the failing
                // one fails. A savepoint per message on every write cost a fifth of the transaction.
                try db.inTransaction {
                    results = try appends.map { .success(try Self.store($0.draft, in: db)) }
                    return .commit
                }
            } catch {
                results = Self.storeEachAlone(appends.map(\.draft), in: db)
            }
            aroundCallbacks {
                for (append, result) in zip(appends, results) {
                    if case .success(let (message, true)) = result { append.onCommit(message) }
                }
            }
            for (append, result) in zip(appends, results) { append.completion(result) }
        }
    }

    /// Stores each message in a savepoint of its own, all in one transaction: one that fails fails
    /// alone.
    private static func storeEachAlone(_ drafts: [Draft], in db: Database) -> [Result<Appended, any Error>] {
        var results: [Result<Appended, any Error>] = []
        do {
            try db.inTransaction {
                results = drafts.map { draft in
                    Result {
                        var result: Appended?
                        try db.inSavepoint {
                            result = try store(draft, in: db)
                            return .commit
                        }
                        return result!
                    }
                }
                return .commit
            }
        } catch {
            results = drafts.map { _ in .failure(error) }
        }
        return results
    }

    /// Stores one message, or finds the one its sender already stored with the same client id.
    ///
    /// Both statements are prepared once per connection and reused: compiling SQL (and GRDB's
    /// query generation before it) cost more than the insert itself under load.
    private static func store(_ draft: Draft, in db: Database) throws -> Appended {
        if let clientID = draft.clientID {
            let find = try db.cachedStatement(sql: "SELECT * FROM message WHERE sender = ? AND clientID = ?")
            if let stored = try MessageRecord.fetchOne(find, arguments: [draft.from, clientID]) {
                return (stored.message, false)
            }
        }
        let record = MessageRecord(draft: draft, at: now())
        let insert = try db.cachedStatement(
            sql: "INSERT INTO message (room, recipient, sender, text, createdAt, clientID) VALUES (?, ?, ?, ?, ?, ?)"
        )
        // The date as GRDB would store it, without its `DateFormatter`.
        let createdAt = UTCTime(record.createdAt, milliseconds: .toNearestOrAwayFromZero).databaseText
        try insert.execute(arguments: [record.room, record.recipient, record.sender, record.text, createdAt, record.clientID])
        var stored = record
        stored.id = db.lastInsertedRowID
        return (stored.message, true)
    }

    /// Reads in the writer's turn, so that no commit's callbacks run between the read and `body`.
    public func recentMessages<Value: Sendable>(
        in room: String,
        since: Int64?,
        limit: Int,
        then body: @escaping @Sendable ([ChatMessage]) -> Value
    ) async throws -> Value {
        guard keepsHistory else { return ephemeral.withLockedValue { _ in body([]) } }
        return try await database.write { db in
            body(try Self.page(of: MessageRecord.filter(Column("room") == room), since: since, limit: limit, in: db))
        }
    }

    public func directMessages(of user: String, since: Int64?, limit: Int) async throws -> [ChatMessage] {
        guard keepsHistory else { return [] }
        return try await database.read { db in
            let directs = MessageRecord.filter(Column("room") == nil && (Column("recipient") == user || Column("sender") == user))
            return try Self.page(of: directs, since: since, limit: limit, in: db)
        }
    }

    /// The messages after `since`, oldest first, or without `since` the latest, oldest first.
    private static func page(
        of request: QueryInterfaceRequest<MessageRecord>,
        since: Int64?,
        limit: Int,
        in db: Database
    ) throws -> [ChatMessage] {
        if let since {
            return try request.filter(Column("id") > since).order(Column("id")).limit(limit).fetchAll(db).map(\.message)
        }
        return try request.order(Column("id").desc).limit(limit).fetchAll(db).reversed().map(\.message)
    }

    public func messages(in room: String, before id: Int64?, limit: Int) async throws -> [ChatMessage] {
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

    init(draft: MessageDraft, at date: Date) {
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
