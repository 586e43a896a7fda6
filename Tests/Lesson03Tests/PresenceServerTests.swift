import Hummingbird
import LessonKit
import TestSupport
import Testing

/// Exercise 3: the registry kept true by a live server, however its connections end.
@Suite("Exercise 3: the presence server", .serialized)
struct PresenceServerTests {
    let answers = Lesson03Answers.checked

    /// Runs the checked server, with its own registry, on a free port. The registry is tried first, so
    /// that an unfinished exercise 2 is reported by name rather than as a server error.
    func withServer(
        pingInterval: Duration = .seconds(30),
        _ body: @Sendable (_ port: Int, _ registry: any ConnectionRegistry) async throws -> Void
    ) async throws {
        let registry = answers.makeRegistry()
        _ = try registry.connectionCount()
        let app = try answers.buildPresenceServer(registry, pingInterval, ApplicationConfiguration())
        try await withLiveServer(app) { port in try await body(port, registry) }
    }

    @Test("While a client is connected it is in the registry, and after it closes it is not")
    func cleanClose() async throws {
        try await withServer { port, registry in
            _ = try await withChatClient(port: port, path: "/ws?name=alice", headers: [:]) { alice in
                alice.send(#"{"type":"echo"}"#)
                let echo = try await alice.next()
                #expect(echo.type == "echo")
                #expect(try registry.online() == ["alice"])
                #expect(try registry.connectionCount() == 1)
            }
            #expect(try await eventually { try registry.connectionCount() == 0 })
            #expect(try registry.online().isEmpty)
        }
    }

    @Test("Without a name the connection closes with 1008 and is never registered")
    func nameRequired() async throws {
        try await withServer { port, registry in
            // Read by hand: the server speaks first, right behind its 101 (see RawHTTP.firstFrame).
            let frame = try await RawHTTP.firstFrame(after: HandshakeRequest().with { $0.path = "/ws" }.text, port: port)
            #expect(frame.opcode == 0x8, "a Close frame")
            #expect(frame.payload.count >= 2 && (UInt16(frame.payload[0]) << 8 | UInt16(frame.payload[1])) == 1008)
            #expect(try registry.connectionCount() == 0)
        }
    }

    @Test("A client whose TCP connection drops without a close frame is removed at once")
    func droppedConnection() async throws {
        try await withServer { port, registry in
            let handshake = HandshakeRequest().with { $0.path = "/ws?name=dropper" }
            try await RawHTTP.openThenVanish(handshake.text, port: port, sending: [], for: .zero)
            #expect(try await eventually(timeout: .seconds(2)) { try registry.connectionCount() == 0 })
        }
    }

    @Test("A client that vanishes, its socket open but silent, is found by the pings and removed")
    func vanishedClient() async throws {
        try await withServer(pingInterval: .milliseconds(200)) { port, registry in
            let handshake = HandshakeRequest().with { $0.path = "/ws?name=ghost" }
            async let vanish: Void = RawHTTP.openThenVanish(handshake.text, port: port, sending: [], for: .seconds(2.5))
            #expect(try await eventually(timeout: .seconds(2)) { try registry.online() == ["ghost"] })
            // Still connected as far as TCP knows: only the unanswered ping gives it away.
            #expect(try await eventually(timeout: .seconds(2)) { try registry.connectionCount() == 0 })
            try await vanish
        }
    }
}
