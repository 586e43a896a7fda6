import ArgumentParser
import ChatServer
import Logging

/// `--db`, which every command that touches the database takes.
struct DatabaseOption: ParsableArguments {
    @Option(name: .customLong("db"), help: "The SQLite file, created and migrated on first use (CHAT_DB).")
    var path = environment["CHAT_DB"] ?? "chat.sqlite"
}

/// `--database`: a PostgreSQL database in place of the SQLite file, for the messages and the accounts.
struct HistoryDatabaseOption: ParsableArguments {
    @Option(
        name: .customLong("database"),
        help: ArgumentHelp(
            """
            A PostgreSQL database in place of the SQLite file, postgres://user:password@host:port/database \
            (?sslmode=disable, prefer or require), migrated on first use (CHAT_DATABASE_URL). It holds the \
            messages, the users, their refresh tokens and the failed sign-ins, so that several processes can \
            serve the same rooms and accounts (give them one signing key): each fans out what any of them \
            stores.
            """,
            valueName: "url"
        )
    )
    var option: String?

    /// The address, from the flag or else the environment.
    var url: String? { option ?? environment["CHAT_DATABASE_URL"] }

    func validate() throws {
        guard let url else { return }
        guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
            throw ValidationError("--database takes a postgres:// address; the SQLite file is --db.")
        }
    }
}

/// The database a command works on: the PostgreSQL one when `--database` (or `CHAT_DATABASE_URL`)
/// names one, else the SQLite file of `--db`.
struct CommandDatabase: ParsableArguments {
    @OptionGroup var file: DatabaseOption
    @OptionGroup var postgres: HistoryDatabaseOption

    /// Runs `body` with the accounts of the database, opened (and migrated) for it.
    func withUsers<Value: Sendable>(_ body: (any UserStore) async throws -> Value) async throws -> Value {
        guard let url = postgres.url else {
            let database = try ChatDatabase(path: file.path)
            defer { try? database.close() }
            return try await body(SQLiteUserStore(database))
        }
        var logger = Logger(label: "\(productName).postgres")
        // The pool warns when the first query comes before its task has started, which here is harmless.
        logger.logLevel = .error
        let database = try PostgresChatDatabase(url: url, logger: logger)
        return try await database.whileRunning {
            do {
                try await database.migrate()
            } catch {
                throw CommandFailure("The PostgreSQL database can't be reached or migrated: \(String(reflecting: error))")
            }
            return try await body(PostgresUserStore(database))
        }
    }
}
