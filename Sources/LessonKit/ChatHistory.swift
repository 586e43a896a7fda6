public import ChatServer

/// What lesson 5's history does: every room message, in a SQLite file, committed before anyone is told.
///
/// Every method throws already, for the database; an unwritten exercise throws "not done yet".
public protocol ChatHistory: Sendable {
    /// Stores a room message, unless `user` already stored one with the same `clientID`.
    ///
    /// - Parameters:
    ///   - onCommit: runs once the new message is committed, before any later commit: what a server
    ///     broadcasts from. It does not run for a resend.
    /// - Returns: the message as stored, and whether it is new; a resend returns the first copy.
    func append(
        room: String,
        from user: String,
        text: String,
        clientID: String?,
        onCommit: @escaping @Sendable (ChatMessage) -> Void
    ) async throws -> AppendedMessage

    /// The messages of `room` after `id`, oldest first, at most `limit`; without `id`, the latest
    /// `limit`, oldest first. Runs `body` with them in step with the commits of ``append(room:from:text:clientID:onCommit:)``:
    /// a message committed after the read has its `onCommit` run after `body`. What `body` throws,
    /// this throws.
    func messages(
        in room: String,
        after id: Int64?,
        limit: Int,
        then body: @escaping @Sendable ([ChatMessage]) throws -> Void
    ) async throws -> [ChatMessage]

    /// The messages of `room` before `id` (without `id`, the latest), oldest first, at most `limit`.
    func messages(in room: String, before id: Int64?, limit: Int) async throws -> [ChatMessage]
}

extension ChatHistory {
    /// The messages of `room` after `id` (without `id`, the latest), oldest first, at most `limit`.
    public func messages(in room: String, after id: Int64?, limit: Int) async throws -> [ChatMessage] {
        try await messages(in: room, after: id, limit: limit, then: { _ in })
    }
}

/// What storing a message came to.
public struct AppendedMessage: Sendable, Equatable {
    /// The message as stored: the new one, or for a resend the first copy.
    public var message: ChatMessage
    /// Whether it was stored now; `false` for a resend.
    public var isNew: Bool

    public init(message: ChatMessage, isNew: Bool) {
        self.message = message
        self.isNew = isNew
    }
}
