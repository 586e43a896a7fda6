/// The `code` of an `error` event: what was wrong with one client message. The connection stays open.
public struct ErrorCode: RawRepresentable, Codable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// The frame is not a JSON object.
    public static let invalidJSON = Self(rawValue: "invalid_json")
    /// `type` is missing or names no message this server knows.
    public static let unknownType = Self(rawValue: "unknown_type")
    /// A field is missing, of the wrong type, or out of its range.
    public static let invalidField = Self(rawValue: "invalid_field")
    /// The message is about a room the sender has not joined.
    public static let notMember = Self(rawValue: "not_member")
    /// Too many messages too fast; wait and resend.
    public static let rateLimited = Self(rawValue: "rate_limited")
    /// The connection's token lacks the scope the message needs (`chat:write` to send).
    public static let forbidden = Self(rawValue: "forbidden")
    /// An `auth` token that does not verify, or is for another user; the old expiry stands.
    public static let invalidToken = Self(rawValue: "invalid_token")

    /// Every code this server sends, for the protocol's documentation and its tests.
    public static let all: [ErrorCode] = [.invalidJSON, .unknownType, .invalidField, .notMember, .rateLimited, .forbidden, .invalidToken]

    public var description: String { rawValue }
}

/// A client message the server refuses, with the error event it answers.
public struct ProtocolError: Error, Sendable, Equatable {
    public var code: ErrorCode
    public var detail: String
    /// The client's `ref`, when the message had one that could be read.
    public var ref: String?

    public init(_ code: ErrorCode, _ detail: String, ref: String? = nil) {
        self.code = code
        self.detail = detail
        self.ref = ref
    }
}
