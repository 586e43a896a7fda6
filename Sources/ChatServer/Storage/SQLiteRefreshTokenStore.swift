import Foundation
import GRDB

/// Refresh tokens in the SQLite file, in the `refreshToken` table.
public final class SQLiteRefreshTokenStore: RefreshTokenStore {
    private let database: DatabasePool
    public let lifetime: Duration

    public init(_ database: ChatDatabase, lifetime: Duration = .seconds(30 * 24 * 3600)) {
        self.database = database.pool
        self.lifetime = lifetime
    }

    public func issue(for user: String, scopes: Set<String>, family: String?) async throws -> String {
        let token = Self.newToken()
        let record = RefreshTokenRecord(
            tokenHash: Self.hash(token),
            family: family ?? UUID().uuidString,
            user: user,
            scopes: ScopeList.text(scopes),
            expiresAt: expiry
        )
        try await database.write { db in try record.insert(db) }
        return token
    }

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
