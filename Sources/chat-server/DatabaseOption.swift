import ArgumentParser

/// `--db`, which every command that touches the database takes.
struct DatabaseOption: ParsableArguments {
    @Option(name: .customLong("db"), help: "The SQLite file, created and migrated on first use (CHAT_DB).")
    var path = environment["CHAT_DB"] ?? "chat.sqlite"
}
