import Foundation
import Testing

@testable import ChatServer

@Suite("The write-ahead log is checkpointed beside the writer, never inside a commit")
struct CheckpointTests {
    @Test("Commits let the log grow past SQLite's automatic threshold; a checkpoint copies all of it")
    func checkpointsOffTheCommitPath() async throws {
        try await withStore { path, database, store in
            // With automatic checkpoints, the commit that takes the log past 1,000 pages would copy
            // it and the log would start over: its file would never grow much past 1,000 frames.
            try await appendUntilLogFile(of: path, exceeds: 32 + 1200 * ChatDatabase.walFrameBytes, to: store)
            let (walFrames, checkpointed) = try await database.checkpoint()
            #expect(walFrames > 1200)
            #expect(checkpointed == walFrames)
        }
    }

    @Test("A round of checkpoints copies the whole log, and the next commit starts the log over")
    func roundLetsTheLogStartOver() async throws {
        try await withStore { _, database, store in
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
        let limit = 256 << 10
        try await withStore(walSizeLimit: limit) { path, database, store in
            try await appendUntilLogFile(of: path, exceeds: 4 * limit, to: store)
            let round = try await database.checkpointCatchingUp()
            #expect(round.checkpointedFrames == round.walFrames)
            // SQLite reuses the file when the log starts over; the first commit after cuts it back.
            #expect(try walFileSize(path) > 4 * limit)
            _ = try await store.append(.init(room: "general", from: "alice", text: "after the peak", clientID: nil))
            #expect(try walFileSize(path) <= limit)
        }
    }

    /// Runs `body` with a store on a fresh database at a path of its own.
    private func withStore(
        walSizeLimit: Int = ChatDatabase.defaultWALSizeLimit,
        _ body: (String, ChatDatabase, SQLiteMessageStore) async throws -> Void
    ) async throws {
        try await withTemporaryDatabase { path in
            let database = try ChatDatabase(path: path, walSizeLimit: walSizeLimit)
            defer { try? database.close() }
            try await body(path, database, SQLiteMessageStore(database))
        }
    }

    /// Commits one message at a time until the log's file is larger than `bytes`.
    private func appendUntilLogFile(of path: String, exceeds bytes: Int, to store: SQLiteMessageStore) async throws {
        var sent = 0
        while try walFileSize(path) <= bytes {
            try #require(sent < 5000, "the log's file should pass \(bytes) bytes long before 5,000 commits")
            _ = try await store.append(.init(room: "general", from: "alice", text: "message \(sent)", clientID: nil))
            sent += 1
        }
    }

    private func walFileSize(_ databasePath: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: databasePath + "-wal")
        return (attributes[.size] as? Int) ?? 0
    }
}
