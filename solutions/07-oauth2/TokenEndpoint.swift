import Foundation
import HTTPTypes
import Hummingbird
import LessonKit
import NIOCore

/// Exercise 2, the reference: `POST /token` with the password grant (RFC 6749 §4.3).
public struct TokenEndpoint: TokenResponding {
    let accounts: any UserAccounts
    let hasher: any PasswordHashing
    let issuer: AccessTokenIssuer
    let lifetime: Duration
    /// A hash of a random password, made with the same hasher: an unknown user is checked against it.
    let decoyHash: String

    /// An endpoint that signs in `accounts` with `hasher` and issues tokens from `issuer`, each valid for `lifetime`.
    public init(accounts: any UserAccounts, hasher: any PasswordHashing, issuer: AccessTokenIssuer, lifetime: Duration = .seconds(900)) async throws {
        self.accounts = accounts
        self.hasher = hasher
        self.issuer = issuer
        self.lifetime = lifetime
        decoyHash = try await hasher.hash(UUID().uuidString)
    }

    public func respond(to request: Request) async throws -> Response {
        guard request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true else {
            return Self.error("invalid_request", "send the parameters as application/x-www-form-urlencoded")
        }
        let body = try await request.body.collect(upTo: 16 * 1024)
        guard let form = try? URLEncodedFormDecoder().decode([String: String].self, from: String(buffer: body)) else {
            return Self.error("invalid_request", "the form could not be read")
        }
        switch form["grant_type"] {
        case "password": break
        case nil: return Self.error("invalid_request", "grant_type is missing")
        case let other?: return Self.error("unsupported_grant_type", "\(other) is not supported; use password")
        }
        guard let name = form["username"], let password = form["password"] else {
            return Self.error("invalid_request", "username and password are required")
        }
        let stored = try await accounts.credentials(of: name)
        // An unknown user costs a bcrypt verification too, so that timing does not tell which names exist.
        let matches = try await hasher.verify(password, against: stored?.passwordHash ?? decoyHash)
        guard let stored, matches else {
            return Self.error("invalid_grant", "the user name or password is wrong")
        }
        var scopes = stored.scopes
        if let requested = form["scope"], !requested.isEmpty {
            scopes = Set(requested.split(separator: " ").map(String.init))
            guard scopes.isSubset(of: stored.scopes) else {
                return Self.error("invalid_scope", "the scopes allowed are \(stored.scopes.sorted().joined(separator: " "))")
            }
        }
        let seconds = Int(lifetime.components.seconds)
        let token = try await issuer.accessToken(for: name, scopes: scopes, expiresAt: Date().addingTimeInterval(TimeInterval(seconds)))
        let answer = TokenAnswer(accessToken: token, tokenType: "bearer", expiresIn: seconds, scope: scopes.sorted().joined(separator: " "))
        return Self.json(answer, status: .ok)
    }

    /// An error of RFC 6749 §5.2: 400, with the code and a description.
    static func error(_ code: String, _ description: String) -> Response {
        json(["error": code, "error_description": description], status: .badRequest)
    }

    /// JSON that is never cached: RFC 6749 §5.1 requires `no-store` on every answer with or about tokens.
    static func json(_ value: some Encodable, status: HTTPResponse.Status) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = (try? encoder.encode(value)) ?? Data()
        return Response(
            status: status,
            headers: [.contentType: "application/json", .cacheControl: "no-store", HTTPField.Name("Pragma")!: "no-cache"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}

/// The success body of RFC 6749 §5.1.
private struct TokenAnswer: Encodable {
    var accessToken: String
    var tokenType: String
    var expiresIn: Int
    var scope: String

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case tokenType = "token_type"
        case expiresIn = "expires_in"
        case scope
    }
}
