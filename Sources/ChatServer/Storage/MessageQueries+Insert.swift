import Logging
import PostgresNIO

extension MessageQueries {
    /// Stores drafts with one statement, in order, and finds the messages that the resends among
    /// them (a sender's `client_id` already stored, or stored earlier in the same batch) stand for.
    ///
    /// One statement, not one for each draft: within a transaction every statement is a round trip,
    /// and with an `INSERT` for each message, the writer spent most of its time waiting for the next
    /// one (see docs/performance.md, "Several processes").
    ///
    /// - Returns: one result for each draft, in order.
    static func insert(_ drafts: [MessageDraft], on connection: PostgresConnection, logger: Logger) async throws -> [Appended] {
        // Arrays of optionals can't be bound: a room message has a room, a direct one a recipient.
        let isRoom = drafts.map { $0.room != nil }
        let targets = drafts.map { $0.room ?? $0.to ?? "" }
        let hasClientID = drafts.map { $0.clientID != nil }
        let clientIDs = drafts.map { $0.clientID ?? "" }
        let inserted = try await all(
            try await connection.query(
                """
                INSERT INTO message (room, recipient, sender, text, created_at, client_id)
                SELECT CASE WHEN d.is_room THEN d.target END, CASE WHEN d.is_room THEN NULL ELSE d.target END,
                       d.sender, d.text, \(now()), CASE WHEN d.has_client_id THEN d.client_id END
                FROM unnest(\(isRoom)::boolean[], \(targets)::text[], \(drafts.map(\.from))::text[], \(drafts.map(\.text))::text[],
                            \(hasClientID)::boolean[], \(clientIDs)::text[])
                     WITH ORDINALITY AS d(is_room, target, sender, text, has_client_id, client_id, n)
                ORDER BY d.n
                ON CONFLICT (sender, client_id) DO NOTHING
                RETURNING \(unescaped: columns)
                """,
                logger: logger
            )
        ).sorted { $0.id < $1.id }
        // Ids follow the drafts' order, and only a resend inserts nothing: the inserted messages
        // are the drafts' in order, the resends left out.
        var results: [Appended?] = []
        var next = 0
        for draft in drafts {
            if next < inserted.count, inserted[next].isStored(from: draft) {
                results.append((inserted[next], true))
                next += 1
            } else {
                results.append(nil)
            }
        }
        let resent = drafts.indices.filter { results[$0] == nil }
        guard !resent.isEmpty else { return results.compactMap { $0 } }
        let firsts = try await all(
            try await connection.query(
                """
                SELECT \(unescaped: columns) FROM message
                WHERE (sender, client_id) IN (SELECT * FROM unnest(\(resent.map { drafts[$0].from })::text[], \(resent.map { clientIDs[$0] })::text[]))
                """,
                logger: logger
            )
        )
        let byKey = Dictionary(firsts.map { (Key(sender: $0.from, clientID: $0.clientID ?? ""), $0) }, uniquingKeysWith: { first, _ in first })
        return try drafts.indices.map { index in
            if let result = results[index] { return result }
            guard let message = byKey[Key(sender: drafts[index].from, clientID: clientIDs[index])] else { throw MessageNotFound() }
            return (message, false)
        }
    }

    private struct Key: Hashable {
        let sender: String
        let clientID: String
    }
}

extension ChatMessage {
    /// Whether this is the message stored from `draft` (a room's or a direct one, from one sender).
    fileprivate func isStored(from draft: MessageDraft) -> Bool {
        from == draft.from && clientID == draft.clientID && text == draft.text && room == draft.room && to == draft.to
    }
}
