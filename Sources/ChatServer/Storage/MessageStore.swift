import Foundation

/// Where every message is kept: a message is committed here before anyone is told of it.
///
/// Two stores keep this contract: ``SQLiteMessageStore`` (one process, a file) and
/// ``PostgresMessageStore`` (a PostgreSQL database that several processes may share). One contract
/// suite runs against both.
public protocol MessageStore: AnyObject, Sendable {
    /// A message about to be stored.
    typealias Draft = MessageDraft
    /// What storing a message came to: the message as stored, and whether it is new (not a resend).
    typealias Appended = (message: ChatMessage, isNew: Bool)

    /// Stores a message, unless its sender already stored one with the same `clientID`, without
    /// waiting.
    ///
    /// `onCommit` runs once the message is committed, in commit order: callbacks never overtake one
    /// another, so fanning out from them delivers a room's messages in id order. Messages that arrive
    /// while a commit is under way are committed together by the next one (a group commit).
    /// `completion` runs after `onCommit`, in the same order.
    ///
    /// A resend completes with the message stored the first time, and `isNew` false; its `onCommit`
    /// does not run, so a client that resends after a reconnect never makes a duplicate.
    func append(
        _ draft: Draft,
        onCommit: @escaping @Sendable (ChatMessage) -> Void,
        completion: @escaping @Sendable (Result<Appended, any Error>) -> Void
    )

    /// Reads what a client joining a room should see, and runs `body` with it, in step with the
    /// commit callbacks of ``append(_:onCommit:completion:)``.
    ///
    /// A message committed before the read is in the list; one committed after it runs its callback
    /// after `body`. So if `body` makes the client a member of the room, the client sees every message
    /// exactly once: in the list, or live.
    ///
    /// - Parameters:
    ///   - room: the room.
    ///   - since: the last id the client has seen: the messages after it, oldest first; `nil` for the
    ///     latest messages.
    ///   - limit: the most messages to read.
    ///   - body: what to do with them, such as joining the room and answering the client.
    /// - Returns: what `body` returns (a caller that only acts in `body` may ignore it).
    @discardableResult
    func recentMessages<Value: Sendable>(
        in room: String,
        since: Int64?,
        limit: Int,
        then body: @escaping @Sendable ([ChatMessage]) -> Value
    ) async throws -> Value

    /// The messages of a room before `id` (or the very latest), oldest first, at most `limit`.
    func messages(in room: String, before id: Int64?, limit: Int) async throws -> [ChatMessage]

    /// The direct messages `user` sent or received: those after `since`, oldest first, or without
    /// `since` the latest; at most `limit`.
    func directMessages(of user: String, since: Int64?, limit: Int) async throws -> [ChatMessage]
}

extension MessageStore {
    /// The most messages one commit carries, in either store. A room's messages from one commit
    /// reach each member together, before its connection can write any of them: a commit larger
    /// than an outbox's bound would close every member of the room as too slow.
    public static var maxAppendsPerCommit: Int { 256 }

    /// Stores a message as ``append(_:onCommit:completion:)`` does, and waits for the outcome.
    ///
    /// - Returns: the stored message, and whether it is new; a resend returns the message stored the
    ///   first time.
    public func append(
        _ draft: Draft,
        onCommit: @escaping @Sendable (ChatMessage) -> Void = { _ in }
    ) async throws -> Appended {
        try await withCheckedThrowingContinuation { continuation in
            append(draft, onCommit: onCommit) { continuation.resume(with: $0) }
        }
    }

    /// The very latest messages of a room, oldest first, at most `limit`.
    public func messages(in room: String, limit: Int) async throws -> [ChatMessage] {
        try await messages(in: room, before: nil, limit: limit)
    }
}

/// A message about to be stored: a room message (`room`) or a direct one (`to`).
public struct MessageDraft: Sendable, Equatable {
    public var room: String?
    public var to: String?
    public var from: String
    public var text: String
    public var clientID: String?

    public init(room: String? = nil, to: String? = nil, from: String, text: String, clientID: String?) {
        self.room = room
        self.to = to
        self.from = from
        self.text = text
        self.clientID = clientID
    }
}
