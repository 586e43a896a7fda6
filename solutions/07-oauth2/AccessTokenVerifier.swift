import Foundation
import JWTKit
import LessonKit

/// Exercise 1, the reference: checks access tokens with the authorization server's public key.
public struct AccessTokenVerifier: AccessTokenVerifying {
    private let keys: JWTKeyCollection

    /// A verifier that accepts ES256 tokens signed by the private half of `publicKeyPEM`, and nothing else.
    public init(publicKeyPEM: String) async throws {
        // One key, so one algorithm: jwt-kit verifies every token with this key's algorithm, whatever
        // its header says, and `alg: none` has no key at all.
        keys = JWTKeyCollection()
        await keys.add(ecdsa: try ES256PublicKey(pem: publicKeyPEM))
    }

    public func verify(_ token: String, requiring scope: String) async throws -> VerifiedAccess {
        let claims: Claims
        do {
            claims = try await keys.verify(token, as: Claims.self)
        } catch let error as JWTError where error.errorType == .claimVerificationFailure {
            throw TokenRefusal(.invalidToken, "the token has expired")
        } catch {
            throw TokenRefusal(.invalidToken, "the token is malformed or its signature does not verify")
        }
        let scopes = Set(claims.scope.split(separator: " ").map(String.init))
        guard scopes.contains(scope) else {
            throw TokenRefusal(.insufficientScope, "the token lacks the scope \(scope)")
        }
        return VerifiedAccess(user: claims.sub.value, scopes: scopes, expiresAt: claims.exp.value)
    }
}

/// The claims of an access token, as this resource server reads them.
private struct Claims: JWTPayload {
    var sub: SubjectClaim
    var exp: ExpirationClaim
    var scope: String

    /// jwt-kit calls this once the signature checks out: the claims that need no configuration.
    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
    }
}
