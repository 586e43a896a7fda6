import ChatServer
import NIOConcurrencyHelpers

/// What one connection of the rooms under test was delivered, in order: a stand-in for its socket.
final class Inbox: Sendable {
    private let received = NIOLockedValueBox<[ServerMessage]>([])

    /// The way out to give ``ChatRooms/connect(user:deliver:)``.
    var deliver: @Sendable (ServerMessage) -> Void {
        { [received] message in received.withLockedValue { $0.append(message) } }
    }

    /// Everything delivered so far.
    var messages: [ServerMessage] { received.withLockedValue { $0 } }

    /// The presence events delivered so far, as "user joined" or "user left".
    var presence: [String] {
        messages.compactMap { message in
            guard case .presence(_, let user, let event) = message else { return nil }
            return "\(user) \(event.rawValue)"
        }
    }
}
