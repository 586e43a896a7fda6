import Foundation
import GRDB
import GRDBSQLite
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Every message, in the SQLite file: a message is committed here before anyone is told of it.
///
/// Ids come from an `AUTOINCREMENT` key: they increase with every message and are never reused.
///
/// Messages that arrive while a commit is under way are committed together, in one transaction,
/// by the next write (a group commit): under load a commit carries many messages, and their
/// callbacks run back to back, within `aroundCallbacks`.
///
/// Where a commit runs: a message handed over on an event loop while the writer is idle is
/// committed on that loop, at the end of its turn, with every other message handed over in that
/// turn. Waking a writer's thread for it cost more than the commit (in WAL mode with
/// `synchronous = NORMAL` a commit writes into the page cache and does not wait for the disk), and
/// the wake was the largest part of a message's latency at low rates. Under load the commit waits a
/// moment, so that more messages share it (``CommitDelay``), and the writer's thread makes it: a
/// commit writes the log's file, and at a steady 10,000 messages a second loops making the commits
/// stalled for 100–280 ms in some runs, against about 65 ms at most with the writer's thread (the
/// kernel holding back a process that dirties pages faster than the disk takes them, we think).
/// Messages that arrive while a commit is under way, from another loop or from elsewhere, go to the
/// writer's own queue, as does a commit that finds SQLite's write lock held by another connection:
/// an event loop never waits for a lock.
public final class SQLiteMessageStore: MessageStore {
    private let writer: DatabaseQueue
    private let reader: DatabasePool
    /// Whether messages are written to the database at all.
    public let keepsHistory: Bool
    /// Without history: the last id given, behind a lock that keeps ids and callbacks in order.
    private let ephemeral = NIOLockedValueBox<Int64>(0)
    private let waiting = NIOLockedValueBox(Waiting())
    private let commitDelay: CommitDelay
    private let aroundCallbacks: @Sendable (() -> Void) -> Void

    /// Messages waiting for a commit, and whether a commit is under way or about to be: then the
    /// one making it commits them too, or hands them to the writer's queue.
    private struct Waiting {
        var appends: [PendingAppend] = []
        /// Work for the writer's connection between two commits (``betweenCommits(_:)``).
        var interludes: [@Sendable (Database) -> Void] = []
        var isWriterBusy = false
        /// When the last commit's callbacks had run.
        var lastCommitEnded = NIODeadline.distantPast

        enum Next { case commit, interludes, idle }

        /// What the writer does next, once its work at hand is done: interludes first, then the
        /// messages waiting; it stays busy until both are done.
        mutating func nextForWriter() -> Next {
            let next: Next = !interludes.isEmpty ? .interludes : !appends.isEmpty ? .commit : .idle
            isWriterBusy = next != .idle
            return next
        }
    }

    /// When a commit started on an event loop waits for more messages to share it, as PostgreSQL's
    /// `commit_delay` does: a commit of one message costs each member of its room a write of its
    /// own, and under load those writes were most of the server's work. A commit waits only under
    /// load: when it starts less than `window` after the last one ended. At low rates it never waits.
    public struct CommitDelay: Sendable {
        /// How long the commit waits.
        public var delay: TimeAmount
        /// How soon after the last commit a commit starting counts as under load.
        public var window: TimeAmount

        public init(delay: TimeAmount = .microseconds(200), window: TimeAmount = .milliseconds(1)) {
            self.delay = delay
            self.window = window
        }
    }

    private struct PendingAppend: Sendable {
        let draft: Draft
        let onCommit: @Sendable (ChatMessage) -> Void
        let completion: @Sendable (Result<Appended, any Error>) -> Void
    }

    /// The messages of a database.
    ///
    /// - Parameters:
    ///   - database: where they are kept.
    ///   - keepsHistory: `false` stores nothing: ids come from memory, joins recover nothing, and
    ///     resends are not recognised. For measuring the fan-out alone (`chat-server --no-history`).
    ///   - commitDelay: when a commit started on an event loop waits for more messages.
    ///   - aroundCallbacks: runs the commit callbacks of one commit; the server gathers the wake-ups
    ///     of their fan-outs in it.
    public init(
        _ database: ChatDatabase,
        keepsHistory: Bool = true,
        commitDelay: CommitDelay = CommitDelay(),
        aroundCallbacks: @escaping @Sendable (() -> Void) -> Void = { $0() }
    ) {
        self.writer = database.messageWriter
        self.reader = database.pool
        self.keepsHistory = keepsHistory
        self.commitDelay = commitDelay
        self.aroundCallbacks = aroundCallbacks
    }

