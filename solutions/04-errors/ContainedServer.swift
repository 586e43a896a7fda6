import Hummingbird
import HummingbirdWebSocket
import LessonKit
import Logging
import NIOWebSocket

/// Exercise 3, the reference: lesson 4's `room.v1` on `/ws?name=NAME`, where every error is answered
/// and only the connection at fault pays.
///
/// - Parameters:
///   - rateLimit: how fast each connection may send.
///   - logger: where server errors are logged, each with its reference.
///   - configuration: where the application listens.
/// - Returns: the application, not yet running.
public func buildContainedServer(
    rateLimit: RateLimit,
    logger: Logger,
    configuration: ApplicationConfiguration
) throws -> any ApplicationProtocol {
    let room = Room()
    let webSocketRouter = Router(context: BasicWebSocketRequestContext.self)
    webSocketRouter.ws("/ws") { inbound, outbound, context in
        guard let user = context.request.uri.queryParameters["name"].map(String.init), !user.isEmpty else {
            try await outbound.close(.policyViolation, reason: "?name= is required")
            return
        }
        let id = room.join(outbound)
        defer { room.leave(id) }
        var bucket = TokenBucket(rateLimit)
        let start = ContinuousClock.now
        // The loop ends when the client closes or the connection drops: no special case for either.
        for try await message in inbound.messages(maxSize: 1 << 16) {
            switch try bucket.admit(at: .now - start) {
            case .accept:
                break
            case .refuse(let retryAfter):
                let detail = "too many messages; wait retry_after_ms, then resend"
                try await outbound.write(.text(RoomEvent.error(.rateLimited, detail: detail, retryAfter: retryAfter).json))
                continue
            case .close:
                try await outbound.close(.policyViolation, reason: "rate limit exceeded")
                return
            }
            do {
                try await handle(message, from: user, in: room)
            } catch {
                switch try answer(to: error, makeRef: makeRef) {
                case .event(let code, let detail):
                    try await outbound.write(.text(RoomEvent.error(code, detail: detail).json))
                case .close(let code, let reason):
                    try await outbound.close(WebSocketErrorCode(codeNumber: Int(code)), reason: reason)
                    return
                case .serverError(let ref):
                    logger.error("Server error; closing the connection", metadata: ["ref": "\(ref)", "user": "\(user)", "error": "\(error)"])
                    try await outbound.close(.unexpectedServerError, reason: "server error (ref \(ref))")
                    return
                }
            }
        }
    }
    // The protocol's 4,096 bytes are checked where a message is read, so that its answer comes from
    // `answer(to:makeRef:)`; the library's 64 KiB only bounds what one message may cost in memory.
    let webSocket = WebSocketServerConfiguration(maxFrameSize: 1 << 16, validateUTF8: true)
    return Application(
        router: Router(),
        server: .http1WebSocketUpgrade(webSocketRouter: webSocketRouter, configuration: .init(ws: webSocket)),
        configuration: configuration,
        logger: logger
    )
}

/// Handles one message; whatever it throws is answered by the caller.
private func handle(_ message: WebSocketMessage, from user: String, in room: Room) async throws {
    guard case .text(let text) = message else { throw MessageError.binary }
    switch try RoomMessage(decoding: text) {
    case .say(let text):
        await room.broadcast(.said(from: user, text: text))
    case .boom:
        throw SimulatedBug()
    }
}

/// Eight hex digits, fresh for each server error: enough to find one log line among a day's.
private func makeRef() -> String {
    let value = UInt32.random(in: .min ... .max)
    let hex = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: 8 - hex.count) + hex
}
