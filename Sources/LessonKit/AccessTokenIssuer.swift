import Foundation
public import JWTKit

/// The claims lesson 7's access tokens carry (RFC 7519 §4.1), as the issuer signs them.
struct LessonAccessClaims: JWTPayload {
    var sub: SubjectClaim
    var exp: ExpirationClaim
    var iat: IssuedAtClaim
    /// Space-separated scopes (RFC 6749 §3.3).
    var scope: String

    /// The issuer signs; it checks nothing. Checking is the verifier's work.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// Signs lesson 7's access tokens with ES256: the authorization server's half of the key pair.
///
/// The resource server (the guarded WebSocket route) needs only ``publicKeyPEM``: it can check a
/// token but never make one.
public struct AccessTokenIssuer: Sendable {
    private let keys: JWTKeyCollection
    /// The public key, in PEM, for whoever verifies.
    public let publicKeyPEM: String

    /// An issuer with this P-256 private key.
    public init(privateKey: ES256PrivateKey) async {
        keys = JWTKeyCollection()
        await keys.add(ecdsa: privateKey)
        publicKeyPEM = privateKey.publicKey.pemRepresentation
    }

    /// An issuer with a new random key, for one run of a lesson server or one test.
    public static func random() async -> AccessTokenIssuer {
        await AccessTokenIssuer(privateKey: ES256PrivateKey())
    }

    /// A signed access token for `user` with `scopes`, valid until `expiresAt`.
    public func accessToken(for user: String, scopes: Set<String>, expiresAt: Date, issuedAt: Date = Date()) async throws -> String {
        // NumericDate (RFC 7519 §2) may have fractions, but whole seconds are what other libraries expect:
        // `exp` rounds up and `iat` down, so a token lives at least as long as it was asked to.
        let claims = LessonAccessClaims(
            sub: .init(value: user),
            exp: .init(value: Date(timeIntervalSince1970: expiresAt.timeIntervalSince1970.rounded(.up))),
            iat: .init(value: Date(timeIntervalSince1970: issuedAt.timeIntervalSince1970.rounded(.down))),
            scope: scopes.sorted().joined(separator: " ")
        )
        return try await keys.sign(claims)
    }
}