    public func append(
        _ draft: Draft,
        onCommit: @escaping @Sendable (ChatMessage) -> Void,
        completion: @escaping @Sendable (Result<Appended, any Error>) -> Void
    ) {
        guard keepsHistory else {
            let message = ephemeral.withLockedValue { lastID in
                lastID += 1
                let message = ChatMessage(
                    id: lastID,
                    room: draft.room,
                    to: draft.to,
                    from: draft.from,
                    text: draft.text,
                    at: Date(),
                    clientID: draft.clientID
                )
                onCommit(message)
                return message
            }
            completion(.success((message, true)))
            return
        }
        let (startsCommit, isUnderLoad) = waiting.withLockedValue { waiting in
            waiting.appends.append(PendingAppend(draft: draft, onCommit: onCommit, completion: completion))
            defer { waiting.isWriterBusy = true }
            return (!waiting.isWriterBusy, .now() - waiting.lastCommitEnded < commitDelay.window)
        }
        guard startsCommit else { return }
        if let eventLoop = MultiThreadedEventLoopGroup.currentEventLoop {
            // At the end of this turn at the soonest: what the loop's other connections hand over in
            // it comes along. Under load the writer's thread commits, after the delay.
            if isUnderLoad {
                eventLoop.scheduleTask(in: commitDelay.delay) { [self] in queueCommit() }
            } else {
                eventLoop.execute { [self] in commitHere() }
            }
        } else {
            queueCommit()
        }
    }

    /// Commits the waiting messages on this thread, unless SQLite's write lock is taken: then the
    /// writer's queue waits for it.
    private func commitHere() {
        let isCommitted = writer.writeWithoutTransaction { db in commitWaiting(in: db, waitingForLock: false) }
        if !isCommitted { queueCommit() }
    }

    /// Commits the waiting messages on the writer's queue, waiting for SQLite's write lock if need be.
    private func queueCommit() {
        writer.asyncWriteWithoutTransaction { [self] db in _ = commitWaiting(in: db, waitingForLock: true) }
    }

    /// Commits the messages waiting (at most ``maxAppendsPerCommit``) and runs their callbacks, in
    /// order; then queues the next commit if more are waiting, or leaves the writer idle.
    ///
    /// - Returns: `false` if the transaction failed and `waitingForLock` was `false`: nothing was
    ///   stored, and the messages still wait.
    private func commitWaiting(in db: Database, waitingForLock: Bool) -> Bool {
        let appends = waiting.withLockedValue { Array($0.appends.prefix(Self.maxAppendsPerCommit)) }
        guard let results = Self.commit(appends.map(\.draft), in: db, waitingForLock: waitingForLock) else { return false }
        waiting.withLockedValue { $0.appends.removeFirst(appends.count) }
        aroundCallbacks {
            for (append, result) in zip(appends, results) {
                if case .success(let (message, true)) = result { append.onCommit(message) }
            }
        }
        for (append, result) in zip(appends, results) { append.completion(result) }
        // Busy until the callbacks have run: a commit started meanwhile would wait for them.
        let next = waiting.withLockedValue { waiting in
            waiting.lastCommitEnded = .now()
            return waiting.nextForWriter()
        }
        queue(next)
        return true
    }

