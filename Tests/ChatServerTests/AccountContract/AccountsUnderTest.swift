import Foundation

@testable import ChatServer

/// The account stores of one database, for one contract check.
struct AccountsUnderTest: Sendable {
    let users: any UserStore
    /// Refresh tokens on the same database, living `lifetime`.
    let refreshTokens: @Sendable (_ lifetime: Duration) -> any RefreshTokenStore
    /// A sign-in throttle of this kind of server: in memory on SQLite, in the database on PostgreSQL.
    let throttle: @Sendable (_ window: TimeInterval, _ perName: Int, _ perAddress: Int) -> any LoginThrottle
}

extension StoreKind {
    /// Runs `body` with the account stores of a fresh database of this kind.
    func withAccounts(_ body: (AccountsUnderTest) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            try await withTemporaryDatabase { path in
                let database = try ChatDatabase(path: path)
                defer { try? database.close() }
                try await body(
                    AccountsUnderTest(
                        users: SQLiteUserStore(database),
                        refreshTokens: { SQLiteRefreshTokenStore(database, lifetime: $0) },
                        throttle: { InMemoryLoginThrottle(window: $0, perName: $1, perAddress: $2) }
                    )
                )
            }
        case .postgres:
            try await TemporaryPostgres.withDatabase { database, _ in
                try await body(
                    AccountsUnderTest(
                        users: PostgresUserStore(database),
                        refreshTokens: { PostgresRefreshTokenStore(database, lifetime: $0) },
                        throttle: { PostgresLoginThrottle(database, window: $0, perName: $1, perAddress: $2) }
                    )
                )
            }
        }
    }
}
