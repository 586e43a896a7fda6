import Crypto
import Foundation
import HTTPTypes
import TestSupport
import Testing

@testable import ChatServer

@Suite("OAuth2: tokens and authenticated WebSockets", .serialized)
struct AuthTests {
    /// A raw handshake to `path` with extra fields.
    func handshake(_ live: LiveService<ChatService>, path: String = "/ws", _ fields: [(String, String)] = []) async throws -> RawHTTPResponse {
        let request = HandshakeRequest().with { request in
            request.path = path
            for (name, value) in fields { request.add(name, value) }
        }
        return try await RawHTTP.exchange(request.text, port: live.port)
    }

    @Test("The password grant answers as RFC 6749 §5.1 says, not to be cached")
    func passwordGrant() async throws {
        try await withChatServer(.withTokens()) { live in
            try await live.addUser("alice")
            let (response, json) = try await live.post(
                "/token",
                [("grant_type", "password"), ("username", "alice"), ("password", "correct horse battery")]
            )
            #expect(response.status == 200)
            #expect(response.value("Cache-Control") == "no-store")
            #expect(json["token_type"] == "bearer")
            #expect(json["expires_in"] == "900")
            #expect(json["scope"] == "chat:read chat:write")
            #expect(json["access_token"]?.split(separator: ".").count == 3)
            #expect(json["refresh_token"]?.isEmpty == false)
        }
    }

    @Test("Token errors follow RFC 6749 §5.2")
    func tokenErrors() async throws {
        try await withChatServer(.withTokens()) { live in
            try await live.addUser("alice", scopes: [ChatScope.read])
            let cases: [([(String, String)], String)] = [
                ([("username", "alice")], "invalid_request"),
                ([("grant_type", "client_credentials")], "unsupported_grant_type"),
                ([("grant_type", "password"), ("username", "alice"), ("password", "wrong password!")], "invalid_grant"),
                ([("grant_type", "password"), ("username", "nobody"), ("password", "correct horse battery")], "invalid_grant"),
                (
                    [("grant_type", "password"), ("username", "alice"), ("password", "correct horse battery"), ("scope", "chat:write")],
                    "invalid_scope"
                ),
                ([("grant_type", "refresh_token"), ("refresh_token", "made-up")], "invalid_grant"),
            ]
            for (fields, error) in cases {
                let (response, json) = try await live.post("/token", fields)
                #expect(response.status == 400, "\(fields)")
                #expect(json["error"] == error, "\(fields)")
            }
        }
    }

