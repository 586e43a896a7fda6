import Foundation
import GRDB
import LessonKit

/// Exercise 2, the reference: user accounts in a SQLite file, each with a bcrypt hash of its password.
public final class Accounts: UserAccounts {
    private let pool: DatabasePool

    /// Opens the accounts at `path`, creating the file and its table if need be.
    public init(path: String) throws {
        pool = try DatabasePool(path: path)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: users") { db in
            try db.create(table: "user") { table in
                table.primaryKey("name", .text)
                table.column("passwordHash", .text).notNull()
                table.column("scopes", .text).notNull()
            }
        }
        try migrator.migrate(pool)
    }

    public func add(_ name: String, passwordHash: String, scopes: Set<String>) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO user (name, passwordHash, scopes) VALUES (?, ?, ?)",
                arguments: [name, passwordHash, scopes.sorted().joined(separator: " ")]
            )
        }
    }

    public func credentials(of name: String) async throws -> (passwordHash: String, scopes: Set<String>)? {
        let row = try await pool.read { db in try Row.fetchOne(db, sql: "SELECT passwordHash, scopes FROM user WHERE name = ?", arguments: [name]) }
        guard let row else { return nil }
        let passwordHash: String = row["passwordHash"]
        let scopes: String = row["scopes"]
        return (passwordHash, Set(scopes.split(separator: " ").map(String.init)))
    }
}
