import ChatServer
import Foundation
import Hummingbird
import HummingbirdWebSocket
import LessonKit
import NIOConcurrencyHelpers

/// A chat server over the rooms under check and no history, so that exercise 1 is checked with live
/// clients before exercises 2 and 3 are written: `join`, `leave` and `send`, with ids from a counter.
func buildRoomsOnlyServer(rooms: any ChatRooms) throws -> any ApplicationProtocol {
    let lastID = NIOLockedValueBox<Int64>(0)
    return try buildChatLessonServer(configuration: ApplicationConfiguration()) { user, inbound, outbound in
        let (outgoing, outbox) = AsyncStream.makeStream(of: ServerMessage.self)
        let connection = try rooms.connect(user: user) { outbox.yield($0) }
        defer { try? rooms.disconnect(connection) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await message in outgoing {
                    try await outbound.write(.text(String(buffer: message.buffer)))
                }
            }
            for try await frame in inbound.messages(maxSize: 64 * 1024) {
                guard case .text(let text) = frame, let envelope = try? ClientEnvelope(decoding: text) else { continue }
                switch envelope.message {
                case .join(let room, _):
                    let members = try rooms.join(connection, room: room)
                    outbox.yield(.joined(room: room, members: members, messages: [], ref: envelope.ref))
                case .leave(let room):
                    try rooms.leave(connection, room: room)
                    outbox.yield(.left(room: room, ref: envelope.ref))
                case .send(let room, let text, let clientID):
                    let id = lastID.withLockedValue { lastID in
                        lastID += 1
                        return lastID
                    }
                    let message = ChatMessage(id: id, room: room, from: user, text: text, at: Date(), clientID: clientID)
                    try rooms.broadcast(.message(message, ref: nil), to: room, except: nil)
                default:
                    break
                }
            }
            group.cancelAll()
        }
    }
}
