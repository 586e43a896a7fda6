import Foundation
import Hummingbird
import NIOCore

extension ChatService {
    /// The HTTP application: the web page, health, metrics, the AsyncAPI document, and `/ws`.
    func makeApplication() throws -> some ApplicationProtocol {
        let router = Router(context: ChatRequestContext.self)
        oauth?.add(to: router)
        let page = try WebPage.chat(title: configuration.productName)
        let asyncAPI = try Self.resource("asyncapi.yaml")
        router.get("/") { _, _ in Response(status: .ok, headers: page.headers, body: .init(byteBuffer: page.body)) }
        router.get("/asyncapi.yaml") { _, _ in Self.response(asyncAPI, type: "application/yaml") }
        router.get("/health") { [health] _, _ in
            let (isHealthy, report) = await health()
            return Self.response(ByteBuffer(string: report), type: "text/plain; charset=utf-8", status: isHealthy ? .ok : .serviceUnavailable)
        }
        // What the web page needs to know to offer the right sign-in.
        let mode = oauth == nil ? "anonymous" : "tokens"
        let registration = configuration.allowsRegistration && oauth != nil
        let clientConfiguration = ByteBuffer(string: #"{"authentication":"\#(mode)","registration":\#(registration)}"#)
        router.get("/config.json") { _, _ in Self.response(clientConfiguration, type: "application/json") }
        router.get("/metrics") { [metrics] _, _ in
            Self.response(ByteBuffer(string: metrics.exposition), type: "text/plain; version=0.0.4")
        }
        // A plain GET of the WebSocket endpoint (a browser tab, curl without headers) learns what it is.
        router.get("/ws") { _, _ in
            var response = Self.response(
                ByteBuffer(string: "/ws is a WebSocket endpoint: connect with a WebSocket client.\n"),
                type: "text/plain; charset=utf-8",
                status: .upgradeRequired
            )
            response.headers[.upgrade] = "websocket"
            return response
        }

        let handshake = ChatHandshake(
            policy: configuration.handshakePolicy,
            identity: identity,
            hub: hub,
            maxConnections: configuration.maxConnections,
            serve: connectionHandler()
        )
        return Application(
            router: router,
            server: .eventLoopWebSockets(maxFrameSize: configuration.maxMessageSize, decide: handshake.decide),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: configuration.productName),
            onServerRunning: onServerRunning,
            logger: logger
        )
    }

    /// What serves a client's connection once its handshake is accepted: a ``ChatConnection`` under
    /// a ``WebSocketConnectionHandler``, on the channel's event loop.
    private func connectionHandler() -> @Sendable (Identity) -> EventLoopWebSocketChannel.MakeHandler {
        let services = ChatConnection.Services(hub: hub, store: store, tokens: oauth?.tokens, metrics: metrics)
        let configuration = configuration
        return { identity in
            { channel, logger in
                let outbox = Outbox(bounds: .init(messages: configuration.maxQueuedMessages, bytes: configuration.maxQueuedBytes))
                let limiter = RateLimiter(rate: configuration.rateLimit, burst: configuration.rateBurst, strikes: configuration.rateStrikes)
                let connection = ChatConnection(
                    identity: identity,
                    limiter: limiter,
                    services: services,
                    outbox: outbox,
                    eventLoop: channel.eventLoop,
                    logger: logger
                )
                return WebSocketConnectionHandler(
                    session: connection,
                    outbox: outbox,
                    maxMessageSize: configuration.maxMessageSize,
                    pingInterval: TimeAmount(configuration.pingInterval)
                )
            }
        }
    }

    private static func resource(_ name: String) throws -> ByteBuffer {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Resources") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: name])
        }
        return ByteBuffer(bytes: try Data(contentsOf: url))
    }

    private static func response(_ body: ByteBuffer, type: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: type], body: .init(byteBuffer: body))
    }
}
