import Foundation
import Logging
import NIOConcurrencyHelpers
import PostgresNIO
import ServiceLifecycle

/// Presence across the processes that share a PostgreSQL database: a user is present in a room while
/// a connection on any process is in it.
///
/// Each process has a row in `chat_process`, whose heartbeat it renews every `heartbeatInterval`,
/// and a row in `chat_presence` for each user it has in each room, written by one writer in the
/// order the hub's changes come (see ``PendingPresence``) and announced to the others in the same
/// transaction, through the ``PostgresListener``'s topic `p` (see ``PresenceNotice``). Each process
/// keeps the others' presence (see ``RemotePresence``) and tells its hub when a user is present
/// elsewhere or no longer, which announces it only where the user is not present here.
///
/// A process that dies leaves rows behind: on every heartbeat each process deletes the processes whose
/// heartbeat is older than `timeout`, with their presence, and announces it. So a dead process's users
/// are announced gone at most `timeout + heartbeatInterval` after its last heartbeat. A process that
/// finds its own row swept (it was paused longer than `timeout`) writes it and its presence again.
/// When the listener listens again after losing its connection, the others' presence is read anew.
/// A graceful shutdown deletes the process's rows at once.
///
/// It works only while ``run()`` runs, beside its database's and its listener's.
public final class PostgresPresence: Service, PostgresNotificationSubscriber {
    /// The listener's topic of presence notices.
    static let topic = "p"

    /// This process, as the others know it.
    let process = UUID().uuidString.lowercased()
    /// The hub whose presence this carries: one made for it.
    public let hub: Hub
    private let database: PostgresChatDatabase
    private let pending: PendingPresence
    private let heartbeatInterval: Duration
    private let timeout: Duration
    private let remote = NIOLockedValueBox(RemotePresence())

    /// What the writer has written: this process's presence as its committed rows hold it.
    private struct Written {
        var isRegistered = false
        var presences: Set<Presence> = []
    }

    /// - Parameters:
    ///   - database: where the processes meet; migrated.
    ///   - listener: this process's listener, which hands this the others' notices.
    ///   - heartbeatInterval: how often the process says it still runs, and sweeps the processes that don't.
    ///   - timeout: how long after its last heartbeat a process is taken to be dead.
    public init(_ database: PostgresChatDatabase, listener: PostgresListener, heartbeatInterval: Duration, timeout: Duration) {
        self.database = database
        self.pending = PendingPresence()
        self.hub = Hub(presenceObserver: pending)
        self.heartbeatInterval = heartbeatInterval
        self.timeout = timeout
        listener.subscribe(Self.topic, self)
    }

    /// Registers the process and writes its presence until shutdown, then deletes its rows; when the
    /// task is cancelled instead, it leaves them to be swept, like a process that died.
    public func run() async {
        await database.whenRunning()
        await withDiscardingTaskGroup { group in
            group.addTask { await self.askForHeartbeats() }
            var written = Written()
            for await _ in pending.wakeups.cancelOnGracefulShutdown() {
                do {
                    if pending.takeHeartbeat() { try await heartbeat(&written) }
                    if written.isRegistered { try await write(&written) }
                } catch {
                    database.logger.warning("Presence could not be written; trying again", metadata: ["error": "\(String(reflecting: error))"])
                }
            }
            group.cancelAll()
        }
        guard !Task.isCancelled else { return }
        do {
            try await database.withTransaction { [self] connection in
                try await PresenceQueries.unregister(process, on: connection, logger: database.logger)
                try await PresenceQueries.notify([.processGone(process)], on: connection, logger: database.logger)
            }
        } catch {
            database.logger.warning("Presence could not be deleted; other processes sweep it", metadata: ["error": "\(String(reflecting: error))"])
        }
    }

    private func askForHeartbeats() async {
        while !Task.isCancelled {
            pending.heartbeatIsDue()
            try? await Task.sleep(for: heartbeatInterval)
        }
    }

