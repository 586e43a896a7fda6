import Foundation
import GRDB
import LessonKit

/// Exercise 2, first part: user accounts in a SQLite file, each with a bcrypt hash of its password.
///
/// The contract is ``UserAccounts``'s (in `Sources/LessonKit/PasswordHashing.swift`): opening a file
/// creates its `user` table with a migration, as lesson 5's history did, and opening it again keeps
/// the accounts; a name is unique; the store keeps the hash it is given, never a password.
public final class Accounts: UserAccounts {
    /// Opens the accounts at `path`, creating the file and its table if need be.
    public init(path: String) throws {
        // TODO: open a database pool at `path` and migrate it. Then delete the line below.
        throw NotDoneYet("open the accounts' SQLite file and migrate it: init(path:), in Accounts.swift")
    }

    public func add(_ name: String, passwordHash: String, scopes: Set<String>) async throws {
        // TODO: store the user, their hash and their scopes. Then delete the line below.
        throw NotDoneYet("store a user and their password hash: add, in Accounts.swift")
    }

    public func credentials(of name: String) async throws -> (passwordHash: String, scopes: Set<String>)? {
        // TODO: read the user's hash and scopes, or nil. Then delete the line below.
        throw NotDoneYet("read a user's password hash and scopes: credentials(of:), in Accounts.swift")
    }
}
