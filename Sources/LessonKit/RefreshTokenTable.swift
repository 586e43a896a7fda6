import Foundation

/// One refresh token as the authorization server remembers it.
public struct RefreshTokenRecord: Sendable, Equatable {
    /// Whom it was issued to.
    public var user: String
    /// The sign-in it descends from: every token a refresh issues stays in the family of the one it retired.
    public var family: String
    public var expiresAt: Date
    /// When it was redeemed; a token is good once.
    public var usedAt: Date?
    /// When its family was revoked.
    public var revokedAt: Date?

    public init(user: String, family: String, expiresAt: Date, usedAt: Date? = nil, revokedAt: Date? = nil) {
        self.user = user
        self.family = family
        self.expiresAt = expiresAt
        self.usedAt = usedAt
        self.revokedAt = revokedAt
    }
}

/// Every refresh token an authorization server has issued, by token: a value, so that the rule
/// that rotates them can be a function of it, tested with no database.
public struct RefreshTokenTable: Sendable, Equatable {
    /// The records, by token.
    public var records: [String: RefreshTokenRecord]
    /// How long a refresh token lives unused.
    public var lifetime: TimeInterval

    public init(records: [String: RefreshTokenRecord] = [:], lifetime: TimeInterval = 30 * 24 * 3600) {
        self.records = records
        self.lifetime = lifetime
    }
}

/// What presenting a refresh token came to (RFC 6749 §6, with the rotation of RFC 9700 §4.14.2).
public enum Redemption: Sendable, Equatable {
    /// Good: the token is retired and `next` issued in its place, in the same family.
    case rotated(user: String, next: String)
    /// Already used: every token of its family is now revoked.
    case reused(family: String)
    /// Unknown, expired or revoked.
    case invalid
}
