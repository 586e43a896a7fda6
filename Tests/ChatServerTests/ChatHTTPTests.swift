import ChatServer
import Crypto
import Foundation
import TestSupport
import Testing

@Suite("The chat server's HTTP side", .serialized)
struct ChatHTTPTests {
    func get(_ path: String, port: Int) async throws -> RawHTTPResponse {
        try await RawHTTP.exchange("GET \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", port: port)
    }

    @Test("GET /health answers ok, with the server's name, while the database answers")
    func health() async throws {
        try await withChatServer { live in
            let response = try await get("/health", port: live.port)
            #expect(response.status == 200)
            #expect(response.body == "chat-server: ok\n")
        }
    }

    @Test("A product's own name shows in /health, the Server header and the web page's title")
    func productName() async throws {
        try await withChatServer(.testing { $0.productName = "acme <chat>" }) { live in
            let health = try await get("/health", port: live.port)
            #expect(health.body == "acme <chat>: ok\n")
            #expect(health.value("Server") == "acme <chat>")
            let page = try await get("/", port: live.port)
            #expect(page.body.contains("<title>acme &lt;chat&gt;</title>"))
        }
    }

    @Test("GET / serves the web chat page and /asyncapi.yaml the protocol's AsyncAPI document")
    func pageAndDocument() async throws {
        try await withChatServer { live in
            let page = try await get("/", port: live.port)
            #expect(page.status == 200)
            #expect(page.value("Content-Type")?.hasPrefix("text/html") == true)
            #expect(page.body.contains("chat.v1"))
            let document = try await get("/asyncapi.yaml", port: live.port)
            #expect(document.status == 200)
            #expect(document.body.hasPrefix("asyncapi: 3"))
        }
    }

    @Test("The page's Content Security Policy lets run only the script and style the page carries, and connect only home")
    func pagePolicy() async throws {
        try await withChatServer { live in
            let page = try await get("/", port: live.port)
            let policy = try #require(page.value("Content-Security-Policy"))
            let directives = Dictionary(
                policy.split(separator: ";").map { directive in
                    let words = directive.split(separator: " ").map(String.init)
                    return (words[0], Set(words.dropFirst()))
                },
                uniquingKeysWith: { first, _ in first }
            )
            #expect(directives["default-src"] == ["'none'"])
            #expect(directives["connect-src"] == ["'self'"])
            #expect(directives["frame-ancestors"] == ["'none'"])
            #expect(!policy.contains("unsafe"))
            // The hash of the script the body carries, computed here from the bytes served.
            let script = try #require(
                page.body.firstRange(of: "<script>").flatMap { open in
                    page.body[open.upperBound...].firstRange(of: "</script>").map { String(page.body[open.upperBound..<$0.lowerBound]) }
                }
            )
            let hash = "'sha256-\(Data(SHA256.hash(data: Data(script.utf8))).base64EncodedString())'"
            #expect(directives["script-src"] == [hash])
            #expect(page.value("X-Content-Type-Options") == "nosniff")
        }
    }

    @Test("GET /metrics counts connections, messages and errors in Prometheus text")
    func metrics() async throws {
        try await withChatServer { live in
            try await withChatClient(port: live.port, name: "alice") { alice in
                alice.send("not json")
                _ = try await alice.next("error")
            }
            let metrics = try await get("/metrics", port: live.port).body
            #expect(metrics.contains("chat_messages_in_total 1"))
            #expect(metrics.contains("chat_errors_total{code=\"invalid_json\"} 1"))
            #expect(metrics.contains("chat_connections"))
        }
    }

    @Test("A plain GET of /ws is told to upgrade: 426 with Upgrade: websocket")
    func plainGetOfWebSocketEndpoint() async throws {
        try await withChatServer { live in
            let response = try await get("/ws", port: live.port)
            #expect(response.status == 426)
            #expect(response.value("Upgrade") == "websocket")
        }
    }

    @Test("A handshake to another path is refused with 404; one that offers permessage-deflate is accepted without it")
    func pathsAndExtensions() async throws {
        try await withChatServer { live in
            let elsewhere = HandshakeRequest().with { $0.path = "/chat?name=alice" }
            #expect(try await RawHTTP.exchange(elsewhere.text, port: live.port).status == 404)
            let deflate = HandshakeRequest().with {
                $0.path = "/ws?name=alice"
                $0.add("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits")
            }
            let response = try await RawHTTP.exchange(deflate.text, port: live.port)
            #expect(response.status == 101)
            #expect(response.value("Sec-WebSocket-Extensions") == nil, "the server offers no extension")
        }
    }

    @Test("An upgrade to something other than WebSocket is left to HTTP")
    func otherUpgradesAreServed() async throws {
        try await withChatServer { live in
            let request = "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade, close\r\nUpgrade: h2c\r\n\r\n"
            let response = try await RawHTTP.exchange(request, port: live.port)
            #expect(response.status == 200)
        }
    }

    @Test("Bad handshakes are refused on the wire with their status", arguments: HandshakeCase.refused)
    func refuses(_ handshake: HandshakeCase) async throws {
        try await withChatServer { live in
            let request = handshake.request.with { $0.path = "/ws?name=alice" }
            handshake.check(try await RawHTTP.exchange(request.text, port: live.port))
        }
    }

    @Test("A handshake without a valid ?name= is refused with 400")
    func refusesWithoutName() async throws {
        try await withChatServer { live in
            for path in ["/ws", "/ws?name=", "/ws?name=no%20spaces", "/ws?name=\(String(repeating: "a", count: 33))"] {
                let response = try await RawHTTP.exchange(HandshakeRequest().with { $0.path = path }.text, port: live.port)
                #expect(response.status == 400, "\(path)")
            }
        }
    }

    @Test("Beyond --max-connections, handshakes get 503 with Retry-After")
    func connectionLimit() async throws {
        try await withChatServer(.testing { $0.maxConnections = 1 }) { live in
            try await withChatClient(port: live.port, name: "alice") { _ in
                let response = try await RawHTTP.exchange(HandshakeRequest().with { $0.path = "/ws?name=bob" }.text, port: live.port)
                #expect(response.status == 503)
                #expect(response.value("Retry-After") == "5")
            }
            #expect(await eventually { live.service.hub.connectionCount == 0 })
            let reply = try await echoJoin(port: live.port)
            #expect(reply == "joined")
        }
    }

    private func echoJoin(port: Int) async throws -> String {
        try await withChatClient(port: port, name: "carol") { carol in
            carol.send(#"{"type":"join","room":"general"}"#)
            return try await carol.next().type
        }.value
    }
}
