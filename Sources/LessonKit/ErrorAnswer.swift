/// What a server answers when handling one client message went wrong (lesson 4): whose fault it was
/// decides what the other side gets.
public enum ErrorAnswer: Sendable, Equatable {
    /// The message was wrong: an `error` event, and the connection stays open.
    case event(ErrorEventCode, detail: String)
    /// The connection can't go on: a Close frame with a code from RFC 6455 §7.4 and a reason.
    case close(code: UInt16, reason: String)
    /// The server failed: close with 1011, and log the error under `ref`, which the close reason
    /// carries too, so that a report from the user finds the log line. Nothing else about the error
    /// goes on the wire.
    case serverError(ref: String)
}

/// The `code` of an `error` event: a closed set, so that a client can act on each one.
public enum ErrorEventCode: String, Sendable, Codable, CaseIterable {
    /// The text is not one JSON object.
    case invalidJSON = "invalid_json"
    /// `type` is missing or names no message the server knows.
    case unknownType = "unknown_type"
    /// A field is missing, of the wrong type, or out of its range; `detail` names it.
    case invalidField = "invalid_field"
    /// Too many messages too fast; the event says when to retry.
    case rateLimited = "rate_limited"
}
