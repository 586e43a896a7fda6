import Foundation
import NIOConcurrencyHelpers
import Testing

@testable import ChatServer

/// Several stores on one PostgreSQL database, as several processes would have: each fans out what
/// every one commits, once, in id order.
@Suite(
    "Fan-out across processes through PostgreSQL: every store sees every message once, in id order",
    .serialized,
    .enabled(if: TemporaryPostgres.isAvailable, TemporaryPostgres.unavailable),
    // A feed that stops moving leaves its senders waiting for their acknowledgements: a failure, not a hang.
    .timeLimit(.minutes(1))
)
struct PostgresFanOutTests {
    @Test("Three stores append at once into one room: each fans out all of them, once, in id order")
    func threeStoresOneRoom() async throws {
        try await TemporaryPostgres.withDatabase { database, _ in
            let processes = (0..<3).map { _ in FanOutProcess(database) }
            try await FanOutProcess.running(processes) {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (index, process) in processes.enumerated() {
                        group.addTask { try await process.send(100, tagged: "p\(index)") }
                    }
                    try await group.waitForAll()
                }
                let stored = try await processes[0].store.messages(in: "general", limit: 1_000).map(\.id)
                #expect(stored.count == 300)
                for (index, process) in processes.enumerated() {
                    let seen = try await process.seen(through: stored.last ?? 0)
                    #expect(seen == stored, "process \(index) saw every message once, in id order: \(Difference(seen: seen, stored: stored))")
                }
            }
        }
    }

    @Test("The listener's connection is cut (its backend terminated) while others send: delivery resumes with nothing missed or doubled")
    func listenerCut() async throws {
        try await TemporaryPostgres.withDatabase { database, url in
            let (sender, receiver) = (FanOutProcess(database), FanOutProcess(database))
            try await FanOutProcess.running([sender, receiver]) {
                try await sender.send(50, tagged: "before")
                let before = try await sender.store.messages(in: "general", limit: 1_000).map(\.id)
                #expect(try await receiver.seen(through: before.last ?? 0) == before)
                let terminated = try await TemporaryPostgres.psql(
                    url,
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'"
                )
                #expect(terminated.count == 2, "both listeners' backends were terminated: \(terminated)")
                try await sender.send(50, tagged: "during")
                // The receiver's own message waits for the cursor to pass what it missed: its order holds.
                try await receiver.send(1, tagged: "own")
                try await sender.send(50, tagged: "after")
                let stored = try await sender.store.messages(in: "general", limit: 1_000).map(\.id)
                #expect(stored.count == 151)
                #expect(try await receiver.seen(through: stored.last ?? 0) == stored)
                #expect(try await sender.seen(through: stored.last ?? 0) == stored)
            }
        }
    }

    @Test("A join on one process while another sends: the list and what follows live hold every message once, in order")
    func joinWhileAnotherSends() async throws {
        try await TemporaryPostgres.withDatabase { database, _ in
            let (sender, joiner) = (FanOutProcess(database), FanOutProcess(database))
            try await FanOutProcess.running([sender, joiner]) {
                try await sender.send(20, tagged: "first")
                let sending = Task { try await sender.send(200, tagged: "live") }
                let recovered = try await joiner.join(since: 10)
                try await sending.value
                let stored = try await sender.store.messages(in: "general", limit: 1_000).map(\.id)
                let live = try await joiner.seen(through: stored.last ?? 0)
                #expect(recovered + live == Array(stored.drop { $0 <= 10 }), "recovered \(recovered.count), then \(live.count) live")
            }
        }
    }
}

/// How what a process fanned out differs from what was stored, in a few words.
struct Difference: CustomStringConvertible {
    let seen: [Int64]
    let stored: [Int64]

    var description: String {
        let missing = Set(stored).subtracting(seen).sorted()
        let doubled = Dictionary(grouping: seen, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        let outOfOrder = zip(seen, seen.dropFirst()).filter { $0.0 >= $0.1 }.map { "\($0.0)→\($0.1)" }
        return "\(seen.count) seen of \(stored.count); missing \(missing.prefix(20)), doubled \(doubled.prefix(20)), "
            + "out of order \(outOfOrder.prefix(20))"
    }
}

/// A store as one process would run it, and the ids it fanned out: its own commits and the others'.
private final class FanOutProcess: Sendable {
    let store: PostgresMessageStore
    private let fannedOut = NIOLockedValueBox<[Int64]>([])

    init(_ database: PostgresChatDatabase) {
        let fannedOut = self.fannedOut
        store = PostgresMessageStore(database, listener: nil, deliverElsewhere: { message in fannedOut.withLockedValue { $0.append(message.id) } })
    }

    static func running(_ processes: [FanOutProcess], _ body: () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for process in processes { group.addTask { await process.store.run() } }
            defer { group.cancelAll() }
            // A process fans out what is committed once it listens; before, it is history.
            while !processes.allSatisfy(\.store.isFeeding) { try await Task.sleep(for: .milliseconds(10)) }
            try await body()
        }
    }

    /// Appends `count` messages one after another, each fanned out here when committed.
    func send(_ count: Int, tagged tag: String) async throws {
        let fannedOut = self.fannedOut
        for index in 0..<count {
            _ = try await store.append(MessageStoreContract.draft("\(tag) \(index)")) { message in
                fannedOut.withLockedValue { $0.append(message.id) }
            }
        }
    }

    /// Joins the room with `since`: what the read returns; from then on, what is fanned out is what
    /// the joined client would get live.
    func join(since: Int64) async throws -> [Int64] {
        let fannedOut = self.fannedOut
        return try await store.recentMessages(in: "general", since: since, limit: 1_000) { messages in
            fannedOut.withLockedValue { $0.removeAll() }
            return messages.map(\.id)
        }
    }

    /// The ids fanned out here, once `id` is among them (or after ten seconds, whatever there is).
    func seen(through id: Int64) async throws -> [Int64] {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            let ids = fannedOut.withLockedValue { $0 }
            if ids.contains(id) { return ids }
            try await Task.sleep(for: .milliseconds(20))
        }
        return fannedOut.withLockedValue { $0 }
    }
}
