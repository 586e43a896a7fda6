import Foundation
import TestSupport
import Testing

@testable import ChatServer

/// One process's ``PostgresPresence`` against the database, the other processes played by SQL.
@Suite(
    "Presence in PostgreSQL, one process at a time",
    .serialized,
    .enabled(if: TemporaryPostgres.isAvailable, TemporaryPostgres.unavailable)
)
struct PostgresPresenceTests {
    @Test("Each time the listener listens, the others' presence is read anew and the rooms hear what changed while it was not listening")
    func listeningReadsPresenceAnew() async throws {
        try await TemporaryPostgres.withDatabase { database, url in
            let presence = PostgresPresence(database, listener: PostgresListener(database), heartbeatInterval: .seconds(3600), timeout: .seconds(60))
            let hub = presence.hub
            let bob = presenceOutbox()
            hub.join(hub.connect(user: "bob", outbox: bob), room: "general")
            _ = try await TemporaryPostgres.psql(
                url,
                """
                INSERT INTO chat_process VALUES ('other', now());
                INSERT INTO chat_presence VALUES ('other', 'general', 'zed'), ('other', 'random', 'zed')
                """
            )
            await presence.listening()
            #expect(try presenceHeard(bob) == ["joined zed"])
            #expect(hub.join(hub.connect(user: "carol", outbox: presenceOutbox()), room: "general") == ["bob", "carol", "zed"])

            _ = try await TemporaryPostgres.psql(url, "DELETE FROM chat_presence WHERE room = 'general'")
            await presence.listening()
            #expect(try presenceHeard(bob) == ["joined carol", "left zed"])
        }
    }

    @Test("A process swept away while it still runs writes its row and its presence again at its next heartbeat")
    func sweptProcessComesBack() async throws {
        try await TemporaryPostgres.withDatabase { database, url in
            let presence = PostgresPresence(
                database,
                listener: PostgresListener(database),
                heartbeatInterval: .milliseconds(50),
                timeout: .seconds(60)
            )
            let hub = presence.hub
            try await withRunning(presence.run) {
                hub.join(hub.connect(user: "alice", outbox: presenceOutbox()), room: "general")
                let written = "SELECT process || ' ' || room || ' ' || user_name FROM chat_presence"
                let expected = ["\(presence.process) general alice"]
                #expect(try await eventually(timeout: .seconds(10)) { try await TemporaryPostgres.psql(url, written) == expected })
                // As another process sweeps one it takes to be dead: its presence goes with its row.
                let swept = try await TemporaryPostgres.psql(url, "WITH swept AS (DELETE FROM chat_process RETURNING id) SELECT * FROM swept")
                #expect(swept == [presence.process])
                #expect(try await eventually(timeout: .seconds(10)) { try await TemporaryPostgres.psql(url, written) == expected })
            }
        }
    }
}
