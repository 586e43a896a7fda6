import HTTPTypes

/// The chat server's whole decision on a handshake: RFC 6455 and the origin first, then who the client
/// is, then whether there is room for one more connection.
struct ChatHandshake: Sendable {
    let policy: HandshakePolicy
    let identity: any IdentityProvider
    let hub: Hub
    let maxConnections: Int

    /// How long a client refused for capacity is asked to wait, in seconds.
    static let retryAfter = "5"

    func decide(_ request: HTTPRequest) async -> UpgradeDecision {
        let decision = policy.decide(request)
        guard case .accept = decision else { return decision }
        if case .failure(let refusal) = await identity.identify(request) {
            return .refuse(refusal)
        }
        // Counted, not reserved: a burst of handshakes may overshoot the limit by the few in flight.
        if hub.connectionCount >= maxConnections {
            let reason = "The server is at its limit of \(maxConnections) connections; try again shortly."
            return .refuse(HandshakeRefusal(status: .serviceUnavailable, reason: reason, headers: [.retryAfter: Self.retryAfter]))
        }
        return decision
    }
}
