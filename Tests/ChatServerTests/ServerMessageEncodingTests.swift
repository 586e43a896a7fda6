import Foundation
import GRDB
import NIOCore
import TestSupport
import Testing

@testable import ChatServer

@Suite("Server messages are written as JSONEncoder would write them, without it")
struct ServerMessageEncodingTests {
    /// Strings that need every kind of care: escapes, control characters, slashes, and UTF-8 of
    /// every length.
    static let awkwardStrings = [
        "", "plain", #"quote " and backslash \ and slash /"#, "tab\tnewline\nreturn\rbell\u{7}nul\u{0}",
        "\u{8}\u{C}\u{1F}\u{7F}", "héllo wörld", "日本語", "🦄🏳️‍🌈", "\u{2028}\u{2029}", "</script>",
    ]

    @Test("1,000 random messages of every type: the same bytes as the reference encoder")
    func sameBytesAsJSONEncoder() throws {
        var random = SplitMix64(seed: 2026)
        for _ in 0..<1000 {
            let message = Self.randomMessage(using: &random)
            let written = String(buffer: message.buffer)
            let reference = try Self.referenceEncoding(of: message)
            #expect(written == reference, "\(message)")
        }
    }

    @Test("A sender's copy spliced from its recipients' is the message encoded with the sender's ref")
    func splicedSenderCopy() {
        var random = SplitMix64(seed: 6455)
        for _ in 0..<500 {
            guard case .message(let chat, _) = Self.randomMessage(using: &random) else { continue }
            let direct = ChatMessage(id: chat.id, room: nil, to: chat.from, from: chat.text, text: chat.text, at: chat.at, clientID: chat.clientID)
            let ref = Bool.random(using: &random) ? Self.awkwardStrings.randomElement(using: &random)! : nil
            for (message, encoded) in [(chat, ServerMessage.message), (direct, ServerMessage.direct)] {
                let (recipients, sender) = ServerMessage.frames(of: message, ref: ref)
                #expect(recipients.frame == encoded(message, nil).textFrame.frame)
                #expect(sender.frame == encoded(message, ref).textFrame.frame)
            }
        }
    }

    @Test("The frame around it has the right header, and the payload is its tail")
    func frameAroundThePayload() {
        let long = ServerMessage.message(
            ChatMessage(id: 1, room: "r", from: "a", text: String(repeating: "x", count: 70_000), at: Date(), clientID: nil),
            ref: nil
        )
        for message in [ServerMessage.left(room: "lobby", ref: "1"), long] {
            let text = message.textFrame
            #expect(text.frame.readableBytesView.suffix(text.payload.readableBytes).elementsEqual(text.payload.readableBytesView))
            #expect(text.frame == TextFrame(text.payload).frame)
        }
    }

    static func randomMessage(using random: inout SplitMix64) -> ServerMessage {
        func string() -> String {
            let parts = (0..<Int.random(in: 1...3, using: &random)).map { _ in awkwardStrings.randomElement(using: &random)! }
            return parts.joined()
        }
        func optional(_ make: () -> String) -> String? { Bool.random(using: &random) ? make() : nil }
        func date() -> Date {
            // 1900 to 2200, with fractions of a second.
            Date(timeIntervalSince1970: Double.random(in: -2_208_988_800...7_258_118_400, using: &random))
        }
        func chat(direct: Bool) -> ChatMessage {
            ChatMessage(
                id: Int64.random(in: 0...Int64.max, using: &random),
                room: direct ? nil : string(),
                to: direct ? string() : nil,
                from: string(),
                text: string(),
                at: date(),
                clientID: optional(string)
            )
        }
        func chats() -> [ChatMessage] { (0..<Int.random(in: 0...3, using: &random)).map { _ in chat(direct: Bool.random(using: &random)) } }
        switch Int.random(in: 0..<9, using: &random) {
        case 0:
            return .joined(
                room: string(),
                members: (0..<Int.random(in: 0...3, using: &random)).map { _ in string() },
                messages: chats(),
                ref: optional(string)
            )
        case 1: return .left(room: string(), ref: optional(string))
        case 2: return .message(chat(direct: false), ref: optional(string))
        case 3: return .presence(room: string(), user: string(), event: Bool.random(using: &random) ? .joined : .left)
        case 4: return .history(room: string(), messages: chats(), ref: optional(string))
        case 5: return .direct(chat(direct: true), ref: optional(string))
        case 6: return .directs(messages: chats(), ref: optional(string))
        case 7: return .authenticated(user: string(), expiresAt: Bool.random(using: &random) ? date() : nil, ref: optional(string))
        default: return .error(ProtocolError(ErrorCode.all.randomElement(using: &random)!, string(), ref: optional(string)))
        }
    }

    /// How the server wrote its messages before it had a writer of its own: Foundation's encoder.
    static func referenceEncoding(of message: ServerMessage) throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(ReferenceWireMessage(message)), as: UTF8.self)
    }
}

/// The fields of any server message; the ones a type does not use stay out of the JSON.
private struct ReferenceWireMessage: Encodable {
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

@Suite("Dates are written without Foundation's formatters, as they would be with them")
struct UTCTimeTests {
    @Test("To the millisecond, 2,000 dates from 1900 to 2200 read as GRDB stores them")
    func databaseText() {
        var random = SplitMix64(seed: 86_400)
        for _ in 0..<2000 {
            let milliseconds = Double(Int64.random(in: -2_208_988_800_000...7_258_118_400_000, using: &random))
            let date = Date(timeIntervalSince1970: milliseconds / 1000)
            #expect(
                UTCTime(date, milliseconds: .toNearestOrAwayFromZero).databaseText == String.fromDatabaseValue(date.databaseValue),
                "\(date.timeIntervalSince1970)"
            )
        }
    }
}
