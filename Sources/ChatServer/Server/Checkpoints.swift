import Logging
import ServiceLifecycle

/// Checkpoints the database's write-ahead log every `interval`, off the commit path (see
/// ``ChatDatabase``), so that the log stays small without holding a broadcast back.
///
/// A round is up to four passive checkpoints: the first copies the bulk, and the next ones what
/// came in meanwhile, so that the log can start over while messages keep coming
/// (``ChatDatabase/checkpointCatchingUp(passes:)``).
struct Checkpoints: Service {
    let database: ChatDatabase
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                try await database.checkpointCatchingUp()
            } catch {
                logger.warning("A checkpoint of the database failed; the next one tries again", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
