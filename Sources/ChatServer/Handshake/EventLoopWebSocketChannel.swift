import HTTPTypes
import HummingbirdCore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOWebSocket

/// Hummingbird's HTTP/1 serving, with WebSocket upgrades that end on a channel handler instead of a
/// task: after the `101`, the pipeline holds NIO's frame decoder and encoder and the handler that
/// `makeHandler` returns, and nothing waits on the connection's behalf.
///
/// A ``HandshakeGuard`` applies `decide` to the handshake before NIO's upgrader sees it, and answers
/// a refusal with its own status; an acceptance carries what will serve the connection, and NIO's
/// upgrader then switches protocols and installs it. Requests that are not handshakes go to
/// Hummingbird's router as usual.
struct EventLoopWebSocketChannel: ServerChildChannel, HTTPChannelHandler {
    /// A decision on a handshake, with what serves the connection if it is accepted.
    enum Acceptance: Sendable {
        /// Switch protocols with these extra header fields on the `101`, and serve the connection
        /// with the handler this makes.
        case accept(HTTPFields, MakeHandler)
        case refuse(HandshakeRefusal)
    }

    /// What the upgrade led to.
    enum UpgradeResult: Sendable {
        /// A WebSocket now served by its handler, on its event loop.
        case webSocket
        /// Plain HTTP.
        case notUpgraded(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
        /// A handshake that NIO's upgrader refused after the guard accepted it.
        case failedUpgrade(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
    }

    struct Value: ServerChildChannelValue {
        let upgradeResult: EventLoopFuture<UpgradeResult>
        let channel: any Channel
    }

    /// Makes the handler of an accepted WebSocket, on its channel's event loop.
    typealias MakeHandler = @Sendable (any Channel, Logger) throws -> any ChannelHandler

    let responder: HTTPChannelHandler.Responder
    /// The largest frame the decoder takes; the handler limits whole messages.
    let maxFrameSize: Int
    let decide: @Sendable (HTTPRequest) async -> Acceptance

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            // Set by the guard's decision (in a task), read by the upgrader after it.
            let accepted = NIOLockedValueBox<MakeHandler?>(nil)
            let upgradeAttempted = NIOLoopBoundBox(false, eventLoop: channel.eventLoop)
            let decide = self.decide
            let guardDecision: @Sendable (HTTPRequest) async -> UpgradeDecision = { request in
                switch await decide(request) {
                case .refuse(let refusal):
                    return .refuse(refusal)
                case .accept(let fields, let makeHandler):
                    accepted.withLockedValue { $0 = makeHandler }
                    return .accept(fields)
                }
            }
            let upgrader = NIOTypedWebSocketServerUpgrader<UpgradeResult>(
                maxFrameSize: maxFrameSize,
                // NIO's decoder errors (a frame over the limit) are answered with their close code.
                enableAutomaticErrorHandling: true,
                shouldUpgrade: { channel, _ in
                    upgradeAttempted.value = true
                    let isAccepted = accepted.withLockedValue { $0 != nil }
                    return channel.eventLoop.makeSucceededFuture(isAccepted ? HTTPHeaders() : nil)
                },
                upgradePipelineHandler: { channel, _ in
                    channel.eventLoop.makeCompletedFuture {
                        guard let makeHandler = accepted.withLockedValue({ $0 }) else { throw ChannelError.inappropriateOperationForState }
                        try channel.pipeline.syncOperations.addHandler(try makeHandler(channel, logger))
                        return .webSocket
                    }
                }
            )
            let upgrades = NIOTypedHTTPServerUpgradeConfiguration(
                upgraders: [upgrader],
                notUpgradingCompletionHandler: { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
                        try pipeline.addHandler(HTTPConnectionStateHandler(idleTimeout: nil, logger: logger))
                        let asyncChannel = try NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>(
                            wrappingChannelSynchronously: channel,
                            configuration: .init(isOutboundHalfClosureEnabled: true)
                        )
                        return upgradeAttempted.value ? .failedUpgrade(asyncChannel) : .notUpgraded(asyncChannel)
                    }
                }
            )
            var configuration = NIOUpgradableHTTPServerPipelineConfiguration<UpgradeResult>(upgradeConfiguration: upgrades)
            configuration.enablePipelining = false  // NIOAsyncChannel takes requests one at a time
            configuration.enableErrorHandling = false  // Hummingbird answers malformed requests
            configuration.enableResponseHeaderValidation = false  // swift-http-types validates them
            let result = try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(configuration: configuration)
            let upgradeHandler = try channel.pipeline.syncOperations.handler(type: NIOTypedHTTPServerUpgradeHandler<UpgradeResult>.self)
            try channel.pipeline.syncOperations.addHandler(HandshakeGuard(logger: logger, decide: guardDecision), position: .before(upgradeHandler))
            return Value(upgradeResult: result, channel: channel)
        }
    }

    func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.upgradeResult.get() {
            case .webSocket:
                // The handler serves it from here on; this task ends.
                break
            case .notUpgraded(let http):
                await handleHTTP(asyncChannel: http, logger: logger)
            case .failedUpgrade(let http):
                await Self.answerFailedUpgrade(http)
            }
        } catch {
            logger.debug("A connection ended during its upgrade", metadata: ["error": "\(error)"])
        }
    }

    private static func answerFailedUpgrade(_ http: NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>) async {
        try? await http.executeThenClose { _, outbound in
            let body = ByteBuffer(string: "The WebSocket handshake failed.\n")
            let head = HTTPResponse(
                status: .badRequest,
                headerFields: [.connection: "close", .contentType: "text/plain; charset=utf-8", .contentLength: "\(body.readableBytes)"]
            )
            try await outbound.write(contentsOf: [.head(head), .body(body), .end(nil)])
        }
    }
}

extension HTTPServerBuilder {
    /// An HTTP/1 server whose WebSockets are served from channel handlers on their event loops.
    ///
    /// - Parameters:
    ///   - maxFrameSize: the largest frame accepted.
    ///   - decide: the handshake decision, before any upgrade, with what serves an accepted one.
    static func eventLoopWebSockets(
        maxFrameSize: Int,
        decide: @escaping @Sendable (HTTPRequest) async -> EventLoopWebSocketChannel.Acceptance
    ) -> HTTPServerBuilder {
        .init { responder in
            EventLoopWebSocketChannel(responder: responder, maxFrameSize: maxFrameSize, decide: decide)
        }
    }
}
