import ArgumentParser
import ChatServer
import Foundation

/// `chat-server backup FILE`: a consistent copy of the database, safe to take while the server runs.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the database to a new file, consistently, even while the server runs.",
        discussion: """
            SQLite (--db): copying chat.sqlite with cp while the server writes can catch it half-way, and \
            misses what is still in chat.sqlite-wal; this copies one snapshot with SQLite's online backup, \
            into a new SQLite file, and never holds the server up. Restore by starting the server with --db \
            on the copy.

            PostgreSQL (--database or CHAT_DATABASE_URL): this runs pg_dump (from postgresql-client, which \
            must be installed), which reads the whole database (messages, users, refresh tokens, failed \
            sign-ins) from one snapshot while the servers go on, and writes it in pg_dump's custom format. \
            Restore into a new, empty database: createdb chat_restored, then \
            pg_restore --no-owner --dbname postgres://user:password@host:port/chat_restored FILE, and \
            start the servers with --database on it.
            """
    )

    @Argument(help: "The new file to write; it must not exist.")
    var destination: String

    @OptionGroup var database: CommandDatabase

    func run() async throws {
        do {
            if let url = database.postgres.url {
                try PostgresBackup.write(url, to: destination)
                print("Backed up the PostgreSQL database to \(destination) (restore with pg_restore; see --help).")
                return
            }
            guard FileManager.default.fileExists(atPath: database.file.path) else {
                throw CommandFailure("There is no database at \(database.file.path).")
            }
            try ChatDatabase(path: database.file.path).backup(to: destination)
            print("Backed up \(database.file.path) to \(destination).")
        } catch let error as ChatDatabaseError {
            throw CommandFailure(error.description)
        } catch let error as PostgresURLError {
            throw CommandFailure(error.description)
        }
    }
}
