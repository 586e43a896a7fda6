import Foundation

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

/// The accounts, with their bcrypt password hashes.
///
/// Two stores keep this contract: ``SQLiteUserStore`` (the SQLite file) and ``PostgresUserStore`` (a
/// PostgreSQL database that several processes share, so that an account changed through one holds on
/// all). One contract suite runs against both.
public protocol UserStore: AnyObject, Sendable {
    /// Adds a user.
    ///
    /// - Throws: ``UserStoreError/nameTaken(_:)`` when the name is in use.
    func add(name: String, passwordHash: String, scopes: Set<String>) async throws

    /// The user with this name and their password hash, if there is one.
    func credentials(of name: String) async throws -> (user: User, passwordHash: String)?

    /// Every user, by name.
    func all() async throws -> [User]

    /// Disables or enables a user; a disabled user can neither sign in nor stay connected.
    ///
    /// - Returns: whether there is such a user.
    @discardableResult
    func setDisabled(_ name: String, _ isDisabled: Bool) async throws -> Bool

    /// Gives a user a new password hash and, in the same transaction, revokes their refresh tokens:
    /// no sign-in made with the old password is renewed.
    ///
    /// - Returns: whether there is such a user.
    @discardableResult
    func changePassword(of name: String, toHash passwordHash: String) async throws -> Bool

    /// Removes a user, with their refresh tokens.
    ///
    /// - Returns: whether there was such a user.
    @discardableResult
    func remove(_ name: String) async throws -> Bool

    /// Of these names, the ones that belong to a user who is present and enabled.
    func activeUsers(among names: Set<String>) async throws -> Set<String>
}

extension UserStore {
    /// The user with this name, if there is one.
    public func user(named name: String) async throws -> User? {
        try await credentials(of: name)?.user
    }
}

/// Scopes as the stores keep them: one text, sorted, separated by spaces.
enum ScopeList {
    static func text(_ scopes: Set<String>) -> String {
        scopes.sorted().joined(separator: " ")
    }

    static func scopes(_ text: String) -> Set<String> {
        Set(text.split(separator: " ").map(String.init))
    }
}
