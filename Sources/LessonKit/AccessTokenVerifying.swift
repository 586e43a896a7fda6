import Foundation

/// What a verified access token says: who it speaks for, what it allows, and until when.
public struct VerifiedAccess: Sendable, Equatable {
    /// The user, from the token's `sub`.
    public var user: String
    /// The scopes, from the token's space-separated `scope` (RFC 6749 §3.3).
    public var scopes: Set<String>
    /// The token's `exp`.
    public var expiresAt: Date

    public init(user: String, scopes: Set<String>, expiresAt: Date) {
        self.user = user
        self.scopes = scopes
        self.expiresAt = expiresAt
    }
}

/// Why an access token is refused, as RFC 6750 §3.1 names it.
public struct TokenRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// The error codes of RFC 6750 §3.1 that a resource server answers a token with.
    public enum Code: String, Sendable {
        /// Expired, malformed, badly signed: 401.
        case invalidToken = "invalid_token"
        /// Valid, but it does not allow this: 403.
        case insufficientScope = "insufficient_scope"
    }

    public var code: Code
    /// Why, in words safe to send to the client.
    public var reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(code.rawValue): \(reason)" }
}

/// Checks an access token for a resource server: lesson 7's first exercise.
public protocol AccessTokenVerifying: Sendable {
    /// The claims of `token` if it is one this server issued, unexpired, and carries `scope`.
    ///
    /// - Throws: ``TokenRefusal`` with `invalid_token` or `insufficient_scope`.
    func verify(_ token: String, requiring scope: String) async throws -> VerifiedAccess
}
