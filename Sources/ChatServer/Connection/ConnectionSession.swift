import NIOCore
import NIOWebSocket

/// What a connection's session makes of its messages: the half above the protocol.
///
/// A ``WebSocketConnectionHandler`` calls it on the connection's event loop, and only there.
protocol ConnectionSession: AnyObject, SendableMetatype {
    /// The connection is open; `connection` is how the session reaches it later.
    func opened(_ connection: ConnectionControl)
    /// A whole message from the client: what to write at once, if anything.
    func received(_ message: WebSocketProtocol.Message) -> [ConnectionSessionAction]
    /// Whether the connection may read more now; once it is `false`, reading waits for
    /// ``ConnectionControl/resumeReading()``.
    var isReadyForMore: Bool { get }
    /// This many messages from the outbox went out.
    func wrote(messages count: Int)
    /// A Close frame with this code went out.
    func sentClose(_ code: WebSocketErrorCode)
    /// The client closed its side of the TCP connection: it will send nothing more.
    ///
    /// - Returns: `true` if the session answers what it has read first and then closes the
    ///   connection itself; `false` to close it at once.
    func inputEnded() -> Bool
    /// The connection is over: called once, after `opened`.
    func closed()
}

extension ConnectionSession {
    var isReadyForMore: Bool { true }
    func wrote(messages count: Int) {}
    func sentClose(_ code: WebSocketErrorCode) {}
    func inputEnded() -> Bool { false }
}

/// What a session asks of its connection at once.
enum ConnectionSessionAction: Sendable, Equatable {
    case send(WebSocketProtocol.Message)
    case close(WebSocketErrorCode, reason: String)
}

/// A session's way back to its connection, from its event loop.
struct ConnectionControl {
    let channel: any Channel
    let resumeReading: () -> Void
}
