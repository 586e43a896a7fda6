import Logging
import ServiceLifecycle

/// Checkpoints the database's write-ahead log every `interval`, off the commit path (see
/// ``ChatDatabase``), so that the log stays small without holding a broadcast back.
///
/// Each round has two parts: a passive checkpoint copies the bulk beside the writer, then a short
/// `RESTART` one copies what came in meanwhile while no commit runs, so that the log starts over
/// (``ChatDatabase/checkpointAndRestartLog()``).
///
/// Both run at the default priority. The bulk at nice 19 measured a lower p99 under load, but
/// stalled every commit for 35–50 ms in 2 of 7 runs at 400 messages a second: a thread at the
/// lowest priority that holds one of SQLite's locks for a moment can wait a long time for the CPU.
struct Checkpoints: Service {
    let database: ChatDatabase
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                try await database.checkpoint()
                if try await !database.checkpointAndRestartLog() {
                    logger.debug("Commits never paused for the checkpoint; the log starts over after a later one")
                }
            } catch {
                logger.warning("A checkpoint of the database failed; the next one tries again", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
