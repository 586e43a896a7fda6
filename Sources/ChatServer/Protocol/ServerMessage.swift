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

    /// The message as a frame's bytes, to be written to many connections without encoding again.
    public var buffer: ByteBuffer {
        // Strings, numbers, dates and arrays of them: encoding cannot fail.
        ByteBuffer(bytes: try! Self.encoder.encode(WireMessage(self)))
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

/// Whether a user joined or left.
public enum PresenceEvent: String, Codable, Sendable {
    case joined, left
}

/// The fields of any server message; the ones a type does not use stay out of the JSON.
private struct WireMessage: Encodable {
    var type: String
    var ref: String?
    var room: String?
    var members: [String]?
    var messages: [ChatMessage]?
    var user: String?
    var event: PresenceEvent?
    var code: ErrorCode?
    var detail: String?
    var message: ChatMessage?
    var expiresAt: Date?

    init(_ message: ServerMessage) {
        switch message {
        case .joined(let room, let members, let messages, let ref):
            (type, self.room, self.members, self.messages, self.ref) = ("joined", room, members, messages, ref)
        case .left(let room, let ref):
            (type, self.room, self.ref) = ("left", room, ref)
        case .message(let chat, let ref):
            (type, self.message, self.ref) = ("message", chat, ref)
        case .presence(let room, let user, let event):
            (type, self.room, self.user, self.event) = ("presence", room, user, event)
        case .history(let room, let messages, let ref):
            (type, self.room, self.messages, self.ref) = ("history", room, messages, ref)
        case .direct(let chat, let ref):
            (type, self.message, self.ref) = ("direct", chat, ref)
        case .directs(let messages, let ref):
            (type, self.messages, self.ref) = ("directs", messages, ref)
        case .authenticated(let user, let expiresAt, let ref):
            (type, self.user, self.expiresAt, self.ref) = ("authenticated", user, expiresAt, ref)
        case .error(let error):
            (type, code, detail, ref) = ("error", error.code, error.detail, error.ref)
        }
    }

    enum CodingKeys: String, CodingKey {
        case type, ref, room, members, messages, user, event, code, detail
        case expiresAt = "expires_at"
    }

    /// A chat message's fields sit beside `type`, as in `{"type":"message","id":42,…}`.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        try container.encodeIfPresent(ref, forKey: .ref)
        try container.encodeIfPresent(members, forKey: .members)
        try container.encodeIfPresent(messages, forKey: .messages)
        try container.encodeIfPresent(user, forKey: .user)
        try container.encodeIfPresent(event, forKey: .event)
        try container.encodeIfPresent(code, forKey: .code)
        try container.encodeIfPresent(detail, forKey: .detail)
        try container.encodeIfPresent(expiresAt, forKey: .expiresAt)
        if let message {
            try message.encode(to: encoder)
        } else {
            try container.encodeIfPresent(room, forKey: .room)
        }
    }
}
