import DequeModule
import NIOCore
import NIOWebSocket

/// Writes a connection's text frames straight from its ``Outbox`` into the channel, on the
/// channel's event loop: every frame queued since the last turn goes out with one flush, so a busy
/// connection makes one `writev` for many messages instead of a syscall, a task switch and an actor
/// hop for each.
///
/// The frames are already encoded (a ``TextFrame`` shares one buffer between every recipient of a
/// broadcast), so it writes them below the frame encoder, through the encoder's own context. It sits
/// just above the encoder, so it also sees every frame the WebSocket handler writes: once a close
/// frame passes, it writes no more data frames (RFC 6455 §5.5.1). It takes from the outbox only
/// while the channel is writable, which keeps the kernel's and NIO's buffers bounded; a reader that
/// stops reading lets its outbox fill until it overflows.
///
/// Frames a WebSocket extension must transform (permessage-deflate) cannot skip the WebSocket
/// handler, so a connection that may compress keeps the writer task.
final class FrameWriter: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let outbox: Outbox
    private let written: @Sendable (Int) -> Void
    /// The frame encoder's context: a write through it goes out below the encoder.
    private let encoder: ChannelHandlerContext
    private var context: ChannelHandlerContext?
    /// Swapped with the outbox's queue, so that taking frames allocates nothing.
    private var batch = Deque<TextFrame>()
    private var hasSentClose = false

    /// - Parameter written: told how many text frames each flush wrote.
    private init(outbox: Outbox, encoder: ChannelHandlerContext, written: @escaping @Sendable (Int) -> Void) {
        self.outbox = outbox
        self.encoder = encoder
        self.written = written
    }

    /// Adds a frame writer for `outbox` to a WebSocket channel after its upgrade.
    static func install(for outbox: Outbox, on channel: any Channel, written: @escaping @Sendable (Int) -> Void) async throws {
        try await channel.eventLoop.submit {
            let pipeline = channel.pipeline.syncOperations
            let encoder = try pipeline.context(handlerType: WebSocketFrameEncoder.self)
            let writer = FrameWriter(outbox: outbox, encoder: encoder, written: written)
            try pipeline.addHandler(writer, position: .after(encoder.handler))
        }.get()
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let writer = NIOLoopBound(self, eventLoop: context.eventLoop)
        outbox.attach(FrameWriterWake(eventLoop: context.eventLoop) { writer.value.drain() })
    }

    func handlerRemoved(context: ChannelHandlerContext) {
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

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if unwrapOutboundIn(data).opcode == .connectionClose, !hasSentClose {
            hasSentClose = true
            outbox.detach()
        }
        context.write(data, promise: promise)
    }

    /// Writes what the outbox holds while the channel takes it, then flushes once.
    private func drain() {
        guard let context, !hasSentClose else { return }
        var count = 0
        while context.channel.isWritable {
            outbox.takeTexts(into: &batch)
            if batch.isEmpty { break }
            count += batch.count
            while let text = batch.popFirst() {
                encoder.write(NIOAny(text.frame), promise: nil)
            }
        }
        guard count > 0 else { return }
        encoder.flush()
        written(count)
    }
}
