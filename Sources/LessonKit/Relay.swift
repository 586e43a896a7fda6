public import ChatServer
import Foundation
public import HTTPTypes
public import NIOCore
public import NIOWebSocket

/// What lesson 6's servers relay: every text a client sends goes to every connection on its path,
/// as this JSON object, `{"text":"…"}`.
public struct RelayedMessage: Codable, Sendable, Equatable {
    public var text: String

    public init(text: String) {
        self.text = text
    }

    /// The message as JSON: what every recipient is sent.
    public static func encode(_ message: RelayedMessage) throws -> ByteBuffer {
        ByteBuffer(bytes: try JSONEncoder().encode(message))
    }
}

/// Lesson 6, exercise 1: how many connections the server takes before it refuses handshakes.
///
/// Every method throws only so that an unwritten exercise can say "not done yet".
public protocol ConnectionLimiting: Sendable {
    /// The decision on a handshake, before the upgrade: accept while fewer connections are open than
    /// the limit, else refuse with 503 and `Retry-After`.
    func decide() throws -> UpgradeDecision
    /// A connection opened (its handler started).
    func opened() throws
    /// A connection closed (its handler ended).
    func closed() throws
    /// How many connections are open.
    func openCount() throws -> Int
}

/// Lesson 6, exercise 2: the connections on the fast path, and the one place messages fan out from.
public protocol BroadcastRoom: Sendable {
    /// Adds a connection's way out; returns its id, never given again.
    func join(_ outbox: any FrameOutbox) throws -> Int
    /// Removes a connection; removing one that is gone changes nothing.
    func leave(_ member: Int) throws
    /// Sends `message` to every member, calling `encode` once however many members there are.
    func broadcast(_ message: RelayedMessage, encode: (RelayedMessage) throws -> ByteBuffer) throws
    /// How many members there are.
    func memberCount() throws -> Int
}

/// Where a connection's outgoing messages wait: anything may put an encoded message in, and must
/// never wait doing so.
public protocol FrameOutbox: Sendable {
    /// Queues one encoded message for this connection, without waiting.
    func enqueue(_ payload: ByteBuffer) throws
}

/// What a connection's writer finds when it takes from its outbox.
public enum OutboxTake: Sendable, Equatable {
    /// Every message queued since the last take, in order.
    case messages([ByteBuffer])
    /// Nothing waits.
    case empty
    /// The outbox overflowed: send this Close frame and end the connection.
    case close(WebSocketErrorCode, reason: String)
}

/// Lesson 6, exercise 3: an outbox bounded in messages and in bytes.
public protocol BoundedFrameOutbox: FrameOutbox {
    /// Takes everything queued at once, or the close once the outbox has overflowed.
    func take() throws -> OutboxTake
    /// Whether a message ever went past a bound.
    func hasOverflowed() throws -> Bool
    /// How many messages wait.
    func queuedMessages() throws -> Int
    /// How many bytes of payload wait.
    func queuedBytes() throws -> Int
}

/// What happened on a connection of the fast path, for lesson 6's relay session.
public enum RelayEvent: Sendable, Equatable {
    /// A text message from the client.
    case text(String)
    /// A binary message from the client, of this many bytes.
    case binary(Int)
}

/// What the connection must do, as lesson 6's relay session decides.
public enum RelayAction: Sendable, Equatable {
    /// Send this message to every connection on the path.
    case broadcast(RelayedMessage)
    /// Send a Close frame with this code and reason, and read no more.
    case close(WebSocketErrorCode, reason: String)
}

/// Lesson 6, exercise 4: one connection's rules as a value: events in, actions out, no I/O.
public protocol Relaying: Sendable {
    /// Takes one event; returns what to do, in order.
    mutating func handle(_ event: RelayEvent) throws -> [RelayAction]
}
