import LessonKit
import NIOWebSocket

/// Exercise 4, the reference: the fast path's rules for one connection, as a value.
///
/// It reads no socket, takes no lock and awaits nothing: the server feeds it what happened and
/// carries out what it answers, and a test does the same with no server at all.
public struct RelaySession: Relaying {
    public let maxMessageBytes: Int
    public private(set) var isClosed = false

    public init(maxMessageBytes: Int) {
        self.maxMessageBytes = maxMessageBytes
    }

    public mutating func handle(_ event: RelayEvent) throws -> [RelayAction] {
        guard !isClosed else { return [] }
        switch event {
        case .text(let text) where text.utf8.count > maxMessageBytes:
            return close(.messageTooLarge, reason: "a message may be \(maxMessageBytes) bytes at most")
        case .text(let text):
            return [.broadcast(RelayedMessage(text: text))]
        case .binary:
            return close(.unacceptableData, reason: "binary messages are not accepted")
        }
    }

    private mutating func close(_ code: WebSocketErrorCode, reason: String) -> [RelayAction] {
        isClosed = true
        return [.close(code, reason: reason)]
    }
}
