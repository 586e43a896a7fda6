import ChatServer
import Foundation
import HTTPTypes
import Hummingbird
import LessonKit
import NIOCore
import Solution07
import TestSupport
import Testing

/// Exercise 2: the accounts in a real SQLite file, and `POST /token` on a live server.
@Suite("Exercise 2: the token endpoint", .serialized)
struct TokenEndpointTests {
    let answers = Lesson07Answers.checked
    static let password = "correct horse battery"

    /// The accounts in a temporary file with alice (`chat:read chat:write`), and the checked endpoint on a free port.
    func withEndpoint(_ body: @Sendable (_ port: Int, _ hasher: CountingHasher, _ issuer: AccessTokenIssuer) async throws -> Void) async throws {
        try await withTemporaryFolder { folder in
            let accounts = try answers.openAccounts(folder.appendingPathComponent("accounts.sqlite").path)
            let hasher = CountingHasher()
            try await accounts.add("alice", passwordHash: try await hasher.hash(Self.password), scopes: ["chat:read", "chat:write"])
            let issuer = await AccessTokenIssuer.random()
            let endpoint = try await answers.makeTokenEndpoint(accounts, hasher, issuer, .seconds(900))
            try await expectWritten(endpoint)
            let app = buildGuardedLessonServer(
                tokenEndpoint: endpoint,
                configuration: ApplicationConfiguration(),
                authorize: { _ in .failure(.badRequest("no WebSockets in this check")) },
                connection: { _, _, _ in }
            )
            try await withLiveServer(app) { port in try await body(port, hasher, issuer) }
        }
    }

    @Test("The password grant answers 200 with a bearer token for the user (RFC 6749 §5.1), never to be cached")
    func passwordGrant() async throws {
        try await withEndpoint { port, _, issuer in
            let answer = try await postToken("grant_type=password&username=alice&password=correct%20horse%20battery", port: port)
            #expect(answer.status == 200, "\(answer)")
            #expect(answer.value("Cache-Control") == "no-store")
            let body = try json(answer)
            #expect((body["token_type"] as? String)?.lowercased() == "bearer")
            #expect(body["expires_in"] as? Int == 900)
            #expect(body["scope"] as? String == "chat:read chat:write")
            let token = try #require(body["access_token"] as? String)
            let access = try await Solution07.AccessTokenVerifier(publicKeyPEM: issuer.publicKeyPEM).verify(token, requiring: "chat:write")
            #expect(access.user == "alice" && access.scopes == ["chat:read", "chat:write"])
            #expect(abs(access.expiresAt.timeIntervalSinceNow - 900) < 60, "the token lives expires_in seconds: \(access.expiresAt)")
        }
    }

    @Test("A requested scope narrows the token; a scope the user lacks is invalid_scope")
    func scopes() async throws {
        try await withEndpoint { port, _, _ in
            let narrowed = try await postToken("grant_type=password&username=alice&password=correct%20horse%20battery&scope=chat:read", port: port)
            #expect(narrowed.status == 200, "\(narrowed)")
            #expect(try json(narrowed)["scope"] as? String == "chat:read", "\(narrowed)")
            let wider = try await postToken(
                "grant_type=password&username=alice&password=correct%20horse%20battery&scope=chat:read%20admin",
                port: port
            )
            #expect(wider.status == 400, "\(wider)")
            #expect(try json(wider)["error"] as? String == "invalid_scope", "\(wider)")
        }
    }

    @Test("A wrong password and an unknown user get the same invalid_grant answer (RFC 6749 §5.2)")
    func refusals() async throws {
        try await withEndpoint { port, _, _ in
            let wrong = try await postToken("grant_type=password&username=alice&password=not%20the%20password", port: port)
            let unknown = try await postToken("grant_type=password&username=mallory&password=not%20the%20password", port: port)
            for answer in [wrong, unknown] {
                #expect(answer.status == 400, "\(answer)")
                #expect(answer.value("Cache-Control") == "no-store", "errors are not cached either")
                #expect(try json(answer)["error"] as? String == "invalid_grant")
            }
            #expect(wrong.body == unknown.body, "the words must not tell which names exist")
        }
    }

