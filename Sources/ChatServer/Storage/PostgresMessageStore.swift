import DequeModule
import Foundation
import Logging
import NIOConcurrencyHelpers
import PostgresNIO
import ServiceLifecycle

/// Every message, in PostgreSQL: a message is committed here before anyone is told of it, and
/// every process that shares the database tells its clients.
///
/// One writer works through a queue in order: the appends waiting at the head of the queue are
/// committed together in one transaction (a group commit). Each writing transaction holds an
/// advisory lock until it commits, so writers on every process take turns: ids are handed out in
/// commit order, and a reader that has seen id `n` never later finds a committed message below `n`,
/// which `since` recovery relies on. Ids increase with every message and are never reused; a
/// transaction that rolls back leaves a gap.
///
/// Commit callbacks, and the fan-out of what other processes commit, run in id order from a
/// ``PostgresMessageFeed`` fed by the process's ``PostgresListener``; a join's read
/// (``recentMessages(in:since:limit:then:)``) takes its turn there too, so no message is fanned
/// out between the read and what the join does with it.
///
/// The store works only while ``run()`` runs, beside its database's (and its listener's, when the
/// listener was given to it rather than made by it).
public final class PostgresMessageStore: MessageStore, Service {
    private let database: PostgresChatDatabase
    private let listener: PostgresListener
    private let ownsListener: Bool
    private let feed: PostgresMessageFeed
    private let aroundCallbacks: @Sendable (() -> Void) -> Void
    /// This process's name in the notifications of what it commits.
    let origin = UUID().uuidString
    private let queue = NIOLockedValueBox(Queue())
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    private struct Queue {
        var appends: Deque<PendingAppend> = []
        var isStopped = false
        var startedCommits = 0
    }

    private struct PendingAppend: Sendable {
        let draft: Draft
        let onCommit: @Sendable (ChatMessage) -> Void
        let completion: @Sendable (Result<Appended, any Error>) -> Void
    }

    /// The messages of a database.
    ///
    /// - Parameters:
    ///   - database: where they are kept; migrated, and running.
    ///   - listener: the process's listener on the database, run beside the store; without one, the
    ///     store makes and runs its own.
    ///   - aroundCallbacks: runs a batch of fan-outs: one commit's callbacks, or a page of what other
    ///     processes committed; the server gathers the wake-ups of their fan-outs in it.
    ///   - deliverElsewhere: fans out a message another process committed, in id order with this
    ///     process's commit callbacks.
    public init(
        _ database: PostgresChatDatabase,
        listener: PostgresListener? = nil,
        aroundCallbacks: @escaping @Sendable (() -> Void) -> Void = { $0() },
        deliverElsewhere: @escaping @Sendable (ChatMessage) -> Void = { _ in }
    ) {
        self.database = database
        self.listener = listener ?? PostgresListener(database)
        self.ownsListener = listener == nil
        self.aroundCallbacks = aroundCallbacks
        let (wakeups, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        (self.wakeups, self.wake) = (wakeups, wake)
        let queue = self.queue
        self.feed = PostgresMessageFeed(
            database: database,
            origin: origin,
            startedCommits: { queue.withLockedValue(\.startedCommits) },
            aroundCallbacks: aroundCallbacks,
            deliverElsewhere: deliverElsewhere,
            onFirstListening: { wake.yield() }
        )
        self.listener.subscribe("m", feed)
    }

    /// Whether the store knows where this process's feed starts: it commits, and fans out what any
    /// process commits, from then on (what was committed before is history, read by joins).
    var isFeeding: Bool { feed.isReady }

    /// Works through the queue until the task is cancelled or shutdown begins; what is still queued
    /// then fails with ``MessageStoreStopped``. No commit begins before the listener first listens.
    public func run() async {
        await withDiscardingTaskGroup { group in
            if ownsListener { group.addTask { await self.listener.run() } }
            group.addTask { await self.feed.run() }
            await write()
            feed.stop()
        }
    }

    private func write() async {
        for await _ in wakeups.cancelOnGracefulShutdown() {
            while feed.isReady, let appends = nextAppends() {
                await commit(appends)
            }
        }
        let abandoned = queue.withLockedValue { queue in
            queue.isStopped = true
            defer { queue.appends.removeAll() }
            return queue.appends
        }
        for append in abandoned { append.completion(.failure(MessageStoreStopped())) }
    }

    public func append(
        _ draft: Draft,
        onCommit: @escaping @Sendable (ChatMessage) -> Void,
        completion: @escaping @Sendable (Result<Appended, any Error>) -> Void
    ) {
        let append = PendingAppend(draft: draft, onCommit: onCommit, completion: completion)
        let isStopped = queue.withLockedValue { queue in
            if !queue.isStopped { queue.appends.append(append) }
            return queue.isStopped
        }
        guard isStopped else {
            wake.yield()
            return
        }
        completion(.failure(MessageStoreStopped()))
    }

    /// Reads at the feed's cursor: a message either was fanned out before the read, or is fanned
    /// out after `body`.
    public func recentMessages<Value: Sendable>(
        in room: String,
        since: Int64?,
        limit: Int,
        then body: @escaping @Sendable ([ChatMessage]) -> Value
    ) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            feed.join(
                PostgresMessageFeed.JoinTurn(
                    since: since,
                    run: { [database] through in
                        do {
                            let messages = try await MessageQueries.recent(in: room, since: since, through: through, limit: limit, from: database)
                            continuation.resume(returning: body(messages))
                        } catch {
                            continuation.resume(throwing: error)
                        }
                    },
                    fail: { continuation.resume(throwing: $0) }
                )
            )
        }
    }

    public func messages(in room: String, before id: Int64?, limit: Int) async throws -> [ChatMessage] {
        try await MessageQueries.messages(in: room, before: id, limit: limit, from: database)
    }

    public func directMessages(of user: String, since: Int64?, limit: Int) async throws -> [ChatMessage] {
        try await MessageQueries.directMessages(of: user, since: since, limit: limit, from: database)
    }

    // MARK: The writer

    /// The appends at the head of the queue (at most ``maxAppendsPerCommit``), to be committed
    /// together.
    private func nextAppends() -> [PendingAppend]? {
        queue.withLockedValue { queue in
            guard !queue.appends.isEmpty else { return nil }
            let appends = Array(queue.appends.prefix(Self.maxAppendsPerCommit))
            queue.appends.removeFirst(appends.count)
            queue.startedCommits += 1
            return appends
        }
    }

    /// Commits appends together, then hands the feed their callbacks, to run in id order, and their
    /// completions, to run after them.
    private func commit(_ appends: [PendingAppend]) async {
        let batch = await MessageQueries.store(appends.map(\.draft), in: database, origin: origin)
        let results = batch.results
        let segments = batch.transactions.map { transaction in
            PostgresMessageFeed.LocalCommit.Segment(after: transaction.after, through: transaction.through) { [aroundCallbacks] in
                aroundCallbacks {
                    for index in transaction.drafts {
                        if case .success(let (message, true)) = results[index] { appends[index].onCommit(message) }
                    }
                }
            }
        }
        feed.committedHere(
            PostgresMessageFeed.LocalCommit(segments: segments) {
                for (append, result) in zip(appends, results) { append.completion(result) }
            }
        )
        if batch.isUncertain {
            // A failed COMMIT may have committed: what it added is read back and fanned out, once.
            try? await feed.resynchronize()
        }
    }
}

/// The store stopped (the server is shutting down) before it could do what it was asked.
public struct MessageStoreStopped: Error, Equatable, CustomStringConvertible {
    public var description: String { "The message store has stopped." }
}
