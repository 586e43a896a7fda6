import DequeModule
import Logging
import NIOConcurrencyHelpers
import PostgresNIO
import ServiceLifecycle

/// The ids one transaction added: every message committed after `after` and up to `through` is
/// its, since the writers of every process take turns on one lock.
struct CommittedTransaction: Sendable, Equatable {
    let after: Int64
    let through: Int64
    /// Which drafts of the batch it stored.
    let drafts: Range<Int>
}

/// Hands this process's clients every message that any process sharing the database commits, once
/// each, in id order.
///
/// Each transaction that stores messages holds the writers' lock, reads the last id committed
/// before it, and notifies every process (topic `m`) of the range it adds: `after through origin`.
/// The ranges of all transactions, in commit order, follow one another without gaps or overlap. So a
/// process delivers by a cursor, the last id it delivered:
/// - a range this process committed is delivered from memory, its senders' acknowledgements with
///   it, once the cursor reaches its start;
/// - a range another process committed is read from the database when the cursor reaches its start;
/// - when the listener connects again, whatever was committed meanwhile is read from the cursor on
///   (a catch-up), except the ranges this process committed, which still go from memory.
/// A join reads the room's messages up to the cursor and joins before the cursor moves again: the
/// client gets each message once, in the list or live.
///
/// Notifications carry ids, never texts: a message may be larger than a notification can be
/// (8,000 bytes), and each process reads the range it was told of in one query.
final class PostgresMessageFeed: PostgresNotificationSubscriber, Sendable {
    /// Messages this process committed in one ``PostgresMessageStore`` commit: their fan-outs, one
    /// for each transaction that added some, and what tells their senders afterwards.
    struct LocalCommit: Sendable {
        struct Segment: Sendable {
            let after: Int64
            let through: Int64
            let deliver: @Sendable () -> Void
        }

        var segments: [Segment]
        let finish: @Sendable () -> Void
    }

    /// A join's read, to be run at the cursor: `run` reads up to the id it is given and joins.
    struct JoinTurn: Sendable {
        let since: Int64?
        let run: @Sendable (_ through: Int64) async -> Void
        let fail: @Sendable (any Error) -> Void
    }

    private enum Event: Sendable {
        /// The listener listens: what was committed up to `through` may not have been notified, and
        /// commits this process began before `fence` may be among it.
        case listening(through: Int64, fence: Int)
        case committedElsewhere(after: Int64, through: Int64)
        case committedHere(LocalCommit)
        case join(JoinTurn)
    }

    /// Where the feed stands; touched only by ``run()``'s task.
    private struct Cursor {
        /// The last id delivered; none until the listener first listens.
        var delivered: Int64?
        var local: Deque<LocalCommit> = []
        var elsewhere: Deque<(after: Int64, through: Int64)> = []
        var catchUp: (through: Int64, fence: Int)?
        /// How many of this process's commits have been handed over so far.
        var registered = 0
        var joins: [(turn: JoinTurn, waitFor: Int64)] = []
    }

    /// The most messages read and fanned out at once, for the same reason a commit carries at most
    /// this many (see ``MessageStore/maxAppendsPerCommit``).
    private static let pageSize = 256

    private let database: PostgresChatDatabase
    private let origin: String
    private let startedCommits: @Sendable () -> Int
    private let aroundCallbacks: @Sendable (() -> Void) -> Void
    private let deliverElsewhere: @Sendable (ChatMessage) -> Void
    private let onFirstListening: @Sendable () -> Void
    /// What was handed over and not yet taken up by ``run()``; kept here rather than in a stream's
    /// buffer, which a cancelled task drops: a commit handed over must finish, and a join must end.
    private let inbox = NIOLockedValueBox(Inbox())
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    private let isReadyBox = NIOLockedValueBox(false)

    private struct Inbox {
        var events: Deque<Event> = []
        var isStopped = false
    }

