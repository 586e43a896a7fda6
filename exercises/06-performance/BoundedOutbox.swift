import LessonKit
import NIOConcurrencyHelpers
import NIOCore
import NIOWebSocket

/// Exercise 3: one connection's queue of outgoing messages, bounded in messages and in bytes.
///
/// The contract is ``BoundedFrameOutbox``'s (in `Sources/LessonKit/Relay.swift`). `enqueue` never
/// waits: it keeps the message, in order, unless keeping it would make more than `maxMessages`
/// messages or more than `maxBytes` bytes of payload wait. Then the outbox overflows: it drops
/// everything queued, keeps nothing more, and every `take()` from then on answers
/// `.close(.policyViolation, reason: "too slow to keep up")`, the close the final server sends.
/// Before that, `take()` hands over everything queued at once (or `.empty`). Lesson 6's text,
/// "Exercise 3", says why a slow reader is cut rather than waited for.
public final class BoundedOutbox: BoundedFrameOutbox {
    public let maxMessages: Int
    public let maxBytes: Int

    public init(maxMessages: Int, maxBytes: Int) {
        self.maxMessages = maxMessages
        self.maxBytes = maxBytes
    }

    public func enqueue(_ payload: ByteBuffer) throws {
        // TODO: queue the payload, or overflow past either bound. Then delete the line below.
        throw NotDoneYet("queue a message within the bounds, or overflow: enqueue, in BoundedOutbox.swift")
    }

    public func take() throws -> OutboxTake {
        // TODO: everything queued at once, `.empty`, or the close once overflowed. Then delete the line below.
        throw NotDoneYet("hand the queued messages to the writer: take, in BoundedOutbox.swift")
    }

    public func hasOverflowed() throws -> Bool {
        // TODO: whether the outbox has overflowed. Then delete the line below.
        throw NotDoneYet("say whether the outbox overflowed: hasOverflowed, in BoundedOutbox.swift")
    }

    public func queuedMessages() throws -> Int {
        // TODO: how many messages wait. Then delete the line below.
        throw NotDoneYet("count the waiting messages: queuedMessages, in BoundedOutbox.swift")
    }

    public func queuedBytes() throws -> Int {
        // TODO: how many bytes of payload wait. Then delete the line below.
        throw NotDoneYet("count the waiting bytes: queuedBytes, in BoundedOutbox.swift")
    }
}
