import DequeModule
import NIOCore
import NIOWebSocket

/// Serves one WebSocket from its channel, on its event loop: no task per connection.
///
/// Below it, NIO's frame decoder and encoder; in it, a ``WebSocketProtocol`` that decides what each
/// frame means, and a session that decides what each message means. What the session answers at
/// once is written at once; what reaches the connection from elsewhere (a broadcast, an answer that
/// waited on the store) arrives through its ``Outbox``, from any thread, and leaves from here.
///
/// Writing: every frame queued since the last turn goes out with one flush, so a busy connection
/// makes one `writev` for many messages. Text frames are already encoded (a ``TextFrame`` shares one
/// buffer between every recipient of a broadcast), so they are written below the frame encoder,
/// through its context. The outbox is drained only while the channel is writable, which keeps the
/// kernel's and NIO's buffers bounded: a reader that stops reading lets its outbox fill until it
/// overflows, and the connection is then cut.
///
/// Reading: a session that falls behind (its requests wait on the store) says so with
/// `isReadyForMore`, and the handler stops asking the socket for more until it catches up; the
/// client then meets TCP's backpressure instead of the server's memory growing.
///
/// Timers: a ping every `pingInterval`, and a client that has not answered the last ping by the next
/// one is gone; after a Close frame goes out, `closingTimeout` for the client's.
final class WebSocketConnectionHandler<Session: ConnectionSession>: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private var connection: WebSocketProtocol
    private let session: Session
    private let outbox: Outbox
    private let pingInterval: TimeAmount?
    private let closingTimeout: TimeAmount
    private var context: ChannelHandlerContext?
    /// The frame encoder's context: a write through it goes out below the encoder.
    private var encoder: ChannelHandlerContext?
    /// Swapped with the outbox's queue, so that taking frames allocates nothing.
    private var batch = Deque<TextFrames>()
    private var needsFlush = false
    private var isReadHeldBack = false
    private var isInputClosed = false
    private var isOpen = false
    private var pings: RepeatedTask?
    private var unansweredPing: ByteBuffer?
    private var closingDeadline: Scheduled<Void>?

    init(
        session: Session,
        outbox: Outbox,
        maxMessageSize: Int,
        pingInterval: TimeAmount? = nil,
        closingTimeout: TimeAmount = .seconds(5)
    ) {
        self.session = session
        self.outbox = outbox
        self.connection = WebSocketProtocol(maxMessageSize: maxMessageSize)
        self.pingInterval = pingInterval
        self.closingTimeout = closingTimeout
    }

    // MARK: Life

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        encoder = try? context.pipeline.syncOperations.context(handlerType: WebSocketFrameEncoder.self)
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        outbox.attach(OutboxWake(eventLoop: context.eventLoop) { handler.value.drain() })
        if let pingInterval {
            pings = context.eventLoop.scheduleRepeatedTask(initialDelay: pingInterval, delay: pingInterval) { _ in handler.value.ping() }
        }
        isOpen = true
        session.opened(ConnectionControl(channel: context.channel) { handler.value.resumeReading() })
        // A client that left while its upgrade was under way: its channel closed before this was added.
        if !context.channel.isActive { end() }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        end()
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        end()
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // Hummingbird lets a client half-close its side: it will send nothing more, not even its
        // Close. What it sent before is still answered if the session wants to; then the connection
        // closes without waiting for a Close that cannot come.
        if case ChannelEvent.inputClosed = event {
            isInputClosed = true
            if connection.isClosing || !session.inputEnded() { context.close(promise: nil) }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // The decoder's errors are answered below (NIO's protocol error handler); anything else ends
        // the connection.
        context.close(promise: nil)
    }

    /// Stops the timers, drops what waits to be written, and tells the session: once.
    private func end() {
        pings?.cancel()
        closingDeadline?.cancel()
        outbox.detach()
        guard isOpen else { return }
        isOpen = false
        session.closed()
    }

    // MARK: Reading

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        if frame.opcode == .pong, frame.unmaskedData == unansweredPing {
            unansweredPing = nil
        }
        perform(connection.received(frame), context: context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        drain()
        flushIfNeeded(context: context)
    }

    func read(context: ChannelHandlerContext) {
        guard session.isReadyForMore else {
            isReadHeldBack = true
            return
        }
        context.read()
    }

    private func resumeReading() {
        guard isReadHeldBack, session.isReadyForMore, let context else { return }
        isReadHeldBack = false
        context.read()
    }

    /// Carries out what the protocol decided.
    private func perform(_ action: WebSocketProtocol.Action, context: ChannelHandlerContext) {
        switch action {
        case .none:
            break
        case .deliver(let message):
            for request in session.received(message) {
                switch request {
                case .send(let message): write(message, context: context)
                case .close(let code, let reason): perform(connection.close(code, reason: reason), context: context)
                }
            }
        case .sendPong(let payload):
            write(WebSocketFrame(fin: true, opcode: .pong, data: payload), context: context)
        case .sendClose(let code, let reason):
            writeClose(code, reason: reason, context: context)
            flushIfNeeded(context: context)
            guard !isInputClosed else {
                context.close(promise: nil)
                return
            }
            closingDeadline = context.eventLoop.assumeIsolated().scheduleTask(in: closingTimeout) { [self] in
                perform(connection.closingDeadlinePassed(), context: context)
            }
        case .answerCloseAndDisconnect(let code):
            outbox.detach()
            needsFlush = false
            let channel = context.channel
            let frame = Self.closeFrame(code, reason: "", allocator: channel.allocator)
            context.writeAndFlush(wrapOutboundOut(frame)).whenComplete { _ in channel.close(promise: nil) }
        case .disconnect:
            closingDeadline?.cancel()
            context.close(promise: nil)
        }
    }

    // MARK: Writing

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        // What stayed in the outbox while the socket was full goes now.
        if context.channel.isWritable { drain() }
        context.fireChannelWritabilityChanged()
    }

    /// Writes what the outbox holds while the channel takes it, then flushes once.
    private func drain() {
        guard let context, let encoder, !connection.isClosing else { return }
        guard context.channel.isActive else {
            end()
            return
        }
        var count = 0
        while context.channel.isWritable {
            let close = outbox.takeTexts(into: &batch)
            if batch.isEmpty, close == nil { break }
            count += batch.reduce(0) { $0 + $1.count }
            writeBatch(through: encoder, allocator: context.channel.allocator)
            if let close {
                perform(connection.close(close.code, reason: close.reason), context: context)
                break
            }
        }
        guard count > 0 else { return }
        session.wrote(messages: count)
        needsFlush = true
        flushIfNeeded(context: context)
    }

    /// The most bytes of small frames copied into one buffer.
    private static var coalescedBytes: Int { 64 * 1024 }

    /// Writes the batch below the encoder. A buffer alone (one message, or a room's messages from
    /// one commit) goes as it is, shared with every other recipient; buffers that came separately are
    /// copied into buffers of up to ``coalescedBytes``, because a write through the pipeline costs
    /// more than copying a chat message, and the kernel then gets fewer, larger pieces.
    private func writeBatch(through encoder: ChannelHandlerContext, allocator: ByteBufferAllocator) {
        guard batch.count > 1 else {
            if let frames = batch.popFirst() { encoder.write(NIOAny(frames.bytes), promise: nil) }
            return
        }
        var coalesced: ByteBuffer?
        var remaining = batch.reduce(0) { $0 + $1.bytes.readableBytes }
        while let frames = batch.popFirst() {
            let frame = frames.bytes
            defer { remaining -= frame.readableBytes }
            if var buffer = coalesced, buffer.readableBytes + frame.readableBytes <= Self.coalescedBytes {
                coalesced = nil  // keeps the buffer uniquely referenced, so the copy appends in place
                buffer.writeImmutableBuffer(frame)
                coalesced = buffer
                continue
            }
            if let buffer = coalesced { encoder.write(NIOAny(buffer), promise: nil) }
            if frame.readableBytes >= Self.coalescedBytes {
                encoder.write(NIOAny(frame), promise: nil)
                coalesced = nil
            } else {
                var buffer = allocator.buffer(capacity: min(remaining, Self.coalescedBytes))
                buffer.writeImmutableBuffer(frame)
                coalesced = buffer
            }
        }
        if let buffer = coalesced { encoder.write(NIOAny(buffer), promise: nil) }
    }

    private func write(_ message: WebSocketProtocol.Message, context: ChannelHandlerContext) {
        switch message {
        case .text(let text):
            write(WebSocketFrame(fin: true, opcode: .text, data: context.channel.allocator.buffer(string: text)), context: context)
        case .binary(let bytes):
            write(WebSocketFrame(fin: true, opcode: .binary, data: bytes), context: context)
        }
    }

    private func write(_ frame: WebSocketFrame, context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(frame), promise: nil)
        needsFlush = true
    }

    /// Writes the server's Close frame: nothing more is taken from the outbox after it (RFC 6455
    /// §5.5.1).
    private func writeClose(_ code: WebSocketErrorCode, reason: String, context: ChannelHandlerContext) {
        outbox.detach()
        session.sentClose(code)
        write(Self.closeFrame(code, reason: reason, allocator: context.channel.allocator), context: context)
    }

    /// A Close frame; without a code if `code` is `nil`.
    private static func closeFrame(_ code: WebSocketErrorCode?, reason: String, allocator: ByteBufferAllocator) -> WebSocketFrame {
        var payload = allocator.buffer(capacity: 2 + reason.utf8.count)
        if let code {
            payload.write(webSocketErrorCode: code)
            payload.writeString(reason)
        }
        return WebSocketFrame(fin: true, opcode: .connectionClose, data: payload)
    }

    private func flushIfNeeded(context: ChannelHandlerContext) {
        guard needsFlush else { return }
        needsFlush = false
        context.flush()
    }

    // MARK: Pings

    private func ping() {
        guard let context, !connection.isClosing else { return }
        guard unansweredPing == nil else {
            // No answer since the last ping: the client is gone, and will not answer a Close either.
            if case .sendClose(let code, let reason) = connection.close(.goingAway, reason: "ping timeout") {
                writeClose(code, reason: reason, context: context)
                flushIfNeeded(context: context)
            }
            context.close(promise: nil)
            return
        }
        var data = context.channel.allocator.buffer(capacity: 8)
        data.writeInteger(UInt64.random(in: .min ... .max))
        unansweredPing = data
        write(WebSocketFrame(fin: true, opcode: .ping, data: data), context: context)
        flushIfNeeded(context: context)
    }
}
