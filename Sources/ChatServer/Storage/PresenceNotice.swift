/// One line of a presence notification: what one process tells the others of its presence.
///
/// A line is `+ process room user` (the process has the user in the room now), `- process room user`
/// (no longer), or `x process` (the process is gone, with everyone it had). Room and user names
/// hold no spaces or line breaks (see ``RoomName`` and ``UserName``), and a line is at most 136
/// bytes, so a payload of lines stays under PostgreSQL's 8,000 bytes however they are grouped.
enum PresenceNotice: Hashable, Sendable {
    case began(Presence, process: String)
    case ended(Presence, process: String)
    case processGone(String)

    /// The most bytes of lines one notification carries: PostgreSQL takes payloads shorter than
    /// 8,000 bytes, and the listener's topic goes in front.
    static let maxPayloadBytes = 7_900

    var line: String {
        switch self {
        case .began(let presence, let process): "+ \(process) \(presence.room) \(presence.user)"
        case .ended(let presence, let process): "- \(process) \(presence.room) \(presence.user)"
        case .processGone(let process): "x \(process)"
        }
    }

    /// The process the notice is about.
    var process: String {
        switch self {
        case .began(_, let process), .ended(_, let process), .processGone(let process): process
        }
    }

    /// Reads a line; `nil` for one this version does not know.
    init?(line: Substring) {
        let fields = line.split(separator: " ")
        switch (fields.first, fields.count) {
        case ("+", 4): self = .began(Presence(room: String(fields[2]), user: String(fields[3])), process: String(fields[1]))
        case ("-", 4): self = .ended(Presence(room: String(fields[2]), user: String(fields[3])), process: String(fields[1]))
        case ("x", 2): self = .processGone(String(fields[1]))
        default: return nil
        }
    }

    /// The notices of a payload, in order.
    static func notices(in payload: Substring) -> [PresenceNotice] {
        payload.split(separator: "\n").compactMap { PresenceNotice(line: $0) }
    }

    /// The notices as few payloads as fit, in order.
    static func payloads(_ notices: [PresenceNotice]) -> [String] {
        var payloads: [String] = []
        var current = ""
        for line in notices.map(\.line) {
            if !current.isEmpty, current.utf8.count + 1 + line.utf8.count > maxPayloadBytes {
                payloads.append(current)
                current = ""
            }
            current += current.isEmpty ? line : "\n" + line
        }
        if !current.isEmpty { payloads.append(current) }
        return payloads
    }
}
