import DequeModule
import NIOConcurrencyHelpers
import NIOCore
import NIOWebSocket

/// The way into one connection's writes: anything may put frames in it, from any task or thread, and
/// they go out in the order they were put in.
///
/// The hub fans a message out by putting the same encoded buffer into each member's outbox, so a
/// broadcast costs one encoding and no task switch per recipient, and never waits for a recipient.
/// The connection's ``WebSocketConnectionHandler`` takes every queued frame at once on its event
/// loop, writes them with one flush, and writes the close after them. It is woken when frames arrive
/// in a queue it found empty, so an idle connection costs no wake-up at all.
///
/// The queue is bounded, in messages and in bytes. A reader that stalls lets its queue fill; past
/// either bound its backlog is dropped, the outbox closes with 1008 "too slow to keep up", and the
/// handler given to ``whenOverflowed(_:)`` runs, so that the connection can be cut even if its close
/// frame is stuck behind a full socket. Memory per connection therefore stays below the bounds,
/// whatever a client does.
final class Outbox: Sendable {
    /// How much may wait for one connection.
    struct Bounds: Sendable, Equatable {
        var messages: Int
        var bytes: Int
    }

    /// A Close frame to write after the queued frames.
    struct Close: Sendable, Equatable {
        var code: WebSocketErrorCode
        var reason: String
    }

    private struct State {
        var queue = Deque<TextFrames>()
        var queuedMessages = 0
        var queuedBytes = 0
        /// The close to write once the queue is empty.
        var close: Close?
        /// No more may be queued: a close is queued, or the connection can write no more.
        var isClosed = false
        var hasOverflowed = false
        var onOverflow: (@Sendable () -> Void)?
        var wake: OutboxWake?
        /// The writer found the queue empty: the next frame wakes it.
        var isWakeArmed = false

        /// The writer, if it waits to be told that there is something to write.
        mutating func writerToWake() -> OutboxWake? {
            guard isWakeArmed, let wake else { return nil }
            isWakeArmed = false
            return wake
        }
    }

    let bounds: Bounds
    private let state = NIOLockedValueBox(State())

    init(bounds: Bounds) {
        self.bounds = bounds
    }

    /// Queues a text frame, or overflows.
    func send(_ text: TextFrame) {
        OutboxWakes.gather { send(TextFrames(text), gatheringWakesInto: &$0) }
    }

    /// Queues a message, encoding it for this connection alone.
    func send(_ message: ServerMessage) {
        send(message.textFrame)
    }

    /// Queues text frames, or overflows, for a fan-out: a writer to wake is added to `wakes`, to be
    /// woken with the others on its event loop.
    func send(_ frames: TextFrames, gatheringWakesInto wakes: inout OutboxWakes) {
        let (writer, onOverflow) = state.withLockedValue { state -> (OutboxWake?, (@Sendable () -> Void)?) in
            guard !state.isClosed else { return (nil, nil) }
            guard state.queuedMessages + frames.count <= bounds.messages, state.queuedBytes + frames.bytes.readableBytes <= bounds.bytes
            else {
                state.queue.removeAll()
                state.queuedMessages = 0
                state.queuedBytes = 0
                state.isClosed = true
                state.hasOverflowed = true
                state.close = Close(code: .policyViolation, reason: "too slow to keep up")
                defer { state.onOverflow = nil }
                return (state.writerToWake(), state.onOverflow)
            }
            state.queue.append(frames)
            state.queuedMessages += frames.count
            state.queuedBytes += frames.bytes.readableBytes
            return (state.writerToWake(), nil)
        }
        if let writer { wakes.add(writer) }
        onOverflow?()
    }

    /// Queues a close frame; frames queued before it are written first, nothing after it.
    func close(_ code: WebSocketErrorCode, reason: String) {
        let writer = state.withLockedValue { state -> OutboxWake? in
            guard !state.isClosed else { return nil }
            state.isClosed = true
            state.close = Close(code: code, reason: reason)
            return state.writerToWake()
        }
        if let writer { writer.eventLoop.execute(writer.drain) }
    }

    /// Hands the frames to a writer: it is woken now if something waits, and later whenever frames
    /// arrive after ``takeTexts(into:)`` found the queue empty.
    func attach(_ wake: OutboxWake) {
        let wakeNow = state.withLockedValue { state in
            state.wake = wake
            let hasSomethingToWrite = !state.queue.isEmpty || state.close != nil
            state.isWakeArmed = !hasSomethingToWrite
            return hasSomethingToWrite
        }
        if wakeNow { wake.eventLoop.execute(wake.drain) }
    }

    /// Moves every queued text frame into `texts` (which must be empty). Finding none, it arms the
    /// wake-up for the next frame.
    ///
    /// - Returns: the close to write, once no text frame is left before it.
    func takeTexts(into texts: inout Deque<TextFrames>) -> Close? {
        state.withLockedValue { state -> Close? in
            swap(&texts, &state.queue)
            state.queuedMessages = 0
            state.queuedBytes = 0
            if texts.isEmpty, let close = state.close {
                state.close = nil
                return close
            }
            state.isWakeArmed = texts.isEmpty
            return nil
        }
    }

    /// The connection can write no more (it closed, or its Close frame went out): the backlog is
    /// dropped and nothing more is queued.
    func detach() {
        state.withLockedValue { state in
            state.wake = nil
            state.queue.removeAll()
            state.queuedMessages = 0
            state.queuedBytes = 0
            state.close = nil
            state.isClosed = true
            state.onOverflow = nil
        }
    }

    /// Runs `handler` once if the outbox overflows (at once if it has); never once it is detached.
    func whenOverflowed(_ handler: @escaping @Sendable () -> Void) {
        let now = state.withLockedValue { state -> Bool in
            if state.hasOverflowed { return true }
            if !state.isClosed { state.onOverflow = handler }
            return false
        }
        if now { handler() }
    }

    /// How many messages are waiting, for tests.
    var queuedCount: Int { state.withLockedValue { $0.queuedMessages } }
}
