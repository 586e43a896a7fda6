import Foundation
import JWTKit
import LessonKit

/// Exercise 1: check an access token as the guarded route will, with the authorization server's
/// public key.
///
/// The contract is ``AccessTokenVerifying``'s (in `Sources/LessonKit/AccessTokenVerifying.swift`):
/// - accept only ES256 tokens signed by the private half of `publicKeyPEM`: never `alg: none`, never
///   another algorithm, whatever the token's header says (RFC 8725 §3.1 and §2.1);
/// - refuse a token whose `exp` has passed (RFC 7519 §4.1.4), or whose payload was changed;
/// - return the `sub`, the `scope` (space-separated) and the `exp` as a ``VerifiedAccess``;
/// - refuse with ``TokenRefusal`` `invalid_token` for all of the above, and with `insufficient_scope`
///   for a good token that lacks `scope` (RFC 6750 §3.1).
/// Lesson 7's text, "Exercise 1: verifying a token", says why each check matters.
public struct AccessTokenVerifier: AccessTokenVerifying {
    /// A verifier that accepts ES256 tokens signed by the private half of `publicKeyPEM`, and nothing else.
    public init(publicKeyPEM: String) async throws {
        // TODO: keep what verifying needs: the public key, for the one algorithm it is for.
    }

    public func verify(_ token: String, requiring scope: String) async throws -> VerifiedAccess {
        // TODO: verify the signature and `exp`, then the scope; answer with the claims or a TokenRefusal. Then delete the line below.
        throw NotDoneYet("verify an access token's signature, expiry and scope: verify(_:requiring:), in AccessTokenVerifier.swift")
    }
}
