import Foundation
import NIOCore

/// A message from the server to a client.
public enum ServerMessage: Sendable, Equatable {
    /// The answer to `join`: who is in the room, and the messages the client missed.
    case joined(room: String, members: [String], messages: [ChatMessage], ref: String?)
    /// The answer to `leave`.
    case left(room: String, ref: String?)
    /// A room message, to every member, its sender included (the sender's copy is its acknowledgement).
    case message(ChatMessage, ref: String?)
    /// Someone joined or left a room.
    case presence(room: String, user: String, event: PresenceEvent)
    /// The answer to `history`.
    case history(room: String, messages: [ChatMessage], ref: String?)
    /// A direct message, to its recipient and, as its acknowledgement, to its sender.
    case direct(ChatMessage, ref: String?)
    /// The answer to `directs`: direct messages the user sent or received.
    case directs(messages: [ChatMessage], ref: String?)
    /// The answer to `auth`: the connection now lasts until the new token's expiry.
    case authenticated(user: String, expiresAt: Date?, ref: String?)
    /// What was wrong with a client message.
    case error(ProtocolError)

    /// Every `type` the server sends, for the protocol's documentation and its tests.
    public static let types = ["joined", "left", "message", "presence", "history", "direct", "directs", "authenticated", "error"]

    /// The message as a frame's bytes.
    public var buffer: ByteBuffer { textFrame.payload }

    /// The message as a whole text frame, encoded once, to be written to every recipient.
    var textFrame: TextFrame {
        TextFrame { JSONObjectWriter.writeObject(into: &$0, writeFields) }
    }

    /// A chat message's frame for its recipients, and its sender's copy, the same with the sender's
    /// `ref` (its acknowledgement): `.message` for a room message, `.direct` for a direct one.
    ///
    /// `ref` is the only field in which the two differ, so the sender's copy is spliced from the
    /// recipients' rather than encoded again.
    static func frames(of chat: ChatMessage, ref: String?) -> (recipients: TextFrame, sender: TextFrame) {
        var refPlace = 0
        let type: StaticString = chat.room == nil ? "direct" : "message"
        let recipients = TextFrame { buffer in
            JSONObjectWriter.writeObject(into: &buffer) { refPlace = $0.fields(of: chat, type: type) }
        }
        guard let ref else { return (recipients, recipients) }
        let payload = recipients.payload
        let sender = TextFrame { buffer in
            buffer.writeImmutableBuffer(payload.getSlice(at: payload.readerIndex, length: refPlace)!)
            buffer.writeStaticString(",\"ref\":")
            JSONObjectWriter.writeString(ref, into: &buffer)
            buffer.writeImmutableBuffer(payload.getSlice(at: payload.readerIndex + refPlace, length: payload.readableBytes - refPlace)!)
        }
        return (recipients, sender)
    }

    /// The fields of the JSON object, in sorted key order: a chat message's own sit beside `type`,
    /// as in `{"at":…,"from":"ada","id":42,…,"type":"message"}`.
    private func writeFields(_ json: inout JSONObjectWriter) {
        switch self {
        case .joined(let room, let members, let messages, let ref):
            json.field("members", members)
            json.field("messages", messages)
            json.field("ref", ref)
            json.field("room", room)
            json.field("type", "joined")
        case .left(let room, let ref):
            json.field("ref", ref)
            json.field("room", room)
            json.field("type", "left")
        case .message(let chat, let ref):
            json.fields(of: chat, ref: ref, type: "message")
        case .presence(let room, let user, let event):
            json.field("event", event.rawValue)
            json.field("room", room)
            json.field("type", "presence")
            json.field("user", user)
        case .history(let room, let messages, let ref):
            json.field("messages", messages)
            json.field("ref", ref)
            json.field("room", room)
            json.field("type", "history")
        case .direct(let chat, let ref):
            json.fields(of: chat, ref: ref, type: "direct")
        case .directs(let messages, let ref):
            json.field("messages", messages)
            json.field("ref", ref)
            json.field("type", "directs")
        case .authenticated(let user, let expiresAt, let ref):
            json.field("expires_at", expiresAt)
            json.field("ref", ref)
            json.field("type", "authenticated")
            json.field("user", user)
        case .error(let error):
            json.field("code", error.code.rawValue)
            json.field("detail", error.detail)
            json.field("ref", error.ref)
            json.field("type", "error")
        }
    }
}

/// Whether a user joined or left.
public enum PresenceEvent: String, Codable, Sendable {
    case joined, left
}