    /// Runs `body` on the writer's connection between two commits, on the writer's queue: no
    /// message is committed meanwhile, and no event loop waits for it (messages handed over
    /// meanwhile go to the queue, after it).
    func betweenCommits<Value: Sendable>(_ body: @escaping @Sendable (Database) throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            let interlude: @Sendable (Database) -> Void = { db in continuation.resume(with: Result { try body(db) }) }
            let startsNow = waiting.withLockedValue { waiting in
                waiting.interludes.append(interlude)
                defer { waiting.isWriterBusy = true }
                return !waiting.isWriterBusy
            }
            if startsNow { queue(.interludes) }
        }
    }

    private func queue(_ next: Waiting.Next) {
        switch next {
        case .commit: queueCommit()
        case .interludes:
            writer.asyncWriteWithoutTransaction { [self] db in
                let interludes = waiting.withLockedValue { waiting in
                    defer { waiting.interludes = [] }
                    return waiting.interludes
                }
                for interlude in interludes { interlude(db) }
                queue(waiting.withLockedValue { $0.nextForWriter() })
            }
        case .idle: break
        }
    }

    /// Stores drafts in one transaction; if any fails, the transaction is rolled back and the batch
    /// is written again with a savepoint per message, so that only the failing one fails. A
    /// savepoint per message on every write cost a fifth of the transaction.
    ///
    /// - Returns: one result for each draft, in order; `nil` if the transaction failed and
    ///   `waitingForLock` was `false` (the lock was taken, or a draft failed; nothing was stored).
    private static func commit(_ drafts: [Draft], in db: Database, waitingForLock: Bool) -> [Result<Appended, any Error>]? {
        do {
            var results: [Result<Appended, any Error>] = []
            // Without waiting, a taken lock fails `BEGIN IMMEDIATE` at once, before anything is written.
            // (A closed database has no connection; GRDB's own calls then fail, where SQLite's crash.)
            let connection = waitingForLock ? nil : db.sqliteConnection
            if let connection { sqlite3_busy_timeout(connection, 0) }
            defer { if let connection { sqlite3_busy_timeout(connection, Int32(ChatDatabase.busyTimeout * 1000)) } }
            try db.inTransaction(.immediate) {
                results = try drafts.map { .success(try store($0, in: db)) }
                return .commit
            }
            return results
        } catch {
            // Rolled back, so nothing was stored. On an event loop, the writer's queue takes the
            // batch again: it waits for the lock, and gives a failing message a savepoint of its own.
            return waitingForLock ? storeEachAlone(drafts, in: db) : nil
        }
    }

    /// Stores each message in a savepoint of its own, all in one transaction: one that fails fails
    /// alone.
    private static func storeEachAlone(_ drafts: [Draft], in db: Database) -> [Result<Appended, any Error>] {
        var results: [Result<Appended, any Error>] = []
        do {
            try db.inTransaction(.immediate) {
                results = drafts.map { draft in
                    Result {
                        var result: Appended?
                        try db.inSavepoint {
                            result = try store(draft, in: db)
                            return .commit
                        }
                        return result!
                    }
                }
                return .commit
            }
        } catch {
            results = drafts.map { _ in .failure(error) }
        }
        return results
    }

    /// Stores one message, or finds the one its sender already stored with the same client id.
    ///
    /// Both statements are prepared once per connection and reused: compiling SQL (and GRDB's
    /// query generation before it) cost more than the insert itself under load.
    private static func store(_ draft: Draft, in db: Database) throws -> Appended {
        if let clientID = draft.clientID {
            let find = try db.cachedStatement(sql: "SELECT * FROM message WHERE sender = ? AND clientID = ?")
            if let stored = try MessageRecord.fetchOne(find, arguments: [draft.from, clientID]) {
                return (stored.message, false)
            }
        }
        let record = MessageRecord(draft: draft, at: now())
        let insert = try db.cachedStatement(
            sql: "INSERT INTO message (room, recipient, sender, text, createdAt, clientID) VALUES (?, ?, ?, ?, ?, ?)"
        )
        // The date as GRDB would store it, without its `DateFormatter`.
        let createdAt = UTCTime(record.createdAt, milliseconds: .toNearestOrAwayFromZero).databaseText
        try insert.execute(arguments: [record.room, record.recipient, record.sender, record.text, createdAt, record.clientID])
        var stored = record
        stored.id = db.lastInsertedRowID
        return (stored.message, true)
    }

    /// Reads in the writer's turn, so that no commit's callbacks run between the read and `body`.
    public func recentMessages<Value: Sendable>(
        in room: String,
        since: Int64?,
        limit: Int,
        then body: @escaping @Sendable ([ChatMessage]) -> Value
    ) async throws -> Value {
        guard keepsHistory else { return ephemeral.withLockedValue { _ in body([]) } }
        return try await writer.write { db in
            body(try Self.page(of: MessageRecord.filter(Column("room") == room), since: since, limit: limit, in: db))
        }
    }

    public func directMessages(of user: String, since: Int64?, limit: Int) async throws -> [ChatMessage] {
        guard keepsHistory else { return [] }
        return try await reader.read { db in
            let directs = MessageRecord.filter(Column("room") == nil && (Column("recipient") == user || Column("sender") == user))
            return try Self.page(of: directs, since: since, limit: limit, in: db)
        }
    }

    /// The messages after `since`, oldest first, or without `since` the latest, oldest first.
    private static func page(
        of request: QueryInterfaceRequest<MessageRecord>,
        since: Int64?,
        limit: Int,
        in db: Database
    ) throws -> [ChatMessage] {
        if let since {
            return try request.filter(Column("id") > since).order(Column("id")).limit(limit).fetchAll(db).map(\.message)
        }
        return try request.order(Column("id").desc).limit(limit).fetchAll(db).reversed().map(\.message)
    }

    public func messages(in room: String, before id: Int64?, limit: Int) async throws -> [ChatMessage] {
        guard keepsHistory else { return [] }
        return try await reader.read { db in
            var request = MessageRecord.filter(Column("room") == room)
            if let id { request = request.filter(Column("id") < id) }
            return try request.order(Column("id").desc).limit(limit).fetchAll(db).reversed().map(\.message)
        }
    }

    /// Now, to the millisecond that SQLite keeps.
    private static func now() -> Date {
        Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1000).rounded(.down) / 1000)
    }
}

/// A row of the `message` table.
private struct MessageRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "message"

    var id: Int64?
    var room: String?
    var recipient: String?
    var sender: String
    var text: String
    var createdAt: Date
    var clientID: String?

    init(draft: MessageDraft, at date: Date) {
        room = draft.room
        recipient = draft.to
        sender = draft.from
        text = draft.text
        createdAt = date
        clientID = draft.clientID
    }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    var message: ChatMessage {
        ChatMessage(id: id ?? 0, room: room, to: recipient, from: sender, text: text, at: createdAt, clientID: clientID)
    }
}
