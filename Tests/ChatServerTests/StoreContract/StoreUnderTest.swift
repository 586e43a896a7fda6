import Foundation
import GRDB
import NIOConcurrencyHelpers

@testable import ChatServer

/// A store for one contract check, on a database of its own, with a second connection that sees
/// only what the store has committed.
struct StoreUnderTest: Sendable {
    let store: any MessageStore
    /// The ids of the committed messages, read through the second connection without `await`, so that
    /// a commit callback can ask.
    let committedIDs: @Sendable () throws -> [Int64]
    /// How many transactions stored messages.
    let writeTransactions: @Sendable () throws -> Int

    /// What an append came to, and when its completion ran among the others.
    typealias Completion = (draftIndex: Int, result: Result<MessageStore.Appended, any Error>)

    /// Hands the store every draft at once, without waiting between them (as a busy server does),
    /// then waits for every completion.
    ///
    /// - Returns: the completions in the order they ran.
    func appendTogether(
        _ drafts: [MessageDraft],
        onCommit: @escaping @Sendable (ChatMessage) -> Void = { _ in }
    ) async -> [Completion] {
        let completions = NIOLockedValueBox<[Completion]>([])
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            for (index, draft) in drafts.enumerated() {
                store.append(draft, onCommit: onCommit) { result in
                    let isLast = completions.withLockedValue { completions in
                        completions.append((index, result))
                        return completions.count == drafts.count
                    }
                    if isLast { done.resume() }
                }
            }
        }
        return completions.withLockedValue { $0 }
    }

    /// Stores one message and returns it as stored, as a client sees it.
    func append(_ draft: MessageDraft) async throws -> ChatMessage {
        try await store.append(draft).message.asSeen
    }
}

/// The stores that keep the contract.
enum StoreKind: String, Sendable {
    case sqlite = "SQLite"
    case postgres = "PostgreSQL"

    /// Runs `body` with a fresh store of this kind.
    func withStore(_ body: (StoreUnderTest) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            try await withTemporaryDatabase { path in
                let database = try ChatDatabase(path: path)
                defer { try? database.close() }
                let commits = CommitCounter()
                try await database.messageWriter.write { db in db.add(transactionObserver: commits, extent: .databaseLifetime) }
                let observer = try DatabaseQueue(path: path)
                defer { try? observer.close() }
                try await body(
                    StoreUnderTest(
                        store: SQLiteMessageStore(database),
                        committedIDs: { try observer.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM message ORDER BY id") } },
                        writeTransactions: { commits.count }
                    )
                )
            }
        case .postgres:
            try await TemporaryPostgres.withDatabase { database, url in
                let store = PostgresMessageStore(database)
                try await withRunning(store.run) {
                    try await body(
                        StoreUnderTest(
                            store: store,
                            committedIDs: { try TemporaryPostgres.psqlBlocking(url, "SELECT id FROM message ORDER BY id").compactMap { Int64($0) } },
                            // Rows written by one transaction share its id, xmin.
                            writeTransactions: {
                                Int(try TemporaryPostgres.psqlBlocking(url, "SELECT count(DISTINCT xmin::text) FROM message").first ?? "") ?? 0
                            }
                        )
                    )
                }
            }
        }
    }
}

/// Counts the commits of a SQLite database.
final class CommitCounter: TransactionObserver, @unchecked Sendable {
    // Sendable: its one piece of state is behind a lock.
    private let commits = NIOLockedValueBox(0)
    var count: Int { commits.withLockedValue { $0 } }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { true }
    func databaseDidChange(with event: DatabaseEvent) {}
    func databaseDidCommit(_ db: Database) { commits.withLockedValue { $0 += 1 } }
    func databaseDidRollback(_ db: Database) {}
}

extension ChatMessage {
    /// The message as a client sees it: its time to the millisecond (clients see whole seconds). A
    /// store reads its times back from the database, which may differ from the time it was given in
    /// the last bits of a `Double`.
    var asSeen: ChatMessage {
        var message = self
        message.at = Date(timeIntervalSince1970: (at.timeIntervalSince1970 * 1000).rounded() / 1000)
        return message
    }
}

extension [ChatMessage] {
    var asSeen: [ChatMessage] { map(\.asSeen) }
}
