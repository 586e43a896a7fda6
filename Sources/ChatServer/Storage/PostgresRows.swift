import Logging
import PostgresNIO

extension PostgresConnection {
    /// Runs `query` in a transaction of `withTransaction`, and reads every row it returns.
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        try await self.query(query, logger: logger).collect()
    }
}
