import Foundation

/// The chat mode of `wsclient`: typed lines become `chat.v1` messages, and what the server sends is
/// shown as a conversation rather than as JSON.
///
/// A line that starts with `/` is a command; any other line is said in the room joined last.
struct ChatMode {
    /// The room that plain lines go to: the one joined last.
    private(set) var room: String?
    /// The highest message id seen, per room, for `/join`'s recovery after a reconnect.
    private(set) var lastSeen: [String: Int64] = [:]

    static let help = """
        /join ROOM        join a room (again: recover what you missed)
        /leave [ROOM]     leave a room (default: the current one)
        /history [N]      the N messages before the oldest you have seen in the current room (default 20)
        /dm USER TEXT     a direct message
        /dms              direct messages since the last you have seen (the first time: the latest)
        /help             this list
        anything else     said in the current room
        """

    /// What to do with a typed line.
    enum Action: Equatable {
        /// Send this JSON text.
        case send(String)
        /// Print this to the user; nothing is sent.
        case tell(String)
    }

    /// Turns a typed line into a message, or into something to tell the user.
    mutating func action(for line: String) -> Action {
        let words = line.split(separator: " ", omittingEmptySubsequences: true)
        guard let first = words.first, first.hasPrefix("/") else {
            guard let room else { return .tell("join a room first: /join ROOM") }
            return .send(Self.json(["type": "send", "room": room, "text": line, "client_id": UUID().uuidString]))
        }
        switch first {
        case "/join" where words.count == 2:
            let room = String(words[1])
            self.room = room
            var message: [String: Any] = ["type": "join", "room": room]
            if let since = lastSeen[room] { message["since"] = since }
            return .send(Self.json(message))
        case "/leave" where words.count <= 2:
            guard let target = words.count == 2 ? String(words[1]) : room else { return .tell("you are in no room") }
            if target == room { room = nil }
            return .send(Self.json(["type": "leave", "room": target]))
        case "/history" where words.count <= 2:
            guard let room else { return .tell("join a room first: /join ROOM") }
            var message: [String: Any] = ["type": "history", "room": room, "limit": words.count == 2 ? Int(words[1]) ?? 20 : 20]
            if let oldest = oldestSeen[room] { message["before"] = oldest }
            return .send(Self.json(message))
        case "/dm" where words.count >= 3:
            let text = words.dropFirst(2).joined(separator: " ")
            return .send(Self.json(["type": "direct", "to": String(words[1]), "text": text, "client_id": UUID().uuidString]))
        case "/dms" where words.count == 1:
            var message: [String: Any] = ["type": "directs"]
            if let since = lastDirectSeen { message["since"] = since }
            return .send(Self.json(message))
        case "/help":
            return .tell(Self.help)
        default:
            return .tell("not a command; /help lists them")
        }
    }

    /// The oldest message id seen, per room, for `/history`.
    private var oldestSeen: [String: Int64] = [:]
    /// The highest direct message id seen, for `/dms`; a direct message seen already is not shown again.
    private var lastDirectSeen: Int64?
    private var directsSeen: Set<Int64> = []

    /// What to print for a message from the server; nil for a direct message shown already.
    mutating func render(_ text: String) -> String? {
        guard let data = text.data(using: .utf8), let message = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            return text
        }
        let room = message["room"] as? String ?? ""
        switch message["type"] as? String {
        case "joined":
            let members = (message["members"] as? [String] ?? []).joined(separator: ", ")
            let stored = (message["messages"] as? [[String: Any]] ?? []).map { line(for: $0) }
            return (["* joined \(room); here: \(members)"] + stored).joined(separator: "\n")
        case "left":
            return "* left \(room)"
        case "message":
            return line(for: message)
        case "history":
            let stored = (message["messages"] as? [[String: Any]] ?? []).map { line(for: $0) }
            return stored.isEmpty ? "* no older messages in \(room)" : stored.joined(separator: "\n")
        case "presence":
            return "* \(message["user"] as? String ?? "?") \(message["event"] as? String ?? "?") \(room)"
        case "direct":
            return directLine(for: message)
        case "directs":
            let stored = (message["messages"] as? [[String: Any]] ?? []).compactMap { directLine(for: $0) }
            return stored.isEmpty ? "* no new direct messages" : stored.joined(separator: "\n")
        case "error":
            return "! \(message["code"] as? String ?? "error"): \(message["detail"] as? String ?? "")"
        default:
            return text
        }
    }

    private mutating func line(for message: [String: Any]) -> String {
        let room = message["room"] as? String ?? ""
        if let id = (message["id"] as? NSNumber)?.int64Value {
            lastSeen[room] = max(lastSeen[room] ?? 0, id)
            oldestSeen[room] = min(oldestSeen[room] ?? id, id)
        }
        return "[\(room)] \(message["from"] as? String ?? "?"): \(message["text"] as? String ?? "")"
    }

    /// A direct message as a line, or nil when it was shown already (it came live and in `/dms`).
    private mutating func directLine(for message: [String: Any]) -> String? {
        if let id = (message["id"] as? NSNumber)?.int64Value {
            guard directsSeen.insert(id).inserted else { return nil }
            lastDirectSeen = max(lastDirectSeen ?? 0, id)
        }
        return "(direct) \(message["from"] as? String ?? "?") → \(message["to"] as? String ?? "?"): \(message["text"] as? String ?? "")"
    }

    private static func json(_ object: [String: Any]) -> String {
        // A dictionary of strings and numbers always serialises.
        String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }
}
