import Foundation
import Logging
import PostgresNIO
import Testing

@testable import ChatServer

/// A PostgreSQL server for the tests: the one `CHAT_TEST_POSTGRES_URL` names, or else a throwaway
/// cluster that `Tests/Postgres/start-cluster` starts on first use and stops when the test run ends.
enum TemporaryPostgres {
    /// The folder of PostgreSQL's programs, when it is installed (the newest, if several are).
    static let binaries: String? = {
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return versions.compactMap(Int.init).sorted().reversed().map { "\(root)/\($0)/bin" }
            .first { FileManager.default.isExecutableFile(atPath: "\($0)/initdb") }
    }()

    private static let givenURL = ProcessInfo.processInfo.environment["CHAT_TEST_POSTGRES_URL"]

    /// Whether there is a PostgreSQL to test against.
    static var isAvailable: Bool { givenURL != nil || binaries != nil }

    static let unavailable: Comment =
        "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb) and CHAT_TEST_POSTGRES_URL is not set: .ci/postgres installs it and runs these"

    /// The server's address, its cluster started once for the whole run.
    private static let server = Task<String, any Error> {
        if let givenURL { return givenURL }
        return try await startCluster()
    }

    /// Runs `body` with a new database of its own, migrated, its pool running; the database is
    /// dropped afterwards.
    ///
    /// - Parameter body: given the database and its address.
    static func withDatabase<Value: Sendable>(
        _ body: (PostgresChatDatabase, _ url: String) async throws -> Value
    ) async throws -> Value {
        let serverURL = try await server.value
        let name = "chat_test_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        let admin = try PostgresChatDatabase(url: address(serverURL, database: "postgres"), logger: quiet)
        return try await withRunning(admin.run) {
            try await admin.client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: quiet)
            let url = address(serverURL, database: name)
            let database = try PostgresChatDatabase(url: url, logger: quiet)
            let result: Result<Value, any Error>
            do {
                result = .success(
                    try await withRunning(database.run) {
                        try await database.migrate()
                        return try await body(database, url)
                    }
                )
            } catch {
                result = .failure(error)
            }
            try await admin.client.query(PostgresQuery(unsafeSQL: "DROP DATABASE \(name) WITH (FORCE)"), logger: quiet)
            return try result.get()
        }
    }

    /// The rows `sql` reads, through `psql`: a client of its own that a commit callback can wait for.
    ///
    /// psql runs, and is waited for, on a thread of its own: a statement may wait for a lock that a
    /// transaction of this process holds, and a wait that blocked one of the few threads Swift's tasks
    /// run on (two, on two cores) could keep that transaction from ever finishing.
    static func psql(_ url: String, _ sql: String) async throws -> [String] {
        let (status, output) = try await onThreadOfItsOwn { try runPsql(url, sql) }
        guard status == 0 else { throw PsqlFailed(sql: sql, status: status) }
        return output.split(separator: "\n").map(String.init)
    }

    /// Whether a session of the database at `url` waits for an advisory lock (the writers' lock,
    /// which a test holds). pg_locks lists the whole cluster's locks, and tests run side by side.
    static func lockIsAwaited(_ url: String) async throws -> Bool {
        let database = "(SELECT oid FROM pg_database WHERE datname = current_database())"
        let waiting = try await psql(url, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = \(database)")
        return waiting == ["1"]
    }

    /// The rows `sql` reads, waiting on this thread: for a commit callback, which must see the
    /// commit before it returns. Only for reads that wait for no lock.
    static func psqlBlocking(_ url: String, _ sql: String) throws -> [String] {
        let (status, output) = try runPsql(url, sql)
        guard status == 0 else { throw PsqlFailed(sql: sql, status: status) }
        return output.split(separator: "\n").map(String.init)
    }

    private static func runPsql(_ url: String, _ sql: String) throws -> (status: Int32, captured: String) {
        let psql = binaries.map { "\($0)/psql" } ?? "/usr/bin/psql"
        let options = ["--no-psqlrc", "--tuples-only", "--no-align", "--set=ON_ERROR_STOP=1"]
        return try ChildProcess.run(psql, options + ["--command=\(sql)", url], capturing: .output)
    }

    /// Runs blocking work on a new thread, so that no thread Swift's tasks run on waits for it.
    static func onThreadOfItsOwn<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
        }
    }

    struct PsqlFailed: Error {
        let sql: String
        let status: Int32
    }

    private static let quiet = Logger(label: "tests.postgres") { _ in SwiftLogNoOpLogHandler() }

    /// `url` with its database replaced, and without TLS, which a test cluster doesn't offer.
    private static func address(_ url: String, database: String) -> String {
        var components = URLComponents(string: url)!
        components.path = "/\(database)"
        components.queryItems = [URLQueryItem(name: "sslmode", value: "disable")]
        return components.string!
    }

    /// Starts a cluster that stops once this test process has ended.
    private static func startCluster() async throws -> String {
        let script = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Postgres/start-cluster").path
        let owner = "\(ProcessInfo.processInfo.processIdentifier)"
        // On a thread of its own: initdb takes seconds, which the test threads have better uses for.
        let (status, printed) = try await onThreadOfItsOwn { try ChildProcess.run(script, ["--owner", owner], capturing: .output) }
        guard status == 0, let url = printed.split(separator: "\n").last else { throw ClusterFailed(status: status) }
        return String(url)
    }

    struct ClusterFailed: Error, CustomStringConvertible {
        let status: Int32
        var description: String { "Tests/Postgres/start-cluster failed with status \(status); its reasons are on stderr" }
    }
}

/// Runs `body` while `service` runs in a task beside it, and cancels that task afterwards.
func withRunning<Value: Sendable>(
    _ service: @escaping @Sendable () async -> Void,
    _ body: () async throws -> Value
) async throws -> Value {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await service() }
        defer { group.cancelAll() }
        return try await body()
    }
}
