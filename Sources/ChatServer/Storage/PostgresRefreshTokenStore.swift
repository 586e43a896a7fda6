import Foundation
import Logging
import PostgresNIO

/// Refresh tokens in PostgreSQL, in the `refresh_token` table: a token issued by one process is
/// redeemed, rotated and revoked by any other on the same database.
///
/// A redemption locks the token's row (`FOR UPDATE`) until it commits, so when the same token is
/// presented to two processes at once, one redeems it and the other finds it used: a reuse, which
/// revokes the family, as it would on one process.
public final class PostgresRefreshTokenStore: RefreshTokenStore {
    private let database: PostgresChatDatabase
    public let lifetime: Duration

    /// The refresh tokens of a database, migrated and running.
    public init(_ database: PostgresChatDatabase, lifetime: Duration = .seconds(30 * 24 * 3600)) {
        self.database = database
        self.lifetime = lifetime
    }

    public func issue(for user: String, scopes: Set<String>, family: String?) async throws -> String {
        let token = Self.newToken()
        _ = try await database.rows(
            """
            INSERT INTO refresh_token (token_hash, family, user_name, scopes, expires_at)
            VALUES (\(Self.hash(token)), \(family ?? UUID().uuidString), \(user), \(ScopeList.text(scopes)), \(expiry))
            """
        )
        return token
    }

    public func redeem(_ token: String) async throws -> Redemption {
        let hash = Self.hash(token)
        let logger = database.logger
        return try await database.withTransaction { connection in
            let found = try await connection.rows(
                """
                SELECT id, family, user_name, scopes, used_at IS NOT NULL FROM refresh_token
                WHERE token_hash = \(hash) AND revoked_at IS NULL AND expires_at > \(Date())
                FOR UPDATE
                """,
                logger: logger
            )
            guard let row = found.first else { return .invalid }
            let (id, family, user, scopes, isUsed) = try row.decode((Int64, String, String, String, Bool).self)
            if isUsed {
                try await Self.revokeFamily(family, on: connection, logger: logger)
                return .reused
            }
            _ = try await connection.rows("UPDATE refresh_token SET used_at = \(Date()) WHERE id = \(id)", logger: logger)
            return .valid(user: user, scopes: ScopeList.scopes(scopes), family: family)
        }
    }

    public func revoke(_ token: String) async throws {
        _ = try await database.rows(
            """
            UPDATE refresh_token SET revoked_at = \(Date())
            WHERE family = (SELECT family FROM refresh_token WHERE token_hash = \(Self.hash(token))) AND revoked_at IS NULL
            """
        )
    }

    private static func revokeFamily(_ family: String, on connection: PostgresConnection, logger: Logger) async throws {
        _ = try await connection.rows(
            "UPDATE refresh_token SET revoked_at = \(Date()) WHERE family = \(family) AND revoked_at IS NULL",
            logger: logger
        )
    }
}
