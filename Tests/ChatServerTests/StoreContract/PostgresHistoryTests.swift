import Foundation
import NIOConcurrencyHelpers
import PostgresNIO
import TestSupport
import Testing

@testable import ChatServer

@Suite(
    "History in PostgreSQL: what only the PostgreSQL store must do, and chat-server on it",
    .serialized,
    .enabled(if: TemporaryPostgres.isAvailable, TemporaryPostgres.unavailable)
)
struct PostgresHistoryTests {
    @Test("A message PostgreSQL refuses (a NUL character) fails alone; the others committed with it are stored")
    func refusedMessageFailsAlone() async throws {
        try await StoreKind.postgres.withStore { store in
            let drafts = ["before", "nul \u{0}", "after"].map { MessageStoreContract.draft($0) }
            let announced = NIOLockedValueBox<[String]>([])
            let completions = await store.appendTogether(drafts) { message in announced.withLockedValue { $0.append(message.text) } }
            let texts = completions.sorted { $0.draftIndex < $1.draftIndex }.map { try? $0.result.get().message.text }
            #expect(texts == ["before", nil, "after"])
            #expect(announced.withLockedValue { $0 } == ["before", "after"])
            let history = try await store.store.messages(in: "general", limit: 10)
            #expect(history.map(\.text) == ["before", "after"])
        }
    }

    @Test("A commit carries at most 256 messages however many wait, so that no room outgrows an outbox in one go")
    func commitsAreBounded() async throws {
        try await TemporaryPostgres.withDatabase { database, url in
            let store = PostgresMessageStore(database)
            try await withRunning(store.run) {
                let count = 3 * PostgresMessageStore.maxAppendsPerCommit
                let drafts = (0..<count).map { MessageStoreContract.draft("\($0)") }
                let announced = NIOLockedValueBox<[String]>([])
                let writer = StoreUnderTest(store: store, committedIDs: { [] }, writeTransactions: { 0 })
                _ = await writer.appendTogether(drafts) { message in announced.withLockedValue { $0.append(message.text) } }
                #expect(announced.withLockedValue { $0 } == drafts.map(\.text))
                let largest = try await TemporaryPostgres.psql(
                    url,
                    "SELECT max(n) FROM (SELECT count(*) AS n FROM message GROUP BY xmin::text) AS commits"
                )
                #expect(
                    largest.first.flatMap { Int($0) }.map { $0 <= PostgresMessageStore.maxAppendsPerCommit } == true,
                    "largest commit: \(largest)"
                )
            }
        }
    }

    @Test(
        "A store stopped while a commit waits in PostgreSQL still tells the sender how it ended, once it ends",
        .timeLimit(.minutes(1))
    )
    func stoppedDuringCommit() async throws {
        try await TemporaryPostgres.withDatabase { database, url in
            let store = PostgresMessageStore(database)
            let running = Task { await store.run() }
            while !store.isFeeding { try await Task.sleep(for: .milliseconds(10)) }
            let (outcomes, outcome) = AsyncStream.makeStream(of: Result<MessageStore.Appended, any Error>.self)
            try await database.client.withConnection { lock in
                // The writer's transaction waits for the writers' lock, which the test holds.
                try await lock.query("SELECT pg_advisory_lock(\(AdvisoryLock.messageWriter))", logger: database.logger)
                store.append(MessageStoreContract.draft("in flight"), onCommit: { _ in }) { outcome.yield($0) }
                let waiting = try await eventually(timeout: .seconds(30)) {
                    try await TemporaryPostgres.lockIsAwaited(url)
                }
                #expect(waiting, "the writer waits for the lock")
                // Long enough for the writer's lease to have asked the pool twice (see `withConnection`).
                try await Task.sleep(for: PostgresChatDatabase.leasePatience + .milliseconds(500))
                // Stopped meanwhile: the feed that would deliver the commit has ended when it completes.
                running.cancel()
                try await lock.query("SELECT pg_advisory_unlock(\(AdvisoryLock.messageWriter))", logger: database.logger)
            }
            await running.value
            var results = outcomes.makeAsyncIterator()
            let result = try #require(await results.next())
            let stored = try await TemporaryPostgres.psql(url, "SELECT text FROM message")
            #expect(stored == ((try? result.get()) == nil ? [] : ["in flight"]), "the sender is told what happened: \(result)")
        }
    }

    @Test("Processes that start together migrate once: each migration is recorded once, and the schema works")
    func concurrentMigrations() async throws {
        try await TemporaryPostgres.withDatabase { _, url in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<3 {
                    group.addTask { try await PostgresChatDatabase(url: url).migrateBeforeRunning() }
                }
                try await group.waitForAll()
            }
            let recorded = try await TemporaryPostgres.psql(url, "SELECT name FROM chat_migration ORDER BY name")
            #expect(recorded == PostgresMigrations.all.map(\.name))
        }
    }

    @Test("chat-server --database keeps messages in PostgreSQL: a second server, with a SQLite file of its own, recovers them")
    func serverKeepsHistoryInPostgres() async throws {
        try await TemporaryPostgres.withDatabase { database, url in
            let sent = try await withChatServer(.testing { $0.historyDatabaseURL = url }) { live in
                try await withChatClient(port: live.port, name: "alice") { alice in
                    alice.send(#"{"type":"join","room":"general"}"#)
                    _ = try await alice.next("joined")
                    var ids: [Int64] = []
                    for index in 1...3 {
                        alice.send(#"{"type":"send","room":"general","text":"message \#(index)","client_id":"a-\#(index)"}"#)
                        ids.append(try #require(try await alice.next("message").id))
                    }
                    alice.send(#"{"type":"send","room":"general","text":"message 3","client_id":"a-3"}"#)
                    #expect(try await alice.next("message").id == ids[2], "a resend is answered with the stored message")
                    return ids
                }.value
            }
            let stored = try await PostgresMessageStore(database).messages(in: "general", limit: 10)
            #expect(stored.map(\.id) == sent, "PostgreSQL holds every message once")

            try await withChatServer(.testing { $0.historyDatabaseURL = url }) { live in
                try await withChatClient(port: live.port, name: "bob") { bob in
                    bob.send(#"{"type":"join","room":"general","since":\#(sent[0])}"#)
                    let joined = try await bob.next("joined")
                    #expect(joined.messages?.map(\.id) == Array(sent[1...]))
                    #expect(joined.messages?.map(\.text) == ["message 2", "message 3"])
                }
            }
        }
    }
}
