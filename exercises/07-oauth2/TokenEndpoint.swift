import Foundation
import HTTPTypes
import Hummingbird
import LessonKit
import NIOCore

/// Exercise 2: `POST /token` with the password grant (RFC 6749 §4.3).
///
/// The request is a form (`application/x-www-form-urlencoded`) with `grant_type=password`,
/// `username`, `password` and, optionally, `scope` (only scopes the user has; all of them when absent).
/// - Success is RFC 6749 §5.1: 200 with JSON `access_token`, `token_type` `bearer`, `expires_in` and
///   `scope`; the token is the `issuer`'s, valid for `lifetime`.
/// - Errors are §5.2: 400 with JSON `error` and `error_description`: `invalid_request` (no form, no
///   grant type, no user name or password), `unsupported_grant_type`, `invalid_grant` (a wrong
///   password or an unknown user, in the same words), `invalid_scope`.
/// - Every answer carries `Cache-Control: no-store` (§5.1).
/// - An unknown user costs one bcrypt verification, as a known one does, so that the time of the
///   answer does not tell which names exist (RFC 6749 §4.3.2 and §10.10; lesson 7's text, "Exercise 2").
public struct TokenEndpoint: TokenResponding {
    /// An endpoint that signs in `accounts` with `hasher` and issues tokens from `issuer`, each valid for `lifetime`.
    public init(accounts: any UserAccounts, hasher: any PasswordHashing, issuer: AccessTokenIssuer, lifetime: Duration = .seconds(900)) async throws {
        // TODO: keep what answering needs, and prepare for unknown users.
    }

    public func respond(to request: Request) async throws -> Response {
        // TODO: answer the password grant as RFC 6749 §5.1 and §5.2 say. Then delete the line below.
        throw NotDoneYet("answer the password grant with a token or an RFC 6749 error: respond(to:), in TokenEndpoint.swift")
    }
}
