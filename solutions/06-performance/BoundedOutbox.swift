import LessonKit
import NIOConcurrencyHelpers
import NIOCore
import NIOWebSocket

/// Exercise 3, the reference: one connection's queue, bounded in messages and in bytes.
///
/// A message that would take the queue past either bound drops the backlog and closes the outbox:
/// from then on, `take()` answers the close (1008, "too slow to keep up") and `enqueue` keeps
/// nothing. So what waits for one connection never exceeds the bounds, whatever its reader does.
public final class BoundedOutbox: BoundedFrameOutbox {
    /// The close code and reason of a reader too slow to keep up, as the final server sends them.
    public static let overflowClose = OutboxTake.close(.policyViolation, reason: "too slow to keep up")

    private struct State {
        var queue: [ByteBuffer] = []
        var bytes = 0
        var hasOverflowed = false
    }

    public let maxMessages: Int
    public let maxBytes: Int
    private let state = NIOLockedValueBox(State())

    public init(maxMessages: Int, maxBytes: Int) {
        self.maxMessages = maxMessages
        self.maxBytes = maxBytes
    }

    public func enqueue(_ payload: ByteBuffer) throws {
        state.withLockedValue { state in
            guard !state.hasOverflowed else { return }
            guard state.queue.count < maxMessages, state.bytes + payload.readableBytes <= maxBytes else {
                state = State(hasOverflowed: true)
                return
            }
            state.queue.append(payload)
            state.bytes += payload.readableBytes
        }
    }

    public func take() throws -> OutboxTake {
        state.withLockedValue { state in
            if state.hasOverflowed { return Self.overflowClose }
            guard !state.queue.isEmpty else { return .empty }
            defer { state = State() }
            return .messages(state.queue)
        }
    }

    public func hasOverflowed() throws -> Bool {
        state.withLockedValue { $0.hasOverflowed }
    }

    public func queuedMessages() throws -> Int {
        state.withLockedValue { $0.queue.count }
    }

    public func queuedBytes() throws -> Int {
        state.withLockedValue { $0.bytes }
    }
}
