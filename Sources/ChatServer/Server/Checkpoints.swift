import Logging
import ServiceLifecycle

/// Checkpoints the database's write-ahead log every `interval`, off the commit path (see
/// ``ChatDatabase``), so that the log stays small without holding a broadcast back.
///
/// A round is up to four passive checkpoints: the first copies the bulk, and the next ones what
/// came in meanwhile, so that the log can start over while messages keep coming
/// (``ChatDatabase/checkpointCatchingUp(passes:)``).
///
/// Through a steady peak no pass fits between two commits (10,000 messages a second commit every
/// few hundred microseconds, and a pass syncs the files twice), so the log grew for as long as the
/// peak lasted: 170 MB in 5 seconds. Once the log is past half the size its file is cut back to,
/// a last pass runs on the store's writer, between two commits: nothing comes in during it, so the
/// next commit starts the log over. It holds the commits back for as long as it takes, which is
/// why it waits for a long log rather than run every round.
struct Checkpoints: Service {
    let database: ChatDatabase
    /// The store whose writer makes the last pass of a long log; `nil`: none does.
    let store: SQLiteMessageStore?
    let interval: Duration
    let logger: Logger

    func run() async throws {
        var lastRoundFrames = 0
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                let round = try await database.checkpointCatchingUp()
                // A long log that grew since the last round did not start over: each pass copied what
                // it found, and commits came in during it. (One that did not grow waits for a commit.)
                if let store, round.walFrames != lastRoundFrames, database.isLogLong(round.walFrames) {
                    try await store.betweenCommits { db in try ChatDatabase.checkpoint(db) }
                }
                lastRoundFrames = round.walFrames
            } catch {
                logger.warning("A checkpoint of the database failed; the next one tries again", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