    /// - Parameters:
    ///   - origin: this process's name in notifications.
    ///   - startedCommits: how many commits this process's writer has begun.
    ///   - aroundCallbacks: runs a batch of fan-outs (see ``PostgresMessageStore``).
    ///   - deliverElsewhere: fans out a message another process committed.
    ///   - onFirstListening: called once the feed knows where it starts; no commit may begin before.
    init(
        database: PostgresChatDatabase,
        origin: String,
        startedCommits: @escaping @Sendable () -> Int,
        aroundCallbacks: @escaping @Sendable (() -> Void) -> Void,
        deliverElsewhere: @escaping @Sendable (ChatMessage) -> Void,
        onFirstListening: @escaping @Sendable () -> Void
    ) {
        self.database = database
        self.origin = origin
        self.startedCommits = startedCommits
        self.aroundCallbacks = aroundCallbacks
        self.deliverElsewhere = deliverElsewhere
        self.onFirstListening = onFirstListening
        (wakeups, wake) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Whether the feed knows where it starts: commits may begin.
    var isReady: Bool { isReadyBox.withLockedValue { $0 } }

    /// The notification a transaction sends of the range it adds.
    static func notification(_ transaction: CommittedTransaction, origin: String) -> PostgresQuery {
        PostgresListener.notify("m", "\(transaction.after) \(transaction.through) \(origin)")
    }

    // MARK: What the store and the listener hand over

    func committedHere(_ commit: LocalCommit) {
        post(.committedHere(commit))
    }

    func join(_ turn: JoinTurn) {
        post(.join(turn))
    }

    /// Reads again, from the cursor on, whatever was committed up to now: after a `COMMIT` whose
    /// outcome is unknown.
    func resynchronize() async throws {
        try await listening()
    }

    func listening() async throws {
        let through = try await MessageQueries.lastID(in: database)
        // Read after the last id: a commit that ended before it was read began before this count.
        post(.listening(through: through, fence: startedCommits()))
    }

    func received(_ payload: Substring) {
        let fields = payload.split(separator: " ")
        guard fields.count == 3, let after = Int64(fields[0]), let through = Int64(fields[1]) else {
            database.logger.warning("A message notification could not be read", metadata: ["payload": "\(payload)"])
            return
        }
        // This process's own ranges are handed over by its writer, with their acknowledgements.
        guard fields[2] != origin else { return }
        post(.committedElsewhere(after: after, through: through))
    }

    func lost() {}

    // MARK: The cursor

    /// Delivers until the task is cancelled or the feed is stopped; then finishes the commits and
    /// fails the joins still waiting, and those handed over later.
    func run() async {
        var cursor = Cursor()
        for await _ in wakeups {
            while let event = inbox.withLockedValue({ $0.events.popFirst() }) {
                await handle(event, &cursor)
                await advance(&cursor)
            }
        }
        let left = inbox.withLockedValue { inbox in
            inbox.isStopped = true
            defer { inbox.events.removeAll() }
            return inbox.events
        }
        for event in left { abandon(event) }
        for (turn, _) in cursor.joins { turn.fail(MessageStoreStopped()) }
        for commit in cursor.local { commit.finish() }
    }

    /// Ends ``run()``.
    func stop() {
        wake.finish()
    }

    private func post(_ event: Event) {
        let isStopped = inbox.withLockedValue { inbox in
            if !inbox.isStopped { inbox.events.append(event) }
            return inbox.isStopped
        }
        if isStopped { abandon(event) } else { wake.yield() }
    }

    /// Ends what waits for an event the feed will never handle: a commit's senders are told its
    /// outcome (it is stored, or not, whether or not it is fanned out), a join fails.
    private func abandon(_ event: Event) {
        switch event {
        case .committedHere(let commit): commit.finish()
        case .join(let turn): turn.fail(MessageStoreStopped())
        case .listening, .committedElsewhere: break
        }
    }

    private func handle(_ event: Event, _ cursor: inout Cursor) async {
        switch event {
        case .listening(let through, let fence):
            if cursor.delivered == nil {
                cursor.delivered = through
                isReadyBox.withLockedValue { $0 = true }
                onFirstListening()
            } else {
                cursor.catchUp = (through, fence)
            }
        case .committedElsewhere(let after, let through):
            cursor.elsewhere.append((after, through))
        case .committedHere(let commit):
            cursor.local.append(commit)
            cursor.registered += 1
        case .join(let turn):
            cursor.joins.append((turn, await position(of: turn, cursor)))
        }
    }

    /// The cursor a join must wait for: the id its client has seen, when that id is committed.
    private func position(of turn: JoinTurn, _ cursor: Cursor) async -> Int64 {
        guard let since = turn.since, let delivered = cursor.delivered, since > delivered else { return cursor.delivered ?? 0 }
        // An id beyond every committed one will never be delivered: the join need not wait for it.
        guard let last = try? await MessageQueries.lastID(in: database) else { return delivered }
        return since <= last ? since : delivered
    }

    /// Moves the cursor as far as what is known allows, then runs the joins it has reached.
    private func advance(_ cursor: inout Cursor) async {
        while !Task.isCancelled, let delivered = cursor.delivered {
            if let next = cursor.local.first?.segments.first, next.after <= delivered {
                next.deliver()
                cursor.delivered = max(delivered, next.through)
                cursor.local[0].segments.removeFirst()
                continue
            }
            if let commit = cursor.local.first, commit.segments.isEmpty {
                commit.finish()
                cursor.local.removeFirst()
                continue
            }
            while let first = cursor.elsewhere.first, first.through <= delivered { cursor.elsewhere.removeFirst() }
            if let next = cursor.elsewhere.first, next.after <= delivered {
                guard await deliverCommitted(after: delivered, through: next.through) else { return }
                cursor.delivered = next.through
                continue
            }
            if let catchUp = cursor.catchUp {
                if catchUp.through <= delivered {
                    cursor.catchUp = nil
                    continue
                }
                if cursor.registered >= catchUp.fence {
                    // Up to this process's next range at most: that one goes from memory.
                    let through = min(catchUp.through, cursor.local.first?.segments.first?.after ?? .max)
                    guard await deliverCommitted(after: delivered, through: through) else { return }
                    cursor.delivered = through
                    continue
                }
            }
            break
        }
        await runJoins(&cursor)
    }

    private func runJoins(_ cursor: inout Cursor) async {
        guard let delivered = cursor.delivered, !cursor.joins.isEmpty else { return }
        var waiting: [(turn: JoinTurn, waitFor: Int64)] = []
        for join in cursor.joins {
            if join.waitFor <= delivered {
                await join.turn.run(delivered)
            } else {
                waiting.append(join)
            }
        }
        cursor.joins = waiting
    }

    /// Reads what was committed after `after` and up to `through`, and fans it out a page at a
    /// time; a failed read is tried again until it succeeds or the feed stops.
    ///
    /// - Returns: whether it was all delivered.
    private func deliverCommitted(after: Int64, through: Int64) async -> Bool {
        var after = after
        while after < through {
            let page: [ChatMessage]
            do {
                page = try await MessageQueries.committed(after: after, through: through, limit: Self.pageSize, from: database)
            } catch {
                database.logger.warning("Reading messages other processes committed failed; trying again", metadata: ["error": "\(error)"])
                guard !Task.isShuttingDownGracefully else { return false }
                do { try await Task.sleep(for: .milliseconds(250)) } catch { return false }
                continue
            }
            aroundCallbacks { [deliverElsewhere] in
                for message in page { deliverElsewhere(message) }
            }
            guard page.count == Self.pageSize, let last = page.last?.id else { break }
            after = last
        }
        return true
    }
}
