public import ChatServer

/// bcrypt as lesson 7's token endpoint uses it: a protocol, so that a check can count the calls.
public protocol PasswordHashing: Sendable {
    /// The bcrypt hash of `password`, with a fresh salt.
    func hash(_ password: String) async throws -> String
    /// Whether `password` matches `hash`.
    func verify(_ password: String, against hash: String) async throws -> Bool
}

extension PasswordHasher: PasswordHashing {}

/// Lesson 7's user accounts, kept in a SQLite file: what the token endpoint signs users in against.
public protocol UserAccounts: Sendable {
    /// Adds a user with a bcrypt hash of their password and the scopes they may be granted.
    func add(_ name: String, passwordHash: String, scopes: Set<String>) async throws
    /// The user's password hash and scopes, or `nil` for a name no user has.
    func credentials(of name: String) async throws -> (passwordHash: String, scopes: Set<String>)?
}
