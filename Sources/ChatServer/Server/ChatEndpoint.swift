import HTTPTypes
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import Metrics
import NIOCore
import NIOWebSocket

/// What runs for each accepted WebSocket on `/ws`: it registers the connection, reads its messages
/// into a ``ChatSession``, writes its outbox, and releases everything when the connection ends.
struct ChatEndpoint: Sendable {
    let hub: Hub
    let store: MessageStore
    let identity: any IdentityProvider
    /// Checks tokens presented in-band; `nil` where the server uses no tokens.
    let tokens: TokenService?
    let metrics: ChatMetrics
    let configuration: ChatServerConfiguration

    func run(
        inbound: WebSocketInboundStream,
        outbound: WebSocketOutboundWriter,
        context: WebSocketRouterContext<ChatWebSocketContext>
    ) async throws {
        // The handshake guard identified the client already; this cannot fail for a request it accepted.
        guard case .success(let identity) = await identity.identify(context.request.head) else {
            try await outbound.close(.policyViolation, reason: "unidentified")
            return
        }
        let outbox = Outbox(bounds: .init(messages: configuration.maxQueuedMessages, bytes: configuration.maxQueuedBytes))
        let channel = context.requestContext.channel
        let id = hub.connect(user: identity.user, outbox: outbox)
        var logger = context.logger
        logger[metadataKey: "connection"] = "\(id)"
        logger[metadataKey: "user"] = "\(identity.user)"
        logger.info("WebSocket connected")
        metrics.connections.increment()
        defer {
            hub.disconnect(id)
            metrics.connections.decrement()
            logger.info("WebSocket disconnected")
        }

        var hasFrameWriter = false
        if !configuration.allowsCompression {
            do {
                try await FrameWriter.install(for: outbox, on: channel, pingInterval: configuration.pingInterval, metrics: metrics)
                hasFrameWriter = true
            } catch {
                // The channel closed already: nothing will be read or written.
            }
        }
        let closeAfterServerError: @Sendable (any Error) -> Void = { [logger] error in
            let ref = ErrorReference.make()
            logger.error("Closing a connection after a server error", metadata: ["error": "\(error)", "ref": "\(ref)"])
            // Counted among the closes when its frame is written.
            outbox.close(.unexpectedServerError, reason: "server error (ref \(ref))")
        }
        let grant = Grant(identity)
        var session = ChatSession(
            id: id,
            grant: grant,
            tokens: tokens,
            hub: hub,
            store: store,
            outbox: outbox,
            metrics: metrics,
            limiter: RateLimiter(rate: configuration.rateLimit, burst: configuration.rateBurst, strikes: configuration.rateStrikes),
            // Enough for a busy sender's messages to share commits and writes; the rate limit and the
            // outbox bound what a client can make the server hold beyond that.
            pipeline: SendPipeline(limit: 32),
            onServerError: closeAfterServerError
        )
        outbox.whenOverflowed { [logger] in
            logger.notice("Closing a connection too slow to keep up")
            // Its close frame waits behind a full socket: give it a moment, then cut the connection.
            channel.eventLoop.scheduleTask(in: .seconds(1)) { channel.close(promise: nil) }
        }
        // A frame writer needs no task; otherwise a writer task drains the outbox to the end, even
        // after the reader stops. The expiry timer lives only as long as the reader.
        try await withThrowingTaskGroup(of: Void.self) { writing in
            if !hasFrameWriter { writing.addTask { await write(outbox, to: outbound) } }
            defer { outbox.finish() }
            do {
                grant.watchExpiry(closing: outbox, on: channel.eventLoop)
                defer { grant.stopWatchingExpiry() }
                reading: for try await message in inbound.messages(maxSize: configuration.maxMessageSize) {
                    // Once a close is on its way, what the client sends until it answers is not acted on.
                    guard !outbox.hasRequestedClose else { continue }
                    let outcome: ChatSession.Outcome
                    switch message {
                    case .binary:
                        outcome = .close(.unacceptableData, reason: "binary messages are not accepted")
                    case .text(let text):
                        do {
                            outcome = try await session.receive(text, at: .now)
                        } catch {
                            closeAfterServerError(error)
                            break reading
                        }
                    }
                    if case .close(let code, let reason) = outcome {
                        outbox.close(code, reason: reason)
                        break
                    }
                }
            }
            outbox.finish()
            // The WebSocket handler closes with 1000 once this returns: ours goes first.
            await outbox.closeWritten()
            try await writing.waitForAll()
        }
    }

    /// Writes what the outbox queues until it is finished or asks for a close; a write that fails
    /// means the connection is gone, and ends the writer. Only for a connection without a
    /// ``FrameWriter``.
    private func write(_ outbox: Outbox, to outbound: WebSocketOutboundWriter) async {
        do {
            while let event = await outbox.next() {
                switch event {
                case .text(let buffer):
                    try await outbound.write(.custom(WebSocketFrame(fin: true, opcode: .text, data: buffer)))
                    metrics.messagesOut.increment()
                case .close(let code, let reason):
                    metrics.closes(String(UInt16(webSocketErrorCode: code))).increment()
                    try await outbound.close(code, reason: reason)
                    return
                }
            }
        } catch {
            return
        }
    }
}
