import Logging
import PostgresNIO

/// The SQL of ``PostgresPresence``: each process's row and heartbeat, and who it has in which room.
///
/// Times are the database's (`now()`), never a process's clock, so that processes on machines whose
/// clocks disagree judge each other's heartbeats alike.
enum PresenceQueries {
    /// Records the process as running, or says so again.
    static func register(_ process: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            "INSERT INTO chat_process (id, heartbeat_at) VALUES (\(process), now()) ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()",
            logger: logger
        )
    }

    /// Says the process still runs.
    ///
    /// - Returns: whether its row was there; another process swept it away if not.
    static func heartbeat(_ process: String, in database: PostgresChatDatabase) async throws -> Bool {
        let rows = try await database.rows("UPDATE chat_process SET heartbeat_at = now() WHERE id = \(process) RETURNING id")
        return !rows.isEmpty
    }

    /// Deletes the processes whose last heartbeat is older than `timeout`, and their presence with them.
    ///
    /// - Returns: the processes deleted.
    static func sweep(olderThan timeout: Duration, on connection: PostgresConnection, logger: Logger) async throws -> [String] {
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        let rows = try await connection.query(
            "DELETE FROM chat_process WHERE heartbeat_at < now() - make_interval(secs => \(seconds)) RETURNING id",
            logger: logger
        )
        var swept: [String] = []
        for try await process in rows.decode(String.self) { swept.append(process) }
        return swept
    }

    /// Deletes the process, and its presence with it.
    static func unregister(_ process: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("DELETE FROM chat_process WHERE id = \(process)", logger: logger)
    }

    /// Records that the process has these users in these rooms.
    static func add(_ presences: [Presence], of process: String, on connection: PostgresConnection, logger: Logger) async throws {
        guard !presences.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO chat_presence (process, room, user_name)
            SELECT \(process), room, user_name FROM unnest(\(presences.map(\.room))::text[], \(presences.map(\.user))::text[]) AS p (room, user_name)
            ON CONFLICT DO NOTHING
            """,
            logger: logger
        )
    }

    /// Records that the process no longer has these users in these rooms.
    static func remove(_ presences: [Presence], of process: String, on connection: PostgresConnection, logger: Logger) async throws {
        guard !presences.isEmpty else { return }
        try await connection.query(
            """
            DELETE FROM chat_presence WHERE process = \(process)
            AND (room, user_name) IN (SELECT * FROM unnest(\(presences.map(\.room))::text[], \(presences.map(\.user))::text[]))
            """,
            logger: logger
        )
    }

    /// Who every process but `process` has in which room.
    static func presence(apartFrom process: String, in database: PostgresChatDatabase) async throws -> [String: Set<Presence>] {
        let rows = try await database.rows("SELECT process, room, user_name FROM chat_presence WHERE process <> \(process)")
        var processes: [String: Set<Presence>] = [:]
        for row in rows {
            let (process, room, user) = try row.decode((String, String, String).self)
            processes[process, default: []].insert(Presence(room: room, user: user))
        }
        return processes
    }

    /// Tells every process of these notices when the transaction commits.
    static func notify(_ notices: [PresenceNotice], on connection: PostgresConnection, logger: Logger) async throws {
        for payload in PresenceNotice.payloads(notices) {
            try await connection.query(PostgresListener.notify(PostgresPresence.topic, payload), logger: logger)
        }
    }
}
