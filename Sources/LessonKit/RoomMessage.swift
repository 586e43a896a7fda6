import Foundation

/// A client message of lesson 4's `room.v1`, read and checked.
///
/// `{"type":"say","text":"hi"}` says something to everyone connected; `{"type":"boom"}` makes the
/// server's handler hit a bug (``SimulatedBug``), so that the lesson can show what a bug costs.
public enum RoomMessage: Sendable, Equatable {
    case say(text: String)
    case boom

    /// The longest message the protocol allows, in bytes of UTF-8.
    public static let maxBytes = 4096
    /// The longest `text`, in characters.
    public static let maxTextLength = 1000
    /// Every `type` a client may send.
    public static let types = ["say", "boom"]

    /// Reads one text message.
    ///
    /// - Throws: ``MessageError/tooLarge(limit:)`` past ``maxBytes``; `DecodingError` for text that is
    ///   not a JSON object, or a field missing or of the wrong type (`type` included); then
    ///   ``MessageError/unknownType(_:)`` and ``MessageError/outOfRange(field:rule:)``.
    public init(decoding text: String) throws {
        guard text.utf8.count <= Self.maxBytes else { throw MessageError.tooLarge(limit: Self.maxBytes) }
        let data = Data(text.utf8)
        let decoder = JSONDecoder()
        let type = try decoder.decode(TypeField.self, from: data).type
        switch type {
        case "say":
            let say = try decoder.decode(SayFields.self, from: data)
            guard (1...Self.maxTextLength).contains(say.text.count) else {
                throw MessageError.outOfRange(field: "text", rule: "1 to \(Self.maxTextLength) characters")
            }
            self = .say(text: say.text)
        case "boom":
            self = .boom
        default:
            throw MessageError.unknownType(type)
        }
    }
}

private struct TypeField: Decodable {
    var type: String
}

private struct SayFields: Decodable {
    var text: String
}
