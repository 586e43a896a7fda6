import Foundation
import JWTKit

/// Signs access tokens and checks the ones clients present.
///
/// Access tokens are JWTs (RFC 7519) with `iss`, `aud`, `sub`, `exp`, `iat`, `jti` and `scope`,
/// short-lived (15 minutes by default) so that a leaked one is worth little.
public final class TokenService: Sendable {
    /// Who issues the tokens, and who they are for.
    public static let issuer = "chat-server"
    public static let audience = "chat"

    private let keys: JWTKeyCollection
    /// How long an access token lives.
    public let accessTokenLifetime: Duration

    public init(key: SigningKey, accessTokenLifetime: Duration) async throws {
        self.keys = try await key.keyCollection()
        self.accessTokenLifetime = accessTokenLifetime
    }

    /// A signed access token for `user` with `scopes`.
    ///
    /// - Returns: the token and its lifetime in seconds, for the `expires_in` of RFC 6749 §5.1.
    public func accessToken(for user: String, scopes: Set<String>, now: Date = Date()) async throws -> (token: String, expiresIn: Int) {
        let seconds = Int(accessTokenLifetime.components.seconds)
        // NumericDate (RFC 7519 §2) may have fractions, but whole seconds are what other libraries expect.
        // `iat` rounds down and `exp` up, so a token lives at least the `expires_in` it is sold with.
        let issuedAt = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let expiresAt = Date(timeIntervalSince1970: (now.timeIntervalSince1970 + TimeInterval(seconds)).rounded(.up))
        let claims = AccessClaims(
            iss: .init(value: Self.issuer),
            aud: .init(value: [Self.audience]),
            sub: .init(value: user),
            exp: .init(value: expiresAt),
            iat: .init(value: issuedAt),
            nbf: nil,
            jti: .init(value: UUID().uuidString),
            scope: scopes.sorted().joined(separator: " ")
        )
        return (try await keys.sign(claims), seconds)
    }

    /// The identity a token carries, once its signature, expiry, issuer and audience check out.
    ///
    /// - Throws: ``InvalidToken`` saying what is wrong, in words safe to send to the client.
    public func verify(_ token: String) async throws(InvalidToken) -> Identity {
        let claims: AccessClaims
        do {
            claims = try await keys.verify(token, as: AccessClaims.self)
        } catch let error as JWTError where error.errorType == .claimVerificationFailure {
            throw InvalidToken(reason: error.failedClaim is ExpirationClaim ? "the token has expired" : "the token is not valid yet")
        } catch {
            throw InvalidToken(reason: "the token is malformed or its signature does not verify")
        }
        guard claims.iss.value == Self.issuer else { throw InvalidToken(reason: "the token was issued by someone else") }
        guard (try? claims.aud.verifyIntendedAudience(includes: Self.audience)) != nil else {
            throw InvalidToken(reason: "the token is meant for another audience")
        }
        return Identity(user: claims.sub.value, scopes: claims.scopes, expiresAt: claims.exp.value)
    }
}

/// A token that can't be accepted, and why.
public struct InvalidToken: Error, Equatable {
    public let reason: String
}
