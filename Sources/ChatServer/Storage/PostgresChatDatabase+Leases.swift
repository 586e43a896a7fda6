import NIOConcurrencyHelpers
import PostgresNIO

extension PostgresChatDatabase {
    /// How long a lease may wait before the pool is asked once more.
    static let leasePatience = Duration.seconds(2)

    /// Runs `body` with a connection of the pool, which it gets back afterwards.
    ///
    /// A lease that has waited ``leasePatience`` is asked for once more, beside the first: whichever
    /// the pool serves first runs `body`, and the other stands down. The pool of postgres-nio 1.33
    /// can strand a request queued while a connection dies: it waits for that connection, and none
    /// replaces it until another request comes (vapor/postgres-nio#657). A server's writer whose
    /// request was stranded so never wrote again; a second request makes the pool connect. `body`
    /// runs once, and a lease that waits only because the pool is busy keeps its place.
    func withConnection<Value: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> Value) async throws -> Value {
        let isClaimed = NIOLockedValueBox(false)
        return try await withThrowingTaskGroup(of: LeaseOutcome<Value>.self) { group in
            let ask: @Sendable () async throws -> LeaseOutcome<Value> = {
                try await self.client.withConnection { connection in
                    let isFirst = isClaimed.withLockedValue { isClaimed in
                        defer { isClaimed = true }
                        return !isClaimed
                    }
                    return isFirst ? .ran(try await body(connection)) : .stoodDown
                }
            }
            group.addTask(operation: ask)
            group.addTask {
                try await Task.sleep(for: Self.leasePatience)
                return .patienceRanOut
            }
            while let outcome = try await group.next() {
                switch outcome {
                case .ran(let value):
                    group.cancelAll()
                    return value
                case .patienceRanOut where !isClaimed.withLockedValue({ $0 }):
                    group.addTask(operation: ask)
                case .patienceRanOut, .stoodDown:
                    continue
                }
            }
            throw CancellationError()
        }
    }

    /// Runs `body` in a transaction (see `PostgresConnection.withTransaction`) on a connection of the
    /// pool, leased as ``withConnection(_:)`` leases it.
    func withTransaction<Value: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> Value) async throws -> Value {
        try await withConnection { connection in
            try await connection.withTransaction(logger: self.logger) { connection in try await body(connection) }
        }
    }

    /// Runs `query` and reads every row it returns, on a connection leased as
    /// ``withConnection(_:)`` leases it.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await withConnection { connection in try await connection.query(query, logger: self.logger).collect() }
    }
}

/// What one of the tasks of ``PostgresChatDatabase/withConnection(_:)`` came to.
private enum LeaseOutcome<Value: Sendable>: Sendable {
    case ran(Value)
    case stoodDown
    case patienceRanOut
}
