import HTTPTypes
import HummingbirdCore
import NIOCore

/// The chat server's whole decision on a handshake: the path, RFC 6455 and the origin first, then
/// who the client is, then whether there is room for one more connection. An accepted handshake
/// comes with what will serve the connection, so that the client is identified once.
struct ChatHandshake: Sendable {
    let policy: HandshakePolicy
    let identity: any IdentityProvider
    let hub: Hub
    let maxConnections: Int
    /// Makes the connection's handler for a client, once it is known.
    let serve: @Sendable (Identity) -> EventLoopWebSocketChannel.MakeHandler

    /// The one path with a WebSocket.
    static let path = "/ws"
    /// How long a client refused for capacity is asked to wait, in seconds.
    static let retryAfter = "5"

    func decide(_ request: HTTPRequest) async -> EventLoopWebSocketChannel.Acceptance {
        guard URI(request.path ?? "").path == Self.path else {
            return .refuse(HandshakeRefusal(status: .notFound, reason: "The WebSocket endpoint is \(Self.path)."))
        }
        let fields: HTTPFields
        switch policy.decide(request) {
        case .refuse(let refusal): return .refuse(refusal)
        case .accept(let accepted): fields = accepted
        }
        let client: Identity
        switch await identity.identify(request) {
        case .failure(let refusal): return .refuse(refusal)
        case .success(let identity): client = identity
        }
        if hub.isShuttingDown {
            let reason = "The server is shutting down; connect again (behind a load balancer, another server answers)."
            return .refuse(HandshakeRefusal(status: .serviceUnavailable, reason: reason, headers: [.retryAfter: "1"]))
        }
        // Counted, not reserved: a burst of handshakes may overshoot the limit by the few in flight.
        if hub.connectionCount >= maxConnections {
            let reason = "The server is at its limit of \(maxConnections) connections; try again shortly."
            return .refuse(HandshakeRefusal(status: .serviceUnavailable, reason: reason, headers: [.retryAfter: Self.retryAfter]))
        }
        return .accept(fields, serve(client))
    }
}
