import Crypto
import Foundation
import GRDB

/// Refresh tokens: opaque, stored only as hashes, rotated on every use.
///
/// Each sign-in starts a family; every refresh retires the token it used and issues the next of the
/// same family. A retired token presented again means two parties hold the family (a thief and the
/// owner), so the whole family is revoked (the rotation of the OAuth 2.0 Security Best Current
/// Practice, RFC 9700 §4.14.2).
public final class RefreshTokenStore: Sendable {
    private let database: DatabasePool
    /// How long a refresh token lives unused.
    public let lifetime: Duration

    public init(_ database: ChatDatabase, lifetime: Duration = .seconds(30 * 24 * 3600)) {
        self.database = database.pool
        self.lifetime = lifetime
    }

    /// What presenting a refresh token came to.
    public enum Redemption: Sendable, Equatable {
        /// Good: the token is retired, and this is whom and what the next one is for.
        case valid(user: String, scopes: Set<String>, family: String)
        /// Already used: its family is now revoked.
        case reused
        /// Unknown, expired or revoked.
        case invalid
    }

    /// A new refresh token for `user`, in `family` or in a new one.
    public func issue(for user: String, scopes: Set<String>, family: String? = nil) async throws -> String {
        let token = Self.newToken()
        let record = RefreshTokenRecord(
            tokenHash: Self.hash(token),
            family: family ?? UUID().uuidString,
            user: user,
            scopes: scopes.sorted().joined(separator: " "),
            expiresAt: Date().addingTimeInterval(TimeInterval(lifetime.components.seconds))
        )
        try await database.write { db in try record.insert(db) }
        return token
    }

    /// Retires a token and says what it was worth; a reused token revokes its family.
    public func redeem(_ token: String) async throws -> Redemption {
        let hash = Self.hash(token)
        return try await database.write { db in
            guard var record = try RefreshTokenRecord.filter(Column("tokenHash") == hash).fetchOne(db),
                record.revokedAt == nil, record.expiresAt > Date()
            else { return .invalid }
            if record.usedAt != nil {
                try Self.revokeFamily(record.family, db)
                return .reused
            }
            record.usedAt = Date()
            try record.update(db)
            return .valid(user: record.user, scopes: Set(record.scopes.split(separator: " ").map(String.init)), family: record.family)
        }
    }

    /// Revokes the token's family (RFC 7009 §2.1 lets a server revoke what else came from the same grant).
    public func revoke(_ token: String) async throws {
        let hash = Self.hash(token)
        try await database.write { db in
            if let family = try String.fetchOne(db, RefreshTokenRecord.select(Column("family")).filter(Column("tokenHash") == hash)) {
                try Self.revokeFamily(family, db)
            }
        }
    }

    private static func revokeFamily(_ family: String, _ db: Database) throws {
        try RefreshTokenRecord.filter(Column("family") == family && Column("revokedAt") == nil).updateAll(db, Column("revokedAt").set(to: Date()))
    }

    /// 32 random bytes, base64url without padding: 256 bits that no one guesses.
    private static func newToken() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// SHA-256 in hex: a stolen database holds no usable token.
    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// A row of the `refreshToken` table.
private struct RefreshTokenRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "refreshToken"

    var id: Int64?
    var tokenHash: String
    var family: String
    var user: String
    var scopes: String
    var expiresAt: Date
    var usedAt: Date?
    var revokedAt: Date?

    init(tokenHash: String, family: String, user: String, scopes: String, expiresAt: Date) {
        self.tokenHash = tokenHash
        self.family = family
        self.user = user
        self.scopes = scopes
        self.expiresAt = expiresAt
    }
}
