import Foundation
import NIOConcurrencyHelpers
import NIOWebSocket

/// What a connection is allowed, and until when: set at the handshake, extended by `auth`.
///
/// Shared by the connection's reader, which may extend it, and its expiry watch, which closes the
/// connection when it runs out.
final class Grant: Sendable {
    let user: String
    private let state: NIOLockedValueBox<(scopes: Set<String>, expiresAt: Date?)>

    init(_ identity: Identity) {
        user = identity.user
        state = NIOLockedValueBox((identity.scopes, identity.expiresAt))
    }

    var scopes: Set<String> { state.withLockedValue { $0.scopes } }
    var expiresAt: Date? { state.withLockedValue { $0.expiresAt } }

    /// Takes on a fresh identity's scopes and expiry.
    func renew(with identity: Identity) {
        state.withLockedValue { $0 = (identity.scopes, identity.expiresAt) }
    }

    /// Closes the connection through `outbox` with 1008 once the grant runs out, unless renewed first.
    func watchExpiry(closing outbox: Outbox) async {
        while let expiresAt, !Task.isCancelled {
            let remaining = expiresAt.timeIntervalSinceNow
            if remaining <= 0 {
                outbox.close(.policyViolation, reason: "token expired")
                return
            }
            try? await Task.sleep(for: .milliseconds(Int(remaining * 1000) + 1))
        }
    }
}
