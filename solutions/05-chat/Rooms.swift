import ChatServer
import LessonKit
import NIOConcurrencyHelpers

/// Exercise 1, the reference: connections, the rooms they are in, and the presence of their users,
/// safe to use from every connection's task at once.
///
/// One lock over all of it, so that a join and a drop can never interleave halfway; messages are
/// delivered after the lock is released, so that a slow `deliver` never holds up the other rooms.
public final class Rooms: ChatRooms {
    private struct Connection {
        let user: String
        let deliver: @Sendable (ServerMessage) -> Void
        var rooms: Set<String> = []
    }

    private struct State {
        var nextID = 0
        var connections: [Int: Connection] = [:]
        var rooms: [String: Set<Int>] = [:]

        func users(in room: String) -> [String] {
            Set(rooms[room, default: []].compactMap { connections[$0]?.user }).sorted()
        }

        func isPresent(_ user: String, in room: String) -> Bool {
            rooms[room, default: []].contains { connections[$0]?.user == user }
        }

        func deliveries(in room: String, except excluded: Int?) -> [@Sendable (ServerMessage) -> Void] {
            rooms[room, default: []].filter { $0 != excluded }.compactMap { connections[$0]?.deliver }
        }
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    public func connect(user: String, deliver: @escaping @Sendable (ServerMessage) -> Void) throws -> Int {
        state.withLockedValue { state in
            let id = state.nextID
            state.nextID += 1
            state.connections[id] = Connection(user: user, deliver: deliver)
            return id
        }
    }

    public func disconnect(_ connection: Int) throws {
        let rooms = state.withLockedValue { $0.connections[connection]?.rooms ?? [] }
        for room in rooms {
            try leave(connection, room: room)
        }
        _ = state.withLockedValue { $0.connections.removeValue(forKey: connection) }
    }

    @discardableResult
    public func join(_ connection: Int, room: String) throws -> [String] {
        let (user, members, others) = state.withLockedValue { state -> (String?, [String], [@Sendable (ServerMessage) -> Void]) in
            guard let user = state.connections[connection]?.user else { return (nil, [], []) }
            // Told only when the user is new to the room: a second tab is not a second person.
            let others = state.isPresent(user, in: room) ? [] : state.deliveries(in: room, except: connection)
            state.rooms[room, default: []].insert(connection)
            state.connections[connection]?.rooms.insert(room)
            return (user, state.users(in: room), others)
        }
        if let user {
            for deliver in others { deliver(.presence(room: room, user: user, event: .joined)) }
        }
        return members
    }

    @discardableResult
    public func leave(_ connection: Int, room: String) throws -> Bool {
        let (user, others) = state.withLockedValue { state -> (String?, [@Sendable (ServerMessage) -> Void]) in
            guard let user = state.connections[connection]?.user, state.rooms[room]?.remove(connection) != nil else { return (nil, []) }
            state.connections[connection]?.rooms.remove(room)
            if state.rooms[room]?.isEmpty == true { state.rooms[room] = nil }
            return (user, state.isPresent(user, in: room) ? [] : state.deliveries(in: room, except: nil))
        }
        guard let user else { return false }
        for deliver in others { deliver(.presence(room: room, user: user, event: .left)) }
        return true
    }

    public func isMember(_ connection: Int, of room: String) throws -> Bool {
        state.withLockedValue { $0.rooms[room]?.contains(connection) ?? false }
    }

    public func broadcast(_ message: ServerMessage, to room: String, except excluded: Int?) throws {
        for deliver in state.withLockedValue({ $0.deliveries(in: room, except: excluded) }) {
            deliver(message)
        }
    }

    public func members(of room: String) throws -> [String] {
        state.withLockedValue { $0.users(in: room) }
    }

    public func connectionCount() throws -> Int {
        state.withLockedValue { $0.connections.count }
    }
}
