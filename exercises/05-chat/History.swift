import ChatServer
import Foundation
import GRDB
import LessonKit

/// Exercise 2: every room message in a SQLite file, through GRDB, committed before anyone is told.
///
/// The contract is ``ChatHistory``'s (in `Sources/LessonKit/ChatHistory.swift`). In short:
/// - opening a file creates its `message` table with a migration, and opening it again keeps what
///   it holds;
/// - `append` commits, then calls `onCommit`, before any later commit; a second message from the
///   same sender with the same `clientID` is not stored: the first copy comes back, with `isNew` false;
/// - reads return a room's messages oldest first: after an id, before an id, or the latest.
/// Lesson 5's text, "Exercise 2: history in SQLite", says why the order matters, and GRDB's
/// documentation (`DatabasePool`, `DatabaseMigrator`, records) how to do it.
public final class History: ChatHistory {
    /// Opens the history at `path`, creating the file and its table if need be.
    public init(path: String) throws {
        // TODO: open a database pool at `path` and migrate it. Then delete the line below.
        throw NotDoneYet("open the SQLite file and migrate it: init(path:), in History.swift")
    }

    public func append(
        room: String,
        from user: String,
        text: String,
        clientID: String?,
        onCommit: @escaping @Sendable (ChatMessage) -> Void
    ) async throws -> AppendedMessage {
        // TODO: store the message unless it is a resend, commit, then call onCommit. Then delete the line below.
        throw NotDoneYet("store a message, once per client id, and tell after the commit: append, in History.swift")
    }

    public func messages(
        in room: String,
        after id: Int64?,
        limit: Int,
        then body: @escaping @Sendable ([ChatMessage]) throws -> Void
    ) async throws -> [ChatMessage] {
        // TODO: read the messages after `id` (or the latest), run body with them between two commits. Then delete the line below.
        throw NotDoneYet("read what a joining client missed, in step with the commits: messages(in:after:), in History.swift")
    }

    public func messages(in room: String, before id: Int64?, limit: Int) async throws -> [ChatMessage] {
        // TODO: read the messages before `id` (or the latest), oldest first. Then delete the line below.
        throw NotDoneYet("read a room's older messages: messages(in:before:), in History.swift")
    }
}
