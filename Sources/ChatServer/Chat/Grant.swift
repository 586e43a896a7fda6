import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOWebSocket

/// What a connection is allowed, and until when: set at the handshake, extended by `auth`.
///
/// Shared by the connection's reader, which may extend it, and its expiry timer, which closes the
/// connection when it runs out.
final class Grant: Sendable {
    let user: String

    private struct State {
        var scopes: Set<String>
        var expiresAt: Date?
        var expiryTimer: Scheduled<Void>?
        var isWatching = false
    }

    private let state: NIOLockedValueBox<State>

    init(_ identity: Identity) {
        user = identity.user
        state = NIOLockedValueBox(State(scopes: identity.scopes, expiresAt: identity.expiresAt))
    }

    var scopes: Set<String> { state.withLockedValue { $0.scopes } }
    var expiresAt: Date? { state.withLockedValue { $0.expiresAt } }

    /// Takes on a fresh identity's scopes and expiry.
    func renew(with identity: Identity) {
        state.withLockedValue {
            $0.scopes = identity.scopes
            $0.expiresAt = identity.expiresAt
        }
    }

    /// Closes the connection through `outbox` with 1008 once the grant runs out, unless renewed
    /// first, until ``stopWatchingExpiry()``.
    ///
    /// A timer on the connection's event loop rather than a task: an idle connection then costs no
    /// task and no task stack for its expiry.
    func watchExpiry(closing outbox: Outbox, on eventLoop: any EventLoop) {
        state.withLockedValue { $0.isWatching = true }
        scheduleExpiryCheck(closing: outbox, on: eventLoop)
    }

    func stopWatchingExpiry() {
        state.withLockedValue { state in
            state.isWatching = false
            state.expiryTimer?.cancel()
            state.expiryTimer = nil
        }
    }

    private func scheduleExpiryCheck(closing outbox: Outbox, on eventLoop: any EventLoop) {
        state.withLockedValue { state in
            guard state.isWatching, let expiresAt = state.expiresAt else { return }
            let remaining = max(0, expiresAt.timeIntervalSinceNow)
            state.expiryTimer = eventLoop.scheduleTask(in: .milliseconds(Int64(remaining * 1000) + 1)) { [self] in
                guard let expiresAt = self.expiresAt else { return }
                if expiresAt.timeIntervalSinceNow > 0 {
                    scheduleExpiryCheck(closing: outbox, on: eventLoop)
                } else {
                    outbox.close(.policyViolation, reason: "token expired")
                }
            }
        }
    }
}
