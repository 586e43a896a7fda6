import LessonKit
import NIOConcurrencyHelpers

/// Exercise 2: the open connections and who is online, safe to use from every connection's task at
/// once.
///
/// Keep a dictionary from connection id to user name, and the next id to give, in one
/// `NIOLockedValueBox` (`state.withLockedValue { … }` runs a closure with the lock held). A lock rather
/// than an actor: the server removes a connection from a `defer`, and a `defer` cannot `await`.
public final class Registry: ConnectionRegistry {
    public init() {}

    /// Adds an open connection of `user` and returns its id: new, and never given again.
    public func connect(user: String) throws -> Int {
        // TODO: store the connection under a new id. Then delete the line below.
        throw NotDoneYet("keep the open connections: connect, disconnect, connectionCount, online, in Registry.swift")
    }

    /// Removes a connection; removing one that is gone already, or was never there, changes nothing.
    public func disconnect(_ connection: Int) throws {
        // TODO: remove it. Then delete the line below.
        throw NotDoneYet("keep the open connections: connect, disconnect, connectionCount, online, in Registry.swift")
    }

    /// How many connections are open.
    public func connectionCount() throws -> Int {
        // TODO: count them. Then delete the line below.
        throw NotDoneYet("keep the open connections: connect, disconnect, connectionCount, online, in Registry.swift")
    }

    /// The users with at least one open connection, sorted, each once.
    public func online() throws -> [String] {
        // TODO: list them. Then delete the line below.
        throw NotDoneYet("keep the open connections: connect, disconnect, connectionCount, online, in Registry.swift")
    }
}
