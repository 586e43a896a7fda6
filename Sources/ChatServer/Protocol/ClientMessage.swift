import Foundation

/// A message from a client, read and checked: every field is present and within its range.
public enum ClientMessage: Sendable, Equatable {
    /// Join a room, and receive what was said after `since` (or the latest messages).
    case join(room: String, since: Int64?)
    /// Leave a room.
    case leave(room: String)
    /// Say something in a room the sender has joined.
    case send(room: String, text: String, clientID: String?)
    /// Read the messages of a joined room before `before` (or the latest), at most `limit`.
    case history(room: String, before: Int64?, limit: Int)
    /// Say something to one user.
    case direct(to: String, text: String, clientID: String?)
    /// Read the direct messages the user sent or received after `since` (or the latest): how a
    /// client recovers what was said to it while it was offline.
    case directs(since: Int64?)
    /// Present a fresh access token for the same user, to keep the connection past the old one's expiry.
    case auth(token: String)

    /// Every `type` a client may send, for the protocol's documentation and its tests.
    public static let types = ["join", "leave", "send", "history", "direct", "directs", "auth"]
}

/// A client message together with the `ref` the server echoes in its reply.
public struct ClientEnvelope: Sendable, Equatable {
    public var message: ClientMessage
    public var ref: String?
}

extension ClientEnvelope {
    /// Reads a client's text frame.
    ///
    /// - Parameter text: the frame's text.
    /// - Throws: a ``ProtocolError`` naming what is wrong, carrying the message's `ref` when it could
    ///   be read, so that the client can match the error to what it sent.
    public init(decoding text: String) throws(ProtocolError) {
        if let fields = WireFields(flat: text) {
            try self.init(fields)
        } else {
            try self.init(decodingWithJSONDecoder: text)
        }
    }

    /// Reads a client's text frame with `JSONDecoder`: what ``init(decoding:)`` does when the fast
    /// reader gives up, and what the tests compare that reader with.
    init(decodingWithJSONDecoder text: String) throws(ProtocolError) {
        let fields: WireFields
        do {
            fields = try JSONDecoder().decode(WireFields.self, from: Data(text.utf8))
        } catch let DecodingError.typeMismatch(_, context) where !context.codingPath.isEmpty {
            let ref = (try? JSONDecoder().decode(RefOnly.self, from: Data(text.utf8)))?.ref
            throw ProtocolError(.invalidField, "\(context.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type", ref: ref)
        } catch {
            throw ProtocolError(.invalidJSON, "a message is one JSON object")
        }
        try self.init(fields)
    }

    /// Whether the fast reader takes this text, for the tests.
    static func readsFlat(_ text: String) -> Bool {
        WireFields(flat: text) != nil
    }

    private init(_ fields: WireFields) throws(ProtocolError) {
        self.ref = fields.ref
        do {
            self.message = try fields.message()
        } catch {
            throw ProtocolError(error.code, error.detail, ref: fields.ref)
        }
    }
}

/// Every field any client message may have; which ones a message needs depends on its `type`.
private struct WireFields: Decodable {
    var type: String?
    var ref: String?
    var room: String?
    var since: Int64?
    var text: String?
    var clientID: String?
    var before: Int64?
    var limit: Int?
    var to: String?
    var token: String?

    enum CodingKeys: String, CodingKey {
        case type, ref, room, since, text, before, limit, to, token
        case clientID = "client_id"
    }

    /// The fields of a flat object, as `JSONDecoder` would read them; `nil` where it might read
    /// them otherwise (a field of the wrong type is its error to report).
    init?(flat json: String) {
        var json = json
        guard let object = json.withUTF8({ FlatJSONObject($0) }) else { return nil }
        for (key, value) in object.fields {
            switch (key, value) {
            case (_, .null): continue
            case ("type", .string(let string)): type = string
            case ("ref", .string(let string)): ref = string
            case ("room", .string(let string)): room = string
            case ("text", .string(let string)): self.text = string
            case ("client_id", .string(let string)): clientID = string
            case ("to", .string(let string)): to = string
            case ("token", .string(let string)): token = string
            case ("since", .integer(let number)): since = number
            case ("before", .integer(let number)): before = number
            case ("limit", .integer(let number)): limit = Int(number)
            case _ where CodingKeys(stringValue: key) != nil: return nil
            default: continue  // a key no message has, ignored as JSONDecoder ignores it
            }
        }
    }

    func message() throws(ProtocolError) -> ClientMessage {
        switch type {
        case "join":
            return .join(room: try validRoom(), since: try validSince())
        case "leave":
            return .leave(room: try validRoom())
        case "send":
            return .send(room: try validRoom(), text: try validText(), clientID: try validClientID())
        case "history":
            let before = try before.map { value throws(ProtocolError) in try Limits.check(value, atLeast: 1, "before") }
            let limit = try Limits.check(Int64(limit ?? Limits.defaultHistory), atLeast: 1, "limit")
            guard limit <= Limits.maxHistory else {
                throw ProtocolError(.invalidField, "limit is at most \(Limits.maxHistory)")
            }
            return .history(room: try validRoom(), before: before, limit: Int(limit))
        case "direct":
            guard let to, UserName.isValid(to) else {
                throw ProtocolError(.invalidField, "to must be a user name: \(UserName.rule)")
            }
            return .direct(to: to, text: try validText(), clientID: try validClientID())
        case "directs":
            return .directs(since: try validSince())
        case "auth":
            guard let token, !token.isEmpty else { throw ProtocolError(.invalidField, "token is required") }
            return .auth(token: token)
        case nil:
            throw ProtocolError(.unknownType, "type is missing")
        case let type?:
            throw ProtocolError(.unknownType, "\(type) is not a message type; types are \(ClientMessage.types.joined(separator: ", "))")
        }
    }

    func validSince() throws(ProtocolError) -> Int64? {
        try since.map { value throws(ProtocolError) in try Limits.check(value, atLeast: 0, "since") }
    }

    func validRoom() throws(ProtocolError) -> String {
        guard let room, RoomName.isValid(room) else {
            throw ProtocolError(.invalidField, "room must be \(RoomName.rule)")
        }
        return room
    }

    func validText() throws(ProtocolError) -> String {
        guard let text, (1...Limits.maxTextLength).contains(text.count) else {
            throw ProtocolError(.invalidField, "text must be 1 to \(Limits.maxTextLength) characters")
        }
        return text
    }

    func validClientID() throws(ProtocolError) -> String? {
        guard let clientID else { return nil }
        guard (1...Limits.maxClientIDLength).contains(clientID.count) else {
            throw ProtocolError(.invalidField, "client_id must be 1 to \(Limits.maxClientIDLength) characters")
        }
        return clientID
    }
}

/// Just the `ref`, read from a message whose other fields may be wrong.
private struct RefOnly: Decodable {
    var ref: String?
}
