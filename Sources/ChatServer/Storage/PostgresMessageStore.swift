import DequeModule
import Foundation
import Logging
import NIOConcurrencyHelpers
import PostgresNIO
import ServiceLifecycle

/// Every message, in PostgreSQL: a message is committed here before anyone is told of it.
///
/// One writer works through a queue in order: the appends waiting at the head of the queue are
/// committed together in one transaction (a group commit), then their callbacks run back to back,
/// within `aroundCallbacks`; a join's read (``recentMessages(in:since:limit:then:)``) takes its turn
/// in the same queue, so no commit's callbacks run between the read and what the join does with it.
///
/// Each writing transaction holds an advisory lock until it commits, so writers on every process
/// take turns: ids are handed out in commit order, and a reader that has seen id `n` never later
/// finds a committed message below `n`, which `since` recovery relies on once several processes share
/// the database. Ids increase with every message and are never reused; a transaction that rolls
/// back leaves a gap.
///
/// The store works only while ``run()`` runs, beside its database's.
public final class PostgresMessageStore: MessageStore, Service {
    private let database: PostgresChatDatabase
    private let aroundCallbacks: @Sendable (() -> Void) -> Void
    private let queue = NIOLockedValueBox(Queue())
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    private struct Queue {
        var jobs: Deque<Job> = []
        var isStopped = false
    }

    private enum Job {
        case append(PendingAppend)
        case turn(Turn)
    }

    private struct PendingAppend: Sendable {
        let draft: Draft
        let onCommit: @Sendable (ChatMessage) -> Void
        let completion: @Sendable (Result<Appended, any Error>) -> Void
    }

    /// Work done in the writer's turn, and how to tell its caller that it will never be done.
    private struct Turn: Sendable {
        let run: @Sendable () async -> Void
        let fail: @Sendable (any Error) -> Void
    }

    /// The messages of a database.
    ///
    /// - Parameters:
    ///   - database: where they are kept; migrated, and running.
    ///   - aroundCallbacks: runs the commit callbacks of one commit; the server gathers the wake-ups
    ///     of their fan-outs in it.
    public init(_ database: PostgresChatDatabase, aroundCallbacks: @escaping @Sendable (() -> Void) -> Void = { $0() }) {
        self.database = database
        self.aroundCallbacks = aroundCallbacks
        (wakeups, wake) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Works through the queue until the task is cancelled or shutdown begins; what is still queued
    /// then fails with ``MessageStoreStopped``.
    public func run() async {
        for await _ in wakeups.cancelOnGracefulShutdown() {
            while let work = nextWork() {
                switch work {
                case .commit(let appends): await commit(appends)
                case .turn(let turn): await turn.run()
                }
            }
        }
        let abandoned = queue.withLockedValue { queue in
            queue.isStopped = true
            defer { queue.jobs.removeAll() }
            return queue.jobs
        }
        for job in abandoned {
            switch job {
            case .append(let append): append.completion(.failure(MessageStoreStopped()))
            case .turn(let turn): turn.fail(MessageStoreStopped())
            }
        }
    }

    public func append(
        _ draft: Draft,
        onCommit: @escaping @Sendable (ChatMessage) -> Void,
        completion: @escaping @Sendable (Result<Appended, any Error>) -> Void
    ) {
        enqueue(.append(PendingAppend(draft: draft, onCommit: onCommit, completion: completion)))
    }

    /// Reads in the writer's turn: a commit either ran its callbacks before the read, or runs them
    /// after `body`.
    public func recentMessages<Value: Sendable>(
        in room: String,
        since: Int64?,
        limit: Int,
        then body: @escaping @Sendable ([ChatMessage]) -> Value
    ) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            let turn = Turn(
                run: { [database] in
                    do {
                        let messages = try await MessageQueries.recent(in: room, since: since, limit: limit, from: database)
                        continuation.resume(returning: body(messages))
                    } catch {
                        continuation.resume(throwing: error)
                    }
                },
                fail: { continuation.resume(throwing: $0) }
            )
            enqueue(.turn(turn))
        }
    }

    public func messages(in room: String, before id: Int64?, limit: Int) async throws -> [ChatMessage] {
        try await MessageQueries.messages(in: room, before: id, limit: limit, from: database)
    }

    public func directMessages(of user: String, since: Int64?, limit: Int) async throws -> [ChatMessage] {
        try await MessageQueries.directMessages(of: user, since: since, limit: limit, from: database)
    }

    // MARK: The writer

    private func enqueue(_ job: Job) {
        let isStopped = queue.withLockedValue { queue in
            if !queue.isStopped { queue.jobs.append(job) }
            return queue.isStopped
        }
        guard isStopped else {
            wake.yield()
            return
        }
        switch job {
        case .append(let append): append.completion(.failure(MessageStoreStopped()))
        case .turn(let turn): turn.fail(MessageStoreStopped())
        }
    }

    private enum Work {
        case commit([PendingAppend])
        case turn(Turn)
    }

    /// The next turn, or the appends at the head of the queue (at most ``maxAppendsPerCommit``), to be
    /// committed together.
    private func nextWork() -> Work? {
        queue.withLockedValue { queue in
            guard let first = queue.jobs.first else { return nil }
            if case .turn(let turn) = first {
                queue.jobs.removeFirst()
                return .turn(turn)
            }
            var appends: [PendingAppend] = []
            while appends.count < Self.maxAppendsPerCommit, case .append(let append)? = queue.jobs.first {
                appends.append(append)
                queue.jobs.removeFirst()
            }
            return .commit(appends)
        }
    }

    /// Commits appends together, then runs their callbacks in order, then their completions.
    private func commit(_ appends: [PendingAppend]) async {
        let results = await MessageQueries.store(appends.map(\.draft), in: database)
        aroundCallbacks {
            for (append, result) in zip(appends, results) {
                if case .success(let (message, true)) = result { append.onCommit(message) }
            }
        }
        for (append, result) in zip(appends, results) { append.completion(result) }
    }
}

/// The store stopped (the server is shutting down) before it could do what it was asked.
public struct MessageStoreStopped: Error, Equatable, CustomStringConvertible {
    public var description: String { "The message store has stopped." }
}
