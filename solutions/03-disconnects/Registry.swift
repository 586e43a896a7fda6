import LessonKit
import NIOConcurrencyHelpers

/// Exercise 2, the reference: the open connections and who is online, safe to use from every
/// connection's task at once.
///
/// A lock, not an actor: removing a connection must be possible from a `defer`, which cannot `await`.
public final class Registry: ConnectionRegistry {
    private struct State {
        var nextID = 0
        var users: [Int: String] = [:]
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    public func connect(user: String) throws -> Int {
        state.withLockedValue { state in
            let id = state.nextID
            state.nextID += 1
            state.users[id] = user
            return id
        }
    }

    public func disconnect(_ connection: Int) throws {
        _ = state.withLockedValue { $0.users.removeValue(forKey: connection) }
    }

    public func connectionCount() throws -> Int {
        state.withLockedValue { $0.users.count }
    }

    public func online() throws -> [String] {
        state.withLockedValue { Set($0.users.values).sorted() }
    }
}
