/// What reading a lesson 4 message can throw, besides the `DecodingError`s of `JSONDecoder`.
public enum MessageError: Error, Sendable, Equatable {
    /// `type` names no message the server knows.
    case unknownType(String)
    /// A field is present and of the right type, but outside its range.
    case outOfRange(field: String, rule: String)
    /// The message is longer than the protocol allows, in bytes.
    case tooLarge(limit: Int)
    /// A binary message, where the protocol is text only.
    case binary
}

/// The stand-in for a bug in a handler: what `{"type":"boom"}` makes lesson 4's server throw.
///
/// Its description is the kind of thing a real bug says, a path and a line inside the server, which
/// belongs in the server's log and never on the wire.
public struct SimulatedBug: Error, Sendable, CustomStringConvertible {
    public init() {}

    public var description: String { "index 3 out of range in /srv/chat/Sources/RoomHandler.swift:42" }
}
