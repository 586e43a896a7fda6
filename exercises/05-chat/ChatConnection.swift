import ChatServer
import Hummingbird
import HummingbirdWebSocket
import LessonKit
import NIOWebSocket

/// Exercise 3: the chat server. LessonKit's `buildChatLessonServer` gives the web page, the handshake
/// and the name from `?name=`; each connection it accepts runs ``handleChatConnection(of:inbound:outbound:rooms:history:)``.
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
    // TODO: serve handleChatConnection with buildChatLessonServer. Then delete the line below.
    throw NotDoneYet("build the chat server around handleChatConnection: buildChatServer, in ChatConnection.swift")
}

/// One `chat.v1` connection of `user`, from open to close (`docs/protocol.md` has every
/// message; `ClientEnvelope(decoding:)` reads the client's, `ServerMessage.buffer` writes the server's).
///
/// - Register the connection in `rooms`, with a way out that never waits, and let it go however the
///   handler ends; one writer sends what the way out receives, in order.
/// - `join`: the room's messages after `since` (up to `Limits.maxHistory`; without `since`, the latest
///   `Limits.defaultHistory`), and its members, in `joined`; the connection is in the room from then
///   on, and sees every later message exactly once.
/// - `send` (members only): stored in `history`, then, once committed, to the room's other connections
///   and back to the sender with its `ref`; a resend answers with the first copy and tells nobody.
/// - `leave` and `history` (members only): `left`, and the messages before `before`.
/// - `directs`: an empty `directs` (this server keeps no direct messages); `direct` and `auth`: an
///   `error` with code `unknown_type`.
/// - A message the client got wrong, or about a room it has not joined (`not_member`), is answered with
///   an `error` event; the connection carries on. A binary message closes it with 1003 (lesson 2).
/// Lesson 5's text, "Exercise 3: the chat endpoint", walks through it.
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
    // TODO: register, write from the way out, answer each message as above, let go in a defer. Then delete the line below.
    throw NotDoneYet("answer join, send, leave and history with rooms and history: handleChatConnection, in ChatConnection.swift")
}
