/// What lesson 3's registry does: the server's list of open connections, and from it who is online.
///
/// Every method throws only so that an unwritten exercise can say "not done yet".
public protocol ConnectionRegistry: Sendable {
    /// Adds an open connection of `user` and returns its id: new, and never given again.
    func connect(user: String) throws -> Int
    /// Removes a connection; removing one that is gone already, or was never there, changes nothing.
    func disconnect(_ connection: Int) throws
    /// How many connections are open.
    func connectionCount() throws -> Int
    /// The users with at least one open connection, sorted, each once.
    func online() throws -> [String]
}
