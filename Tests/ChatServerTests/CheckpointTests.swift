import Foundation
import NIOConcurrencyHelpers
import Testing

@testable import ChatServer

@Suite("The write-ahead log is checkpointed beside the writer, never inside a commit")
struct CheckpointTests {
    @Test("Commits let the log grow past SQLite's automatic threshold; a checkpoint copies all of it")
    func checkpointsOffTheCommitPath() async throws {
        try await withTemporaryDatabase { path in
            let database = try ChatDatabase(path: path)
            defer { try? database.close() }
            let store = SQLiteMessageStore(database)
            // With automatic checkpoints, the commit that takes the log past 1,000 pages would copy
            // it and the log would start over: its file would never grow much past 1,000 frames.
            let frameBytes = 24 + 4096
            var sent = 0
            while try walFileSize(path) <= 32 + 1200 * frameBytes {
                try #require(sent < 5000, "the log should pass 1,200 frames long before 5,000 commits")
                _ = try await store.append(.init(room: "general", from: "alice", text: "message \(sent)", clientID: nil))
                sent += 1
            }
            let (walFrames, checkpointed) = try await database.checkpoint()
            #expect(walFrames > 1200)
            #expect(checkpointed == walFrames)
        }
    }

    @Test("While messages keep coming, a round of checkpoints lets the log start over instead of growing")
    func logStartsOverWhileMessagesKeepComing() async throws {
        try await withTemporaryDatabase { path in
            let database = try ChatDatabase(path: path)
            defer { try? database.close() }
            let store = SQLiteMessageStore(database)
            let sent = NIOLockedValueBox(0)
            // A message a millisecond, without end: commits never stop for long.
            let writing = Task {
                while !Task.isCancelled {
                    _ = try await store.append(.init(room: "general", from: "alice", text: "message", clientID: nil))
                    sent.withLockedValue { $0 += 1 }
                    try await Task.sleep(for: .milliseconds(1))
                }
            }
            defer { writing.cancel() }
            let frameBytes = 24 + 4096
            while try walFileSize(path) <= 32 + 300 * frameBytes { try await Task.sleep(for: .milliseconds(10)) }

            let before = try await database.checkpoint().walFrames
            #expect(try await database.checkpointAndRestartLog(), "the restart finds a moment between commits")
            let restartedAt = sent.withLockedValue { $0 }
            while sent.withLockedValue({ $0 }) < restartedAt + 5 { try await Task.sleep(for: .milliseconds(1)) }
            let after = try await database.checkpoint().walFrames
            #expect(after < before, "the log started over: \(after) frames after, \(before) before")
        }
    }

    private func walFileSize(_ databasePath: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: databasePath + "-wal")
        return (attributes[.size] as? Int) ?? 0
    }
}
