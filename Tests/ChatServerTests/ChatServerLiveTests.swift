import ChatServer
import HTTPTypes
import Logging
import TestSupport
import Testing

@Suite("The chat server, live", .serialized)
struct ChatServerLiveTests {
    func withServer(_ body: @Sendable (_ port: Int) async throws -> Void) async throws {
        let configuration = ChatServerConfiguration(port: 0, allowedOrigins: ["https://chat.example"], logLevel: .warning)
        try await withLiveServer(buildApplication(configuration), body)
    }

    @Test("GET /health answers ok")
    func health() async throws {
        try await withServer { port in
            let response = try await RawHTTP.exchange("GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", port: port)
            #expect(response.status == 200)
            #expect(response.body == "ok\n")
        }
    }

    @Test("A plain GET of /ws is told to upgrade: 426 with Upgrade: websocket")
    func plainGetOfWebSocketEndpoint() async throws {
        try await withServer { port in
            let response = try await RawHTTP.exchange("GET /ws HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", port: port)
            #expect(response.status == 426)
            #expect(response.value("Upgrade") == "websocket")
        }
    }

    @Test("An upgrade to something other than WebSocket is left to HTTP")
    func otherUpgradesAreServed() async throws {
        try await withServer { port in
            let request = "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade, close\r\nUpgrade: h2c\r\n\r\n"
            let response = try await RawHTTP.exchange(request, port: port)
            #expect(response.status == 200)
        }
    }

    @Test("A WebSocket client's text is echoed")
    func echoes() async throws {
        try await withServer { port in
            let reply = try await echo("hi", port: port)
            #expect(reply == "hi")
        }
    }

    @Test("Bad handshakes are refused on the wire with their status", arguments: HandshakeCase.refused)
    func refuses(_ handshake: HandshakeCase) async throws {
        try await withServer { port in
            handshake.check(try await RawHTTP.exchange(handshake.request.text, port: port))
        }
    }
}
