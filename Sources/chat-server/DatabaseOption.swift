import ArgumentParser

/// `--db`, which every command that touches the database takes.
struct DatabaseOption: ParsableArguments {
    @Option(name: .customLong("db"), help: "The SQLite file, created and migrated on first use (CHAT_DB).")
    var path = environment["CHAT_DB"] ?? "chat.sqlite"
}

/// `--database`, which only the server takes: so far only the messages can live in PostgreSQL.
struct HistoryDatabaseOption: ParsableArguments {
    @Option(
        name: .customLong("database"),
        help: ArgumentHelp(
            """
            A PostgreSQL database for the message history, postgres://user:password@host:port/database \
            (?sslmode=disable, prefer or require), migrated on start (CHAT_DATABASE_URL). Users and refresh \
            tokens still live in the SQLite file (--db); and several processes on one database do not yet see \
            each other's messages live, so run one.
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
