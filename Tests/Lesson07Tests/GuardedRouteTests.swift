import ChatServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWSClient
import LessonKit
import Logging
import NIOWebSocket
import Solution07
import TestSupport
import Testing

/// Exercise 3: the guarded route, live on a free port: raw handshakes for the refusals, a real client
/// in each carrier, and a token that runs out on an open socket.
///
/// Tokens are checked with the reference verifier, so that this exercise does not wait on the first.
@Suite("Exercise 3: the guarded route", .serialized)
struct GuardedRouteTests {
    let answers = Lesson07Answers.checked

    /// The checked route on a free port, with an issuer whose tokens it accepts.
    func withRoute(_ body: @Sendable (_ port: Int, _ issuer: AccessTokenIssuer) async throws -> Void) async throws {
        let issuer = await AccessTokenIssuer.random()
        let verifier = try await Solution07.AccessTokenVerifier(publicKeyPEM: issuer.publicKeyPEM)
        let authorize = answers.authorize
        // Asked once directly: an unwritten `authorize` fails the check with its "not done yet".
        _ = try await authorize(HTTPRequest(method: .get, scheme: nil, authority: "127.0.0.1", path: "/ws"), verifier)
        let app = buildGuardedLessonServer(
            tokenEndpoint: nil,
            configuration: ApplicationConfiguration(),
            authorize: { request in try await authorize(request, verifier) },
            connection: answers.guardedConnection
        )
        try await withLiveServer(app) { port in try await body(port, issuer) }
    }

    @Test("No token: 401 with a Bearer challenge and no error code (RFC 6750 §3.1), before any upgrade")
    func noToken() async throws {
        try await withRoute { port, _ in
            let answer = try await RawHTTP.exchange(rawHandshake(), port: port)
            #expect(answer.status == 401, "\(answer)")
            let challenge = try #require(answer.value("WWW-Authenticate"), "401 needs WWW-Authenticate (RFC 6750 §3)")
            #expect(challenge.hasPrefix("Bearer") && !challenge.contains("error="), "\(challenge)")
        }
    }

    @Test("A token that does not verify: 401 with error=\"invalid_token\"")
    func invalidToken() async throws {
        try await withRoute { port, issuer in
            let expired = try await issuer.accessToken(for: "alice", scopes: ["chat:read"], expiresAt: Date().addingTimeInterval(-60))
            for token in ["not-a-token", expired] {
                let answer = try await RawHTTP.exchange(rawHandshake("Authorization: Bearer \(token)"), port: port)
                #expect(answer.status == 401, "\(answer)")
                #expect(answer.value("WWW-Authenticate")?.contains(#"error="invalid_token""#) == true, "\(answer)")
            }
        }
    }

    @Test("A good token without chat:read: 403 with error=\"insufficient_scope\" and the scope")
    func insufficientScope() async throws {
        try await withRoute { port, issuer in
            let token = try await issuer.accessToken(for: "alice", scopes: ["chat:write"], expiresAt: Date().addingTimeInterval(3600))
            let answer = try await RawHTTP.exchange(rawHandshake("Authorization: Bearer \(token)"), port: port)
            #expect(answer.status == 403, "\(answer)")
            let challenge = answer.value("WWW-Authenticate") ?? ""
            #expect(challenge.contains(#"error="insufficient_scope""#) && challenge.contains("chat:read"), "\(answer)")
        }
    }

    @Test("Tokens in two carriers at once: 400 with error=\"invalid_request\"")
    func twoCarriers() async throws {
        try await withRoute { port, issuer in
            let token = try await issuer.accessToken(for: "alice", scopes: ["chat:read"], expiresAt: Date().addingTimeInterval(3600))
            let other = try await issuer.accessToken(for: "bob", scopes: ["chat:read"], expiresAt: Date().addingTimeInterval(3600))
            let answer = try await RawHTTP.exchange(rawHandshake("Authorization: Bearer \(token)", path: "/ws?access_token=\(other)"), port: port)
            #expect(answer.status == 400, "\(answer)")
            #expect(answer.value("WWW-Authenticate")?.contains(#"error="invalid_request""#) == true, "\(answer)")
        }
    }

