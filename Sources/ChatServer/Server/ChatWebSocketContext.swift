public import Hummingbird
public import HummingbirdCore
public import HummingbirdWebSocket
public import NIOCore

/// The request context of the `/ws` route: Hummingbird's WebSocket context, plus the channel, so
/// that a connection too slow to read its messages can be cut even while its writer is stuck.
public struct ChatWebSocketContext: RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<Self>
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        channel = source.channel
    }
}
