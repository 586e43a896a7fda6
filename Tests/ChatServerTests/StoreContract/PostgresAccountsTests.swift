import Foundation
import Testing

@testable import ChatServer

@Suite(
    "Accounts in PostgreSQL: what only the PostgreSQL stores must do",
    .serialized,
    .enabled(if: TemporaryPostgres.isAvailable, TemporaryPostgres.unavailable)
)
struct PostgresAccountsTests {
    @Test("Failures counted through one pool hold on another, and each new failure prunes those past the window")
    func throttleIsSharedAndPruned() async throws {
        try await TemporaryPostgres.withDatabase { database, url in
            let start = LoginThrottleContract.start
            let first = PostgresLoginThrottle(database, window: 600, perName: 3, perAddress: 100)
            for second in 0..<3 {
                try await first.recordFailure(name: "alice", address: "10.0.0.\(second)", now: start.addingTimeInterval(Double(second)))
            }
            let other = try PostgresChatDatabase(url: url)
            try await withRunning(other.run) {
                let second = PostgresLoginThrottle(other, window: 600, perName: 3, perAddress: 100)
                #expect(try await second.retryAfter(name: "alice", address: "10.0.0.9", now: start.addingTimeInterval(100)) == 500)
                try await second.recordFailure(name: "bob", address: "10.0.0.9", now: start.addingTimeInterval(700))
            }
            let rows = try await TemporaryPostgres.psql(url, "SELECT name FROM login_failure ORDER BY failed_at")
            #expect(rows == ["bob"], "failures older than the window are gone")
        }
    }

    @Test("chat-server backup: pg_dump writes the database, pg_restore brings it back into an empty one, as --help says")
    func backupRestores() async throws {
        try await TemporaryPostgres.withDatabase { database, url in
            let users = PostgresUserStore(database)
            try await users.add(name: "alice", passwordHash: "hash-a", scopes: ChatScope.all)
            try await users.add(name: "bob", passwordHash: "hash-b", scopes: [ChatScope.read])
            #expect(try await users.setDisabled("bob", true))
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("backup-\(UUID())")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let file = folder.appendingPathComponent("chat.dump").path

            try await TemporaryPostgres.onThreadOfItsOwn { try PostgresBackup.write(url, to: file) }
            #expect(throws: ChatDatabaseError.backupExists(file)) { try PostgresBackup.write(url, to: file) }

            let restored = "chat_restored_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
            _ = try await TemporaryPostgres.psql(url, "CREATE DATABASE \(restored)")
            let restoredURL = Self.url(url, database: restored)
            let restore = try #require(PostgresBackup.program("pg_restore"))
            let status = try await TemporaryPostgres.onThreadOfItsOwn { try Self.run(restore, ["--no-owner", "--dbname=\(restoredURL)", file]) }
            #expect(status == 0)

            let copy = try PostgresChatDatabase(url: restoredURL)
            let read = try await copy.whileRunning { try await PostgresUserStore(copy).all() }
            #expect(read.map(\.name) == ["alice", "bob"])
            #expect(read.map(\.isDisabled) == [false, true])
            #expect(
                try await TemporaryPostgres.psql(restoredURL, "SELECT name FROM chat_migration ORDER BY name") == PostgresMigrations.all.map(\.name)
            )
            _ = try await TemporaryPostgres.psql(url, "DROP DATABASE \(restored) WITH (FORCE)")
        }
    }

    /// `url` naming another database on the same server.
    static func url(_ url: String, database: String) -> String {
        var components = URLComponents(string: url)!
        components.path = "/\(database)"
        return components.string!
    }

    /// Runs a program to its end, its output discarded, and returns its exit status.
    static func run(_ program: String, _ arguments: [String]) throws -> Int32 {
        try ChildProcess.run(program, arguments, capturing: .errors).status
    }
}
