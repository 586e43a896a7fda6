import Logging
import PostgresNIO

extension PostgresChatDatabase {
    /// Runs `query` and reads every row it returns, which gives its connection back to the pool.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await client.query(query, logger: logger).collect()
    }
}

extension PostgresConnection {
    /// Runs `query` in a transaction of `withTransaction`, and reads every row it returns.
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        try await self.query(query, logger: logger).collect()
    }
}
