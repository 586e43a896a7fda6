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
/// The queue is bounded, in messages and in bytes. A reader that stalls lets its queue fill; past
/// either bound its backlog is dropped, the outbox closes with 1008 "too slow", and ``overflowed()``
/// returns, so that the connection can be cut even if its writer is stuck behind a full socket.
/// Memory per connection therefore stays below the bounds, whatever a client does.
final class Outbox: Sendable {
    /// How much may wait for one connection's writer.
    struct Bounds: Sendable, Equatable {
        var messages: Int
        var bytes: Int
    }

    private struct State {
        var queue = Deque<OutboundEvent>()
        var queuedBytes = 0
        /// No more may be queued: a close is queued, or the outbox is finished.
        var isClosed = false
        var isFinished = false
        var hasOverflowed = false
        var writer: CheckedContinuation<OutboundEvent?, Never>?
        var overflowWaiters: [CheckedContinuation<Void, Never>] = []
    }

    let bounds: Bounds
    private let state = NIOLockedValueBox(State())

    init(bounds: Bounds) {
        self.bounds = bounds
    }

    /// Queues an encoded text frame, or overflows.
    func send(_ buffer: ByteBuffer) {
        let wake = state.withLockedValue {
            state -> (CheckedContinuation<OutboundEvent?, Never>?, OutboundEvent?, [CheckedContinuation<Void, Never>]) in
            guard !state.isClosed else { return (nil, nil, []) }
            let event: OutboundEvent
            var overflowWaiters: [CheckedContinuation<Void, Never>] = []
            if state.queue.count + 1 > bounds.messages || state.queuedBytes + buffer.readableBytes > bounds.bytes {
                state.queue.removeAll()
                state.queuedBytes = 0
                state.isClosed = true
                state.hasOverflowed = true
                overflowWaiters = state.overflowWaiters
                state.overflowWaiters = []
                event = .close(.policyViolation, reason: "too slow to keep up")
            } else {
                event = .text(buffer)
            }
            if let writer = state.writer {
                state.writer = nil
                return (writer, event, overflowWaiters)
            }
            state.queue.append(event)
            if case .text(let buffer) = event { state.queuedBytes += buffer.readableBytes }
            return (nil, nil, overflowWaiters)
        }
        if let writer = wake.0 { writer.resume(returning: wake.1) }
        for waiter in wake.2 { waiter.resume() }
    }

    /// Queues a message, encoding it for this connection alone.
    func send(_ message: ServerMessage) {
        send(message.buffer)
    }

    /// Queues a close frame; frames queued before it are written first, nothing after it.
    func close(_ code: WebSocketErrorCode, reason: String) {
        let writer = state.withLockedValue { state -> CheckedContinuation<OutboundEvent?, Never>? in
            guard !state.isClosed else { return nil }
            state.isClosed = true
            if let writer = state.writer {
                state.writer = nil
                return writer
            }
            state.queue.append(.close(code, reason: reason))
            return nil
        }
        writer?.resume(returning: .close(code, reason: reason))
    }

    /// Accepts nothing more; the writer gets what is queued, then the end.
    func finish() {
        let writer = state.withLockedValue { state -> CheckedContinuation<OutboundEvent?, Never>? in
            state.isClosed = true
            state.isFinished = true
            defer { state.writer = nil }
            return state.writer
        }
        writer?.resume(returning: nil)
    }

    /// The next thing to write, waiting for one; `nil` once the outbox is finished and empty.
    ///
    /// One writer only: the writer task of the connection.
    func next() async -> OutboundEvent? {
        await withCheckedContinuation { continuation in
            let ready = state.withLockedValue { state -> (Bool, OutboundEvent?) in
                if let event = state.queue.popFirst() {
                    if case .text(let buffer) = event { state.queuedBytes -= buffer.readableBytes }
                    return (true, event)
                }
                if state.isFinished { return (true, nil) }
                state.writer = continuation
                return (false, nil)
            }
            if ready.0 { continuation.resume(returning: ready.1) }
        }
    }

    /// Waits until the outbox overflows.
    ///
    /// - Returns: true once it has overflowed; false if the waiting task was cancelled first.
    func overflowed() async -> Bool {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let now = state.withLockedValue { state -> Bool in
                    if state.hasOverflowed || Task.isCancelled { return true }
                    state.overflowWaiters.append(continuation)
                    return false
                }
                if now { continuation.resume() }
            }
            return state.withLockedValue { $0.hasOverflowed }
        } onCancel: {
            let waiters = state.withLockedValue { state in
                defer { state.overflowWaiters = [] }
                return state.overflowWaiters
            }
            for waiter in waiters { waiter.resume() }
        }
    }

    /// How many messages are waiting, for tests.
    var queuedCount: Int { state.withLockedValue { $0.queue.count } }
}
