import Foundation
import GRDB

/// The accounts in the SQLite file.
public final class SQLiteUserStore: UserStore {
    private let database: DatabasePool

    public init(_ database: ChatDatabase) {
        self.database = database.pool
    }

    public func add(name: String, passwordHash: String, scopes: Set<String>) async throws {
        do {
            try await database.write { db in
                var record = UserRecord(
                    name: name,
                    passwordHash: passwordHash,
                    scopes: ScopeList.text(scopes),
                    isDisabled: false,
                    createdAt: Date()
                )
                try record.insert(db)
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw UserStoreError.nameTaken(name)
        }
    }

    public func credentials(of name: String) async throws -> (user: User, passwordHash: String)? {
        try await database.read { db in try UserRecord.fetchOne(db, key: name) }.map { ($0.user, $0.passwordHash) }
    }

    public func all() async throws -> [User] {
        try await database.read { db in try UserRecord.order(Column("name")).fetchAll(db) }.map(\.user)
    }

    @discardableResult
    public func setDisabled(_ name: String, _ isDisabled: Bool) async throws -> Bool {
        try await database.write { db in
            try UserRecord.filter(key: name).updateAll(db, Column("isDisabled").set(to: isDisabled)) > 0
        }
    }

    @discardableResult
    public func changePassword(of name: String, toHash passwordHash: String) async throws -> Bool {
        try await database.write { db in
            guard try UserRecord.filter(key: name).updateAll(db, Column("passwordHash").set(to: passwordHash)) > 0 else { return false }
            try db.execute(sql: "UPDATE refreshToken SET revokedAt = ? WHERE user = ? AND revokedAt IS NULL", arguments: [Date(), name])
            return true
        }
    }

    @discardableResult
    public func remove(_ name: String) async throws -> Bool {
        try await database.write { db in try UserRecord.deleteOne(db, key: name) }
    }

    public func activeUsers(among names: Set<String>) async throws -> Set<String> {
        guard !names.isEmpty else { return [] }
        return try await database.read { db in
            Set(try String.fetchAll(db, UserRecord.select(Column("name")).filter(names.contains(Column("name")) && Column("isDisabled") == false)))
        }
    }
}

/// A row of the `user` table.
private struct UserRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "user"

    var name: String
    var passwordHash: String
    var scopes: String
    var isDisabled: Bool
    var createdAt: Date

    var user: User {
        User(name: name, scopes: ScopeList.scopes(scopes), isDisabled: isDisabled, createdAt: createdAt)
    }
}
