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
                        // Closed already (PostgreSQL cut it while it waited in the pool): a statement
                        // sent on it would never be answered (see `watched`).
                        guard !connection.isClosed else { return .closedConnection }
                        guard claim.withLockedValue({ $0.take() }) else { return .stoodDown }
                        do {
                            return .ran(try await Self.watched(connection, body))
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
                case .patienceRanOut where claim.withLockedValue({ $0 == .open }),
                    .closedConnection where claim.withLockedValue({ $0 == .open }):
                    group.addTask(operation: ask)
                case .patienceRanOut, .stoodDown, .closedConnection:
                    continue
                }
            }
            throw CancellationError()
        }
    }

    /// Runs `body` on `connection`, and gives up on it when the connection has been closed for a
    /// second and `body` still waits.
    ///
    /// postgres-nio 1.33 writes a statement to its channel without a promise: on a connection closed
    /// meanwhile the write fails unseen, and the statement is never answered, nor failed. `body` then
    /// waits for good, in a task left behind here; the caller gets ``PostgresConnectionLost``, and
    /// the pool gets its (closed) connection back. Cancelling the caller cancels `body`, which this
    /// still waits for: work that was done is reported done.
    static func watched<Value: Sendable>(
        _ connection: PostgresConnection,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Value
    ) async throws -> Value {
        let outcome = FirstOutcome<Value>()
        let work = Task {
            do {
                outcome.settle(.success(try await body(connection)))
            } catch {
                outcome.settle(.failure(error))
            }
        }
        let watch = Task {
            var closedAt: ContinuousClock.Instant?
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(250))
                guard connection.isClosed else { continue }
                let since = closedAt ?? .now
                closedAt = since
                if ContinuousClock.now - since >= .seconds(1) {
                    outcome.settle(.failure(PostgresConnectionLost()))
                    return
                }
            }
        }
        defer { watch.cancel() }
        return try await withTaskCancellationHandler {
            try await outcome.value.get()
        } onCancel: {
            work.cancel()
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
    case closedConnection
}

/// The connection closed while statements on it went unanswered: whether they took effect is
/// unknown (a `COMMIT` may have).
struct PostgresConnectionLost: Error, CustomStringConvertible {
    var description: String { "The connection to PostgreSQL closed while a statement on it was unanswered." }
}

/// The first of several outcomes, waited for heedless of cancellation.
private final class FirstOutcome<Value: Sendable>: Sendable {
    typealias Outcome = Result<Value, any Error>
    private let state = NIOLockedValueBox<(result: Outcome?, waiting: CheckedContinuation<Outcome, Never>?)>((nil, nil))

    func settle(_ result: Outcome) {
        let waiting = state.withLockedValue { state -> CheckedContinuation<Outcome, Never>? in
            guard state.result == nil else { return nil }
            state.result = result
            defer { state.waiting = nil }
            return state.waiting
        }
        waiting?.resume(returning: result)
    }

    var value: Outcome {
        get async {
            await withCheckedContinuation { continuation in
                let settled = state.withLockedValue { state in
                    if state.result == nil { state.waiting = continuation }
                    return state.result
                }
                if let settled { continuation.resume(returning: settled) }
            }
        }
    }
}
