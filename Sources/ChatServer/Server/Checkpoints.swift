import Foundation
import Logging
import NIOPosix
import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#endif

/// Checkpoints the database's write-ahead log every `interval`, off the commit path (see
/// ``ChatDatabase``), so that the log stays small without holding a broadcast back.
///
/// Each round has two parts. The bulk of the copy runs on a thread of its own at the lowest
/// priority (nice 19): it copies pages and syncs the database file, and at the default priority
/// its bursts came out of the event loops' time, the largest part of the latency's tail under load.
/// At nice 19 the loops go first, and the checkpoint still gets a share of the CPU however busy they
/// are. Then a short pass at the default priority copies what came in meanwhile while no commit
/// runs, so that the log starts over; it holds the writers back, so it must not wait for CPU.
struct Checkpoints: Service {
    let database: ChatDatabase
    let interval: Duration
    let logger: Logger

    func run() async throws {
        let thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                try await thread.runIfActive { [database] in
                    Self.lowerThisThreadsPriority()
                    try database.checkpointOnThisThread()
                }
                if try await !database.checkpointAndRestartLog() {
                    logger.debug("Commits never paused for the checkpoint; the log starts over after a later one")
                }
            } catch {
                logger.warning("A checkpoint of the database failed; the next one tries again", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
        try await thread.shutdownGracefully()
    }

    /// On Linux a nice value belongs to a thread, and `0` names the calling one.
    private static func lowerThisThreadsPriority() {
        #if os(Linux)
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
        #endif
    }
}
