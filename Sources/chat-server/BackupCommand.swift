import ArgumentParser
import ChatServer
import Foundation

/// `chat-server backup FILE`: a consistent copy of the database, safe to take while the server runs.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the database to a new file, consistently, even while the server runs.",
        discussion: """
            Copying chat.sqlite with cp while the server writes can catch it half-way, and misses what \
            is still in chat.sqlite-wal; this copies one snapshot with SQLite's online backup and never \
            holds the server up. Restore by starting the server with --db on the copy.
            """
    )

    @Argument(help: "The new file to write; it must not exist.")
    var destination: String

    @OptionGroup var database: DatabaseOption

    func run() async throws {
        guard FileManager.default.fileExists(atPath: database.path) else {
            throw CommandFailure("There is no database at \(database.path).")
        }
        do {
            try ChatDatabase(path: database.path).backup(to: destination)
        } catch let error as ChatDatabaseError {
            throw CommandFailure(error.description)
        }
        print("Backed up \(database.path) to \(destination).")
    }
}
