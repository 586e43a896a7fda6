import LessonKit
import NIOWebSocket
import Testing

/// Exercise 4: the session, driven event by event with no socket.
@Suite("Exercise 4: the sans-IO session")
struct RelaySessionTests {
    let answers = Lesson06Answers.checked

    @Test("A text within the limit is broadcast as it came, every time")
    func broadcastsText() throws {
        var session = answers.makeSession(10)
        #expect(try session.handle(.text("hello")) == [.broadcast(RelayedMessage(text: "hello"))])
        #expect(try session.handle(.text("0123456789")) == [.broadcast(RelayedMessage(text: "0123456789"))], "10 bytes is within 10")
        #expect(try session.handle(.text("")) == [.broadcast(RelayedMessage(text: ""))])
    }

    @Test("A text over the limit, counted in UTF-8 bytes, closes with 1009")
    func closesOnLargeText() throws {
        var session = answers.makeSession(10)
        // Four characters, twelve bytes: the limit is on the wire's bytes, not on characters.
        let actions = try session.handle(.text("€€€€"))
        guard case .close(let code, let reason)? = actions.first, actions.count == 1 else {
            Issue.record("expected one close, got \(actions)")
            return
        }
        #expect(code == .messageTooLarge)
        #expect(!reason.isEmpty)
    }

    @Test("A binary message closes with 1003")
    func closesOnBinary() throws {
        var session = answers.makeSession(10)
        let actions = try session.handle(.binary(3))
        guard case .close(let code, _)? = actions.first, actions.count == 1 else {
            Issue.record("expected one close, got \(actions)")
            return
        }
        #expect(code == .unacceptableData)
    }

    @Test("After it has said to close, every event gets no action")
    func silentAfterClose() throws {
        var session = answers.makeSession(10)
        _ = try session.handle(.binary(1))
        #expect(try session.handle(.text("late")) == [])
        #expect(try session.handle(.binary(1)) == [])
        #expect(try session.handle(.text(String(repeating: "x", count: 100))) == [])
    }

    @Test("It is a value: a copy taken before a close carries on by itself")
    func isAValue() throws {
        let fresh = answers.makeSession(10)
        var closed = fresh
        _ = try closed.handle(.binary(1))
        var copy = fresh
        #expect(try copy.handle(.text("still open")) == [.broadcast(RelayedMessage(text: "still open"))])
    }
}
