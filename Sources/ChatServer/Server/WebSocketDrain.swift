import NIOWebSocket
import ServiceLifecycle

/// On graceful shutdown, closes every WebSocket with 1001 "server shutting down" and waits, within a
/// bound, for the clients to answer, before the HTTP server stops. New handshakes get 503 from then
/// on (see ``ChatHandshake``): behind a load balancer, the client's reconnection goes to another
/// process rather than to one about to stop.
///
/// It runs in a service group after the application, and a group shuts its services down in reverse:
/// so the connections close with 1001 while the server still runs, rather than with the 1000 that
/// Hummingbird would send on its own shutdown.
struct WebSocketDrain: Service {
    let hub: Hub
    let timeout: Duration

    func run() async throws {
        try? await gracefulShutdown()
        hub.shutDown(.goingAway, reason: "server shutting down")
        let deadline = ContinuousClock.now + timeout
        while hub.connectionCount > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}
