import LessonKit

/// Exercise 1: the answer to an error thrown while handling one client message.
///
/// Whose fault was it? Answer each error by what the other side should get (lesson 4, "Three
/// answers"):
/// - the message was wrong, the connection is fine: `.event(code, detail:)`, where
///   - text that is not one JSON object is `.invalidJSON`;
///   - a missing `type`, or one ``RoomMessage/types`` does not list, is `.unknownType`;
///   - a field missing, `null`, of the wrong type, or out of its range is `.invalidField`, and
///     `detail` names the field (a `DecodingError` carries it in its context's coding path);
/// - the connection can't go on: `.close(code:reason:)` with a code from RFC 6455 §7.4.1, 1009 for a
///   message past the size limit and 1003 for a binary one;
/// - anything else is the server's failure: `.serverError(ref:)` with a fresh reference from
///   `makeRef`, made for these only.
///
/// - Parameters:
///   - error: what reading or handling the message threw: a `DecodingError`, a ``MessageError``, or
///     anything else.
///   - makeRef: makes a fresh reference for a server error.
/// - Returns: the answer.
public func answer(to error: any Error, makeRef: () -> String) throws -> ErrorAnswer {
    // TODO: decide the answer for each kind of error above. Then delete the line below.
    throw NotDoneYet("answer each error with an event, a close or a server error, in ErrorAnswers.swift")
}
