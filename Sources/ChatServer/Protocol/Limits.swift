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
        (1...64).contains(name.utf8.count)
            && name.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            }
    }
}

/// User names: 1 to 32 of `A-Z`, `a-z`, `0-9`, `_`, `.` and `-`.
public enum UserName {
    public static let rule = "1 to 32 of A-Z, a-z, 0-9, _, . and -"

    public static func isValid(_ name: String) -> Bool {
        (1...32).contains(name.utf8.count)
            && name.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
                    || byte == UInt8(ascii: "-")
            }
    }
}
