import Logging
import ServiceLifecycle

/// Checkpoints the database's write-ahead log every `interval`, off the commit path (see
/// ``ChatDatabase``), so that the log stays small without holding a broadcast back.
struct Checkpoints: Service {
    let database: ChatDatabase
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                try await database.checkpoint()
            } catch {
                logger.warning("A checkpoint of the database failed; the next one tries again", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