    @Test("The subprotocol carrier: 101 selects chat.v1 and never echoes the token")
    func subprotocolIsNotEchoed() async throws {
        try await withRoute { port, issuer in
            let token = try await issuer.accessToken(for: "alice", scopes: ["chat:read"], expiresAt: Date().addingTimeInterval(3600))
            let answer = try await RawHTTP.exchange(rawHandshake("Sec-WebSocket-Protocol: chat.v1, bearer.\(token)"), port: port)
            #expect(answer.status == 101, "\(answer)")
            #expect(answer.values("Sec-WebSocket-Protocol") == ["chat.v1"], "\(answer)")
        }
    }

    @Test("In each carrier, the connection opens and knows its user", arguments: ["header", "query", "subprotocol"])
    func carriers(_ carrier: String) async throws {
        try await withRoute { port, issuer in
            let token = try await issuer.accessToken(for: "alice", scopes: ["chat:read"], expiresAt: Date().addingTimeInterval(3600))
            let (path, headers): (String, HTTPFields) =
                switch carrier {
                case "header": ("/ws", [.authorization: "Bearer \(token)"])
                case "query": ("/ws?access_token=\(token)", [:])
                default: ("/ws", [.secWebSocketProtocol: "chat.v1, bearer.\(token)"])
                }
            let session = try await talk(port: port, path: path, headers: headers, untilClosed: false)
            let reply = session.replies.first.flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) }
            #expect(reply == ["type": "message", "from": "alice", "text": "hello"], "\(session)")
        }
    }

    @Test("A token that expires on an open socket closes it with 1008 \"token expired\"")
    func expiryClosesTheSocket() async throws {
        try await withRoute { port, issuer in
            let token = try await issuer.accessToken(for: "alice", scopes: ["chat:read"], expiresAt: Date().addingTimeInterval(3))
            let opened = ContinuousClock.now
            let session = try await talk(port: port, path: "/ws", headers: [.authorization: "Bearer \(token)"], untilClosed: true)
            #expect(session.replies.first?.contains(#""from":"alice""#) == true, "\(session)")
            #expect(session.close?.closeCode == .policyViolation && session.close?.reason == "token expired", "\(session)")
            #expect(ContinuousClock.now - opened < .seconds(15), "closed at the expiry, not much later")
        }
    }
}

/// What a client saw: the server's text messages, and its close frame.
struct Session: Sendable, CustomStringConvertible {
    var replies: [String]
    var close: WebSocketCloseFrame?

    var description: String {
        "replies \(replies), close \(close.map { "\($0.closeCode) \($0.reason ?? "")" } ?? "none")"
    }
}

/// Connects, says "hello", and reads what comes back: the first reply, or, with `untilClosed`, all
/// until the server closes (at most 20 seconds).
func talk(port: Int, path: String, headers: HTTPFields, untilClosed: Bool) async throws -> Session {
    let replies = ReplyBox()
    let close = try await WebSocketClient.connect(
        url: "ws://127.0.0.1:\(port)\(path)",
        configuration: .init(additionalHeaders: headers),
        logger: Logger(label: "lesson07-test-client")
    ) { inbound, outbound, _ in
        try await outbound.write(.text("hello"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await Task.sleep(for: .seconds(20))
                try await outbound.close(.normalClosure, reason: "the test gave up waiting")
            }
            for try await message in inbound.messages(maxSize: 1 << 16) {
                if case .text(let text) = message { await replies.append(text) }
                if !untilClosed { break }
            }
            group.cancelAll()
        }
    }
    return Session(replies: await replies.all, close: close)
}

/// The replies a client collects, shared with its handler.
actor ReplyBox {
    private(set) var all: [String] = []
    func append(_ text: String) { all.append(text) }
}

/// A WebSocket opening handshake on `path` with `extra` header lines.
func rawHandshake(_ extra: String..., path: String = "/ws") -> String {
    var lines = [
        "GET \(path) HTTP/1.1", "Host: 127.0.0.1", "Upgrade: websocket", "Connection: Upgrade",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13",
    ]
    lines += extra
    return lines.joined(separator: "\r\n") + "\r\n\r\n"
}
