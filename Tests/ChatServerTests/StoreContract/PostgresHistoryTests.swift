import Foundation
import NIOConcurrencyHelpers
import Testing

@testable import ChatServer

@Suite(
    "History in PostgreSQL: what only the PostgreSQL store must do",
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

    @Test("Processes that start together migrate once: each migration is recorded once, and the schema works")
    func concurrentMigrations() async throws {
        try await TemporaryPostgres.withDatabase { _, url in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<3 {
                    group.addTask { try await PostgresChatDatabase(url: url).migrateBeforeRunning() }
                }
                try await group.waitForAll()
            }
            let recorded = try TemporaryPostgres.psql(url, "SELECT name FROM chat_migration ORDER BY name")
            #expect(recorded == PostgresMigrations.all.map(\.name))
        }
    }
}
