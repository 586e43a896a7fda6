import Foundation
import JWTKit

/// The claims of an access token (RFC 7519 §4.1): who it is for, what it allows, and until when.
struct AccessClaims: JWTPayload, Equatable {
    var iss: IssuerClaim
    var aud: AudienceClaim
    var sub: SubjectClaim
    var exp: ExpirationClaim
    var iat: IssuedAtClaim
    var nbf: NotBeforeClaim?
    var jti: IDClaim
    /// Space-separated scopes (RFC 6749 §3.3).
    var scope: String

    var scopes: Set<String> { Set(scope.split(separator: " ").map(String.init)) }

    /// Only the claims that need no configuration: expiry and not-before. Issuer and audience are
    /// checked by ``TokenService``, which knows what they must be.
    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
        try nbf?.verifyNotBefore()
    }
}
