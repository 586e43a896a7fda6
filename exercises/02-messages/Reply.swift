import Foundation
import LessonKit

/// Exercise 2: the server's reply, as JSON text, to one text message of `echo.v1`.
///
/// A client sends JSON objects with a `type`, a `text` and, if it likes, a `ref`:
/// - `{"type":"echo","text":"hi"}` is answered `{"type":"echo","text":"hi"}`;
/// - `{"type":"upper","text":"hi"}` is answered `{"type":"upper","text":"HI"}`;
/// - anything else is answered `{"type":"error","code":CODE,"detail":"…"}`, where CODE is
///   `invalid_json` (not a JSON object, or a field of the wrong type), `unknown_type` (no `type`, or
///   another one) or `invalid_field` (no `text`, or not 1 to 1000 characters).
/// Every reply, errors included, carries the `ref` the client sent, when it sent one.
///
/// Decode with `JSONDecoder` into a `Decodable` struct whose fields are optional (a missing field is
/// then an answer you give, not an error you catch), and encode the reply with `JSONEncoder`.
///
/// - Parameter text: the client's message.
/// - Returns: the reply, a JSON object.
public func reply(to text: String) throws -> String {
    // TODO: decode, decide, encode. Then delete the line below.
    throw NotDoneYet("answer echo and upper, and errors by code, as JSON, in Reply.swift")
}
