public import ChatServer

/// What lesson 5's rooms do: lesson 3's registry grown up. Each connection has a way out, may be in
/// any number of rooms, and a message sent to a room reaches every connection in it.
///
/// Presence is per user, not per connection: a user joins a room when their first connection there
/// joins, and leaves it when their last one there leaves or drops.
///
/// Every method throws only so that an unwritten exercise can say "not done yet".
public protocol ChatRooms: Sendable {
    /// Adds an open connection of `user`, in no room yet, and returns its id: new, and never given again.
    ///
    /// - Parameter deliver: sends one message to this connection; it must not wait, and may be called
    ///   from any task, with or without a lock held.
    func connect(user: String, deliver: @escaping @Sendable (ServerMessage) -> Void) throws -> Int
    /// Takes a connection out of every room it is in, as ``leave(_:room:)`` would, then forgets it.
    /// Removing one that is gone already, or was never there, changes nothing.
    func disconnect(_ connection: Int) throws
    /// Puts a connection in a room. When it is its user's first connection there, the room's other
    /// connections are sent a `presence` event `joined`.
    ///
    /// - Returns: the room's users afterwards, sorted, each once.
    @discardableResult
    func join(_ connection: Int, room: String) throws -> [String]
    /// Takes a connection out of a room. When it was its user's last connection there, the room's
    /// remaining connections are sent a `presence` event `left`.
    ///
    /// - Returns: whether it was in the room.
    @discardableResult
    func leave(_ connection: Int, room: String) throws -> Bool
    /// Whether a connection is in a room.
    func isMember(_ connection: Int, of room: String) throws -> Bool
    /// Sends a message to every connection in a room, except `excluded`.
    func broadcast(_ message: ServerMessage, to room: String, except excluded: Int?) throws
    /// The users with a connection in a room, sorted, each once.
    func members(of room: String) throws -> [String]
    /// How many connections are open.
    func connectionCount() throws -> Int
}
