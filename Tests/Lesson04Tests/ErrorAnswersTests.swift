import LessonKit
import Testing

/// Exercise 1: the answer to each kind of error, from messages read by `RoomMessage(decoding:)`.
@Suite("Exercise 1: the answer to an error")
struct ErrorAnswersTests {
    let answers = Lesson04Answers.checked

    /// The answer to what reading `text` throws. A client's mistake must not make a reference.
    func answer(toMessage text: String) throws -> ErrorAnswer {
        let error: any Error
        do {
            _ = try RoomMessage(decoding: text)
            throw MessageWasRead(text: text)
        } catch let thrown where !(thrown is MessageWasRead) {
            error = thrown
        }
        return try answers.answer(error) {
            Issue.record("a reference was made for a client's mistake")
            return "unexpected"
        }
    }

    struct MessageWasRead: Error, CustomStringConvertible {
        let text: String
        var description: String { "\(text) was read without an error" }
    }

    @Test(
        "Text that is not one JSON object is invalid_json",
        arguments: ["not json", "", "[1, 2]", #""say""#, "42", #"{"type":"say","#]
    )
    func invalidJSON(text: String) throws {
        guard case .event(let code, _) = try answer(toMessage: text) else {
            Issue.record("not an error event: the connection should stay")
            return
        }
        #expect(code == .invalidJSON)
    }

    @Test("A missing type, or one the server does not know, is unknown_type, and the detail names it")
    func unknownType() throws {
        guard case .event(let code, let detail) = try answer(toMessage: #"{"type":"shout","text":"hi"}"#) else {
            Issue.record("not an error event: the connection should stay")
            return
        }
        #expect(code == .unknownType)
        #expect(detail.contains("shout"))
        guard case .event(let missing, _) = try answer(toMessage: #"{"text":"hi"}"#) else {
            Issue.record("a message without a type: not an error event")
            return
        }
        #expect(missing == .unknownType)
    }

    @Test(
        "A field missing, null, of the wrong type or out of its range is invalid_field, and the detail names the field",
        arguments: [
            (#"{"type":"say"}"#, "text"),
            (#"{"type":"say","text":5}"#, "text"),
            (#"{"type":"say","text":null}"#, "text"),
            (#"{"type":"say","text":""}"#, "text"),
            (#"{"type":"say","text":"\#(String(repeating: "a", count: 1001))"}"#, "text"),
            (#"{"type":["say"]}"#, "type"),
        ]
    )
    func invalidField(text: String, field: String) throws {
        guard case .event(let code, let detail) = try answer(toMessage: text) else {
            Issue.record("not an error event: the connection should stay")
            return
        }
        #expect(code == .invalidField)
        #expect(detail.contains(field), "the detail should name the field \(field)")
    }

    @Test("A message past the size limit closes with 1009, a binary one with 1003")
    func closes() throws {
        let tooLarge = try answer(toMessage: #"{"type":"say","text":"\#(String(repeating: "a", count: 5000))"}"#)
        guard case .close(let code, let reason) = tooLarge else {
            Issue.record("a message past 4,096 bytes: \(tooLarge), not a close")
            return
        }
        #expect(code == 1009)
        #expect(!reason.isEmpty, "a close reason says why")
        let binary = try answers.answer(MessageError.binary) { "unexpected" }
        guard case .close(let binaryCode, _) = binary else {
            Issue.record("a binary message: \(binary), not a close")
            return
        }
        #expect(binaryCode == 1003)
    }

    struct DiskFull: Error {}

    @Test("Anything else is a server error, under a fresh reference made for it")
    func serverError() throws {
        var made = 0
        let makeRef = {
            made += 1
            return "ref\(made)"
        }
        #expect(try answers.answer(SimulatedBug(), makeRef) == .serverError(ref: "ref1"))
        #expect(try answers.answer(DiskFull(), makeRef) == .serverError(ref: "ref2"))
        #expect(made == 2, "one reference for each server error")
    }
}
