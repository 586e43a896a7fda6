import Crypto
import Foundation

/// Refresh tokens: opaque, stored only as hashes, rotated on every use.
///
/// Each sign-in starts a family; every refresh retires the token it used and issues the next of the
/// same family. A retired token presented again means two parties hold the family (a thief and the
/// owner), so the whole family is revoked (the rotation of the OAuth 2.0 Security Best Current
/// Practice, RFC 9700 §4.14.2).
///
/// Two stores keep this contract: ``SQLiteRefreshTokenStore`` and ``PostgresRefreshTokenStore``, on
/// which a token issued by one process is redeemed by another. One contract suite runs against both.
public protocol RefreshTokenStore: AnyObject, Sendable {
    /// What presenting a refresh token came to.
    typealias Redemption = RefreshTokenRedemption

    /// How long a refresh token lives unused.
    var lifetime: Duration { get }

    /// A new refresh token for `user`, in `family` or, when it is `nil`, in a new one.
    func issue(for user: String, scopes: Set<String>, family: String?) async throws -> String

    /// Retires a token and says what it was worth; a reused token revokes its family.
    func redeem(_ token: String) async throws -> Redemption

    /// Revokes the token's family (RFC 7009 §2.1 lets a server revoke what else came from the same grant).
    func revoke(_ token: String) async throws
}

/// What presenting a refresh token came to.
public enum RefreshTokenRedemption: Sendable, Equatable {
    /// Good: the token is retired, and this is whom and what the next one is for.
    case valid(user: String, scopes: Set<String>, family: String)
    /// Already used: its family is now revoked.
    case reused
    /// Unknown, expired or revoked.
    case invalid
}

extension RefreshTokenStore {
    /// A new refresh token for `user`, in a new family: a new sign-in.
    public func issue(for user: String, scopes: Set<String>) async throws -> String {
        try await issue(for: user, scopes: scopes, family: nil)
    }

    /// 32 random bytes, base64url without padding: 256 bits that no one guesses.
    static func newToken() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// SHA-256 in hex: a stolen database holds no usable token.
    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// When a token issued now stops being accepted.
    var expiry: Date {
        Date().addingTimeInterval(TimeInterval(lifetime.components.seconds))
    }
}
