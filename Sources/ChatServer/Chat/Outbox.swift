import NIOCore
import NIOWebSocket

/// What a connection's writer is asked to do, in order.
enum OutboundEvent: Sendable {
    /// Write one text frame, already encoded.
    case text(ByteBuffer)
    /// Send a close frame with this code and reason, then write nothing more.
    case close(WebSocketErrorCode, reason: String)
}

/// The way into one connection's writer: anything may put frames in it, from any task or thread, and
/// they go out in the order they were put in.
///
/// The hub fans a message out by putting the same encoded buffer into each member's outbox, so a
/// broadcast costs one encoding and no task switch per recipient.
struct Outbox: Sendable {
    private let continuation: AsyncStream<OutboundEvent>.Continuation

    /// A new outbox and the stream its writer reads.
    static func make() -> (Outbox, AsyncStream<OutboundEvent>) {
        let (stream, continuation) = AsyncStream.makeStream(of: OutboundEvent.self)
        return (Outbox(continuation: continuation), stream)
    }

    /// Queues an encoded text frame.
    func send(_ buffer: ByteBuffer) {
        continuation.yield(.text(buffer))
    }

    /// Queues a message, encoding it for this connection alone.
    func send(_ message: ServerMessage) {
        send(message.buffer)
    }

    /// Queues a close frame; frames queued before it are written first.
    func close(_ code: WebSocketErrorCode, reason: String) {
        continuation.yield(.close(code, reason: reason))
        continuation.finish()
    }

    /// Ends the stream once what is queued has been written.
    func finish() {
        continuation.finish()
    }
}
