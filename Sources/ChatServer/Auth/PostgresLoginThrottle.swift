import Foundation
import PostgresNIO

/// The sign-in throttle of every process on a PostgreSQL database: each failure is a row of
/// `login_failure`, which every process counts.
///
/// Rows older than the window count for nothing, and each new failure deletes them, so the table
/// holds at most a window's failures. As with ``InMemoryLoginThrottle``, a try is checked before its
/// password is verified and counted after: tries made at the same moment, on one process or several,
/// are all checked before any of them counts.
public final class PostgresLoginThrottle: LoginThrottle {
    private let database: PostgresChatDatabase
    public let window: TimeInterval
    public let perName: Int
    public let perAddress: Int

    /// The throttle of a database, migrated and running.
    public init(
        _ database: PostgresChatDatabase,
        window: TimeInterval = PostgresLoginThrottle.defaultWindow,
        perName: Int = PostgresLoginThrottle.defaultPerName,
        perAddress: Int = PostgresLoginThrottle.defaultPerAddress
    ) {
        self.database = database
        self.window = window
        self.perName = perName
        self.perAddress = perAddress
    }

    public func retryAfter(name: String, address: String, now: Date) async throws -> Int? {
        let since = now.addingTimeInterval(-window)
        let rows = try await database.rows(
            """
            SELECT
                (SELECT count(*) FROM login_failure WHERE name = \(name) AND failed_at > \(since)),
                (SELECT min(failed_at) FROM login_failure WHERE name = \(name) AND failed_at > \(since)),
                (SELECT count(*) FROM login_failure WHERE address = \(address) AND failed_at > \(since)),
                (SELECT min(failed_at) FROM login_failure WHERE address = \(address) AND failed_at > \(since))
            """
        )
        let (nameFailures, nameOldest, addressFailures, addressOldest) = try rows[0].decode((Int64, Date?, Int64, Date?).self)
        let waits = [(nameFailures, nameOldest, perName), (addressFailures, addressOldest, perAddress)].compactMap { failures, oldest, limit in
            failures >= limit ? oldest.map { window - now.timeIntervalSince($0) } : nil
        }
        return waits.max().map { Int($0.rounded(.up)) }
    }

    public func recordFailure(name: String, address: String, now: Date) async throws {
        _ = try await database.rows(
            """
            WITH pruned AS (DELETE FROM login_failure WHERE failed_at <= \(now.addingTimeInterval(-window)))
            INSERT INTO login_failure (name, address, failed_at) VALUES (\(name), \(address), \(now))
            """
        )
    }
}
