import Foundation
import Logging
import PostgresNIO

/// The SQL of ``PostgresMessageStore``: how messages are stored and read in PostgreSQL.
enum MessageQueries {
    typealias Appended = MessageStore.Appended

    /// The columns of a message, in the order ``message(_:)`` decodes them.
    static let columns = "id, room, recipient, sender, text, created_at, client_id"

    // MARK: Storing

    /// What storing a batch of drafts came to: one result for each draft, in order, and the
    /// transactions that committed new messages.
    struct StoredBatch {
        var results: [Result<Appended, any Error>] = []
        var transactions: [CommittedTransaction] = []
        /// Whether a `COMMIT` failed: it may have committed all the same, so what this process
        /// delivers must be read again from the database.
        var isUncertain = false
    }

    /// Stores drafts in one transaction, in order; a resend finds the message its sender stored first.
    ///
    /// The transaction takes the writers' advisory lock, reads the last id committed before it, and
    /// notifies every process of the ids it adds (see ``PostgresMessageFeed``); the notification goes
    /// out when it commits.
    ///
    /// A `BEGIN` that fails is tried again, up to `attempts` times in all.
    ///
    /// When a statement fails (PostgreSQL refuses a text with a NUL character, say), the transaction
    /// has rolled back, and each draft is stored again in a transaction of its own, so that it fails
    /// alone. A failed `COMMIT` is not retried: it may have committed, and a message without a client
    /// id would be stored twice.
    static func store(
        _ drafts: [MessageDraft],
        in database: PostgresChatDatabase,
        origin: String,
        attempts: Int = 3
    ) async -> StoredBatch {
        do {
            let (stored, transaction) = try await database.withTransaction { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(AdvisoryLock.messageWriter))", logger: database.logger)
                let after = try await lastID(on: connection, logger: database.logger)
                let stored = try await insert(drafts, on: connection, logger: database.logger)
                let added = stored.filter(\.isNew).map(\.message.id)
                guard let through = added.max() else { return (stored, nil as CommittedTransaction?) }
                let transaction = CommittedTransaction(after: after, through: through, drafts: 0..<drafts.count)
                try await connection.query(PostgresMessageFeed.notification(transaction, origin: origin), logger: database.logger)
                return (stored, transaction)
            }
            return StoredBatch(results: stored.map { .success($0) }, transactions: transaction.map { [$0] } ?? [])
        } catch let error as PostgresTransactionError where error.closureError != nil && drafts.count > 1 {
            var batch = StoredBatch()
            for (index, draft) in drafts.enumerated() {
                let alone = await store([draft], in: database, origin: origin)
                batch.results += alone.results
                batch.transactions += alone.transactions.map { CommittedTransaction(after: $0.after, through: $0.through, drafts: index..<index + 1) }
                batch.isUncertain = batch.isUncertain || alone.isUncertain
            }
            return batch
        } catch let error as PostgresTransactionError where error.beginError != nil && attempts > 1 {
            // Nothing began, so nothing can have been stored: a pooled connection that the server
            // closed (a restart, an administrator's command) fails its BEGIN, and the next one may not.
            return await store(drafts, in: database, origin: origin, attempts: attempts - 1)
        } catch let error as PostgresConnectionLost {
            // Unanswered, perhaps after its COMMIT: what it added is read back, as after a failed COMMIT.
            return StoredBatch(results: drafts.map { _ in .failure(error) }, isUncertain: true)
        } catch let error as PostgresTransactionError {
            let failure = error.closureError ?? error.commitError ?? error.beginError ?? error
            return StoredBatch(results: drafts.map { _ in .failure(failure) }, isUncertain: error.commitError != nil)
        } catch {
            return StoredBatch(results: drafts.map { _ in .failure(error) })
        }
    }

    /// The last id committed, or 0: under the writers' lock, the id every later message exceeds.
    static func lastID(on connection: PostgresConnection, logger: Logger) async throws -> Int64 {
        for try await id in try await connection.query("SELECT coalesce(max(id), 0) FROM message", logger: logger).decode(Int64.self) {
            return id
        }
        return 0
    }

    /// The last id committed, or 0.
    static func lastID(in database: PostgresChatDatabase) async throws -> Int64 {
        try await database.withConnection { connection in try await lastID(on: connection, logger: database.logger) }
    }

    // MARK: Reading

    /// A room's messages after `since` and up to `through`, oldest first; without `since`, its
    /// latest up to `through`.
    static func recent(
        in room: String,
        since: Int64?,
        through: Int64,
        limit: Int,
        from database: PostgresChatDatabase
    ) async throws -> [ChatMessage] {
        guard let since else { return try await messages(in: room, before: through + 1, limit: limit, from: database) }
        return try await all(
            "SELECT \(unescaped: columns) FROM message WHERE room = \(room) AND id > \(since) AND id <= \(through) ORDER BY id LIMIT \(limit)",
            from: database
        )
    }

    /// The messages of every room and every direct conversation after `after` and up to `through`,
    /// oldest first, at most `limit`.
    static func committed(after: Int64, through: Int64, limit: Int, from database: PostgresChatDatabase) async throws -> [ChatMessage] {
        try await all(
            "SELECT \(unescaped: columns) FROM message WHERE id > \(after) AND id <= \(through) ORDER BY id LIMIT \(limit)",
            from: database
        )
    }

    /// A room's messages before `id` (or its latest), oldest first.
    static func messages(in room: String, before id: Int64?, limit: Int, from database: PostgresChatDatabase) async throws -> [ChatMessage] {
        try await all(
            """
            SELECT \(unescaped: columns) FROM message
            WHERE room = \(room) AND id < \(id ?? Int64.max)
            ORDER BY id DESC LIMIT \(limit)
            """,
            from: database
        ).reversed()
    }

    /// The direct messages `user` sent or received after `since`, oldest first; without `since`, the latest.
    static func directMessages(of user: String, since: Int64?, limit: Int, from database: PostgresChatDatabase) async throws -> [ChatMessage] {
        if let since {
            return try await all(
                """
                SELECT \(unescaped: columns) FROM message
                WHERE room IS NULL AND (recipient = \(user) OR sender = \(user)) AND id > \(since)
                ORDER BY id LIMIT \(limit)
                """,
                from: database
            )
        }
        return try await all(
            """
            SELECT \(unescaped: columns) FROM message
            WHERE room IS NULL AND (recipient = \(user) OR sender = \(user))
            ORDER BY id DESC LIMIT \(limit)
            """,
            from: database
        ).reversed()
    }

    // MARK: Rows

    private static func all(_ query: PostgresQuery, from database: PostgresChatDatabase) async throws -> [ChatMessage] {
        try await database.rows(query).map(message)
    }

    static func all(_ rows: PostgresRowSequence) async throws -> [ChatMessage] {
        var messages: [ChatMessage] = []
        for try await row in rows { messages.append(try message(row)) }
        return messages
    }

    private static func message(_ row: PostgresRow) throws -> ChatMessage {
        let (id, room, recipient, sender, text, createdAt, clientID) = try row.decode(
            (Int64, String?, String?, String, String, Date, String?).self
        )
        return ChatMessage(id: id, room: room, to: recipient, from: sender, text: text, at: createdAt, clientID: clientID)
    }

    /// Now, to the millisecond, as the SQLite store keeps it: the same message reads back the same
    /// from either store.
    static func now() -> Date {
        Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1000).rounded(.down) / 1000)
    }
}

/// A resend's first message could not be found: it was deleted between the clash and the read.
struct MessageNotFound: Error {}
