import Crypto
import Foundation
import TestSupport

@testable import ChatServer

/// The HS256 secret the auth tests sign with, so that they can forge tokens the server must refuse.
let testSecret = Array("a test secret that is long enough for HS256!".utf8)

extension ChatServerConfiguration {
    /// The test defaults, with OAuth2 tokens signed by ``testSecret``.
    static func withTokens(_ change: (inout Self) -> Void = { _ in }) -> Self {
        .testing { configuration in
            configuration.authentication = .tokens(signedWith: try! .hs256(secret: testSecret))
            change(&configuration)
        }
    }
}

extension LiveService<ChatService> {
    /// Adds a user straight to the database.
    func addUser(_ name: String, password: String = "correct horse battery", scopes: Set<String> = ChatScope.all) async throws {
        let hash = try await PasswordHasher(cost: 4).hash(password)
        try await service.users.add(name: name, passwordHash: hash, scopes: scopes)
    }

    /// POSTs a form, with any extra header lines, and returns the response with its JSON body read.
    func post(
        _ path: String,
        _ fields: [(String, String)],
        headers: [String] = []
    ) async throws -> (response: RawHTTPResponse, json: [String: String]) {
        let body = fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0.1)" }.joined(separator: "&")
        let request = """
            POST \(path) HTTP/1.1\r
            Host: localhost\r
            Connection: close\r
            \(headers.map { $0 + "\r\n" }.joined())Content-Type: application/x-www-form-urlencoded\r
            Content-Length: \(body.utf8.count)\r
            \r
            \(body)
            """
        let response = try await RawHTTP.exchange(request, port: port)
        let json = (try? JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any]) ?? [:]
        return (response, json.compactMapValues { $0 as? String ?? ($0 as? Int).map(String.init) })
    }

    /// A sign-in with a wrong password, through a proxy that says it came from `forwardedFor`.
    func failedSignIn(_ name: String, forwardedFor: String) async throws -> Int {
        let fields = [("grant_type", "password"), ("username", name), ("password", "wrong password!")]
        return Int(try await post("/token", fields, headers: ["X-Forwarded-For: \(forwardedFor)"]).response.status)
    }

    /// Signs in with the password grant and returns the token response's fields.
    func signIn(_ name: String, password: String = "correct horse battery", scope: String? = nil) async throws -> [String: String] {
        var fields = [("grant_type", "password"), ("username", name), ("password", password)]
        if let scope { fields.append(("scope", scope)) }
        return try await post("/token", fields).json
    }
}

/// A JWT signed with ``testSecret`` (or with `alg: none` and no signature), for tokens the server
/// must refuse.
func forgeToken(claims: [String: Any], algorithm: String = "HS256", secret: [UInt8] = testSecret) -> String {
    let signingInput = unsignedToken(claims: claims, algorithm: algorithm)
    guard algorithm == "HS256" else { return signingInput + "." }
    let signature = HMAC<SHA256>.authenticationCode(for: Data(signingInput.utf8), using: SymmetricKey(data: secret))
    return "\(signingInput).\(base64URL(Data(signature)))"
}

/// A JWT signed with ES256 by `key`: the signature is r and s side by side (RFC 7518 §3.4).
func forgeES256Token(claims: [String: Any], key: P256.Signing.PrivateKey) throws -> String {
    let signingInput = unsignedToken(claims: claims, algorithm: "ES256")
    let signature = try key.signature(for: Data(signingInput.utf8)).rawRepresentation
    return "\(signingInput).\(base64URL(signature))"
}

private func unsignedToken(claims: [String: Any], algorithm: String) -> String {
    let header = base64URL(try! JSONSerialization.data(withJSONObject: ["alg": algorithm, "typ": "JWT"]))
    return "\(header).\(base64URL(try! JSONSerialization.data(withJSONObject: claims)))"
}

private func base64URL(_ data: Data) -> String {
    data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        .replacingOccurrences(of: "=", with: "")
}

extension Data {
    /// Base64url without padding, as JWTs carry it.
    init?(base64URL text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        self.init(base64Encoded: base64)
    }
}

/// Claims the server would accept, to be spoiled one at a time.
func goodClaims(user: String = "alice", now: Date = Date()) -> [String: Any] {
    [
        "iss": TokenService.issuer, "aud": TokenService.audience, "sub": user, "jti": UUID().uuidString,
        "iat": Int(now.timeIntervalSince1970), "exp": Int(now.timeIntervalSince1970) + 600, "scope": "chat:read chat:write",
    ]
}
