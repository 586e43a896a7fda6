import DequeModule
import NIOConcurrencyHelpers
import NIOCore
import NIOWebSocket

/// What a connection's writer is asked to do, in order.
enum OutboundEvent: Sendable, Equatable {
    /// Write one text frame, already encoded.
    case text(ByteBuffer)
    /// Send a close frame with this code and reason, then write nothing more.
    case close(WebSocketErrorCode, reason: String)
}

/// The way into one connection's writer: anything may put frames in it, from any task or thread, and
/// they go out in the order they were put in.
///
/// The hub fans a message out by putting the same encoded buffer into each member's outbox, so a
/// broadcast costs one encoding and no task switch per recipient, and never waits for a recipient.
///
/// Frames leave in one of two ways. By default the connection's writer task takes them one at a
/// time with ``next()``. Once a ``FrameWriter`` is attached, it takes every queued frame at once on
/// the connection's event loop, writes them with one flush, and writes the close after them; no
/// task waits for it.
///
/// The queue is bounded, in messages and in bytes. A reader that stalls lets its queue fill; past
/// either bound its backlog is dropped, the outbox closes with 1008 "too slow", and the handler given
/// to ``whenOverflowed(_:)`` runs, so that the connection can be cut even if its close frame is stuck
/// behind a full socket.
/// Memory per connection therefore stays below the bounds, whatever a client does.
final class Outbox: Sendable {
    /// How much may wait for one connection's writer.
    struct Bounds: Sendable, Equatable {
        var messages: Int
        var bytes: Int
    }

    private struct State {
        var queue = Deque<TextFrame>()
        var queuedBytes = 0
        /// The close to send once the queue is empty.
        var close: OutboundEvent?
        /// No more may be queued: a close is queued, or the outbox is finished.
        var isClosed = false
        var isFinished = false
        var hasOverflowed = false
        /// A close was asked for, and whether the frame writer has written it (or is gone).
        var hasRequestedClose = false
        var isCloseSettled = false
        var closeWaiter: CheckedContinuation<Void, Never>?
        var writer: CheckedContinuation<OutboundEvent?, Never>?
        var onOverflow: (@Sendable () -> Void)?
        /// Set while a frame writer takes the text frames: called once when frames arrive in an empty queue.
        var wake: FrameWriterWake?
        var isWakeArmed = false

        var takesTextsDirectly: Bool { wake != nil }

        /// The frame writer, if it waits to be told that there is something to write.
        mutating func frameWriterToWake() -> FrameWriterWake? {
            guard isWakeArmed, let wake else { return nil }
            isWakeArmed = false
            return wake
        }

        /// The close is written, or will never be: whoever waits for it may go on.
        mutating func settleClose() -> CheckedContinuation<Void, Never>? {
            isCloseSettled = true
            defer { closeWaiter = nil }
            return closeWaiter
        }

        /// What the writer task gets next, if it may have it now.
        mutating func nextForWriter() -> OutboundEvent?? {
            if !takesTextsDirectly, let text = queue.popFirst() {
                queuedBytes -= text.payload.readableBytes
                return .some(.text(text.payload))
            }
            guard queue.isEmpty else { return nil }
            if let close {
                self.close = nil
                return .some(close)
            }
            return isFinished ? .some(nil) : nil
        }

        /// The waiting writer task and what to resume it with, if it may have something now.
        mutating func writerToResume() -> (CheckedContinuation<OutboundEvent?, Never>, OutboundEvent?)? {
            guard let writer, let event = nextForWriter() else { return nil }
            self.writer = nil
            return (writer, event)
        }
    }

    /// Who to wake once the lock is released.
    private struct Wakeups {
        var writer: (CheckedContinuation<OutboundEvent?, Never>, OutboundEvent?)?
        var frameWriter: FrameWriterWake?
        var onOverflow: (@Sendable () -> Void)?
        var closeWaiter: CheckedContinuation<Void, Never>?

        func wake() {
            if let (writer, event) = writer { writer.resume(returning: event) }
            if let frameWriter { frameWriter.eventLoop.execute(frameWriter.drain) }
            onOverflow?()
            closeWaiter?.resume()
        }
    }

    let bounds: Bounds
    private let state = NIOLockedValueBox(State())

    init(bounds: Bounds) {
        self.bounds = bounds
    }

    /// Queues a text frame, or overflows.
    func send(_ text: TextFrame) {
        FrameWriterWakes.gather { send(text, gatheringWakesInto: &$0) }
    }

    /// Queues a text frame, or overflows, for a fan-out: a frame writer to wake is added to `wakes`,
    /// to be woken with the others on its event loop.
    func send(_ text: TextFrame, gatheringWakesInto wakes: inout FrameWriterWakes) {
        var wakeups = enqueue(text)
        if let frameWriter = wakeups.frameWriter {
            wakes.add(frameWriter)
            wakeups.frameWriter = nil
        }
        wakeups.wake()
    }

