/// The protocol's fixed limits.
public enum Limits {
    /// The longest text a message may carry, in characters.
    public static let maxTextLength = 4096
    /// The longest `client_id`, in characters.
    public static let maxClientIDLength = 64
    /// How many messages `joined` and `history` carry when the client does not say.
    public static let defaultHistory = 50
    /// The most messages one `history` or recovering `join` returns.
    public static let maxHistory = 500

    static func check(_ value: Int64, atLeast minimum: Int64, _ name: String) throws(ProtocolError) -> Int64 {
        guard value >= minimum else {
            throw ProtocolError(.invalidField, "\(name) must be at least \(minimum)")
        }
        return value
    }
}

/// Room names: 1 to 64 of `a-z`, `0-9`, `_` and `-`.
public enum RoomName {
    public static let rule = "1 to 64 of a-z, 0-9, _ and -"

    public static func isValid(_ name: String) -> Bool {
        isMade(of: "abcdefghijklmnopqrstuvwxyz0123456789_-", length: 1...64, name)
    }
}

/// User names: 1 to 32 of `A-Z`, `a-z`, `0-9`, `_`, `.` and `-`.
public enum UserName {
    public static let rule = "1 to 32 of A-Z, a-z, 0-9, _, . and -"

    public static func isValid(_ name: String) -> Bool {
        isMade(of: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-", length: 1...32, name)
    }
}

/// Whether `text` is `length` characters, each one of `allowed` (all ASCII).
private func isMade(of allowed: String, length: ClosedRange<Int>, _ text: String) -> Bool {
    length.contains(text.utf8.count) && text.utf8.allSatisfy { allowed.utf8.contains($0) }
}
