import ChatServer
import HTTPTypes
import LessonKit
import NIOConcurrencyHelpers

/// Exercise 1, the reference: refuses handshakes with 503 and `Retry-After` while `maxConnections`
/// are open.
///
/// Counted, not reserved, as the final server's `ChatHandshake` does: a connection counts from the
/// moment its handler starts, so a burst of handshakes may overshoot by the few in flight, and a
/// client that vanishes during its upgrade leaves nothing to give back.
public final class ConnectionLimit: ConnectionLimiting {
    /// How long a refused client is asked to wait, in seconds.
    public static let retryAfter = "5"

    public let maxConnections: Int
    private let open = NIOLockedValueBox(0)

    public init(maxConnections: Int) {
        self.maxConnections = maxConnections
    }

    public func decide() throws -> UpgradeDecision {
        guard try openCount() >= maxConnections else { return .accept([:]) }
        let reason = "The server is at its limit of \(maxConnections) connections; try again shortly."
        return .refuse(HandshakeRefusal(status: .serviceUnavailable, reason: reason, headers: [.retryAfter: Self.retryAfter]))
    }

    public func opened() throws {
        open.withLockedValue { $0 += 1 }
    }

    public func closed() throws {
        open.withLockedValue { $0 -= 1 }
    }

    public func openCount() throws -> Int {
        open.withLockedValue { $0 }
    }
}