    @Test("An unknown user costs one bcrypt verification, against a hash as costly as a real one")
    func unknownUserCostsAVerification() async throws {
        try await withEndpoint { port, hasher, _ in
            let before = hasher.hashesVerified.count
            let unknown = try await postToken("grant_type=password&username=mallory&password=whatever%20it%20is", port: port)
            #expect(unknown.status == 400, "\(unknown)")
            let verified = Array(hasher.hashesVerified.dropFirst(before))
            #expect(verified.count == 1, "one verification for an unknown user, as for a known one; saw \(verified.count)")
            #expect(verified.allSatisfy { bcryptCost(of: $0) == 4 }, "verified against a bcrypt hash of the hasher's cost: \(verified)")
        }
    }

    @Test("A request that is not a password grant gets invalid_request or unsupported_grant_type")
    func malformedRequests() async throws {
        try await withEndpoint { port, _, _ in
            let cases: [(form: String, contentType: String, error: String)] = [
                ("username=alice&password=correct%20horse%20battery", "application/x-www-form-urlencoded", "invalid_request"),
                ("grant_type=client_credentials", "application/x-www-form-urlencoded", "unsupported_grant_type"),
                ("grant_type=password&username=alice", "application/x-www-form-urlencoded", "invalid_request"),
                (#"{"grant_type":"password","username":"alice"}"#, "application/json", "invalid_request"),
            ]
            for request in cases {
                let answer = try await postToken(request.form, contentType: request.contentType, port: port)
                #expect(answer.status == 400, "\(request.form): \(answer)")
                #expect(try json(answer)["error"] as? String == request.error, "\(request.form): \(answer.body)")
                #expect(answer.value("Cache-Control") == "no-store")
            }
        }
    }

    @Test("Accounts live in the SQLite file: reopened, they are still there; an unknown name has none")
    func accountsPersist() async throws {
        try await withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("accounts.sqlite").path
            let first = try answers.openAccounts(path)
            try await first.add("alice", passwordHash: "$2b$04$abcdefghijklmnopqrstuuC1Gv6ah4nVwXQ5pZrIMGSe/B2dYeCJK", scopes: ["chat:read"])
            let reopened = try answers.openAccounts(path)
            let alice = try #require(try await reopened.credentials(of: "alice"))
            #expect(alice.passwordHash == "$2b$04$abcdefghijklmnopqrstuuC1Gv6ah4nVwXQ5pZrIMGSe/B2dYeCJK" && alice.scopes == ["chat:read"])
            #expect(try await reopened.credentials(of: "bob") == nil)
            await #expect(throws: (any Error).self, "a name is taken once") {
                try await reopened.add("alice", passwordHash: "$2b$04$other", scopes: [])
            }
        }
    }
}

/// Asks `endpoint` once, directly, so that an unwritten one fails the check with its "not done yet"
/// rather than as a server error over the wire.
func expectWritten(_ endpoint: any TokenResponding) async throws {
    let probe = Request(head: HTTPRequest(method: .post, scheme: nil, authority: nil, path: "/token"), body: RequestBody(buffer: ByteBuffer()))
    do {
        _ = try await endpoint.respond(to: probe)
    } catch let error as NotDoneYet {
        throw error
    } catch {
        // Any other answer to an empty request is the checks' business.
    }
}

/// `POST /token` with `form` as the body.
func postToken(_ form: String, contentType: String = "application/x-www-form-urlencoded", port: Int) async throws -> RawHTTPResponse {
    let request = """
        POST /token HTTP/1.1\r
        Host: 127.0.0.1\r
        Content-Type: \(contentType)\r
        Content-Length: \(form.utf8.count)\r
        Connection: close\r
        \r
        \(form)
        """
    return try await RawHTTP.exchange(request, port: port)
}

/// The JSON object of a response's body.
func json(_ response: RawHTTPResponse) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any], "not a JSON object: \(response.body)")
}
