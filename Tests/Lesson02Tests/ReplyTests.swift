import Foundation
import Testing

/// Exercise 2: JSON in, JSON out.
@Suite("Exercise 2: JSON messages")
struct ReplyTests {
    let answers = Lesson02Answers.checked

    /// The reply as a dictionary, so that the order of its keys does not matter.
    func reply(_ text: String) throws -> [String: String] {
        let json = try answers.reply(text)
        let object = try #require(try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any], "not a JSON object: \(json)")
        return object.compactMapValues { $0 as? String }
    }

    @Test("echo comes back as it was, upper upper-cased, and a ref comes back with either")
    func answers_() throws {
        #expect(try reply(#"{"type":"echo","text":"hello"}"#) == ["type": "echo", "text": "hello"])
        #expect(try reply(#"{"type":"upper","text":"héllo","ref":"7"}"#) == ["type": "upper", "text": "HÉLLO", "ref": "7"])
    }

    @Test(
        "Anything else is an error event with the right code, carrying the ref when there is one",
        arguments: [
            ("not json", "invalid_json", nil),
            (#"["an array"]"#, "invalid_json", nil),
            (#"{"type":"echo","text":5}"#, "invalid_json", nil),
            (#"{"text":"no type","ref":"a"}"#, "unknown_type", "a"),
            (#"{"type":"shout","text":"hi","ref":"b"}"#, "unknown_type", "b"),
            (#"{"type":"echo","ref":"c"}"#, "invalid_field", "c"),
            (#"{"type":"echo","text":""}"#, "invalid_field", nil),
        ] as [(String, String, String?)]
    )
    func errors(message: String, code: String, ref: String?) throws {
        let answer = try reply(message)
        #expect(answer["type"] == "error")
        #expect(answer["code"] == code)
        #expect(answer["ref"] == ref)
        #expect(answer["detail"]?.isEmpty == false, "an error says what is wrong")
    }

    @Test("Text is 1 to 1000 characters, counted as a person would: 1000 emoji are fine, 1001 are not")
    func textLength() throws {
        let most = String(repeating: "💬", count: 1000)
        #expect(try reply(#"{"type":"echo","text":"\#(most)"}"#)["text"] == most)
        #expect(try reply(#"{"type":"echo","text":"\#(most)x"}"#)["code"] == "invalid_field")
    }
}
