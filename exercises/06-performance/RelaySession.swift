import LessonKit
import NIOWebSocket

/// Exercise 4: the fast path's rules for one connection, as a value that does no I/O.
///
/// The server feeds it each message the client sends and carries out the actions it returns, in
/// order (``Relaying``, in `Sources/LessonKit/Relay.swift`). The rules:
/// - a text of at most `maxMessageBytes` bytes of UTF-8 is broadcast, as a ``RelayedMessage``;
/// - a longer text closes the connection with 1009 (`.messageTooLarge`, RFC 6455 §7.4.1);
/// - a binary message closes it with 1003 (`.unacceptableData`);
/// - once it has said to close, it answers every later event with no action at all.
/// Any reason a person can read will do. Lesson 6's text, "Exercise 4", says why this is a value.
public struct RelaySession: Relaying {
    public let maxMessageBytes: Int

    public init(maxMessageBytes: Int) {
        self.maxMessageBytes = maxMessageBytes
    }

    public mutating func handle(_ event: RelayEvent) throws -> [RelayAction] {
        // TODO: apply the rules above to `event`. Then delete the line below.
        throw NotDoneYet("decide what each event means: handle, in RelaySession.swift")
    }
}
