public import Hummingbird
import HummingbirdCore
public import NIOCore

/// The request context of the chat server's HTTP routes: Hummingbird's basic one, plus the client's
/// address, which sign-in limits are counted by.
public struct ChatRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
