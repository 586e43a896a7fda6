import Foundation
import GRDB
import NIOConcurrencyHelpers
import NIOCore
import Testing

@testable import ChatServer

@Suite("Work on the store's writer between two commits: the last pass of a checkpoint through a peak", .timeLimit(.minutes(1)))
struct BetweenCommitsTests {
    @Test("No message is committed during it; messages handed over meanwhile are committed after it, and the loop never waits")
    func messagesWaitForTheInterlude() async throws {
        try await withStoreOnALoop { _, store, loop in
            _ = try await store.append(MessageDraft(room: "general", from: "alice", text: "before", clientID: nil))
            let (started, start) = AsyncStream.makeStream(of: Void.self)
            let proceed = DispatchSemaphore(value: 0)
            let interlude = Task {
                try await store.betweenCommits { db in
                    let first = try Int.fetchOne(db, sql: "SELECT count(*) FROM message")
                    start.yield()
                    proceed.wait()
                    return (first, try Int.fetchOne(db, sql: "SELECT count(*) FROM message"))
                }
            }
            for await _ in started { break }

            let count = 3
            let (answers, answer) = AsyncStream.makeStream(of: Result<MessageStore.Appended, any Error>.self)
            // Handed over in one turn while the writer is busy; a turn queued after it still runs.
            try await loop.submit {
                for index in 0..<count {
                    store.append(MessageDraft(room: "general", from: "alice", text: "\(index)", clientID: nil), onCommit: { _ in }) {
                        answer.yield($0)
                    }
                }
            }.get()
            try await loop.submit {}.get()
            proceed.signal()

            let (first, last) = try await interlude.value
            #expect(first == 1 && last == 1, "nothing was committed during the interlude: \(String(describing: first)), \(String(describing: last))")
            var results = answers.makeAsyncIterator()
            for _ in 0..<count { _ = try #require(await results.next()).get() }
            #expect(try await store.messages(in: "general", limit: 10).map(\.text) == ["before"] + (0..<count).map(String.init))
        }
    }

    @Test("A pass between two commits copies the whole log while messages keep coming, and the next commit starts it over")
    func passBetweenCommitsRestartsTheLog() async throws {
        try await withStoreOnALoop { database, store, _ in
            let appended = NIOLockedValueBox(0)
            let appender = Task {
                var index = 0
                while !Task.isCancelled {
                    _ = try await store.append(MessageDraft(room: "general", from: "alice", text: "\(index)", clientID: nil))
                    appended.withLockedValue { $0 += 1 }
                    index += 1
                }
            }
            defer { appender.cancel() }
            while appended.withLockedValue({ $0 }) < 200 { try await Task.sleep(for: .milliseconds(5)) }

            let pass = try await store.betweenCommits { db in try ChatDatabase.checkpoint(db) }
            #expect(pass.walFrames > 200)
            #expect(pass.checkpointedFrames == pass.walFrames, "no commit came in during the pass")

            let after = appended.withLockedValue { $0 }
            while appended.withLockedValue({ $0 }) < after + 5 { try await Task.sleep(for: .milliseconds(5)) }
            let next = try await database.checkpoint()
            #expect(next.walFrames < pass.walFrames, "the log started over: \(next.walFrames) frames after \(pass.walFrames)")
        }
    }
}
