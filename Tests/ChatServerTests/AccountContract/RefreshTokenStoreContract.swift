import Foundation
import Testing

@testable import ChatServer

/// What every ``RefreshTokenStore`` promises; each store's suite checks every point.
enum RefreshTokenStoreContract: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case rotation = "a token redeems once, for its user, scopes and family; the next of its family redeems too"
    case reuse = "a used token presented again is a reuse, which revokes its family and no other"
    case race = "a token presented twice at once redeems once; the other presentation is a reuse"
    case invalid = "unknown and expired tokens are invalid"
    case revocation = "revoking a token revokes its family; revoking an unknown one does nothing"
    case accountChanges = "a new password revokes the user's tokens, and removing the user deletes them"

    var testDescription: String { rawValue }

    func check(on kind: StoreKind) async throws {
        try await kind.withAccounts { accounts in
            try await accounts.users.add(name: "alice", passwordHash: "hash-a", scopes: ChatScope.all)
            try await accounts.users.add(name: "bob", passwordHash: "hash-b", scopes: ChatScope.all)
            let tokens = accounts.refreshTokens(.seconds(3600))
            switch self {
            case .rotation: try await Self.checkRotation(tokens)
            case .reuse: try await Self.checkReuse(tokens)
            case .race: try await Self.checkRace(tokens)
            case .invalid: try await Self.checkInvalid(tokens, expired: accounts.refreshTokens(.zero))
            case .revocation: try await Self.checkRevocation(tokens)
            case .accountChanges: try await Self.checkAccountChanges(tokens, users: accounts.users)
            }
        }
    }

    private static func checkRotation(_ tokens: any RefreshTokenStore) async throws {
        let first = try await tokens.issue(for: "alice", scopes: [ChatScope.read])
        guard case .valid(let user, let scopes, let family) = try await tokens.redeem(first) else {
            Issue.record("a fresh token did not redeem")
            return
        }
        #expect(user == "alice" && scopes == [ChatScope.read])
        let next = try await tokens.issue(for: "alice", scopes: scopes, family: family)
        #expect(next != first)
        #expect(try await tokens.redeem(next) == .valid(user: "alice", scopes: [ChatScope.read], family: family))
        let other = try await tokens.issue(for: "alice", scopes: ChatScope.all)
        guard case .valid(_, _, let otherFamily) = try await tokens.redeem(other) else {
            Issue.record("a second sign-in's token did not redeem")
            return
        }
        #expect(otherFamily != family, "each sign-in starts a family of its own")
    }

    private static func checkReuse(_ tokens: any RefreshTokenStore) async throws {
        let first = try await tokens.issue(for: "alice", scopes: ChatScope.all)
        guard case .valid(_, _, let family) = try await tokens.redeem(first) else {
            Issue.record("a fresh token did not redeem")
            return
        }
        let next = try await tokens.issue(for: "alice", scopes: ChatScope.all, family: family)
        let elsewhere = try await tokens.issue(for: "alice", scopes: ChatScope.all)
        #expect(try await tokens.redeem(first) == .reused)
        #expect(try await tokens.redeem(next) == .invalid, "the family is revoked, its newest token included")
        #expect(try await tokens.redeem(first) == .invalid, "a revoked token is no longer even a reuse")
        guard case .valid = try await tokens.redeem(elsewhere) else {
            Issue.record("another sign-in's token was revoked with the reused family")
            return
        }
    }

    private static func checkRace(_ tokens: any RefreshTokenStore) async throws {
        for _ in 0..<10 {
            let token = try await tokens.issue(for: "alice", scopes: ChatScope.all)
            async let first = tokens.redeem(token)
            async let second = tokens.redeem(token)
            let outcomes = try await [first, second]
            #expect(outcomes.filter { if case .valid = $0 { true } else { false } }.count == 1, "\(outcomes)")
            #expect(outcomes.filter { $0 == .reused }.count == 1, "\(outcomes)")
        }
    }

    private static func checkInvalid(_ tokens: any RefreshTokenStore, expired: any RefreshTokenStore) async throws {
        #expect(try await tokens.redeem("never-issued") == .invalid)
        let stillborn = try await expired.issue(for: "alice", scopes: ChatScope.all)
        #expect(try await tokens.redeem(stillborn) == .invalid)
    }

    private static func checkRevocation(_ tokens: any RefreshTokenStore) async throws {
        let first = try await tokens.issue(for: "alice", scopes: ChatScope.all)
        guard case .valid(_, _, let family) = try await tokens.redeem(first) else {
            Issue.record("a fresh token did not redeem")
            return
        }
        let next = try await tokens.issue(for: "alice", scopes: ChatScope.all, family: family)
        let elsewhere = try await tokens.issue(for: "alice", scopes: ChatScope.all)
        try await tokens.revoke(first)
        #expect(try await tokens.redeem(next) == .invalid, "revoking a used token revokes the whole sign-in")
        try await tokens.revoke("never-issued")
        guard case .valid = try await tokens.redeem(elsewhere) else {
            Issue.record("revocation reached another sign-in")
            return
        }
    }

    private static func checkAccountChanges(_ tokens: any RefreshTokenStore, users: any UserStore) async throws {
        let alices = try await tokens.issue(for: "alice", scopes: ChatScope.all)
        let bobs = try await tokens.issue(for: "bob", scopes: ChatScope.all)
        let bobsSecond = try await tokens.issue(for: "bob", scopes: ChatScope.all)
        #expect(try await users.changePassword(of: "alice", toHash: "hash-a2"))
        #expect(try await tokens.redeem(alices) == .invalid)
        #expect(try await users.remove("bob"))
        #expect(try await tokens.redeem(bobs) == .invalid)
        #expect(try await tokens.redeem(bobsSecond) == .invalid)
        let afterwards = try await tokens.issue(for: "alice", scopes: ChatScope.all)
        guard case .valid(let user, _, _) = try await tokens.redeem(afterwards) else {
            Issue.record("a sign-in after the new password did not redeem")
            return
        }
        #expect(user == "alice")
    }
}
