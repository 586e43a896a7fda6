import Foundation
import GRDB
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing

@testable import ChatServer

@Suite("A message handed over on an event loop while the writer is idle is committed on that loop")
struct CommitOnEventLoopTests {
    @Test("Messages handed over in one turn of the loop share one commit, made on the loop when the turn ends")
    func committedTogetherOnTheLoop() async throws {
        try await withStoreOnALoop { database, store, loop in
            let commits = CommitCounter()
            try await database.messageWriter.writeWithoutTransaction { db in db.add(transactionObserver: commits, extent: .databaseLifetime) }
            let count = 10
            let committedOnLoop = NIOLockedValueBox<[Bool]>([])
            let committedDuringTheTurn = NIOLockedValueBox<Int?>(nil)
            let committedByTheNextTurn = NIOLockedValueBox<Int?>(nil)
            let results = NIOLockedValueBox<[Result<MessageStore.Appended, any Error>]>([])
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                loop.execute {
                    for index in 0..<count {
                        let draft = MessageDraft(room: "general", from: "alice", text: "\(index)", clientID: nil)
                        store.append(draft, onCommit: { _ in committedOnLoop.withLockedValue { $0.append(loop.inEventLoop) } }) { result in
                            results.withLockedValue { $0.append(result) }
                        }
                    }
                    committedDuringTheTurn.withLockedValue { $0 = committedOnLoop.withLockedValue { $0.count } }
                    loop.execute {
                        committedByTheNextTurn.withLockedValue { $0 = committedOnLoop.withLockedValue { $0.count } }
                        done.resume()
                    }
                }
            }
            let answers = results.withLockedValue { $0 }
            #expect(answers.count == count, "every message is answered by the next turn")
            for answer in answers { _ = try answer.get() }
            #expect(committedDuringTheTurn.withLockedValue { $0 } == 0, "the commit waits for the turn that hands the messages over to end")
            #expect(committedByTheNextTurn.withLockedValue { $0 } == count, "the first commit after a quiet spell does not wait")
            #expect(committedOnLoop.withLockedValue { $0 } == Array(repeating: true, count: count))
            #expect(commits.count == 1, "\(commits.count) commits for \(count) messages handed over together")
            #expect(try await store.messages(in: "general", limit: 20).map(\.text) == (0..<count).map(String.init))
        }
    }

    @Test("While another connection holds SQLite's write lock, the loop goes on, and the writer's thread commits once the lock is free")
    func lockHeldElsewhere() async throws {
        try await withStoreOnALoop { database, store, loop in
            // Another writer in the middle of a transaction, as a `users` command may be.
            var configuration = Configuration()
            configuration.allowsUnsafeTransactions = true
            let other = try DatabaseQueue(path: database.messageWriter.path, configuration: configuration)
            defer { try? other.close() }
            try await other.writeWithoutTransaction { db in try db.execute(sql: "BEGIN IMMEDIATE") }

            let committedOnLoop = NIOLockedValueBox<Bool?>(nil)
            let outcome = AsyncStream.makeStream(of: Result<MessageStore.Appended, any Error>.self)
            // The second task is queued after the commit the loop tries at the end of the first's turn.
            try await loop.flatSubmit {
                let draft = MessageDraft(room: "general", from: "alice", text: "while locked", clientID: nil)
                store.append(draft, onCommit: { _ in committedOnLoop.withLockedValue { $0 = loop.inEventLoop } }) { result in
                    outcome.continuation.yield(result)
                }
                return loop.submit {}
            }.get()
            #expect(committedOnLoop.withLockedValue { $0 } == nil, "nothing is committed while the lock is held")

            try await other.writeWithoutTransaction { db in try db.execute(sql: "COMMIT") }
            var results = outcome.stream.makeAsyncIterator()
            let result = try #require(await results.next())
            #expect(try result.get().message.text == "while locked")
            #expect(committedOnLoop.withLockedValue { $0 } == false, "committed by the writer's thread, which waited for the lock")
        }
    }

    @Test("Messages are committed with the durability docs/server.md states: the write-ahead log, synchronous NORMAL")
    func durability() async throws {
        try await withStoreOnALoop { database, _, _ in
            let (journal, synchronous) = try await database.messageWriter.read { db in
                (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
            }
            #expect(journal == "wal")
            #expect(synchronous == 1, "NORMAL is 1; FULL (2) would wait for the disk at every commit")
        }
    }

    @Test("Under load a commit waits for more messages to share it, and the writer's thread makes it")
    func underLoadACommitWaits() async throws {
        // A window of a minute, so that the second commit is under load however slow the machine.
        try await withStoreOnALoop(commitDelay: .init(delay: .milliseconds(300), window: .seconds(60))) { database, store, loop in
            let commits = CommitCounter()
            try await database.messageWriter.writeWithoutTransaction { db in db.add(transactionObserver: commits, extent: .databaseLifetime) }
            _ = try await store.append(MessageDraft(room: "general", from: "alice", text: "first", clientID: nil))
            #expect(commits.count == 1)

            // One message a turn, each turn queued by the one before, so that a commit that did not
            // wait would run between them.
            let count = 5
            let committedAtEachTurn = NIOLockedValueBox<[Int]>([])
            let committed = NIOLockedValueBox(0)
            let committedOnLoop = NIOLockedValueBox<[Bool]>([])
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                @Sendable func turn(_ index: Int) {
                    committedAtEachTurn.withLockedValue { $0.append(committed.withLockedValue { $0 }) }
                    let draft = MessageDraft(room: "general", from: "alice", text: "\(index)", clientID: nil)
                    store.append(
                        draft,
                        onCommit: { _ in
                            committed.withLockedValue { $0 += 1 }
                            committedOnLoop.withLockedValue { $0.append(loop.inEventLoop) }
                        }
                    ) { _ in
                        if committed.withLockedValue({ $0 }) == count, index == count - 1 { done.resume() }
                    }
                    if index + 1 < count { loop.execute { turn(index + 1) } }
                }
                loop.execute { turn(0) }
            }
            #expect(committedAtEachTurn.withLockedValue { $0 } == Array(repeating: 0, count: count), "nothing is committed while the turns go on")
            #expect(commits.count == 2, "the five share one commit")
            #expect(committedOnLoop.withLockedValue { $0 } == Array(repeating: false, count: count), "under load the writer's thread commits")
            #expect(try await store.messages(in: "general", limit: 10).map(\.text) == ["first"] + (0..<count).map(String.init))
        }
    }

}

/// Runs `body` with a store on a fresh database and an event loop of its own.
func withStoreOnALoop(
    commitDelay: SQLiteMessageStore.CommitDelay = .init(),
    _ body: (ChatDatabase, SQLiteMessageStore, any EventLoop) async throws -> Void
) async throws {
    try await withTemporaryDatabase { path in
        let database = try ChatDatabase(path: path)
        defer { try? database.close() }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            try await body(database, SQLiteMessageStore(database, commitDelay: commitDelay), group.next())
        } catch {
            try await group.shutdownGracefully()
            throw error
        }
        try await group.shutdownGracefully()
    }
}
