import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import HummingbirdWSTesting
import LessonKit
import Logging
import NIOWebSocket
import TestSupport
import Testing

/// Exercise 3: a live server whose errors stay with the connection at fault.
@Suite("Exercise 3: the contained server", .serialized)
struct ContainedServerTests {
    let answers = Lesson04Answers.checked

    /// Runs the checked server on a free port, logging into `logs`. Exercises 1 and 2 are tried first,
    /// so that an unfinished one is reported by name rather than as a server error.
    func withServer(
        rateLimit: RateLimit = .standard,
        logs: CapturedLogs = CapturedLogs(),
        _ body: @Sendable (_ port: Int) async throws -> Void
    ) async throws {
        _ = try answers.answer(MessageError.binary) { "" }
        _ = try answers.makeBucket(rateLimit)(.zero)
        let app = try answers.buildContainedServer(rateLimit, logs.logger, ApplicationConfiguration())
        try await withLiveServer(app, body)
    }

    @Test("Each malformed message gets its error event, and the connection carries on")
    func errorEvents() async throws {
        try await withServer { port in
            try await withChatClient(port: port, path: "/ws?name=alice", headers: [:]) { alice in
                for (message, code) in [("nope", "invalid_json"), (#"{"type":"shout"}"#, "unknown_type"), (#"{"type":"say"}"#, "invalid_field")] {
                    alice.send(message)
                    let error = try await alice.next()
                    #expect(error.type == "error")
                    #expect(error.code == code, "for \(message)")
                }
                alice.send(#"{"type":"say","text":"still here"}"#)
                let said = try await alice.next()
                #expect(said.type == "said")
                #expect(said.from == "alice")
                #expect(said.text == "still here")
            }
        }
    }

    @Test("A handler bug closes its connection with 1011 and a fresh reference that the log carries; a neighbour keeps chatting")
    func serverErrorIsContained() async throws {
        let logs = CapturedLogs()
        try await withServer(logs: logs) { port in
            try await withChatClient(port: port, path: "/ws?name=alice", headers: [:]) { alice in
                var reasons: [String] = []
                for name in ["bob", "carol"] {
                    let (_, close) = try await withChatClient(port: port, path: "/ws?name=\(name)", headers: [:]) { client in
                        client.send(#"{"type":"boom"}"#)
                        try await client.waitUntilClosed()
                    }
                    #expect(close?.code == 1011)
                    reasons.append(close?.reasonText ?? "")
                }
                for reason in reasons {
                    #expect(!reason.contains("out of range") && !reason.contains("RoomHandler"), "the bug's own words stay in the log: \(reason)")
                }
                #expect(reasons[0] != reasons[1], "each server error gets a reference of its own")
                let reference = words(reasons[0]).subtracting(words(reasons[1]))
                let bugLines = logs.all.filter { $0.contains(SimulatedBug().description) }
                #expect(bugLines.count == 2, "each bug is logged once, with what went wrong")
                #expect(
                    bugLines.contains { line in !reference.isEmpty && reference.allSatisfy { line.contains($0) } },
                    "the log line of bob's bug carries the reference in his close reason \(reasons[0])"
                )

                alice.send(#"{"type":"say","text":"still here"}"#)
                let said = try await alice.next("said")
                #expect(said.text == "still here")
            }
        }
    }

    @Test("A message past 4,096 bytes closes with 1009, a binary one with 1003")
    func closes() async throws {
        try await withServer { port in
            let (_, tooLarge) = try await withChatClient(port: port, path: "/ws?name=alice", headers: [:]) { alice in
                alice.send(#"{"type":"say","text":"\#(String(repeating: "a", count: 5000))"}"#)
                try await alice.waitUntilClosed()
            }
            #expect(tooLarge?.code == 1009)
            let (_, binary) = try await withChatClient(port: port, path: "/ws?name=bob", headers: [:]) { bob in
                bob.sendBinary([1, 2, 3])
                try await bob.waitUntilClosed()
            }
            #expect(binary?.code == 1003)
        }
    }

    @Test("Past its rate a client is refused with a retry time, and closed with 1008 when it keeps on")
    func rateLimit() async throws {
        try await withServer(rateLimit: RateLimit(rate: 0.5, burst: 2, strikes: 3)) { port in
            let (_, close) = try await withChatClient(port: port, path: "/ws?name=alice", headers: [:]) { alice in
                for index in 1...5 {
                    alice.send(#"{"type":"say","text":"\#(index)"}"#)
                }
                #expect(try await alice.next().text == "1")
                #expect(try await alice.next().text == "2")
                let refused = try await alice.next()
                #expect(refused.code == "rate_limited")
                #expect((refused.retryAfterMilliseconds ?? 0) > 0, "a refusal says when to retry")
                #expect(try await alice.next().code == "rate_limited")
                try await alice.waitUntilClosed()
            }
            #expect(close?.code == 1008)
        }
    }

    @Test("Without a name the connection closes with 1008")
    func nameRequired() async throws {
        try await withServer { port in
            // Read by hand: the server speaks first, right behind its 101 (see RawHTTP.firstFrame).
            let frame = try await RawHTTP.firstFrame(after: HandshakeRequest().with { $0.path = "/ws" }.text, port: port)
            #expect(frame.opcode == 0x8, "a Close frame")
            #expect(frame.payload.count >= 2 && (UInt16(frame.payload[0]) << 8 | UInt16(frame.payload[1])) == 1008)
        }
    }

    /// The runs of letters and digits in a text.
    func words(_ text: String) -> Set<String> {
        Set(text.split { !$0.isLetter && !$0.isNumber }.map(String.init))
    }
}

extension ContainedServerTests {
    @Test("A say is broadcast to every connection, the sender's included")
    func broadcast() async throws {
        let app = try answers.buildContainedServer(.standard, Logger(label: "lesson04"), ApplicationConfiguration())
        _ = try await app.test(.live) { client in
            try await client.ws("/ws?name=alice") { inbound, outbound, _ in
                var received = inbound.messages(maxSize: 1 << 16).makeAsyncIterator()
                // Alice's own line coming back shows that she is in the room before bob speaks.
                try await outbound.write(.text(#"{"type":"say","text":"hello"}"#))
                _ = try await received.next()
                try await client.ws("/ws?name=bob") { _, bobOutbound, _ in
                    try await bobOutbound.write(.text(#"{"type":"say","text":"hi"}"#))
                }
                let said = try #require(try await received.next(), "alice's connection closed")
                #expect(said == .text(#"{"from":"bob","text":"hi","type":"said"}"#))
                try await outbound.close(.normalClosure, reason: nil)
            }
        }
    }
}
