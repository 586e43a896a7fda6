import Foundation
import Logging
import PostgresNIO

/// The SQL of ``PostgresMessageStore``: how messages are stored and read in PostgreSQL.
enum MessageQueries {
    typealias Appended = MessageStore.Appended

    /// The columns of a message, in the order ``message(_:)`` decodes them.
    private static let columns = "id, room, recipient, sender, text, created_at, client_id"

    // MARK: Storing

    /// Stores drafts in one transaction, in order; a resend finds the message its sender stored first.
    ///
    /// When a statement fails (PostgreSQL refuses a text with a NUL character, say), the transaction
    /// has rolled back, and each draft is stored again in a transaction of its own, so that it fails
    /// alone. A failed `COMMIT` is not retried: it may have committed, and a message without a client
    /// id would be stored twice.
    ///
    /// - Returns: one result for each draft, in order.
    static func store(_ drafts: [MessageDraft], in database: PostgresChatDatabase) async -> [Result<Appended, any Error>] {
        do {
            let stored = try await database.client.withTransaction(logger: database.logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(AdvisoryLock.messageWriter))", logger: database.logger)
                var stored: [Appended] = []
                for draft in drafts { stored.append(try await store(draft, on: connection, logger: database.logger)) }
                return stored
            }
            return stored.map { .success($0) }
        } catch let error as PostgresTransactionError where error.closureError != nil && drafts.count > 1 {
            var results: [Result<Appended, any Error>] = []
            for draft in drafts { results += await store([draft], in: database) }
            return results
        } catch let error as PostgresTransactionError {
            return drafts.map { _ in .failure(error.closureError ?? error.commitError ?? error.beginError ?? error) }
        } catch {
            return drafts.map { _ in .failure(error) }
        }
    }

    /// Stores one draft, or finds the message its sender already stored with the same client id.
    private static func store(_ draft: MessageDraft, on connection: PostgresConnection, logger: Logger) async throws -> Appended {
        let inserted = try await connection.query(
            """
            INSERT INTO message (room, recipient, sender, text, created_at, client_id)
            VALUES (\(draft.room), \(draft.to), \(draft.from), \(draft.text), \(now()), \(draft.clientID))
            ON CONFLICT (sender, client_id) DO NOTHING
            RETURNING \(unescaped: columns)
            """,
            logger: logger
        )
        if let message = try await first(of: inserted) { return (message, true) }
        // Only a (sender, client_id) clash inserts nothing, so the draft has a client id.
        let stored = try await connection.query(
            "SELECT \(unescaped: columns) FROM message WHERE sender = \(draft.from) AND client_id = \(draft.clientID)",
            logger: logger
        )
        guard let message = try await first(of: stored) else { throw MessageNotFound() }
        return (message, false)
    }

    // MARK: Reading

    /// A room's messages after `since`, oldest first; without `since`, its latest.
    static func recent(in room: String, since: Int64?, limit: Int, from database: PostgresChatDatabase) async throws -> [ChatMessage] {
        guard let since else { return try await messages(in: room, before: nil, limit: limit, from: database) }
        return try await all(
            "SELECT \(unescaped: columns) FROM message WHERE room = \(room) AND id > \(since) ORDER BY id LIMIT \(limit)",
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
        var messages: [ChatMessage] = []
        for try await row in try await database.client.query(query, logger: database.logger) {
            messages.append(try message(row))
        }
        return messages
    }

    private static func first(of rows: PostgresRowSequence) async throws -> ChatMessage? {
        var found: ChatMessage?
        // The whole sequence is read, so the connection is free for the next statement.
        for try await row in rows where found == nil { found = try message(row) }
        return found
    }

    private static func message(_ row: PostgresRow) throws -> ChatMessage {
        let (id, room, recipient, sender, text, createdAt, clientID) = try row.decode(
            (Int64, String?, String?, String, String, Date, String?).self
        )
        return ChatMessage(id: id, room: room, to: recipient, from: sender, text: text, at: createdAt, clientID: clientID)
    }

    /// Now, to the millisecond, as the SQLite store keeps it: the same message reads back the same
    /// from either store.
    private static func now() -> Date {
        Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1000).rounded(.down) / 1000)
    }
}

/// A resend's first message could not be found: it was deleted between the clash and the read.
struct MessageNotFound: Error {}
