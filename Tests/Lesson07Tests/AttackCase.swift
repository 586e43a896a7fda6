import Crypto
import Foundation
import LessonKit
import Testing

/// A token an honest verifier must refuse, the flaw of a naive verifier that lets it through, and how
/// an attacker makes it from what is public: a token they were given, and the server's public key.
struct AttackCase: Sendable, CustomTestStringConvertible {
    let name: String
    let exploits: NaiveVerifier.Flaw
    let forge: @Sendable (_ issuer: AccessTokenIssuer, _ otherIssuer: AccessTokenIssuer) async throws -> String

    var testDescription: String { name }

    static let all: [AttackCase] = [
        AttackCase(name: "alg: none, with no signature", exploits: .trustsTheHeadersAlgorithm) { _, _ in
            unsignedToken(header: ["alg": "none", "typ": "JWT"], claims: goodClaims()) + "."
        },
        AttackCase(name: "HS256 signed with the server's public key as the secret", exploits: .trustsTheHeadersAlgorithm) { issuer, _ in
            let signingInput = unsignedToken(header: ["alg": "HS256", "typ": "JWT"], claims: goodClaims())
            let key = SymmetricKey(data: Data(issuer.publicKeyPEM.utf8))
            let signature = HMAC<SHA256>.authenticationCode(for: Data(signingInput.utf8), using: key)
            return signingInput + "." + base64URL(Data(signature))
        },
        AttackCase(name: "an expired token, well signed", exploits: .ignoresExpiry) { issuer, _ in
            try await issuer.accessToken(for: "alice", scopes: ["chat:read"], expiresAt: Date().addingTimeInterval(-3600))
        },
        AttackCase(name: "a payload changed after signing (another user, every scope)", exploits: .readsWithoutVerifying) { issuer, _ in
            let token = try await issuer.accessToken(for: "alice", scopes: ["chat:read"], expiresAt: Date().addingTimeInterval(3600))
            let parts = token.split(separator: ".").map(String.init)
            let forged = base64URL(try JSONSerialization.data(withJSONObject: goodClaims(user: "admin", scope: "chat:read chat:write admin")))
            return [parts[0], forged, parts[2]].joined(separator: ".")
        },
        AttackCase(name: "signed with another ES256 key", exploits: .readsWithoutVerifying) { _, otherIssuer in
            try await otherIssuer.accessToken(for: "alice", scopes: ["chat:read"], expiresAt: Date().addingTimeInterval(3600))
        },
    ]
}

/// Claims the verifier would accept from a good signature, an hour from expiry.
func goodClaims(user: String = "alice", scope: String = "chat:read chat:write") -> [String: Any] {
    let now = Int(Date().timeIntervalSince1970)
    return ["sub": user, "iat": now, "exp": now + 3600, "scope": scope]
}

/// The JWS signing input, `header.payload` in base64url (RFC 7515 §5.1).
func unsignedToken(header: [String: Any], claims: [String: Any]) -> String {
    // Force-unwrapped: these dictionaries hold only strings and numbers, which always serialize.
    let header = base64URL(try! JSONSerialization.data(withJSONObject: header))
    return "\(header).\(base64URL(try! JSONSerialization.data(withJSONObject: claims)))"
}

/// Base64url without padding, as JWTs carry it.
func base64URL(_ data: Data) -> String {
    data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        .replacingOccurrences(of: "=", with: "")
}

extension Data {
    /// Decodes base64url without padding.
    init?(base64URL text: some StringProtocol) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        self.init(base64Encoded: base64)
    }
}
