import Foundation
import TestSupport
import Testing

@testable import ChatServer

/// Two chat servers on one PostgreSQL database, as two processes behind a load balancer run: each has
/// a SQLite file of its own, and they share the database and the signing key.
@Suite(
    "Accounts across processes: two servers on one PostgreSQL database share users, tokens and sign-in limits",
    .serialized,
    .enabled(if: TemporaryPostgres.isAvailable, TemporaryPostgres.unavailable)
)
struct AccountsAcrossProcessesTests {
    /// Runs `body` with two servers on one fresh database.
    func withTwoServers(
        _ body: @escaping @Sendable (LiveService<ChatService>, LiveService<ChatService>) async throws -> Void
    ) async throws {
        try await TemporaryPostgres.withDatabase { _, url in
            try await withChatServer(.withTokens { $0.historyDatabaseURL = url }) { first in
                try await withChatServer(.withTokens { $0.historyDatabaseURL = url }) { second in
                    try await body(first, second)
                }
            }
        }
    }

    @Test("A user disabled through one server is closed with 1008 on every server")
    func disablingClosesEverywhere() async throws {
        try await withTwoServers { first, second in
            try await first.addUser("alice")
            let token = try #require(try await first.signIn("alice")["access_token"])
            let (closeOnSecond, closeOnFirst) = try await withChatClient(port: first.port, path: "/ws?access_token=\(token)") { onFirst in
                onFirst.send(#"{"type":"join","room":"general"}"#)
                _ = try await onFirst.next("joined")
                let (_, closeOnSecond) = try await withChatClient(port: second.port, path: "/ws?access_token=\(token)") { onSecond in
                    onSecond.send(#"{"type":"join","room":"general"}"#)
                    _ = try await onSecond.next("joined")
                    #expect(try await first.service.users.setDisabled("alice", true))
                    try await onSecond.waitUntilClosed()
                }
                try await onFirst.waitUntilClosed()
                return closeOnSecond
            }
            #expect(closeOnSecond?.code == 1008 && closeOnSecond?.reasonText == "account disabled", "on the other server")
            #expect(closeOnFirst?.code == 1008 && closeOnFirst?.reasonText == "account disabled", "on the server that disabled them")
            #expect(try await second.signIn("alice")["error"] == "invalid_grant", "and neither lets them sign in")
        }
    }

    @Test("A sign-in on one server is accepted and refreshed by the other; reuse and revocation reach both")
    func tokensCrossServers() async throws {
        try await withTwoServers { first, second in
            try await first.addUser("alice")
            let signIn = try await first.signIn("alice")
            let access = try #require(signIn["access_token"])
            let refresh = try #require(signIn["refresh_token"])
            try await withChatClient(port: second.port, path: "/ws?access_token=\(access)") { alice in
                alice.send(#"{"type":"join","room":"general"}"#)
                let joined = try await alice.next("joined")
                #expect(joined.room == "general")
            }

            let refreshed = try await second.post("/token", [("grant_type", "refresh_token"), ("refresh_token", refresh)]).json
            let renewedAccess = try #require(refreshed["access_token"])
            let renewedRefresh = try #require(refreshed["refresh_token"])
            try await withChatClient(port: first.port, path: "/ws?access_token=\(renewedAccess)") { alice in
                alice.send(#"{"type":"join","room":"general"}"#)
                let joined = try await alice.next("joined")
                #expect(joined.room == "general")
            }

            let reuse = try await first.post("/token", [("grant_type", "refresh_token"), ("refresh_token", refresh)])
            #expect(reuse.json["error"] == "invalid_grant", "the first server sees that the second retired it")
            let afterReuse = try await second.post("/token", [("grant_type", "refresh_token"), ("refresh_token", renewedRefresh)])
            #expect(afterReuse.json["error"] == "invalid_grant", "the reuse revoked the sign-in on both")

            let again = try #require(try await second.signIn("alice")["refresh_token"])
            #expect(try await second.post("/revoke", [("token", again)]).response.status == 200)
            let revoked = try await first.post("/token", [("grant_type", "refresh_token"), ("refresh_token", again)])
            #expect(revoked.json["error"] == "invalid_grant", "revoked through one server, refused by the other")
        }
    }

    @Test("Failed sign-ins count on every server: five spread over two, and both refuse the sixth with 429")
    func throttleCrossesServers() async throws {
        try await withTwoServers { first, second in
            try await first.addUser("alice")
            for server in [first, second, first, second, first] {
                #expect(try await server.signIn("alice", password: "wrong password!")["error"] == "invalid_grant")
            }
            for server in [first, second] {
                let (response, _) = try await server.post(
                    "/token",
                    [("grant_type", "password"), ("username", "alice"), ("password", "correct horse battery")]
                )
                #expect(response.status == 429)
                #expect(Int(response.value("Retry-After") ?? "") ?? 0 > 0)
            }
        }
    }
}
