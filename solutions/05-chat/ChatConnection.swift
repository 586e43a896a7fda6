import ChatServer
import Hummingbird
import HummingbirdWebSocket
import LessonKit
import NIOWebSocket

/// Exercise 3, the reference: the chat server, whose every connection ``handleChatConnection(of:inbound:outbound:rooms:history:)`` runs.
///
/// - Parameters:
///   - rooms: every connection and the rooms they are in.
///   - history: every room message, stored.
///   - allowedOrigins: browser origins allowed besides the server's own.
///   - configuration: where the application listens.
/// - Returns: the application, not yet running.
public func buildChatServer(
    rooms: any ChatRooms,
    history: any ChatHistory,
    allowedOrigins: [String] = [],
    configuration: ApplicationConfiguration
) throws -> any ApplicationProtocol {
    try buildChatLessonServer(allowedOrigins: allowedOrigins, configuration: configuration) { user, inbound, outbound in
        try await handleChatConnection(of: user, inbound: inbound, outbound: outbound, rooms: rooms, history: history)
    }
}

/// One `chat.v1` connection of `user`, from open to close.
///
/// - Parameters:
///   - user: who is connected, from `?name=`.
///   - inbound: the client's messages.
///   - outbound: where the answers, the room messages and the presence events go.
///   - rooms: every connection and the rooms they are in.
///   - history: every room message, stored.
func handleChatConnection(
    of user: String,
    inbound: WebSocketInboundStream,
    outbound: WebSocketOutboundWriter,
    rooms: any ChatRooms,
    history: any ChatHistory
) async throws {
    // The connection's way out: any task may put a message in, and one writer takes them out in order.
    let (outgoing, outbox) = AsyncStream.makeStream(of: ServerMessage.self)
    let connection = try rooms.connect(user: user) { outbox.yield($0) }
    // However the handler ends, the connection leaves its rooms, and their members are told.
    defer { try? rooms.disconnect(connection) }
    let session = ChatConnection(id: connection, user: user, rooms: rooms, history: history, outbox: outbox)
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            for await message in outgoing {
                try await outbound.write(.text(String(buffer: message.buffer)))
            }
        }
        for try await message in inbound.messages(maxSize: 64 * 1024) {
            guard case .text(let text) = message else {
                // chat.v1 is JSON in text frames: a binary message is data this server cannot accept (lesson 2).
                try await outbound.close(.unacceptableData, reason: "chat.v1 is text only")
                break
            }
            do {
                try await session.handle(try ClientEnvelope(decoding: text))
            } catch let error as ProtocolError {
                // The client's mistake is answered, and the connection carries on.
                outbox.yield(.error(error))
            }
        }
        group.cancelAll()
    }
}

/// What one connection does with each message it reads.
struct ChatConnection {
    let id: Int
    let user: String
    let rooms: any ChatRooms
    let history: any ChatHistory
    let outbox: AsyncStream<ServerMessage>.Continuation

    func handle(_ envelope: ClientEnvelope) async throws {
        let (id, rooms, outbox, ref) = (id, rooms, outbox, envelope.ref)
        switch envelope.message {
        case .join(let room, let since):
            // Joined inside the read, in step with the commits: every message arrives once, in
            // `joined` or live, never both and never neither.
            let limit = since == nil ? Limits.defaultHistory : Limits.maxHistory
            _ = try await history.messages(in: room, after: since, limit: limit) { messages in
                let members = try rooms.join(id, room: room)
                outbox.yield(.joined(room: room, members: members, messages: messages, ref: ref))
            }

        case .leave(let room):
            guard try rooms.leave(id, room: room) else { throw Self.notMember(room, ref: ref) }
            outbox.yield(.left(room: room, ref: ref))

        case .send(let room, let text, let clientID):
            guard try rooms.isMember(id, of: room) else { throw Self.notMember(room, ref: ref) }
            let appended = try await history.append(room: room, from: user, text: text, clientID: clientID) { message in
                // Committed first, told after: a message anyone saw is one a reconnect can recover.
                // (`broadcast` throws only while exercise 1 is unwritten.)
                try? rooms.broadcast(.message(message, ref: nil), to: room, except: id)
                outbox.yield(.message(message, ref: ref))
            }
            // A resend: the first copy is the answer, and nobody else is told again.
            if !appended.isNew { outbox.yield(.message(appended.message, ref: ref)) }

        case .history(let room, let before, let limit):
            guard try rooms.isMember(id, of: room) else { throw Self.notMember(room, ref: ref) }
            let messages = try await history.messages(in: room, before: before, limit: limit)
            outbox.yield(.history(room: room, messages: messages, ref: ref))

        case .directs:
            // The web page asks on connecting; this server keeps no direct messages.
            outbox.yield(.directs(messages: [], ref: ref))

        case .direct, .auth:
            throw ProtocolError(.unknownType, "lesson 5's server has rooms only: no direct messages, no tokens", ref: ref)
        }
    }

    private static func notMember(_ room: String, ref: String?) -> ProtocolError {
        ProtocolError(.notMember, "join \(room) first", ref: ref)
    }
}
