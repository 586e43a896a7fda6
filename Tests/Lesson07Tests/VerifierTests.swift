import CourseKit
import Foundation
import LessonKit
import Testing

/// Exercise 1: the verifier, with tokens from a real ES256 issuer, and forged ones.
@Suite("Exercise 1: verifying a token")
struct VerifierTests {
    let answers = Lesson07Answers.checked

    @Test("A good token comes back as its user, scopes and expiry")
    func goodToken() async throws {
        let issuer = await AccessTokenIssuer.random()
        let verifier = try await answers.makeVerifier(issuer.publicKeyPEM)
        let expiresAt = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 3600).rounded(.down))
        let token = try await issuer.accessToken(for: "alice", scopes: ["chat:read", "chat:write"], expiresAt: expiresAt)
        let access = try await verifier.verify(token, requiring: "chat:read")
        #expect(access == VerifiedAccess(user: "alice", scopes: ["chat:read", "chat:write"], expiresAt: expiresAt))
    }

    @Test("A good token without the scope asked for is refused with insufficient_scope")
    func missingScope() async throws {
        let issuer = await AccessTokenIssuer.random()
        let verifier = try await answers.makeVerifier(issuer.publicKeyPEM)
        let token = try await issuer.accessToken(for: "alice", scopes: ["chat:write"], expiresAt: Date().addingTimeInterval(3600))
        try await expectRefusal(.insufficientScope, of: token, verifier: verifier)
    }

    @Test("Every attack is refused with invalid_token", arguments: AttackCase.all)
    func attack(_ attack: AttackCase) async throws {
        let issuer = await AccessTokenIssuer.random()
        let verifier = try await answers.makeVerifier(issuer.publicKeyPEM)
        let token = try await attack.forge(issuer, await AccessTokenIssuer.random())
        try await expectRefusal(.invalidToken, of: token, verifier: verifier)
    }

    @Test("What is not a JWT at all is refused with invalid_token")
    func notATokenAtAll() async throws {
        let issuer = await AccessTokenIssuer.random()
        let verifier = try await answers.makeVerifier(issuer.publicKeyPEM)
        for token in ["", "hello", "a.b.c", "eyJhbGciOiJFUzI1NiJ9..", "\(base64URL(Data("{}".utf8))).e30.e30"] {
            try await expectRefusal(.invalidToken, of: token, verifier: verifier)
        }
    }

    /// Expects `verifier` to refuse `token` with `code`; any other error (such as "not done yet") fails the test.
    private func expectRefusal(_ code: TokenRefusal.Code, of token: String, verifier: any AccessTokenVerifying) async throws {
        do {
            let access = try await verifier.verify(token, requiring: "chat:read")
            Issue.record("accepted as \(access.user), where \(code.rawValue) was due: \(token)")
        } catch let refusal as TokenRefusal {
            #expect(refusal.code == code, "\(refusal)")
        }
    }
}

/// The attack cases themselves: each gets through a naive verifier with the flaw it exploits, and none
/// gets through that verifier without flaws, so a case that an answer refuses is refused for its reason.
///
/// This checks the suite, not the learner's code: it runs when the suite checks the solution.
@Suite("The attack cases bite a naive verifier", .enabled(if: CheckTarget.current == .solution))
struct AttackCaseTests {
    @Test("Each attack gets through a verifier with the flaw it exploits", arguments: AttackCase.all)
    func getsThroughItsFlaw(_ attack: AttackCase) async throws {
        let issuer = await AccessTokenIssuer.random()
        let naive = NaiveVerifier(publicKeyPEM: issuer.publicKeyPEM, flaws: [attack.exploits])
        let token = try await attack.forge(issuer, await AccessTokenIssuer.random())
        let access = try await naive.verify(token, requiring: "chat:read")
        #expect(access.user == "alice" || access.user == "admin")
    }

    @Test("No attack gets through the same verifier without its flaws, which accepts a good token", arguments: AttackCase.all)
    func refusedWithoutTheFlaw(_ attack: AttackCase) async throws {
        let issuer = await AccessTokenIssuer.random()
        let sound = NaiveVerifier(publicKeyPEM: issuer.publicKeyPEM, flaws: [])
        let good = try await issuer.accessToken(for: "alice", scopes: ["chat:read"], expiresAt: Date().addingTimeInterval(3600))
        #expect(try await sound.verify(good, requiring: "chat:read").user == "alice")
        let token = try await attack.forge(issuer, await AccessTokenIssuer.random())
        await #expect(throws: TokenRefusal.self) { try await sound.verify(token, requiring: "chat:read") }
    }
}
