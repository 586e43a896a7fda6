import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
}

/// The OAuth 2.0 endpoints: `POST /token` (RFC 6749 §4.3 and §6), `POST /revoke` (RFC 7009), and,
/// when registration is open, `POST /users`.
struct OAuthEndpoints: Sendable {
    let users: any UserStore
    let refreshTokens: any RefreshTokenStore
    let tokens: TokenService
    let hasher: PasswordHasher
    let throttle: any LoginThrottle
    /// Registrations per client address: each one costs a bcrypt hash and makes an account.
    let registrations = SlidingWindowLimit(window: 3600, limit: Self.registrationsPerHour)
    /// How many accounts one address may register in an hour.
    static let registrationsPerHour = 10
    /// Who a request comes from, for the throttle.
    let clientAddress: ClientAddress
    let allowsRegistration: Bool
    /// A hash of a random password, to verify unknown users against.
    let decoyHash: String

    func add(to router: Router<ChatRequestContext>) {
        router.post("/token") { request, context in try await token(request, context: context) }
        router.post("/revoke") { request, context in try await revoke(request, context: context) }
        if allowsRegistration {
            router.post("/users") { request, context in try await register(request, context: context) }
        }
    }

    // MARK: - /token

    private struct TokenForm: Decodable {
        var grantType: String?
        var username: String?
        var password: String?
        var scope: String?
        var refreshToken: String?

        enum CodingKeys: String, CodingKey {
            case grantType = "grant_type"
            case refreshToken = "refresh_token"
            case username, password, scope
        }
    }

    private func token(_ request: Request, context: ChatRequestContext) async throws -> Response {
        let form = try await Self.form(TokenForm.self, from: request, context: context)
        switch form.grantType {
        case "password":
            let address = clientAddress(of: request, context: context)
            return try await passwordGrant(form, address: address)
        case "refresh_token":
            return try await refreshGrant(form)
        case nil:
            throw OAuthError.invalidRequest("grant_type is missing")
        case let other?:
            throw OAuthError(.unsupportedGrantType, "\(other) is not supported; use password or refresh_token")
        }
    }

    private func passwordGrant(_ form: TokenForm, address: String) async throws -> Response {
        guard let name = form.username, let password = form.password else {
            throw OAuthError.invalidRequest("username and password are required")
        }
        if let wait = try await throttle.retryAfter(name: name, address: address) {
            throw OAuthError.tooManyAttempts(retryAfter: wait)
        }
        let stored = try await users.credentials(of: name)
        // Unknown users cost a bcrypt verification too, so that timing does not tell which names exist.
        let matches = try await hasher.verify(password, against: stored?.passwordHash ?? decoyHash)
        guard let user = stored?.user, matches, !user.isDisabled else {
            try await throttle.recordFailure(name: name, address: address)
            throw OAuthError(.invalidGrant, "the user name or password is wrong, or the account is disabled")
        }
        let scopes = try Self.granted(form.scope, allowed: user.scopes)
        return try await issue(user: user.name, scopes: scopes, family: nil)
    }

    private func refreshGrant(_ form: TokenForm) async throws -> Response {
        guard let token = form.refreshToken else { throw OAuthError.invalidRequest("refresh_token is required") }
        switch try await refreshTokens.redeem(token) {
        case .valid(let name, let scopes, let family):
            guard let user = try await users.user(named: name), !user.isDisabled else {
                throw OAuthError(.invalidGrant, "the account is disabled or removed")
            }
            // A refresh may narrow the scopes (RFC 6749 §6), and never widen them beyond the user's.
            let granted = try Self.granted(form.scope, allowed: scopes.intersection(user.scopes))
            return try await issue(user: name, scopes: granted, family: family)
        case .reused:
            throw OAuthError(.invalidGrant, "the refresh token was already used; every token of its sign-in is revoked")
        case .invalid:
            throw OAuthError(.invalidGrant, "the refresh token is unknown, expired or revoked")
        }
    }

    /// The success response of RFC 6749 §5.1.
    private func issue(user: String, scopes: Set<String>, family: String?) async throws -> Response {
        let access = try await tokens.accessToken(for: user, scopes: scopes)
        let refresh = try await refreshTokens.issue(for: user, scopes: scopes, family: family)
        let body = TokenResponse(
            accessToken: access.token,
            tokenType: "bearer",
            expiresIn: access.expiresIn,
            refreshToken: refresh,
            scope: scopes.sorted().joined(separator: " ")
        )
        return try Self.json(body, status: .ok)
    }

