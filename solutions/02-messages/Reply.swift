import Foundation

/// Exercise 2, the reference: the server's reply, as JSON text, to one text message of `echo.v1`.
///
/// `{"type":"echo","text":"hi"}` is answered `{"type":"echo","text":"hi"}`, `{"type":"upper",…}` with
/// the text upper-cased, and anything else with `{"type":"error","code":…,"detail":…}`; a `ref` the
/// client sent comes back in the reply, errors included.
///
/// - Parameter text: the client's message.
/// - Returns: the reply, a JSON object.
public func reply(to text: String) throws -> String {
    let request: Request
    do {
        request = try JSONDecoder().decode(Request.self, from: Data(text.utf8))
    } catch {
        return encode(Answer(type: "error", code: "invalid_json", detail: "a message is one JSON object with string fields"))
    }
    let ref = request.ref
    guard let type = request.type else {
        return encode(Answer(type: "error", ref: ref, code: "unknown_type", detail: "type is missing"))
    }
    guard type == "echo" || type == "upper" else {
        return encode(Answer(type: "error", ref: ref, code: "unknown_type", detail: "\(type) is not a message type; types are echo, upper"))
    }
    guard let said = request.text, (1...1000).contains(said.count) else {
        return encode(Answer(type: "error", ref: ref, code: "invalid_field", detail: "text must be 1 to 1000 characters"))
    }
    return encode(Answer(type: type, text: type == "upper" ? said.uppercased() : said, ref: ref))
}

/// What a client may send: every field optional, so that a missing one is an answer, not a crash.
private struct Request: Decodable {
    var type: String?
    var text: String?
    var ref: String?
}

/// What the server sends: fields left nil stay out of the JSON.
private struct Answer: Encodable {
    var type: String
    var text: String?
    var ref: String?
    var code: String?
    var detail: String?
}

private func encode(_ answer: Answer) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    // Strings only: encoding cannot fail.
    return String(decoding: try! encoder.encode(answer), as: UTF8.self)
}
