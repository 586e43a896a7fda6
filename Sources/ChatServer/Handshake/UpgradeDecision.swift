public import HTTPTypes

/// A server's answer to a WebSocket opening handshake, decided before anything is written.
public enum UpgradeDecision: Sendable, Equatable {
    /// Switch protocols: the `101 Switching Protocols` response carries these header fields.
    case accept(HTTPFields)
    /// Stay in HTTP and answer with an error status; the connection then closes.
    case refuse(HandshakeRefusal)
}

/// A refused handshake: the HTTP status, a reason a person can read, and the header fields the status
/// calls for.
///
/// A refusal happens before the upgrade, so it is an HTTP status. Once the connection is a WebSocket,
/// refusals become close codes (RFC 6455 §7.4), never HTTP statuses.
public struct HandshakeRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// The response status, such as 400, 403 or 426.
    public var status: HTTPResponse.Status
    /// Why, in a sentence; it becomes the plain-text response body.
    public var reason: String
    /// Header fields the status calls for, such as `Sec-WebSocket-Version` with 426.
    public var headers: HTTPFields

    /// Creates a refusal.
    public init(status: HTTPResponse.Status, reason: String, headers: HTTPFields = [:]) {
        self.status = status
        self.reason = reason
        self.headers = headers
    }

    /// 400: the request is not a well-formed opening handshake (RFC 6455 §4.2.1).
    public static func badRequest(_ reason: String) -> Self {
        .init(status: .badRequest, reason: reason)
    }

    /// 403: the server will not talk to this client, such as a browser page from a foreign origin
    /// (RFC 6455 §4.2.2, §10.2).
    public static func forbidden(_ reason: String) -> Self {
        .init(status: .forbidden, reason: reason)
    }

    /// 426 with `Sec-WebSocket-Version: 13`: the client speaks another version of the protocol, and the
    /// header tells it which one the server speaks (RFC 6455 §4.2.2, §4.4).
    public static func unsupportedVersion(_ reason: String) -> Self {
        .init(status: .upgradeRequired, reason: reason, headers: [.secWebSocketVersion: "13"])
    }

    public var description: String { "\(status.code) \(status.reasonPhrase): \(reason)" }
}