    private func enqueue(_ text: TextFrame) -> Wakeups {
        state.withLockedValue { state -> Wakeups in
            guard !state.isClosed else { return Wakeups() }
            if state.queue.count + 1 > bounds.messages || state.queuedBytes + text.payload.readableBytes > bounds.bytes {
                state.queue.removeAll()
                state.queuedBytes = 0
                state.isClosed = true
                state.hasOverflowed = true
                state.close = .close(.policyViolation, reason: "too slow to keep up")
                state.hasRequestedClose = true
                defer { state.onOverflow = nil }
                return Wakeups(writer: state.writerToResume(), frameWriter: state.frameWriterToWake(), onOverflow: state.onOverflow)
            }
            state.queue.append(text)
            state.queuedBytes += text.payload.readableBytes
            guard state.takesTextsDirectly else { return Wakeups(writer: state.writerToResume()) }
            return Wakeups(frameWriter: state.frameWriterToWake())
        }
    }

    /// Queues a message, encoding it for this connection alone.
    func send(_ message: ServerMessage) {
        send(TextFrame(message.buffer))
    }

    /// Queues a close frame; frames queued before it are written first, nothing after it.
    func close(_ code: WebSocketErrorCode, reason: String) {
        state.withLockedValue { state -> Wakeups in
            guard !state.isClosed else { return Wakeups() }
            state.isClosed = true
            state.close = .close(code, reason: reason)
            state.hasRequestedClose = true
            guard state.takesTextsDirectly else { return Wakeups(writer: state.writerToResume()) }
            return Wakeups(frameWriter: state.frameWriterToWake())
        }.wake()
    }

    /// Accepts nothing more; the writer gets what is queued, then the end.
    func finish() {
        state.withLockedValue { state -> Wakeups in
            state.isClosed = true
            state.isFinished = true
            state.onOverflow = nil
            return Wakeups(writer: state.writerToResume())
        }.wake()
    }

    /// The next thing for the writer task to write, waiting for one; `nil` once the outbox is
    /// finished and empty. Not for an outbox with a frame writer attached.
    ///
    /// One writer task only: the writer task of the connection.
    func next() async -> OutboundEvent? {
        await withCheckedContinuation { continuation in
            let ready = state.withLockedValue { state -> OutboundEvent?? in
                if let event = state.nextForWriter() { return event }
                state.writer = continuation
                return nil
            }
            if let event = ready { continuation.resume(returning: event) }
        }
    }

    /// Hands the text frames to a frame writer from now on: it is woken whenever frames arrive after
    /// ``takeTexts(into:)`` found the queue empty.
    func attach(_ wake: FrameWriterWake) {
        let wakeNow = state.withLockedValue { state in
            state.wake = wake
            // Frames, or a close, may have come before the frame writer did.
            let hasSomethingToWrite = !state.queue.isEmpty || state.close != nil
            state.isWakeArmed = !hasSomethingToWrite
            return hasSomethingToWrite
        }
        if wakeNow { wake.eventLoop.execute(wake.drain) }
    }

    /// Moves every queued text frame into `texts` (which must be empty), for the attached frame
    /// writer. Finding none, it arms the wake-up for the next frame.
    ///
    /// - Returns: the close to write, once no text frame is left before it.
    func takeTexts(into texts: inout Deque<TextFrame>) -> OutboundEvent? {
        let (close, waiter) = state.withLockedValue { state -> (OutboundEvent?, CheckedContinuation<Void, Never>?) in
            guard state.takesTextsDirectly else { return (nil, nil) }
            swap(&texts, &state.queue)
            state.queuedBytes = 0
            if texts.isEmpty, let close = state.close {
                state.close = nil
                return (close, state.settleClose())
            }
            state.isWakeArmed = texts.isEmpty
            return (nil, nil)
        }
        waiter?.resume()
        return close
    }

    /// Waits until a close asked for has been handed to the frame writer, or the frame writer is
    /// gone; returns at once if no close was asked for, or no frame writer is attached.
    func closeWritten() async {
        await withCheckedContinuation { continuation in
            let now = state.withLockedValue { state -> Bool in
                guard state.hasRequestedClose, !state.isCloseSettled, state.takesTextsDirectly else { return true }
                state.closeWaiter = continuation
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// Whether a close was asked for: what the client sends after it is not acted on.
    var hasRequestedClose: Bool { state.withLockedValue { $0.hasRequestedClose } }

    /// The frame writer can write no more (the connection closed, or a close frame went out): the
    /// backlog is dropped, nothing more is queued, and whoever waits for the close goes on.
    func detach() {
        state.withLockedValue { state -> Wakeups in
            guard state.takesTextsDirectly else { return Wakeups() }
            state.wake = nil
            state.queue.removeAll()
            state.queuedBytes = 0
            state.isClosed = true
            state.isFinished = true
            state.onOverflow = nil
            return Wakeups(closeWaiter: state.settleClose())
        }.wake()
    }

    /// Runs `handler` once if the outbox overflows (at once if it has); never once it is finished.
    func whenOverflowed(_ handler: @escaping @Sendable () -> Void) {
        let now = state.withLockedValue { state -> Bool in
            if state.hasOverflowed { return true }
            if !state.isFinished { state.onOverflow = handler }
            return false
        }
        if now { handler() }
    }

    /// How many text frames are waiting, for tests.
    var queuedCount: Int { state.withLockedValue { $0.queue.count } }
}