    /// The scopes to grant: those requested (all allowed ones when none are), if every one is allowed.
    private static func granted(_ requested: String?, allowed: Set<String>) throws -> Set<String> {
        guard let requested, !requested.isEmpty else { return allowed }
        let scopes = Set(requested.split(separator: " ").map(String.init))
        guard scopes.isSubset(of: allowed) else {
            throw OAuthError(.invalidScope, "the scopes allowed here are \(allowed.sorted().joined(separator: " "))")
        }
        return scopes
    }

    // MARK: - /revoke

    private struct RevokeForm: Decodable {
        var token: String?
    }

    /// RFC 7009 §2.2: the answer is 200 whether or not the token was known, so it tells nothing.
    private func revoke(_ request: Request, context: ChatRequestContext) async throws -> Response {
        guard let token = try await Self.form(RevokeForm.self, from: request, context: context).token else {
            throw OAuthError.invalidRequest("token is required")
        }
        try await refreshTokens.revoke(token)
        return Response(status: .ok, headers: [.cacheControl: "no-store"])
    }

    // MARK: - /users

    private struct Registration: Decodable {
        var username: String
        var password: String
    }

    private func register(_ request: Request, context: ChatRequestContext) async throws -> Response {
        let registration: Registration
        if request.headers[.contentType]?.hasPrefix("application/json") == true {
            registration = try await request.decode(as: Registration.self, context: context)
        } else {
            registration = try await Self.form(Registration.self, from: request, context: context)
        }
        guard UserName.isValid(registration.username) else {
            throw HTTPError(.badRequest, message: "A user name is \(UserName.rule).")
        }
        guard PasswordHasher.isAcceptable(registration.password, for: registration.username) else {
            throw HTTPError(.badRequest, message: "A password is \(PasswordHasher.rule).")
        }
        let address = clientAddress(of: request, context: context)
        if let wait = registrations.retryAfter(address) {
            throw HTTPError(
                .tooManyRequests,
                headers: [.retryAfter: String(Int(wait.rounded(.up)))],
                message: "Too many sign-ups from this address; try again later."
            )
        }
        registrations.record(address)
        do {
            try await users.add(
                name: registration.username,
                passwordHash: try await hasher.hash(registration.password),
                scopes: ChatScope.all
            )
        } catch UserStoreError.nameTaken {
            throw HTTPError(.conflict, message: "That user name is taken.")
        }
        return Response(status: .created)
    }

    // MARK: - Helpers

    /// Who sent the request, for the limits: the TCP peer, or the client a trusted proxy names.
    private func clientAddress(of request: Request, context: ChatRequestContext) -> String {
        clientAddress.resolve(peer: context.remoteAddress?.ipAddress, forwardedFor: request.headers[values: .xForwardedFor])
    }

    private static func form<Form: Decodable>(_ type: Form.Type, from request: Request, context: ChatRequestContext) async throws -> Form {
        guard request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true else {
            throw OAuthError.invalidRequest("send the parameters as application/x-www-form-urlencoded")
        }
        let body = try await request.body.collect(upTo: 16 * 1024)
        do {
            return try URLEncodedFormDecoder().decode(Form.self, from: String(buffer: body))
        } catch {
            throw OAuthError.invalidRequest("the form could not be read")
        }
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status, headers: HTTPFields = [:]) throws -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        // RFC 6749 §5.1: responses with tokens or about them are not to be cached.
        fields[.cacheControl] = "no-store"
        fields[HTTPField.Name("Pragma")!] = "no-cache"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder().encode(value))))
    }
}

/// The success body of RFC 6749 §5.1.
private struct TokenResponse: Encodable {
    var accessToken: String
    var tokenType: String
    var expiresIn: Int
    var refreshToken: String
    var scope: String

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case tokenType = "token_type"
        case expiresIn = "expires_in"
        case refreshToken = "refresh_token"
        case scope
    }
}

/// An error response of RFC 6749 §5.2: a JSON body with `error` and `error_description`.
struct OAuthError: Error, HTTPResponseError {
    enum Code: String {
        case invalidRequest = "invalid_request"
        case invalidGrant = "invalid_grant"
        case unsupportedGrantType = "unsupported_grant_type"
        case invalidScope = "invalid_scope"
    }

    let code: Code
    let description: String
    var status: HTTPResponse.Status = .badRequest
    var retryAfter: Int?

    init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }

    static func invalidRequest(_ description: String) -> Self {
        Self(.invalidRequest, description)
    }

    /// Too many failed sign-ins: 429 with `Retry-After` (RFC 6585 §4).
    static func tooManyAttempts(retryAfter seconds: Int) -> Self {
        var error = Self(.invalidRequest, "too many failed sign-ins; try again in \(seconds) seconds")
        error.status = .tooManyRequests
        error.retryAfter = seconds
        return error
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [:]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return try OAuthEndpoints.json(["error": code.rawValue, "error_description": description], status: status, headers: headers)
    }
}
