/// A fresh reference for one server error: it goes in the close reason and in the log line, so that a
/// user's report ("it said ref 3F2A9C01") finds what went wrong, while nothing of the error itself
/// reaches the client.
enum ErrorReference {
    /// Eight hex digits: enough to pick one line out of a day's log.
    static func make() -> String {
        let hex = String(UInt32.random(in: .min ... .max), radix: 16, uppercase: true)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }
}
