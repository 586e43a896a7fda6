import ChatServer
import Foundation
import GRDB
import LessonKit
import NIOConcurrencyHelpers
import Testing

/// Exercise 2: the history, against a real SQLite file in a temporary folder.
@Suite("Exercise 2: history in SQLite")
struct HistoryTests {
    let answers = Lesson05Answers.checked

    @Test("Messages come back oldest first: after an id, before an id, and the latest few")
    func reads() async throws {
        try await withTemporaryFolder { folder in
            let history = try answers.openHistory(folder.appendingPathComponent("chat.sqlite").path)
            var ids: [Int64] = []
            for number in 1...6 {
                let room = number % 3 == 0 ? "random" : "general"
                let appended = try await history.append(room: room, from: "alice", text: "m\(number)", clientID: nil) { _ in }
                #expect(appended.isNew)
                #expect(appended.message.room == room && appended.message.from == "alice" && appended.message.text == "m\(number)")
                ids.append(appended.message.id)
            }
            #expect(ids == ids.sorted() && Set(ids).count == 6, "ids increase: \(ids)")
            let texts = { (messages: [ChatMessage]) in messages.map(\.text) }
            #expect(texts(try await history.messages(in: "general", after: nil, limit: 50)) == ["m1", "m2", "m4", "m5"])
            #expect(texts(try await history.messages(in: "general", after: nil, limit: 2)) == ["m4", "m5"], "the latest 2, oldest first")
            #expect(texts(try await history.messages(in: "general", after: ids[1], limit: 50)) == ["m4", "m5"])
            #expect(texts(try await history.messages(in: "general", after: ids[0], limit: 2)) == ["m2", "m4"], "the first 2 after the id")
            #expect(texts(try await history.messages(in: "general", before: ids[4], limit: 2)) == ["m2", "m4"])
            #expect(texts(try await history.messages(in: "general", before: nil, limit: 3)) == ["m2", "m4", "m5"])
            #expect(try await history.messages(in: "nobody-here", after: nil, limit: 50).isEmpty)
            let seen = NIOLockedValueBox<[String]>([])
            let read = try await history.messages(in: "random", after: 0, limit: 50) { messages in
                seen.withLockedValue { $0 = messages.map(\.text) }
            }
            #expect(texts(read) == ["m3", "m6"])
            #expect(seen.withLockedValue { $0 } == ["m3", "m6"], "then runs with the messages read")
        }
    }

    @Test("A resend with the same client id returns the first copy and stores nothing; another sender may use the same id")
    func idempotentResend() async throws {
        try await withTemporaryFolder { folder in
            let history = try answers.openHistory(folder.appendingPathComponent("chat.sqlite").path)
            let commits = NIOLockedValueBox(0)
            let first = try await history.append(room: "general", from: "alice", text: "hello", clientID: "a-1") { _ in
                commits.withLockedValue { $0 += 1 }
            }
            let resend = try await history.append(room: "general", from: "alice", text: "hello", clientID: "a-1") { _ in
                commits.withLockedValue { $0 += 1 }
            }
            #expect(first.isNew && !resend.isNew)
            #expect(resend.message.isSame(as: first.message), "the first copy, id and time included")
            #expect(commits.withLockedValue { $0 } == 1, "onCommit runs for the new message only")
            let bobs = try await history.append(room: "general", from: "bob", text: "hi", clientID: "a-1") { _ in }
            #expect(bobs.isNew, "client ids are the sender's own: bob's a-1 is not alice's")
            #expect(try await history.messages(in: "general", after: nil, limit: 50).map(\.text) == ["hello", "hi"])
        }
    }

    @Test("onCommit runs after the commit: another connection to the file already sees the message")
    func committedBeforeTold() async throws {
        try await withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("chat.sqlite").path
            let history = try answers.openHistory(path)
            let visible = NIOLockedValueBox<Bool?>(nil)
            _ = try await history.append(room: "general", from: "alice", text: "committed?", clientID: nil) { message in
                // A connection of its own, as another process would open the file.
                let reader = try? DatabaseQueue(path: path)
                let count = try? reader?.read { db in
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM message WHERE id = ?", arguments: [message.id])
                }
                visible.withLockedValue { $0 = count == 1 }
            }
            #expect(visible.withLockedValue { $0 } == true, "the message was not yet committed when onCommit ran")
        }
    }

    @Test("A hundred appends at once: each onCommit runs once, in the order of the ids")
    func commitOrder() async throws {
        try await withTemporaryFolder { folder in
            let history = try answers.openHistory(folder.appendingPathComponent("chat.sqlite").path)
            let told = NIOLockedValueBox<[Int64]>([])
            try await withThrowingTaskGroup(of: Void.self) { group in
                for number in 0..<100 {
                    group.addTask {
                        let sender = "user\(number % 7)"
                        _ = try await history.append(room: "general", from: sender, text: "m\(number)", clientID: "c\(number)") { message in
                            told.withLockedValue { $0.append(message.id) }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let ids = told.withLockedValue { $0 }
            #expect(ids.count == 100)
            #expect(ids == ids.sorted(), "a room's members would see messages out of order")
        }
    }

    @Test("Opened again, the file keeps every message, ids go on from where they were, and resends are still known")
    func reopen() async throws {
        try await withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("chat.sqlite").path
            var last: ChatMessage?
            do {
                let history = try answers.openHistory(path)
                for number in 1...3 {
                    last = try await history.append(room: "general", from: "alice", text: "m\(number)", clientID: "a-\(number)") { _ in }.message
                }
            }
            let reopened = try answers.openHistory(path)
            #expect(try await reopened.messages(in: "general", after: nil, limit: 50).map(\.text) == ["m1", "m2", "m3"])
            let resend = try await reopened.append(room: "general", from: "alice", text: "m3", clientID: "a-3") { _ in }
            #expect(!resend.isNew && last.map(resend.message.isSame(as:)) == true)
            let next = try await reopened.append(room: "general", from: "alice", text: "m4", clientID: "a-4") { _ in }
            #expect(next.message.id > (last?.id ?? .max))
        }
    }
}

extension ChatMessage {
    /// Whether this is `other` as stored: the same fields, and the same time to the millisecond
    /// (SQLite keeps no more, and a date read back may differ from the one written in the last bits).
    func isSame(as other: ChatMessage) -> Bool {
        var copy = other
        copy.at = at
        return copy == self && abs(at.timeIntervalSince(other.at)) < 0.001
    }
}
