import DequeModule
import Metrics
import NIOCore
import NIOWebSocket

/// Writes a connection's frames straight from its ``Outbox`` into the channel, on the channel's
/// event loop, and keeps the connection alive with pings: no task waits on an idle connection's
/// behalf, and every frame queued since the last turn goes out with one flush, so a busy connection
/// makes one `writev` for many messages instead of a syscall, a task switch and an actor hop for each.
///
/// It sits between the frame decoder and the WebSocket handler. Text frames are already encoded (a
/// ``TextFrame`` shares one buffer between every recipient of a broadcast), so it writes them below
/// the frame encoder, through the encoder's own context. It sees every frame the WebSocket handler
/// writes: once a close frame has gone out, no data frame and no second close follow (RFC 6455
/// §5.5.1). It takes from the outbox only while the channel is writable, which keeps the kernel's
/// and NIO's buffers bounded; a reader that stops reading lets its outbox fill until it overflows.
///
/// It pings every `pingInterval`; a client that has not answered the last ping by the next one is
/// gone (or a close it was sent went unanswered), and its connection is closed.
///
/// Frames a WebSocket extension must transform (permessage-deflate) cannot skip the WebSocket
/// handler, so a connection that may compress keeps swift-websocket's writer and pings instead.
final class FrameWriter: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = WebSocketFrame
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let outbox: Outbox
    private let pingInterval: TimeAmount
    private let metrics: ChatMetrics
    /// The frame encoder's context: a write through it goes out below the encoder.
    private let encoder: ChannelHandlerContext
    private var context: ChannelHandlerContext?
    /// Swapped with the outbox's queue, so that taking frames allocates nothing.
    private var batch = Deque<TextFrame>()
    private var hasSentClose = false
    /// Pings since the close went out: at the second, the closing handshake has timed out.
    private var pingsSinceClose = 0
    private var pings: RepeatedTask?
    private var unansweredPing: ByteBuffer?

    private init(outbox: Outbox, encoder: ChannelHandlerContext, pingInterval: TimeAmount, metrics: ChatMetrics) {
        self.outbox = outbox
        self.encoder = encoder
        self.pingInterval = pingInterval
        self.metrics = metrics
    }

    /// Adds a frame writer for `outbox` to a WebSocket channel after its upgrade.
    static func install(
        for outbox: Outbox,
        on channel: any Channel,
        pingInterval: Duration,
        metrics: ChatMetrics
    ) async throws {
        try await channel.eventLoop.submit {
            let pipeline = channel.pipeline.syncOperations
            let encoder = try pipeline.context(handlerType: WebSocketFrameEncoder.self)
            let decoder = try pipeline.context(handlerType: ByteToMessageHandler<WebSocketFrameDecoder>.self)
            let writer = FrameWriter(outbox: outbox, encoder: encoder, pingInterval: TimeAmount(pingInterval), metrics: metrics)
            try pipeline.addHandler(writer, position: .after(decoder.handler))
        }.get()
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let writer = NIOLoopBound(self, eventLoop: context.eventLoop)
        outbox.attach(FrameWriterWake(eventLoop: context.eventLoop) { writer.value.drain() })
        pings = context.eventLoop.scheduleRepeatedTask(initialDelay: pingInterval, delay: pingInterval) { _ in writer.value.ping() }
        // A client that left while its upgrade was under way: its channel closed before this was added.
        if !context.channel.isActive { outbox.detach() }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        pings?.cancel()
        self.context = nil
        outbox.detach()
    }

    func channelInactive(context: ChannelHandlerContext) {
        outbox.detach()
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { drain() }
        context.fireChannelWritabilityChanged()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        if frame.opcode == .pong, frame.unmaskedData == unansweredPing {
            unansweredPing = nil
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard unwrapOutboundIn(data).opcode == .connectionClose else {
            context.write(data, promise: promise)
            return
        }
        // The WebSocket handler's close: an answer to the client's, or its own at the end. One
        // close frame goes out, whoever sends it first.
        guard !hasSentClose else {
            promise?.succeed()
            return
        }
        hasSentClose = true
        outbox.detach()
        context.write(data, promise: promise)
    }

    /// Writes what the outbox holds while the channel takes it, then flushes once.
    private func drain() {
        guard let context, !hasSentClose else { return }
        guard context.channel.isActive else {
            outbox.detach()
            return
        }
        var count = 0
        while context.channel.isWritable {
            let close = outbox.takeTexts(into: &batch)
            if batch.isEmpty, close == nil { break }
            count += batch.count
            while let text = batch.popFirst() {
                encoder.write(NIOAny(text.frame), promise: nil)
            }
            if case .close(let code, let reason) = close {
                writeClose(code, reason: reason, context: context)
                break
            }
        }
        guard count > 0 else { return }
        encoder.flush()
        metrics.messagesOut.increment(by: Int64(count))
    }

    private func writeClose(_ code: WebSocketErrorCode, reason: String, context: ChannelHandlerContext) {
        hasSentClose = true
        metrics.closes(String(UInt16(webSocketErrorCode: code))).increment()
        var data = context.channel.allocator.buffer(capacity: 2 + reason.utf8.count)
        data.write(webSocketErrorCode: code)
        data.writeString(reason)
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: data)), promise: nil)
        outbox.detach()
    }

    private func ping() {
        guard let context else { return }
        if hasSentClose {
            pingsSinceClose += 1
            // A whole interval without the client's answering close: the closing handshake is over.
            if pingsSinceClose > 1 { context.close(promise: nil) }
            return
        }
        guard unansweredPing == nil else {
            // No answer since the last ping: the client is gone.
            writeClose(.goingAway, reason: "ping timeout", context: context)
            context.close(promise: nil)
            return
        }
        var data = context.channel.allocator.buffer(capacity: 8)
        data.writeInteger(UInt64.random(in: .min ... .max))
        unansweredPing = data
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .ping, data: data)), promise: nil)
    }
}
