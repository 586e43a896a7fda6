import Hummingbird
import HummingbirdWebSocket
import LessonKit
import Logging
import NIOConcurrencyHelpers
import NIOWebSocket
import Solution04
import Testing

/// A subtly broken version of lesson 4's server, for exercise 4's tests to catch. Each flaw is one a
/// real server could ship with; everything else is as the reference does it.
enum Flaw: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case closesOnMalformedJSON
    case answersTheWrongCode
    case closesAfterAnswering
    case bugClosesEveryone
    case bugClosesNormally

    var testDescription: String {
        switch self {
        case .closesOnMalformedJSON: "closes with 1007 on malformed JSON instead of answering"
        case .answersTheWrongCode: "answers malformed JSON with unknown_type"
        case .closesAfterAnswering: "answers malformed JSON, then closes the connection"
        case .bugClosesEveryone: "closes every connection with 1011 when one handler hits a bug"
        case .bugClosesNormally: "closes with 1000 when a handler hits a bug, hiding the failure"
        }
    }
}

/// Builds lesson 4's server with `flaw`.
func buildFlawedServer(_ flaw: Flaw) -> some ApplicationProtocol {
    let everyone = NIOLockedValueBox<[Int: WebSocketOutboundWriter]>([:])
    let nextID = NIOLockedValueBox(0)
    let room = Room()
    let webSocketRouter = Router(context: BasicWebSocketRequestContext.self)
    webSocketRouter.ws("/ws") { inbound, outbound, context in
        let user = context.request.uri.queryParameters["name"].map(String.init) ?? "anonymous"
        let id = nextID.withLockedValue { id in
            defer { id += 1 }
            return id
        }
        let member = room.join(outbound)
        everyone.withLockedValue { $0[id] = outbound }
        defer {
            room.leave(member)
            _ = everyone.withLockedValue { $0.removeValue(forKey: id) }
        }
        for try await message in inbound.messages(maxSize: 1 << 16) {
            guard case .text(let text) = message else { return }
            let read: RoomMessage
            do {
                read = try RoomMessage(decoding: text)
            } catch {
                guard case .event(let code, let detail) = try answer(to: error, makeRef: { "0000" }) else { return }
                switch flaw {
                case .closesOnMalformedJSON where code == .invalidJSON:
                    try await outbound.close(.dataInconsistentWithMessage, reason: "invalid JSON")
                    return
                case .answersTheWrongCode:
                    try await outbound.write(.text(RoomEvent.error(.unknownType, detail: detail).json))
                case .closesAfterAnswering:
                    try await outbound.write(.text(RoomEvent.error(code, detail: detail).json))
                    try await outbound.close(.normalClosure, reason: nil)
                    return
                default:
                    try await outbound.write(.text(RoomEvent.error(code, detail: detail).json))
                }
                continue
            }
            switch read {
            case .say(let text):
                await room.broadcast(.said(from: user, text: text))
            case .boom:
                switch flaw {
                case .bugClosesEveryone:
                    for connection in everyone.withLockedValue({ Array($0.values) }) {
                        try? await connection.close(.unexpectedServerError, reason: "server error (ref 0000)")
                    }
                case .bugClosesNormally:
                    try await outbound.close(.normalClosure, reason: nil)
                default:
                    try await outbound.close(.unexpectedServerError, reason: "server error (ref 0000)")
                }
                return
            }
        }
    }
    let webSocket = WebSocketServerConfiguration(maxFrameSize: 1 << 16)
    return Application(
        router: Router(),
        server: .http1WebSocketUpgrade(webSocketRouter: webSocketRouter, configuration: .init(ws: webSocket)),
        configuration: ApplicationConfiguration(),
        // Quiet: a broken server's shutdown complaints are not the learner's to read.
        logger: Logger(label: "flawed-server") { _ in SwiftLogNoOpLogHandler() }
    )
}
