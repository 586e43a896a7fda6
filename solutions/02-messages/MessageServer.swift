import Hummingbird
import HummingbirdWebSocket
import NIOWebSocket

/// Exercise 3, the reference: `echo.v1` on `/ws`, with its limits.
///
/// - Parameter configuration: where the application listens.
/// - Returns: the application, not yet running.
public func buildMessageServer(configuration: ApplicationConfiguration) throws -> any ApplicationProtocol {
    let webSocketRouter = Router(context: BasicWebSocketRequestContext.self)
    webSocketRouter.ws("/ws") { inbound, outbound, _ in
        // Frames are put back together into messages; one past 4,096 bytes closes with 1009.
        for try await message in inbound.messages(maxSize: 4096) {
            switch message {
            case .text(let text):
                try await outbound.write(.text(try reply(to: text)))
            case .binary:
                try await outbound.close(.unacceptableData, reason: "echo.v1 is text only")
                return
            }
        }
    }
    // A single frame past 4,096 bytes closes with 1009 before it is read; text that is not UTF-8, 1007.
    let webSocket = WebSocketServerConfiguration(maxFrameSize: 4096, validateUTF8: true)
    return Application(
        router: Router(),
        server: .http1WebSocketUpgrade(webSocketRouter: webSocketRouter, configuration: webSocket),
        configuration: configuration
    )
}
