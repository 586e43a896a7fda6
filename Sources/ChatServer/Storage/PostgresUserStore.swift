import Foundation
import PostgresNIO

/// The accounts in PostgreSQL, in the `chat_user` table, shared by every process on the database: a
/// user disabled through one is refused, and closed, by all of them (see ``AccountWatch``).
public final class PostgresUserStore: UserStore {
    private let database: PostgresChatDatabase

    /// The accounts of a database, migrated and running.
    public init(_ database: PostgresChatDatabase) {
        self.database = database
    }

    /// The columns of a user, in the order ``user(_:)`` decodes them.
    private static let columns = "name, scopes, is_disabled, created_at, password_hash"

    public func add(name: String, passwordHash: String, scopes: Set<String>) async throws {
        let inserted = try await database.rows(
            """
            INSERT INTO chat_user (name, password_hash, scopes, is_disabled, created_at)
            VALUES (\(name), \(passwordHash), \(ScopeList.text(scopes)), false, \(Date()))
            ON CONFLICT (name) DO NOTHING
            RETURNING name
            """
        )
        guard !inserted.isEmpty else { throw UserStoreError.nameTaken(name) }
    }

    public func credentials(of name: String) async throws -> (user: User, passwordHash: String)? {
        try await database.rows("SELECT \(unescaped: Self.columns) FROM chat_user WHERE name = \(name)").first.map(Self.user)
    }

    public func all() async throws -> [User] {
        try await database.rows("SELECT \(unescaped: Self.columns) FROM chat_user ORDER BY name").map { try Self.user($0).user }
    }

    @discardableResult
    public func setDisabled(_ name: String, _ isDisabled: Bool) async throws -> Bool {
        try await !database.rows("UPDATE chat_user SET is_disabled = \(isDisabled) WHERE name = \(name) RETURNING name").isEmpty
    }

    @discardableResult
    public func changePassword(of name: String, toHash passwordHash: String) async throws -> Bool {
        try await database.withTransaction { [self] connection in
            let changed = try await connection.rows(
                "UPDATE chat_user SET password_hash = \(passwordHash) WHERE name = \(name) RETURNING name",
                logger: database.logger
            )
            guard !changed.isEmpty else { return false }
            _ = try await connection.rows(
                "UPDATE refresh_token SET revoked_at = \(Date()) WHERE user_name = \(name) AND revoked_at IS NULL",
                logger: database.logger
            )
            return true
        }
    }

    @discardableResult
    public func remove(_ name: String) async throws -> Bool {
        try await !database.rows("DELETE FROM chat_user WHERE name = \(name) RETURNING name").isEmpty
    }

    public func activeUsers(among names: Set<String>) async throws -> Set<String> {
        guard !names.isEmpty else { return [] }
        let rows = try await database.rows("SELECT name FROM chat_user WHERE name = ANY(\(Array(names))) AND NOT is_disabled")
        return Set(try rows.map { try $0.decode(String.self) })
    }

    private static func user(_ row: PostgresRow) throws -> (user: User, passwordHash: String) {
        let (name, scopes, isDisabled, createdAt, passwordHash) = try row.decode((String, String, Bool, Date, String).self)
        return (User(name: name, scopes: ScopeList.scopes(scopes), isDisabled: isDisabled, createdAt: createdAt), passwordHash)
    }
}
