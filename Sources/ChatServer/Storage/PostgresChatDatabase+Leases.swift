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
        let claim = NIOLockedValueBox(LeaseClaim.open)
        return try await withThrowingTaskGroup(of: LeaseOutcome<Value>.self) { group in
            let ask: @Sendable () async throws -> LeaseOutcome<Value> = {
                do {
                    return try await self.client.withConnection { connection in
                        guard claim.withLockedValue({ $0.take() }) else { return .stoodDown }
                        do {
                            return .ran(try await body(connection))
                        } catch {
                            throw BodyFailed(error: error)
                        }
                    }
                } catch let failed as BodyFailed {
                    throw failed.error
                } catch {
                    // A lease that failed: the error is the caller's unless another lease runs `body`.
                    guard claim.withLockedValue({ $0.closeUnlessTaken() }) else { return .stoodDown }
                    throw error
                }
            }
            group.addTask(operation: ask)
            group.addTask {
                do {
                    try await Task.sleep(for: Self.leasePatience)
                } catch {
                    return .stoodDown
                }
                return .patienceRanOut
            }
            while let outcome = try await group.next() {
                switch outcome {
                case .ran(let value):
                    group.cancelAll()
                    return value
                case .patienceRanOut where claim.withLockedValue({ $0 == .open }):
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

/// Whether a lease of ``PostgresChatDatabase/withConnection(_:)`` runs the work: the first to get a
/// connection takes it, unless one failed first.
private enum LeaseClaim {
    case open, taken, closed

    mutating func take() -> Bool {
        guard self == .open else { return false }
        self = .taken
        return true
    }

    mutating func closeUnlessTaken() -> Bool {
        guard self != .taken else { return false }
        self = .closed
        return true
    }
}

/// An error of the work itself, told apart from a lease's.
private struct BodyFailed: Error {
    let error: any Error
}

/// What one of the tasks of ``PostgresChatDatabase/withConnection(_:)`` came to.
private enum LeaseOutcome<Value: Sendable>: Sendable {
    case ran(Value)
    case stoodDown
    case patienceRanOut
}