    @Test("Each carrier opens a connection: Authorization, access_token, and the bearer subprotocol")
    func carriers() async throws {
        try await withChatServer(.withTokens()) { live in
            try await live.addUser("alice")
            let token = try #require(try await live.signIn("alice")["access_token"])
            let ways: [(path: String, headers: HTTPFields)] = [
                ("/ws", [.authorization: "Bearer \(token)", .secWebSocketProtocol: "chat.v1"]),
                ("/ws?access_token=\(token)", [.secWebSocketProtocol: "chat.v1"]),
                ("/ws", [.secWebSocketProtocol: "chat.v1, bearer.\(token)"]),
            ]
            for way in ways {
                try await withChatClient(port: live.port, path: way.path, headers: way.headers) { alice in
                    alice.send(#"{"type":"join","room":"general"}"#)
                    let joined = try await alice.next("joined")
                    #expect(joined.members == ["alice"])
                }
            }
            let subprotocol = try await handshake(live, [("Sec-WebSocket-Protocol", "chat.v1, bearer.\(token)")])
            #expect(subprotocol.status == 101)
            #expect(subprotocol.values("Sec-WebSocket-Protocol") == ["chat.v1"], "the token is never echoed")
        }
    }

    @Test("With an ES256 key, tokens are signed with it; another key's token, or HS256 keyed with the public key, is refused")
    func es256() async throws {
        let key = P256.Signing.PrivateKey()
        let configuration = ChatServerConfiguration.testing {
            $0.authentication = .tokens(signedWith: try! .es256(pem: key.pemRepresentation))
        }
        try await withChatServer(configuration) { live in
            try await live.addUser("alice")
            let token = try #require(try await live.signIn("alice")["access_token"])
            let header = try #require(Data(base64URL: String(token.split(separator: ".")[0])))
            #expect(String(decoding: header, as: UTF8.self).contains(#""alg":"ES256""#))
            try await withChatClient(port: live.port, headers: [.authorization: "Bearer \(token)", .secWebSocketProtocol: "chat.v1"]) { alice in
                alice.send(#"{"type":"join","room":"general"}"#)
                let joined = try await alice.next("joined")
                #expect(joined.members == ["alice"])
            }

            // The same way of signing, with the server's own key, is accepted: the refusals below
            // are for the key, not for the shape of the token.
            let claims = goodClaims()
            let ownKeyToken = try forgeES256Token(claims: claims, key: key)
            #expect(try await handshake(live, [("Authorization", "Bearer \(ownKeyToken)"), ("Sec-WebSocket-Protocol", "chat.v1")]).status == 101)

            let otherKey = P256.Signing.PrivateKey()
            let forgeries = [
                "another key": try forgeES256Token(claims: claims, key: otherKey),
                "HS256 keyed with the public key": forgeToken(claims: claims, secret: Array(key.publicKey.pemRepresentation.utf8)),
            ]
            for (kind, forged) in forgeries {
                let response = try await handshake(live, [("Authorization", "Bearer \(forged)")])
                #expect(response.status == 401, "\(kind)")
            }
        }
    }

    @Test("Without a token: 401 with a bare Bearer challenge (RFC 6750 §3.1)")
    func noToken() async throws {
        try await withChatServer(.withTokens()) { live in
            let response = try await handshake(live)
            #expect(response.status == 401)
            #expect(response.value("WWW-Authenticate") == #"Bearer realm="chat""#)
        }
    }

    @Test(
        "A bad token is refused with 401 invalid_token",
        arguments: [
            "expired", "not yet valid", "wrong signature", "alg none", "wrong issuer", "wrong audience", "tampered payload",
        ]
    )
    func badTokens(kind: String) async throws {
        try await withChatServer(.withTokens()) { live in
            try await live.addUser("alice")
            let now = Date()
            var claims = goodClaims(now: now)
            var token: String
            switch kind {
            case "expired":
                claims["exp"] = Int(now.timeIntervalSince1970) - 60
                token = forgeToken(claims: claims)
            case "not yet valid":
                claims["nbf"] = Int(now.timeIntervalSince1970) + 600
                token = forgeToken(claims: claims)
            case "wrong signature":
                token = forgeToken(claims: claims, secret: Array("another secret of more than thirty-two bytes".utf8))
            case "alg none":
                token = forgeToken(claims: claims, algorithm: "none")
            case "wrong issuer":
                claims["iss"] = "someone-else"
                token = forgeToken(claims: claims)
            case "wrong audience":
                claims["aud"] = "another-api"
                token = forgeToken(claims: claims)
            default:
                let good = forgeToken(claims: claims).split(separator: ".")
                var tampered = claims
                tampered["sub"] = "mallory"
                let payload = forgeToken(claims: tampered).split(separator: ".")[1]
                token = "\(good[0]).\(payload).\(good[2])"
            }
            let response = try await handshake(live, [("Authorization", "Bearer \(token)")])
            #expect(response.status == 401, "\(kind): \(response.body)")
            #expect(response.value("WWW-Authenticate")?.contains(#"error="invalid_token""#) == true)
            // A well-made token with the same key does get in, so the refusal was for the defect.
            let good = try await handshake(live, [("Authorization", "Bearer \(forgeToken(claims: goodClaims(now: now)))")])
            #expect(good.status == 101)
        }
    }

    @Test("A disabled user's token is refused at the handshake, and their sign-in too")
    func disabledUser() async throws {
        try await withChatServer(.withTokens()) { live in
            try await live.addUser("alice")
            let token = try #require(try await live.signIn("alice")["access_token"])
            try await live.service.users.setDisabled("alice", true)
            #expect(try await handshake(live, [("Authorization", "Bearer \(token)")]).status == 401)
            #expect(try await live.signIn("alice")["error"] == "invalid_grant")
        }
    }

    @Test("Refresh tokens rotate; presenting a used one revokes the whole sign-in")
    func refreshRotation() async throws {
        try await withChatServer(.withTokens()) { live in
            try await live.addUser("alice")
            let first = try #require(try await live.signIn("alice")["refresh_token"])
            let rotated = try await live.post("/token", [("grant_type", "refresh_token"), ("refresh_token", first)]).json
            let second = try #require(rotated["refresh_token"])
            #expect(second != first)
            #expect(rotated["access_token"] != nil)

            let reuse = try await live.post("/token", [("grant_type", "refresh_token"), ("refresh_token", first)])
            #expect(reuse.response.status == 400 && reuse.json["error"] == "invalid_grant")
            let afterReuse = try await live.post("/token", [("grant_type", "refresh_token"), ("refresh_token", second)])
            #expect(afterReuse.json["error"] == "invalid_grant", "the family is revoked, the newest token included")
        }
    }

    @Test("After a new password the old one no longer signs in, the new one does, and earlier refresh tokens are dead")
    func passwordChange() async throws {
        try await withChatServer(.withTokens()) { live in
            try await live.addUser("alice")
            let before = try #require(try await live.signIn("alice")["refresh_token"])
            let hash = try await PasswordHasher(cost: 4).hash("a brand new secret")
            #expect(try await live.service.users.changePassword(of: "alice", toHash: hash))
            #expect(try await live.service.users.changePassword(of: "nobody", toHash: hash) == false)

            #expect(try await live.signIn("alice")["error"] == "invalid_grant")
            #expect(try await live.signIn("alice", password: "a brand new secret")["access_token"] != nil)
            let refreshed = try await live.post("/token", [("grant_type", "refresh_token"), ("refresh_token", before)])
            #expect(refreshed.json["error"] == "invalid_grant")
        }
    }

    @Test("A revoked refresh token no longer works (RFC 7009)")
    func revocation() async throws {
        try await withChatServer(.withTokens()) { live in
            try await live.addUser("alice")
            let refresh = try #require(try await live.signIn("alice")["refresh_token"])
            #expect(try await live.post("/revoke", [("token", refresh)]).response.status == 200)
            #expect(try await live.post("/revoke", [("token", "never-issued")]).response.status == 200, "unknown tokens get 200 too")
            let refused = try await live.post("/token", [("grant_type", "refresh_token"), ("refresh_token", refresh)])
            #expect(refused.json["error"] == "invalid_grant")
        }
    }

    @Test("chat:read alone joins and reads, but sending is forbidden; no chat:read gets 403")
    func scopes() async throws {
        try await withChatServer(.withTokens()) { live in
            try await live.addUser("reader", scopes: [ChatScope.read])
            let token = try #require(try await live.signIn("reader")["access_token"])
            try await withChatClient(port: live.port, path: "/ws?access_token=\(token)") { reader in
                reader.send(#"{"type":"join","room":"general"}"#)
                _ = try await reader.next("joined")
                reader.send(#"{"type":"send","room":"general","text":"hi"}"#)
                let error = try await reader.next("error")
                #expect(error.code == "forbidden")
            }
            let writeOnly = forgeToken(claims: goodClaims(user: "reader").merging(["scope": "chat:write"]) { $1 })
            let response = try await handshake(live, [("Authorization", "Bearer \(writeOnly)")])
            #expect(response.status == 403)
            #expect(response.value("WWW-Authenticate")?.contains(#"error="insufficient_scope""#) == true)
        }
    }

    @Test("In-band auth extends the session for the same user; another user's token is refused")
    func inBandRefresh() async throws {
        try await withChatServer(.withTokens()) { live in
            try await live.addUser("alice")
            try await live.addUser("bob")
            let first = try #require(try await live.signIn("alice")["access_token"])
            let fresh = try #require(try await live.signIn("alice")["access_token"])
            let bobs = try #require(try await live.signIn("bob")["access_token"])
            try await withChatClient(port: live.port, path: "/ws?access_token=\(first)") { alice in
                alice.send(#"{"type":"auth","token":"\#(fresh)","ref":"a1"}"#)
                let renewed = try await alice.next()
                #expect(renewed.type == "authenticated" && renewed.user == "alice" && renewed.ref == "a1")
                alice.send(#"{"type":"auth","token":"\#(bobs)"}"#)
                #expect(try await alice.next().code == "invalid_token")
                alice.send(#"{"type":"auth","token":"not a token"}"#)
                #expect(try await alice.next().code == "invalid_token")
            }
        }
    }

    @Test("A token lives at least the expires_in it is issued with, even when signed late in a second")
    func tokenLifetimeIsWhole() async throws {
        let tokens = try await TokenService(key: .hs256(secret: testSecret), accessTokenLifetime: .seconds(1))
        let lateInASecond = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down) + 0.999)
        let (token, expiresIn) = try await tokens.accessToken(for: "alice", scopes: ChatScope.all, now: lateInASecond)
        let identity = try await tokens.verify(token)
        let expiresAt = try #require(identity.expiresAt)
        #expect(expiresAt >= lateInASecond.addingTimeInterval(TimeInterval(expiresIn)))
    }

    @Test("When the token expires, the connection closes with 1008 \"token expired\"")
    func closeAtExpiry() async throws {
        try await withChatServer(.withTokens { $0.accessTokenLifetime = .seconds(1) }) { live in
            try await live.addUser("alice")
            let token = try #require(try await live.signIn("alice")["access_token"])
            let (_, close) = try await withChatClient(port: live.port, path: "/ws?access_token=\(token)") { alice in
                try await alice.waitUntilClosed(timeout: .seconds(3))
            }
            #expect(close?.code == 1008)
            #expect(close?.reasonText == "token expired")
        }
    }

    @Test("Disabling or removing a user closes their live connections with 1008 within a second", arguments: ["disable", "remove"])
    func disableClosesLiveConnections(action: String) async throws {
        try await withChatServer(.withTokens()) { live in
            try await live.addUser("alice")
            let token = try #require(try await live.signIn("alice")["access_token"])
            let (elapsed, close) = try await withChatClient(port: live.port, path: "/ws?access_token=\(token)") { alice in
                alice.send(#"{"type":"join","room":"general"}"#)
                _ = try await alice.next("joined")
                let start = ContinuousClock.now
                if action == "disable" {
                    try await live.service.users.setDisabled("alice", true)
                } else {
                    try await live.service.users.remove("alice")
                }
                try await alice.waitUntilClosed(timeout: .seconds(3))
                return ContinuousClock.now - start
            }
            #expect(close?.code == 1008)
            #expect(elapsed < .seconds(1))
        }
    }

    @Test("Failed sign-ins are limited per user name: past the limit, 429 with Retry-After")
    func loginLimit() async throws {
        try await withChatServer(.withTokens()) { live in
            try await live.addUser("alice")
            for _ in 0..<5 {
                #expect(try await live.signIn("alice", password: "wrong password!")["error"] == "invalid_grant")
            }
            let (response, _) = try await live.post(
                "/token",
                [("grant_type", "password"), ("username", "alice"), ("password", "correct horse battery")]
            )
            #expect(response.status == 429)
            #expect(Int(response.value("Retry-After") ?? "") ?? 0 > 0)
        }
    }

    @Test("Failed sign-ins are limited per client address too, whatever the names tried")
    func loginLimitPerAddress() async throws {
        try await withChatServer(.withTokens()) { live in
            for index in 0..<20 {
                #expect(try await live.signIn("guess\(index)", password: "wrong password!")["error"] == "invalid_grant")
            }
            let (response, _) = try await live.post("/token", [("grant_type", "password"), ("username", "another"), ("password", "any password")])
            #expect(response.status == 429)
        }
    }

    @Test("Behind a trusted proxy, sign-in limits count each client X-Forwarded-For names; from anyone else it is ignored")
    func loginLimitBehindProxy() async throws {
        // The test's own address, 127.0.0.1, is the proxy's.
        try await withChatServer(.withTokens { $0.trustedProxies = ["127.0.0.1"] }) { live in
            for index in 0..<20 {
                let status = try await live.failedSignIn("guess\(index)", forwardedFor: "203.0.113.5")
                #expect(status == 400)
            }
            let limited = try await live.failedSignIn("another", forwardedFor: "203.0.113.5")
            let otherClient = try await live.failedSignIn("another", forwardedFor: "203.0.113.6")
            // A client that writes its own X-Forwarded-For is still known by what the proxy appended.
            let forged = try await live.failedSignIn("another", forwardedFor: "198.51.100.1, 203.0.113.5")
            #expect(limited == 429)
            #expect(otherClient == 400, "another client is not held up")
            #expect(forged == 429)
        }
        try await withChatServer(.withTokens()) { live in
            for index in 0..<20 {
                let status = try await live.failedSignIn("guess\(index)", forwardedFor: "203.0.113.\(index)")
                #expect(status == 400)
            }
            let untrusted = try await live.failedSignIn("another", forwardedFor: "198.51.100.1")
            #expect(untrusted == 429, "an untrusted X-Forwarded-For changes nothing")
        }
    }

    @Test("Registration, when open: 201, then 409 for a taken name, 400 for a weak password")
    func registration() async throws {
        try await withChatServer(.withTokens { $0.allowsRegistration = true }) { live in
            let created = try await live.post("/users", [("username", "carol"), ("password", "long enough secret")]).response
            let taken = try await live.post("/users", [("username", "carol"), ("password", "long enough secret")]).response
            let weak = try await live.post("/users", [("username", "dave"), ("password", "short")]).response
            let signIn = try await live.signIn("carol", password: "long enough secret")
            let json = #"{"username":"erin","password":"another long secret"}"#
            let request =
                "POST /users HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\n"
                + "Content-Length: \(json.utf8.count)\r\n\r\n\(json)"
            let createdFromJSON = try await RawHTTP.exchange(request, port: live.port)
            #expect(createdFromJSON.status == 201)
            #expect(created.status == 201)
            #expect(taken.status == 409)
            #expect(weak.status == 400)
            #expect(signIn["access_token"] != nil)
        }
        try await withChatServer(.withTokens()) { live in
            let closed = try await live.post("/users", [("username", "carol"), ("password", "long enough secret")]).response
            #expect(closed.status == 404, "registration is closed unless --allow-registration")
        }
    }

    @Test("Registrations are limited per client address: past ten an hour, 429 with Retry-After")
    func registrationLimit() async throws {
        try await withChatServer(.withTokens { $0.allowsRegistration = true }) { live in
            for index in 0..<10 {
                let created = try await live.post("/users", [("username", "user\(index)"), ("password", "long enough secret")]).response
                #expect(created.status == 201)
            }
            let refused = try await live.post("/users", [("username", "one-more"), ("password", "long enough secret")]).response
            #expect(refused.status == 429)
            #expect(Int(refused.value("Retry-After") ?? "") ?? 0 > 3000)
            #expect(try await live.signIn("user0", password: "long enough secret")["access_token"] != nil, "signing in is not held up")
        }
    }

    @Test("No token reaches the logs, even at trace level")
    func tokensStayOutOfLogs() async throws {
        let logs = CapturedLogs()
        let tokens = try await withChatServer(.withTokens(), logger: logs.logger) { live in
            try await live.addUser("alice")
            let signIn = try await live.signIn("alice")
            let access = try #require(signIn["access_token"])
            let refresh = try #require(signIn["refresh_token"])
            try await withChatClient(port: live.port, path: "/ws?access_token=\(access)") { alice in
                alice.send(#"{"type":"auth","token":"\#(access)"}"#)
                _ = try await alice.next()
            }
            _ = try await handshake(live, [("Authorization", "Bearer \(access)x")])
            _ = try await live.post("/token", [("grant_type", "refresh_token"), ("refresh_token", refresh)])
            return [access, refresh]
        }
        #expect(!logs.all.isEmpty, "the server logged something")
        for token in tokens {
            #expect(!logs.all.contains { $0.contains(token) })
        }
        #expect(!logs.all.contains { $0.contains("correct horse battery") })
    }
}
