import Foundation
import GRDB
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import Testing

@testable import ChatServer

@Suite("Messages that arrive together are committed together, and still go out in order")
struct GroupCommitTests {
    @Test("Appends queued behind a commit share the next one; callbacks and answers keep their order")
    func appendsShareCommits() async throws {
        try await withTemporaryDatabase { path in
            let database = try ChatDatabase(path: path)
            defer { try? database.close() }
            let commits = CommitCounter()
            try await database.messageWriter.write { db in db.add(transactionObserver: commits, extent: .databaseLifetime) }
            let store = SQLiteMessageStore(database)
            let count = 200
            let committed = NIOLockedValueBox<[ChatMessage]>([])
            let answered = NIOLockedValueBox<[String]>([])
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                for index in 0..<count {
                    let draft = MessageStore.Draft(room: "general", from: "alice", text: "\(index)", clientID: nil)
                    store.append(draft, onCommit: { message in committed.withLockedValue { $0.append(message) } }) { result in
                        let finished = answered.withLockedValue { answered in
                            answered.append((try? result.get().message.text) ?? "failed")
                            return answered.count == count
                        }
                        if finished { done.resume() }
                    }
                }
            }
            let messages = committed.withLockedValue { $0 }
            #expect(messages.map(\.text) == (0..<count).map(String.init), "callbacks run in the order of the appends")
            #expect(messages.map(\.id) == messages.map(\.id).sorted(), "ids increase in that order")
            #expect(answered.withLockedValue { $0 } == (0..<count).map(String.init))
            #expect(commits.count < count, "\(commits.count) commits for \(count) messages")
        }
    }

    @Test("No commit carries more than its bound, however many messages wait; all of them are stored, in order")
    func commitsAreBounded() async throws {
        try await withTemporaryDatabase { path in
            let database = try ChatDatabase(path: path)
            defer { try? database.close() }
            let inThisCommit = NIOLockedValueBox(0)
            let commitSizes = NIOLockedValueBox<[Int]>([])
            let store = SQLiteMessageStore(database) { callbacks in
                inThisCommit.withLockedValue { $0 = 0 }
                callbacks()
                commitSizes.withLockedValue { $0.append(inThisCommit.withLockedValue { $0 }) }
            }
            let count = SQLiteMessageStore.maxAppendsPerCommit * 3
            let committed = NIOLockedValueBox<[String]>([])
            let answered = NIOLockedValueBox(0)
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                for index in 0..<count {
                    let draft = MessageStore.Draft(room: "general", from: "alice", text: "\(index)", clientID: nil)
                    store.append(
                        draft,
                        onCommit: { message in
                            inThisCommit.withLockedValue { $0 += 1 }
                            committed.withLockedValue { $0.append(message.text) }
                        }
                    ) { _ in
                        if answered.withLockedValue({
                            $0 += 1
                            return $0
                        }) == count {
                            done.resume()
                        }
                    }
                }
            }
            #expect(committed.withLockedValue { $0 } == (0..<count).map(String.init))
            let sizes = commitSizes.withLockedValue { $0 }
            #expect(sizes.allSatisfy { $0 <= SQLiteMessageStore.maxAppendsPerCommit }, "\(sizes)")
            #expect(sizes.contains(SQLiteMessageStore.maxAppendsPerCommit), "a full commit: the messages did wait together \(sizes)")
        }
    }

    @Test("A message the database refuses fails alone: the others of its commit are stored, in order, and told")
    func failureIsolated() async throws {
        try await withTemporaryDatabase { path in
            let database = try ChatDatabase(path: path)
            defer { try? database.close() }
            try await database.pool.write { db in
                try db.execute(
                    sql: "CREATE TRIGGER poison BEFORE INSERT ON message WHEN NEW.text = 'poison' BEGIN SELECT RAISE(ABORT, 'poisoned'); END"
                )
            }
            let store = SQLiteMessageStore(database)
            let texts = (0..<50).map { $0 == 20 ? "poison" : "\($0)" }
            let committed = NIOLockedValueBox<[String]>([])
            let answers = NIOLockedValueBox<[String: Bool]>([:])
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                for text in texts {
                    let draft = MessageStore.Draft(room: "general", from: "alice", text: text, clientID: nil)
                    store.append(draft, onCommit: { message in committed.withLockedValue { $0.append(message.text) } }) { result in
                        let finished = answers.withLockedValue { answers in
                            answers[text] = (try? result.get()) != nil
                            return answers.count == texts.count
                        }
                        if finished { done.resume() }
                    }
                }
            }
            #expect(answers.withLockedValue { $0 } == Dictionary(uniqueKeysWithValues: texts.map { ($0, $0 != "poison") }))
            #expect(committed.withLockedValue { $0 } == texts.filter { $0 != "poison" })
            let stored = try await store.messages(in: "general", limit: 100).map(\.text)
            #expect(stored == texts.filter { $0 != "poison" })
        }
    }

    @Test("Fan-outs inside a gathering wake each connection's writer once, after the whole batch")
    func gatheredWakes() {
        let loop = EmbeddedEventLoop()
        let drains = NIOLockedValueBox(0)
        let outboxes = (0..<2).map { _ in Outbox(bounds: .init(messages: 100, bytes: 1 << 20)) }
        for outbox in outboxes {
            outbox.attach(OutboxWake(eventLoop: loop) { drains.withLockedValue { $0 += 1 } })
        }
        FanOutBatch.gathering {
            for index in 0..<3 {
                for outbox in outboxes { outbox.send(TextFrame(ByteBuffer(string: "\(index)"))) }
            }
            loop.run()
            #expect(drains.withLockedValue { $0 } == 0, "nobody is woken before the batch is done")
        }
        loop.run()
        #expect(drains.withLockedValue { $0 } == 2, "one wake-up for each writer")
    }
}
