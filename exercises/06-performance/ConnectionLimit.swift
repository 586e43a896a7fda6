import ChatServer
import HTTPTypes
import LessonKit
import NIOConcurrencyHelpers

/// Exercise 1: a connection limit that refuses handshakes before the upgrade.
///
/// The contract is ``ConnectionLimiting``'s (in `Sources/LessonKit/Relay.swift`). The server calls
/// `opened()` when a connection's handler starts and `closed()` when it ends, from every connection's
/// task at once, and `decide()` on each handshake to the fast path. While `maxConnections` are open,
/// `decide()` refuses with 503 Service Unavailable and a `Retry-After` header (RFC 9110 §10.2.3), a
/// reason a person can read in its body; otherwise it accepts. Lesson 6's text, "Exercise 1", says
/// why the refusal comes before the upgrade and why it is a 503 and not a close code.
public final class ConnectionLimit: ConnectionLimiting {
    public let maxConnections: Int

    public init(maxConnections: Int) {
        self.maxConnections = maxConnections
    }

    public func decide() throws -> UpgradeDecision {
        // TODO: accept while fewer than `maxConnections` are open; else refuse with 503 and Retry-After. Then delete the line below.
        throw NotDoneYet("refuse a handshake past the limit with 503 and Retry-After: decide, in ConnectionLimit.swift")
    }

    public func opened() throws {
        // TODO: count one more open connection, safely from many tasks at once. Then delete the line below.
        throw NotDoneYet("count the open connections: opened, in ConnectionLimit.swift")
    }

    public func closed() throws {
        // TODO: count one fewer. Then delete the line below.
        throw NotDoneYet("count the open connections: closed, in ConnectionLimit.swift")
    }

    public func openCount() throws -> Int {
        // TODO: how many are open. Then delete the line below.
        throw NotDoneYet("count the open connections: openCount, in ConnectionLimit.swift")
    }
}
