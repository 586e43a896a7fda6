import Foundation
import GRDB

/// A user account.
public struct User: Sendable, Equatable {
    public var name: String
    /// What the user may be granted, such as `chat:read` and `chat:write`.
    public var scopes: Set<String>
    public var isDisabled: Bool
    public var createdAt: Date
}

/// Why a user could not be added.
public enum UserStoreError: Error, Equatable {
    case nameTaken(String)
}

/// The accounts, with their bcrypt password hashes, in the SQLite file.
public final class UserStore: Sendable {
    private let database: DatabasePool

    public init(_ database: ChatDatabase) {
        self.database = database.pool
    }

    /// Adds a user.
    ///
    /// - Throws: ``UserStoreError/nameTaken(_:)`` when the name is in use.
    public func add(name: String, passwordHash: String, scopes: Set<String>) async throws {
        do {
            try await database.write { db in
                var record = UserRecord(
                    name: name,
                    passwordHash: passwordHash,
                    scopes: scopes.sorted().joined(separator: " "),
                    isDisabled: false,
                    createdAt: Date()
                )
                try record.insert(db)
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw UserStoreError.nameTaken(name)
        }
    }

    /// The user with this name and their password hash, if there is one.
    public func credentials(of name: String) async throws -> (user: User, passwordHash: String)? {
        try await database.read { db in try UserRecord.fetchOne(db, key: name) }.map { ($0.user, $0.passwordHash) }
    }

    /// The user with this name, if there is one.
    public func user(named name: String) async throws -> User? {
        try await credentials(of: name)?.user
    }

    /// Every user, by name.
    public func all() async throws -> [User] {
        try await database.read { db in try UserRecord.order(Column("name")).fetchAll(db) }.map(\.user)
    }

    /// Disables or enables a user; a disabled user can neither sign in nor stay connected.
    ///
    /// - Returns: whether there is such a user.
    @discardableResult
    public func setDisabled(_ name: String, _ isDisabled: Bool) async throws -> Bool {
        try await database.write { db in
            try UserRecord.filter(key: name).updateAll(db, Column("isDisabled").set(to: isDisabled)) > 0
        }
    }

    /// Gives a user a new password hash and, in the same transaction, revokes their refresh tokens:
    /// no sign-in made with the old password is renewed.
    ///
    /// - Returns: whether there is such a user.
    @discardableResult
    public func changePassword(of name: String, toHash passwordHash: String) async throws -> Bool {
        try await database.write { db in
            guard try UserRecord.filter(key: name).updateAll(db, Column("passwordHash").set(to: passwordHash)) > 0 else { return false }
            try db.execute(sql: "UPDATE refreshToken SET revokedAt = ? WHERE user = ? AND revokedAt IS NULL", arguments: [Date(), name])
            return true
        }
    }

    /// Removes a user, with their refresh tokens.
    ///
    /// - Returns: whether there was such a user.
    @discardableResult
    public func remove(_ name: String) async throws -> Bool {
        try await database.write { db in try UserRecord.deleteOne(db, key: name) }
    }

    /// Of these names, the ones that belong to a user who is present and enabled.
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
        User(name: name, scopes: Set(scopes.split(separator: " ").map(String.init)), isDisabled: isDisabled, createdAt: createdAt)
    }
}
