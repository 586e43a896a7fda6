/// Who is present in which room on each of the other processes, and what that changes for this one.
///
/// A user is present elsewhere while at least one other process has them in the room, so a change
/// of one process's presence matters only when it is the first process to have them, or the last.
/// Every change is idempotent (a process adds what it has, removes what it has not), which lets a
/// notification that repeats what a reload already read do no harm.
struct RemotePresence: Sendable {
    /// What one process's change did to the presence elsewhere.
    enum Change: Hashable, Sendable {
        /// No other process had the user in the room before.
        case joined(Presence)
        /// No other process has the user in the room any more.
        case left(Presence)
    }

    private var byProcess: [String: Set<Presence>] = [:]
    /// How many processes have each presence.
    private var processCount: [Presence: Int] = [:]

    /// The process now has the user in the room.
    mutating func add(_ presence: Presence, on process: String) -> Change? {
        guard byProcess[process, default: []].insert(presence).inserted else { return nil }
        processCount[presence, default: 0] += 1
        return processCount[presence] == 1 ? .joined(presence) : nil
    }

    /// The process no longer has the user in the room.
    mutating func remove(_ presence: Presence, on process: String) -> Change? {
        guard byProcess[process]?.remove(presence) != nil else { return nil }
        if byProcess[process]?.isEmpty == true { byProcess[process] = nil }
        processCount[presence, default: 1] -= 1
        guard processCount[presence] == 0 else { return nil }
        processCount[presence] = nil
        return .left(presence)
    }

    /// The process is gone, and everyone it had with it.
    mutating func removeProcess(_ process: String) -> [Change] {
        (byProcess[process] ?? []).sorted(by: Self.order).compactMap { remove($0, on: process) }
    }

    /// Replaces everything with what the database holds now (after notifications may have been lost).
    ///
    /// - Returns: the differences for this process: a user who moved from one process to another
    ///   while notifications were lost is still present, and changes nothing.
    mutating func replace(with processes: [String: Set<Presence>]) -> [Change] {
        let before = Set(processCount.keys)
        byProcess = processes.filter { !$0.value.isEmpty }
        processCount = [:]
        for presences in byProcess.values {
            for presence in presences { processCount[presence, default: 0] += 1 }
        }
        let after = Set(processCount.keys)
        return before.subtracting(after).sorted(by: Self.order).map { .left($0) }
            + after.subtracting(before).sorted(by: Self.order).map { .joined($0) }
    }

    /// A fixed order, so that the room hears of several changes the same way every time.
    private static func order(_ first: Presence, _ second: Presence) -> Bool {
        (first.room, first.user) < (second.room, second.user)
    }
}
