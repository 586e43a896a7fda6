import Foundation
import Testing

@testable import ChatServer

/// What every ``UserStore`` promises; each store's suite checks every point.
enum UserStoreContract: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case addAndRead = "a user added reads back with their hash and scopes, enabled; a taken name is refused; all() is by name"
    case disable = "a disabled user is not active, an enabled one is again; unknown names are never active"
    case changePassword = "a new password replaces the hash; an unknown user's is refused"
    case remove = "a removed user is gone and not active; removing them again says so"

    var testDescription: String { rawValue }

    func check(on kind: StoreKind) async throws {
        try await kind.withAccounts { accounts in
            let users = accounts.users
            try await users.add(name: "bob", passwordHash: "hash-b", scopes: [ChatScope.read])
            try await users.add(name: "alice", passwordHash: "hash-a", scopes: ChatScope.all)
            switch self {
            case .addAndRead: try await Self.checkAddAndRead(users)
            case .disable: try await Self.checkDisable(users)
            case .changePassword: try await Self.checkChangePassword(users)
            case .remove: try await Self.checkRemove(users)
            }
        }
    }

    private static func checkAddAndRead(_ users: any UserStore) async throws {
        let alice = try #require(try await users.credentials(of: "alice"))
        #expect(alice.passwordHash == "hash-a")
        #expect(alice.user.name == "alice" && alice.user.scopes == ChatScope.all && !alice.user.isDisabled)
        #expect(abs(alice.user.createdAt.timeIntervalSinceNow) < 60, "created now, in the store's clock")
        #expect(try await users.user(named: "bob")?.scopes == [ChatScope.read])
        #expect(try await users.credentials(of: "carol") == nil)
        await #expect(throws: UserStoreError.nameTaken("alice")) {
            try await users.add(name: "alice", passwordHash: "other", scopes: [])
        }
        #expect(try await users.credentials(of: "alice")?.passwordHash == "hash-a", "a refused add changes nothing")
        #expect(try await users.all().map(\.name) == ["alice", "bob"])
    }

    private static func checkDisable(_ users: any UserStore) async throws {
        #expect(try await users.activeUsers(among: ["alice", "bob", "carol"]) == ["alice", "bob"])
        #expect(try await users.activeUsers(among: []) == [])
        #expect(try await users.setDisabled("alice", true))
        #expect(try await users.user(named: "alice")?.isDisabled == true)
        #expect(try await users.activeUsers(among: ["alice", "bob"]) == ["bob"])
        #expect(try await users.all().map(\.isDisabled) == [true, false])
        #expect(try await users.setDisabled("alice", false))
        #expect(try await users.activeUsers(among: ["alice", "bob"]) == ["alice", "bob"])
        #expect(try await users.setDisabled("carol", true) == false)
    }

    private static func checkChangePassword(_ users: any UserStore) async throws {
        #expect(try await users.changePassword(of: "alice", toHash: "hash-a2"))
        #expect(try await users.credentials(of: "alice")?.passwordHash == "hash-a2")
        #expect(try await users.credentials(of: "bob")?.passwordHash == "hash-b")
        #expect(try await users.changePassword(of: "carol", toHash: "x") == false)
        #expect(try await users.credentials(of: "carol") == nil)
    }

    private static func checkRemove(_ users: any UserStore) async throws {
        #expect(try await users.remove("alice"))
        #expect(try await users.credentials(of: "alice") == nil)
        #expect(try await users.activeUsers(among: ["alice", "bob"]) == ["bob"])
        #expect(try await users.remove("alice") == false)
        #expect(try await users.all().map(\.name) == ["bob"])
    }
}