    // MARK: Writing

    /// Renews the process's heartbeat (registering it again if it was swept), then sweeps the processes
    /// whose heartbeat is too old.
    private func heartbeat(_ written: inout Written) async throws {
        if try await !PresenceQueries.heartbeat(process, in: database) {
            if written.isRegistered {
                database.logger.warning("This process's presence was swept as if it were dead; writing it again")
            }
            let presences = written.presences
            try await database.withTransaction { [self] connection in
                try await PresenceQueries.register(process, on: connection, logger: database.logger)
                try await PresenceQueries.add(Array(presences), of: process, on: connection, logger: database.logger)
                let notices = presences.sorted(by: Self.order).map { PresenceNotice.began($0, process: process) }
                try await PresenceQueries.notify(notices, on: connection, logger: database.logger)
            }
            written.isRegistered = true
        }
        try await database.withTransaction { [self] connection in
            let swept = try await PresenceQueries.sweep(olderThan: timeout, on: connection, logger: database.logger)
            try await PresenceQueries.notify(swept.map { .processGone($0) }, on: connection, logger: database.logger)
            if !swept.isEmpty {
                database.logger.info("Swept the presence of processes that stopped", metadata: ["processes": "\(swept)"])
            }
        }
    }

    /// Writes the changes of the process's presence, and announces them.
    private func write(_ written: inout Written) async throws {
        let changes = pending.takeChanges()
        let began = changes.compactMap { $0.value && !written.presences.contains($0.key) ? $0.key : nil }.sorted(by: Self.order)
        let ended = changes.compactMap { !$0.value && written.presences.contains($0.key) ? $0.key : nil }.sorted(by: Self.order)
        guard !began.isEmpty || !ended.isEmpty else { return }
        do {
            try await database.withTransaction { [self] connection in
                try await PresenceQueries.remove(ended, of: process, on: connection, logger: database.logger)
                try await PresenceQueries.add(began, of: process, on: connection, logger: database.logger)
                let notices = ended.map { PresenceNotice.ended($0, process: process) } + began.map { .began($0, process: process) }
                try await PresenceQueries.notify(notices, on: connection, logger: database.logger)
            }
        } catch {
            pending.putBack(changes)
            throw error
        }
        written.presences.subtract(ended)
        written.presences.formUnion(began)
    }

    private static func order(_ first: Presence, _ second: Presence) -> Bool {
        (first.room, first.user) < (second.room, second.user)
    }

    // MARK: Hearing the others

    /// Reads the others' presence anew: notices sent while the listener was not listening are lost.
    func listening() async {
        while !Task.isCancelled {
            do {
                let processes = try await PresenceQueries.presence(apartFrom: process, in: database)
                apply(remote.withLockedValue { $0.replace(with: processes) })
                return
            } catch {
                database.logger.warning(
                    "The other processes' presence could not be read; trying again",
                    metadata: ["error": "\(String(reflecting: error))"]
                )
                try? await Task.sleep(for: heartbeatInterval)
            }
        }
    }

    func received(_ payload: Substring) {
        let changes = remote.withLockedValue { remote in
            PresenceNotice.notices(in: payload).filter { $0.process != process }.flatMap { notice -> [RemotePresence.Change] in
                switch notice {
                case .began(let presence, let process): [remote.add(presence, on: process)].compactMap { $0 }
                case .ended(let presence, let process): [remote.remove(presence, on: process)].compactMap { $0 }
                case .processGone(let process): remote.removeProcess(process)
                }
            }
        }
        apply(changes)
    }

    /// What was lost is read again once the listener listens again.
    func lost() {}

    private func apply(_ changes: [RemotePresence.Change]) {
        for change in changes {
            switch change {
            case .joined(let presence): hub.userJoinedElsewhere(presence.user, room: presence.room)
            case .left(let presence): hub.userLeftElsewhere(presence.user, room: presence.room)
            }
        }
    }
}
