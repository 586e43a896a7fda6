import NIOConcurrencyHelpers

/// The work waiting for ``PostgresPresence``'s writer: the latest state of each presence of this
/// process not yet written, and whether a heartbeat is due.
///
/// Only the latest state of a presence matters, so a user who joins and leaves before the writer
/// comes round costs no write at all.
final class PendingPresence: LocalPresenceObserver {
    private struct Work {
        /// Each presence changed since the writer last took the changes: whether it holds now.
        var changes: [Presence: Bool] = [:]
        var isHeartbeatDue = false
    }

    private let work = NIOLockedValueBox(Work())
    /// Yields whenever there is work; one wake-up stands for any number.
    let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    init() {
        (wakeups, wake) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    func presenceBegan(_ presence: Presence) {
        work.withLockedValue { $0.changes[presence] = true }
        wake.yield()
    }

    func presenceEnded(_ presence: Presence) {
        work.withLockedValue { $0.changes[presence] = false }
        wake.yield()
    }

    /// Asks the writer for a heartbeat.
    func heartbeatIsDue() {
        work.withLockedValue { $0.isHeartbeatDue = true }
        wake.yield()
    }

    /// Whether a heartbeat was due; it is not any more.
    func takeHeartbeat() -> Bool {
        work.withLockedValue { work in
            defer { work.isHeartbeatDue = false }
            return work.isHeartbeatDue
        }
    }

    /// The changes waiting; they are the writer's now.
    func takeChanges() -> [Presence: Bool] {
        work.withLockedValue { work in
            defer { work.changes = [:] }
            return work.changes
        }
    }

    /// Changes the writer took and could not write, to be written with the next; a presence that
    /// changed again meanwhile keeps its newer state.
    func putBack(_ changes: [Presence: Bool]) {
        work.withLockedValue { work in
            work.changes.merge(changes) { newer, _ in newer }
        }
    }
}
