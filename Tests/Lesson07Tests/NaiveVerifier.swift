import Crypto
import Foundation
import LessonKit

/// A verifier written by hand with the mistakes RFC 8725 warns of, one or more at a time: the attack
/// cases are run against it to prove that each one bites.
///
/// With no flaw it is a correct (if minimal) ES256 verifier, so that a case that gets through is let
/// through by its flaw and nothing else.
struct NaiveVerifier: AccessTokenVerifying {
    enum Flaw: Sendable, Hashable {
        /// Picks the algorithm from the token's header (`none` accepts no signature; `HS256` takes the
        /// key's bytes as its secret) instead of pinning ES256 (RFC 8725 §2.1, §3.1).
        case trustsTheHeadersAlgorithm
        /// Never looks at `exp` (RFC 7519 §4.1.4).
        case ignoresExpiry
        /// Decodes the payload without checking any signature.
        case readsWithoutVerifying
    }

    let publicKeyPEM: String
    let flaws: Set<Flaw>

    func verify(_ token: String, requiring scope: String) async throws -> VerifiedAccess {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerData = Data(base64URL: parts[0]), let payloadData = Data(base64URL: parts[1]),
            let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any],
            let claims = try? JSONSerialization.jsonObject(with: payloadData) as? [String: Any],
            let user = claims["sub"] as? String, let exp = claims["exp"] as? Double, let scopes = claims["scope"] as? String
        else { throw TokenRefusal(.invalidToken, "malformed") }
        let signingInput = Data("\(parts[0]).\(parts[1])".utf8)
        let signature = Data(base64URL: parts[2]) ?? Data()
        if !flaws.contains(.readsWithoutVerifying) {
            let algorithm = flaws.contains(.trustsTheHeadersAlgorithm) ? header["alg"] as? String : "ES256"
            let isSigned: Bool
            switch algorithm {
            case "none":
                isSigned = true
            case "HS256":
                isSigned = HMAC<SHA256>.isValidAuthenticationCode(
                    signature,
                    authenticating: signingInput,
                    using: SymmetricKey(data: Data(publicKeyPEM.utf8))
                )
            case "ES256":
                let key = try P256.Signing.PublicKey(pemRepresentation: publicKeyPEM)
                let ecdsa = try? P256.Signing.ECDSASignature(rawRepresentation: signature)
                isSigned = ecdsa.map { key.isValidSignature($0, for: signingInput) } ?? false
            default:
                isSigned = false
            }
            guard isSigned else { throw TokenRefusal(.invalidToken, "bad signature") }
        }
        let expiresAt = Date(timeIntervalSince1970: exp)
        if !flaws.contains(.ignoresExpiry) {
            guard expiresAt > Date() else { throw TokenRefusal(.invalidToken, "expired") }
        }
        let granted = Set(scopes.split(separator: " ").map(String.init))
        guard granted.contains(scope) else { throw TokenRefusal(.insufficientScope, "no \(scope)") }
        return VerifiedAccess(user: user, scopes: granted, expiresAt: expiresAt)
    }
}
