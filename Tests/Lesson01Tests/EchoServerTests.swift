import HTTPTypes
import Hummingbird
import TestSupport
import Testing

/// Exercise 3: the decision wired into a live server, talked to over real sockets.
@Suite("Exercise 3: the guarded echo server", .serialized)
struct EchoServerTests {
    let answers = Lesson01Answers.checked

    /// Runs the checked echo server on a free port. Exercises 1 and 2 are tried first, so that an
    /// unfinished one is reported by name rather than as a server error.
    func withEchoServer(_ body: @Sendable (_ port: Int) async throws -> Void) async throws {
        _ = try answers.decideUpgrade(HandshakeRequest().httpRequest, HandshakeCase.policy)
        let app = try answers.buildEchoServer(HandshakeCase.policy, ApplicationConfiguration())
        try await withLiveServer(app, body)
    }

    @Test("A WebSocket client connects and its text comes back")
    func echoes() async throws {
        try await withEchoServer { port in
            let reply = try await echo("hello, handshake", port: port)
            #expect(reply == "hello, handshake")
        }
    }

    @Test("The server answers each handshake on the wire as RFC 6455 says")
    func answersOnTheWire() async throws {
        try await withEchoServer { port in
            for handshake in HandshakeCase.all {
                handshake.check(try await RawHTTP.exchange(handshake.request.text, port: port))
            }
        }
    }

    @Test("A refused handshake does not stop the next client")
    func carriesOnAfterRefusal() async throws {
        try await withEchoServer { port in
            let refused = HandshakeRequest().with { $0.set("Sec-WebSocket-Version", "8") }
            let refusal = try await RawHTTP.exchange(refused.text, port: port)
            #expect(refusal.status == 426)
            let reply = try await echo("still here", port: port, headers: [.secWebSocketProtocol: "chat.v1"])
            #expect(reply == "still here")
        }
    }
}
