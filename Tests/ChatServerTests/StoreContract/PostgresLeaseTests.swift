import Foundation
import Logging
import NIOConcurrencyHelpers
import PostgresNIO
import TestSupport
import Testing

@testable import ChatServer

/// The server leases its connections through ``PostgresChatDatabase/withConnection(_:)``, which asks
/// the pool once more when a lease waits long (the pool can strand a request: see there).
@Suite(
    "Leases from the PostgreSQL pool",
    .enabled(if: TemporaryPostgres.isAvailable, TemporaryPostgres.unavailable),
    .timeLimit(.minutes(1))
)
struct PostgresLeaseTests {
    @Test("A lease that waits past its patience for a busy pool runs its work once, when the connection comes free")
    func patientLease() async throws {
        try await TemporaryPostgres.withDatabase { _, url in
            var configuration = try PostgresURL.configuration(from: url)
            configuration.options.maximumConnections = 1
            let database = PostgresChatDatabase(configuration: configuration, logger: Logger(label: "tests.lease") { _ in SwiftLogNoOpLogHandler() })
            try await withRunning(database.run) {
                let (taken, take) = AsyncStream.makeStream(of: Void.self)
                let (released, release) = AsyncStream.makeStream(of: Void.self)
                let holder = Task {
                    try await database.withConnection { _ in
                        take.yield()
                        for await _ in released { break }
                    }
                }
                for await _ in taken { break }
                let runs = NIOLockedValueBox(0)
                let waiter = Task {
                    try await database.withConnection { connection in
                        runs.withLockedValue { $0 += 1 }
                        return try await connection.rows("SELECT 1", logger: database.logger).first?.decode(Int.self)
                    }
                }
                try await Task.sleep(for: PostgresChatDatabase.leasePatience * 2)
                #expect(runs.withLockedValue { $0 } == 0, "the pool's one connection is taken")
                release.yield()
                try await holder.value
                #expect(try await waiter.value == 1)
                #expect(runs.withLockedValue { $0 } == 1, "the work ran once, though the pool was asked twice")
            }
        }
    }

    @Test("Every connection cut, again and again, while a store writes: each time, the writer goes on writing")
    func writerOutlivesCuts() async throws {
        try await TemporaryPostgres.withDatabase { database, url in
            let store = PostgresMessageStore(database)
            try await withRunning(store.run) {
                while !store.isFeeding { try await Task.sleep(for: .milliseconds(10)) }
                let writes = NIOLockedValueBox(0)
                let writer = Task {
                    var index = 0
                    while !Task.isCancelled {
                        _ = try? await store.append(MessageStoreContract.draft("m \(index)")) { _ in }
                        writes.withLockedValue { $0 += 1 }
                        index += 1
                    }
                }
                defer { writer.cancel() }
                for cut in 0..<8 {
                    // As a restart of PostgreSQL would: every connection of the pool, busy or idle.
                    _ = try await TemporaryPostgres.psql(
                        url,
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                    let before = writes.withLockedValue { $0 }
                    let goesOn = await eventually(timeout: .seconds(10)) { writes.withLockedValue { $0 } > before + 10 }
                    #expect(goesOn, "after cut \(cut) the writer stopped at \(before)")
                    guard goesOn else { break }
                }
            }
        }
    }

    @Test("A lease cancelled while its work runs returns what the work returns: the work is done, and says so")
    func cancelledWhileWorking() async throws {
        try await TemporaryPostgres.withDatabase { database, _ in
            let (started, start) = AsyncStream.makeStream(of: Void.self)
            let proceed = Gate()
            let lease = Task {
                try await database.withConnection { _ in
                    start.yield()
                    await proceed.wait()
                    return "done"
                }
            }
            for await _ in started { break }
            lease.cancel()
            proceed.open()
            let outcome = try await lease.value
            #expect(outcome == "done")
        }
    }
}
