import ChatServer
import CourseKit
import Exercise07
import Foundation
import HTTPTypes
import HummingbirdWebSocket
import LessonKit
import Solution07

/// The four answers of lesson 7, from the exercise or the solution as ``CheckTarget/current`` says.
struct Lesson07Answers: Sendable {
    let makeVerifier: @Sendable (_ publicKeyPEM: String) async throws -> any AccessTokenVerifying
    let openAccounts: @Sendable (_ path: String) throws -> any UserAccounts
    let makeTokenEndpoint: @Sendable (any UserAccounts, any PasswordHashing, AccessTokenIssuer, Duration) async throws -> any TokenResponding
    let authorize: @Sendable (HTTPRequest, any AccessTokenVerifying) async throws -> Result<VerifiedAccess, HandshakeRefusal>
    let guardedConnection: GuardedConnectionHandler
    let redeem: @Sendable (String, inout RefreshTokenTable, String, Date) throws -> Redemption

    static let exercise = Self(
        makeVerifier: { try await Exercise07.AccessTokenVerifier(publicKeyPEM: $0) },
        openAccounts: { try Exercise07.Accounts(path: $0) },
        makeTokenEndpoint: { try await Exercise07.TokenEndpoint(accounts: $0, hasher: $1, issuer: $2, lifetime: $3) },
        authorize: { try await Exercise07.authorize($0, verifier: $1) },
        guardedConnection: { try await Exercise07.guardedConnection($0, inbound: $1, outbound: $2) },
        redeem: { try Exercise07.redeem($0, in: &$1, next: $2, now: $3) }
    )
    static let solution = Self(
        makeVerifier: { try await Solution07.AccessTokenVerifier(publicKeyPEM: $0) },
        openAccounts: { try Solution07.Accounts(path: $0) },
        makeTokenEndpoint: { try await Solution07.TokenEndpoint(accounts: $0, hasher: $1, issuer: $2, lifetime: $3) },
        authorize: { try await Solution07.authorize($0, verifier: $1) },
        guardedConnection: { try await Solution07.guardedConnection($0, inbound: $1, outbound: $2) },
        redeem: { try Solution07.redeem($0, in: &$1, next: $2, now: $3) }
    )

    /// The answers under check in this run.
    static var checked: Self {
        switch CheckTarget.current {
        case .exercise: .exercise
        case .solution: .solution
        }
    }
}
