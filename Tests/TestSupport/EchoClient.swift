import HTTPTypes
import HummingbirdWSClient
import Logging

/// Connects a real WebSocket client to `ws://127.0.0.1:port/ws`, sends `text`, and returns the first
/// text message that comes back.
///
/// - Parameters:
///   - text: the message to send.
///   - port: the server's port.
///   - headers: extra handshake fields, such as `Origin` or `Sec-WebSocket-Protocol`.
/// - Returns: the reply, or `nil` if the server closed without one.
public func echo(_ text: String, port: Int, path: String = "/ws", headers: HTTPFields = [:]) async throws -> String? {
    let logger = Logger(label: "test-client")
    let reply = ReplyBox()
    try await WebSocketClient.connect(
        url: "ws://127.0.0.1:\(port)\(path)",
        configuration: .init(additionalHeaders: headers),
        logger: logger
    ) { inbound, outbound, _ in
        try await outbound.write(.text(text))
        for try await message in inbound.messages(maxSize: 1 << 16) {
            if case .text(let received) = message {
                await reply.set(received)
                break
            }
        }
    }
    return await reply.value
}

private actor ReplyBox {
    var value: String?
    func set(_ value: String) { self.value = value }
}
