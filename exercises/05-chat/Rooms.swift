import ChatServer
import LessonKit
import NIOConcurrencyHelpers

/// Exercise 1: connections, the rooms they are in, and the presence of their users, safe to use from
/// every connection's task at once: lesson 3's registry grown up.
///
/// The contract is ``ChatRooms``'s (in `Sources/LessonKit/ChatRooms.swift`): read it first. In short,
/// a connection has a way out (`deliver`) and may be in many rooms; a room message goes to every
/// connection in the room; presence is per user, `joined` when a user's first connection enters a
/// room and `left` when the last one leaves it or drops. Lesson 5's text, "Exercise 1: rooms", says
/// why one lock guards it all and why messages go out after the lock is released.
public final class Rooms: ChatRooms {
    public init() {}

    public func connect(user: String, deliver: @escaping @Sendable (ServerMessage) -> Void) throws -> Int {
        // TODO: keep the connection, and its way out, under a new id. Then delete the line below.
        throw NotDoneYet("keep connections and their rooms: connect, in Rooms.swift")
    }

    public func disconnect(_ connection: Int) throws {
        // TODO: take it out of each of its rooms, telling them as `leave` does, then forget it. Then delete the line below.
        throw NotDoneYet("let a connection go from every room it is in: disconnect, in Rooms.swift")
    }

    @discardableResult
    public func join(_ connection: Int, room: String) throws -> [String] {
        // TODO: add it to the room; tell the others `joined` if its user is new there; return the members. Then delete the line below.
        throw NotDoneYet("put a connection in a room, with presence: join, in Rooms.swift")
    }

    @discardableResult
    public func leave(_ connection: Int, room: String) throws -> Bool {
        // TODO: take it out of the room; tell the rest `left` if it was its user's last connection there. Then delete the line below.
        throw NotDoneYet("take a connection out of a room, with presence: leave, in Rooms.swift")
    }

    public func isMember(_ connection: Int, of room: String) throws -> Bool {
        // TODO: whether the connection is in the room. Then delete the line below.
        throw NotDoneYet("say whether a connection is in a room: isMember, in Rooms.swift")
    }

    public func broadcast(_ message: ServerMessage, to room: String, except excluded: Int?) throws {
        // TODO: deliver the message to every connection in the room but `excluded`. Then delete the line below.
        throw NotDoneYet("send a message to a room: broadcast, in Rooms.swift")
    }

    public func members(of room: String) throws -> [String] {
        // TODO: the room's users, sorted, each once. Then delete the line below.
        throw NotDoneYet("list a room's users: members, in Rooms.swift")
    }

    public func connectionCount() throws -> Int {
        // TODO: how many connections are open. Then delete the line below.
        throw NotDoneYet("count the open connections: connectionCount, in Rooms.swift")
    }
}
