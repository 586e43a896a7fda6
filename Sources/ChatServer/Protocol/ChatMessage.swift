import Foundation

/// A message as stored and as sent: to a room, or directly to one user.
public struct ChatMessage: Codable, Sendable, Equatable {
    /// The message's id: it increases with every message stored, across all rooms.
    public var id: Int64
    /// The room it was sent to; `nil` for a direct message.
    public var room: String?
    /// The user it was sent to; `nil` for a room message.
    public var to: String?
    /// The sender's user name.
    public var from: String
    /// The text, 1 to 4,096 characters.
    public var text: String
    /// When the server stored it.
    public var at: Date
    /// The sender's own id for it, which makes a resend harmless.
    public var clientID: String?

    public init(id: Int64, room: String?, to: String? = nil, from: String, text: String, at: Date, clientID: String?) {
        self.id = id
        self.room = room
        self.to = to
        self.from = from
        self.text = text
        self.at = at
        self.clientID = clientID
    }

    enum CodingKeys: String, CodingKey {
        case id, room, to, from, text, at
        case clientID = "client_id"
    }
}
