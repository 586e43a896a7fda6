import Foundation

/// What lesson 4's server sends: a line someone said, or an error event.
public enum RoomEvent: Sendable, Equatable {
    /// `{"type":"said","from":…,"text":…}`, to everyone connected.
    case said(from: String, text: String)
    /// `{"type":"error","code":…,"detail":…}`, with `retry_after_ms` when the code is `rate_limited`.
    case error(ErrorEventCode, detail: String, retryAfter: Duration? = nil)

    /// The event as the JSON text of one message.
    public var json: String {
        let wire: Wire =
            switch self {
            case .said(let from, let text): Wire(type: "said", from: from, text: text)
            case .error(let code, let detail, let retryAfter):
                Wire(type: "error", code: code.rawValue, detail: detail, retryAfterMilliseconds: retryAfter.map(Self.milliseconds))
            }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        // Strings and integers only: encoding cannot fail.
        return String(decoding: try! encoder.encode(wire), as: UTF8.self)
    }

    /// Whole milliseconds, rounded up: retrying a moment early would only be refused again.
    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
    }

    private struct Wire: Encodable {
        var type: String
        var from: String?
        var text: String?
        var code: String?
        var detail: String?
        var retryAfterMilliseconds: Int64?

        enum CodingKeys: String, CodingKey {
            case type, from, text, code, detail
            case retryAfterMilliseconds = "retry_after_ms"
        }
    }
}
