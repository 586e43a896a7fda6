import Foundation
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

    @Test("A round of checkpoints copies the whole log, and the next commit starts the log over")
    func roundLetsTheLogStartOver() async throws {
        try await withTemporaryDatabase { path in
            let database = try ChatDatabase(path: path)
            defer { try? database.close() }
            let store = SQLiteMessageStore(database)
            for index in 0..<50 { _ = try await store.append(.init(room: "general", from: "alice", text: "\(index)", clientID: nil)) }
            let round = try await database.checkpointCatchingUp()
            #expect(round.walFrames > 50 && round.checkpointedFrames == round.walFrames)

            _ = try await store.append(.init(room: "general", from: "alice", text: "after", clientID: nil))
            let after = try await database.checkpoint().walFrames
            #expect(after < 20, "the log started over: \(after) frames after one commit, \(round.walFrames) before")
        }
    }

    @Test("When the log starts over after a peak, its file is cut back to the limit")
    func peakLogIsCutBack() async throws {
        try await withTemporaryDatabase { path in
            let limit = 256 << 10
            let database = try ChatDatabase(path: path, walSizeLimit: limit)
            defer { try? database.close() }
            let store = SQLiteMessageStore(database)
            var sent = 0
            while try walFileSize(path) <= 4 * limit {
                try #require(sent < 5000, "the log should pass 1 MiB long before 5,000 commits")
                _ = try await store.append(.init(room: "general", from: "alice", text: "message \(sent)", clientID: nil))
                sent += 1
            }
            let round = try await database.checkpointCatchingUp()
            #expect(round.checkpointedFrames == round.walFrames)
            // SQLite reuses the file when the log starts over; the first commit after cuts it back.
            #expect(try walFileSize(path) > 4 * limit)
            _ = try await store.append(.init(room: "general", from: "alice", text: "after the peak", clientID: nil))
            #expect(try walFileSize(path) <= limit)
        }
    }

    private func walFileSize(_ databasePath: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: databasePath + "-wal")
        return (attributes[.size] as? Int) ?? 0
    }
}
