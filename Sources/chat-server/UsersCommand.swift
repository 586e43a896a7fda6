import ArgumentParser
import ChatServer
import Foundation

/// `chat-server users …`: manage accounts in the database, while the server runs or not.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Add, list, disable and remove users, and set their passwords.",
        discussion: """
            The accounts live in the SQLite file (--db), or in the PostgreSQL database the servers share \
            when --database or CHAT_DATABASE_URL names one; a change reaches every server on it.
            """,
        subcommands: [Add.self, List.self, Password.self, Disable.self, Enable.self, Remove.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user; the password is read from standard input.",
            discussion: #"Example: printf '%s\n' "$PASSWORD" | chat-server users add alice --password-stdin"#
        )

        @Argument(help: "The user name: \(UserName.rule).")
        var name: String

        @Option(name: .customLong("scope"), help: "A scope to grant (repeatable; default: chat:read and chat:write).")
        var scopes: [String] = []

        @Flag(help: "Read the password from standard input (a password on the command line would show in `ps`).")
        var passwordStdin = false

        @OptionGroup var database: CommandDatabase

        func validate() throws {
            guard UserName.isValid(name) else { throw ValidationError("A user name is \(UserName.rule).") }
            guard passwordStdin else { throw ValidationError("Give the password on standard input, with --password-stdin.") }
            let unknown = Set(scopes).subtracting(ChatScope.all)
            guard unknown.isEmpty else {
                throw ValidationError("Unknown scope \(unknown.sorted().joined(separator: ", ")); scopes are chat:read and chat:write.")
            }
        }

        func run() async throws {
            guard let password = readLine(strippingNewline: true), PasswordHasher.isAcceptable(password, for: name) else {
                throw CommandFailure("The password must be \(PasswordHasher.rule).")
            }
            let granted = scopes.isEmpty ? ChatScope.all : Set(scopes)
            let hash = try await PasswordHasher().hash(password)
            do {
                try await database.withUsers { users in try await users.add(name: name, passwordHash: hash, scopes: granted) }
            } catch UserStoreError.nameTaken {
                throw CommandFailure("There is already a user named \(name).")
            }
            print("Added \(name) with \(granted.sorted().joined(separator: " ")).")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the users.")
        @OptionGroup var database: CommandDatabase

        func run() async throws {
            for user in try await database.withUsers({ try await $0.all() }) {
                print("\(user.name)\t\(user.scopes.sorted().joined(separator: " "))\(user.isDisabled ? "\tdisabled" : "")")
            }
        }
    }

    struct Password: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give a user a new password, read from standard input, and end their sign-ins.",
            discussion: """
                Their refresh tokens are revoked, so no sign-in made with the old password is renewed; a \
                connection already open lasts until its access token expires. To end those at once too, \
                disable the user and enable them again.
                """
        )

        @Argument(help: "The user name.")
        var name: String

        @Flag(help: "Read the password from standard input.")
        var passwordStdin = false

        @OptionGroup var database: CommandDatabase

        func validate() throws {
            guard passwordStdin else { throw ValidationError("Give the password on standard input, with --password-stdin.") }
        }

        func run() async throws {
            guard let password = readLine(strippingNewline: true), PasswordHasher.isAcceptable(password, for: name) else {
                throw CommandFailure("The password must be \(PasswordHasher.rule).")
            }
            let hash = try await PasswordHasher().hash(password)
            guard try await database.withUsers({ try await $0.changePassword(of: name, toHash: hash) }) else {
                throw CommandFailure("There is no user named \(name).")
            }
            print("Changed \(name)'s password; their refresh tokens are revoked.")
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a user: no sign-in, and live connections close with 1008.")
        @Argument var name: String
        @OptionGroup var database: CommandDatabase

        func run() async throws {
            try await UsersCommand.setDisabled(true, name: name, database: database)
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled user again.")
        @Argument var name: String
        @OptionGroup var database: CommandDatabase

        func run() async throws {
            try await UsersCommand.setDisabled(false, name: name, database: database)
        }
    }

    private static func setDisabled(_ isDisabled: Bool, name: String, database: CommandDatabase) async throws {
        guard try await database.withUsers({ try await $0.setDisabled(name, isDisabled) }) else {
            throw CommandFailure("There is no user named \(name).")
        }
        print("\(isDisabled ? "Disabled" : "Enabled") \(name).")
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a user and their refresh tokens; live connections close with 1008.")
        @Argument var name: String
        @OptionGroup var database: CommandDatabase

        func run() async throws {
            guard try await database.withUsers({ try await $0.remove(name) }) else {
                throw CommandFailure("There is no user named \(name).")
            }
            print("Removed \(name).")
        }
    }
}

/// A command that could not do what it was asked, said in a sentence (without the usage text that a
/// mistyped command gets).
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
