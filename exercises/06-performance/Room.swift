import LessonKit
import NIOConcurrencyHelpers
import NIOCore

/// Exercise 2: the fast path's members, and a broadcast that encodes a message once.
///
/// The contract is ``BroadcastRoom``'s (in `Sources/LessonKit/Relay.swift`). Every connection's task
/// calls it at once. `broadcast` calls `encode` once, whatever the number of members, and puts that
/// same buffer into every member's outbox; it never waits for a member (an outbox's `enqueue` never
/// waits either). Lesson 6's text, "Exercise 2", says what encoding per recipient costs.
public final class Room: BroadcastRoom {
    public init() {}

    public func join(_ outbox: any FrameOutbox) throws -> Int {
        // TODO: keep the outbox under a new id and return the id. Then delete the line below.
        throw NotDoneYet("keep the members and their outboxes: join, in Room.swift")
    }

    public func leave(_ member: Int) throws {
        // TODO: forget the member; an unknown id changes nothing. Then delete the line below.
        throw NotDoneYet("let a member go: leave, in Room.swift")
    }

    public func broadcast(_ message: RelayedMessage, encode: (RelayedMessage) throws -> ByteBuffer) throws {
        // TODO: encode the message once and enqueue that buffer in every member's outbox. Then delete the line below.
        throw NotDoneYet("send a message to every member, encoding it once: broadcast, in Room.swift")
    }

    public func memberCount() throws -> Int {
        // TODO: how many members there are. Then delete the line below.
        throw NotDoneYet("count the members: memberCount, in Room.swift")
    }
}
