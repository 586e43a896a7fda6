import Logging
import NIOWebSocket
import ServiceLifecycle

/// Closes the connections of users who were disabled or removed, within a poll interval.
///
/// Accounts change in the database, possibly from another process (`chat-server users disable`), so
/// the server looks rather than waits to be told: four times a second it asks which connected users are
/// still active, one indexed query whatever the number of connections.
struct AccountWatch: Service {
    let hub: Hub
    let users: any UserStore
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let connected = hub.connectedUsers
            if !connected.isEmpty, let active = try? await users.activeUsers(among: connected) {
                let gone = connected.subtracting(active)
                if !gone.isEmpty {
                    logger.info("Closing the connections of disabled or removed users", metadata: ["users": "\(gone.sorted())"])
                    hub.close(users: gone, .policyViolation, reason: "account disabled")
                }
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
