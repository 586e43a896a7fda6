import LessonKit

/// Exercise 1, the reference: the answer to an error thrown while handling one client message.
///
/// - Parameters:
///   - error: what reading or handling the message threw.
///   - makeRef: makes a fresh reference for a server error; called for those only.
/// - Returns: an error event for a message that was wrong, a close for a connection that can't go
///   on, and a server error, under a fresh reference, for anything else.
public func answer(to error: any Error, makeRef: () -> String) throws -> ErrorAnswer {
    switch error {
    case let error as MessageError:
        switch error {
        case .unknownType(let type):
            return .event(.unknownType, detail: "\(type) is not a message type; types are \(RoomMessage.types.joined(separator: ", "))")
        case .outOfRange(let field, let rule):
            return .event(.invalidField, detail: "\(field) must be \(rule)")
        case .tooLarge(let limit):
            return .close(code: 1009, reason: "a message is at most \(limit) bytes")
        case .binary:
            return .close(code: 1003, reason: "text messages only")
        }
    case let error as DecodingError:
        return answer(to: error)
    default:
        // Whatever else went wrong is the server's fault: the client learns only where to look.
        return .serverError(ref: makeRef())
    }
}

/// A `DecodingError` names what it could not read by its coding path: empty for the message as a
/// whole, `["text"]` for a field.
private func answer(to error: DecodingError) -> ErrorAnswer {
    switch error {
    case .keyNotFound(let key, let context):
        let field = path(context.codingPath + [key])
        if field == "type" { return .event(.unknownType, detail: "type is missing") }
        return .event(.invalidField, detail: "\(field) is missing")
    case .typeMismatch(let expected, let context) where !context.codingPath.isEmpty:
        return .event(.invalidField, detail: "\(path(context.codingPath)) must be \(describe(expected))")
    case .valueNotFound(let expected, let context) where !context.codingPath.isEmpty:
        return .event(.invalidField, detail: "\(path(context.codingPath)) must be \(describe(expected)), not null")
    default:
        // Not JSON at all, or JSON that is not an object.
        return .event(.invalidJSON, detail: "a message is one JSON object")
    }
}

private func path(_ codingPath: [any CodingKey]) -> String {
    codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
}

private func describe(_ type: Any.Type) -> String {
    type == String.self ? "a string" : "\(type)"
}
