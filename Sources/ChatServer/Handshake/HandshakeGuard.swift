import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// Applies a handshake decision to the first request on a connection, before NIO's WebSocket upgrader
/// sees it, so that a refusal goes out with its own status.
///
/// hummingbird-websocket answers every refused upgrade with `400`, and a request that NIO's upgrader
/// rejects on its own (a missing key, another protocol version) gets no answer at all: the connection
/// just closes. This handler sits between the HTTP codec and the
/// upgrader. On a refusal it writes the status, header fields and reason itself and closes the
/// connection. On an acceptance it lets the request through and puts the decision's header fields on
/// the `101` response. Either way it leaves the pipeline once the first request is settled.
final class HandshakeGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case awaitingRequest
        /// The decision is running (it may wait on a database); what arrives meanwhile waits here.
        case deciding(buffered: [NIOAny])
        /// Accepted: these fields go on the `101` once the upgrader writes it.
        case accepted(HTTPFields)
        /// Refused and answered: what else the client sends is dropped.
        case refused
        /// The `101` is written: the guard leaves once it is flushed.
        case switched
    }

    private var state = State.awaitingRequest
    private let decide: @Sendable (HTTPRequest) async throws -> UpgradeDecision
    private let logger: Logger

    init(logger: Logger, decide: @escaping @Sendable (HTTPRequest) async throws -> UpgradeDecision) {
        self.logger = logger
        self.decide = decide
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch state {
        case .refused:
            return
        case .accepted, .switched:
            context.fireChannelRead(data)
        case .deciding(var buffered):
            buffered.append(data)
            state = .deciding(buffered: buffered)
        case .awaitingRequest:
            guard case .head(let head) = unwrapInboundIn(data), head.isWebSocketHandshake else {
                forwardPlainRequest(data, context: context)
                return
            }
            state = .deciding(buffered: [data])
            let promise = context.eventLoop.makePromise(of: UpgradeDecision.self)
            let (decide, logger) = (decide, logger)
            let request = try? HTTPRequest(head, secure: false, splitCookie: false)
            promise.completeWithTask {
                guard let request else { return .refuse(.badRequest("The request line is not valid HTTP.")) }
                do {
                    return try await decide(request)
                } catch {
                    logger.error("WebSocket handshake decision failed", metadata: ["error": "\(error)"])
                    return .refuse(HandshakeRefusal(status: .internalServerError, reason: "The server could not decide on this handshake."))
                }
            }
            promise.futureResult.assumeIsolated().whenSuccess { decision in
                self.apply(decision, context: context)
            }
        }
    }

    /// Carries out a decision: lets the request (and what came after it) through, or answers it.
    private func apply(_ decision: UpgradeDecision, context: ChannelHandlerContext) {
        guard case .deciding(let buffered) = state else { return }
        switch decision {
        case .accept(let fields):
            state = .accepted(fields)
            for data in buffered {
                context.fireChannelRead(data)
            }
            context.fireChannelReadComplete()
        case .refuse(let refusal):
            state = .refused
            logger.debug("WebSocket handshake refused", metadata: ["status": "\(refusal.status.code)", "reason": "\(refusal.reason)"])
            answer(refusal, context: context)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .accepted(let fields) = state, case .head(var head) = unwrapOutboundIn(data), head.status == .switchingProtocols else {
            context.write(data, promise: promise)
            return
        }
        for field in fields {
            head.headers.replaceOrAdd(name: field.name.rawName, value: field.value)
        }
        state = .switched
        context.write(wrapOutboundOut(.head(head)), promise: promise)
    }

    // The upgrader writes the 101 with `writeAndFlush`, which passes this handler the flush right after
    // the write: the guard may only leave once that flush has gone on.
    func flush(context: ChannelHandlerContext) {
        context.flush()
        if case .switched = state {
            leavePipeline(context: context)
        }
    }

    /// Passes on a request that is not a WebSocket handshake, and leaves.
    ///
    /// An `Upgrade` to another protocol (`h2c`, say) is removed first: this server speaks none, RFC 9110
    /// §7.8 lets it ignore the field, and NIO's upgrader would otherwise drop the request unanswered
    /// when no upgrader matches it.
    private func forwardPlainRequest(_ data: NIOAny, context: ChannelHandlerContext) {
        if case .head(var head) = unwrapInboundIn(data), head.headers.contains(name: "Upgrade") {
            head.headers.remove(name: "Upgrade")
            context.fireChannelRead(wrapInboundOut(.head(head)))
        } else {
            context.fireChannelRead(data)
        }
        leavePipeline(context: context)
    }

    /// Writes the refusal, then tells the upgrader that no upgrade is coming so that it closes the
    /// connection quietly instead of reporting a failed upgrade.
    private func answer(_ refusal: HandshakeRefusal, context: ChannelHandlerContext) {
        let body = context.channel.allocator.buffer(string: refusal.reason + "\n")
        var head = HTTPResponseHead(HTTPResponse(status: refusal.status, headerFields: refusal.headers))
        head.headers.replaceOrAdd(name: "Connection", value: "close")
        head.headers.replaceOrAdd(name: "Content-Type", value: "text/plain; charset=utf-8")
        head.headers.replaceOrAdd(name: "Content-Length", value: String(body.readableBytes))
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        }
    }

    private func leavePipeline(context: ChannelHandlerContext) {
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}

extension HTTPRequestHead {
    /// Whether the request tries to open a WebSocket, well-formed or not: it names `websocket` in
    /// `Upgrade` or carries one of the `Sec-WebSocket-` fields that only a handshake sends. Other
    /// upgrades, such as `h2c`, are left to the HTTP server, which may ignore them.
    var isWebSocketHandshake: Bool {
        headers[canonicalForm: "upgrade"].contains { $0.lowercased() == "websocket" }
            || headers.contains(name: "Sec-WebSocket-Key")
            || headers.contains(name: "Sec-WebSocket-Version")
    }
}
