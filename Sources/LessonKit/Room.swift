import HummingbirdWebSocket
import NIOConcurrencyHelpers

/// Everyone connected to lesson 4's server, to say things to all of them.
///
/// A write to someone else's connection that fails is not the sender's fault, and not the sender's
/// problem: that connection's own handler sees it end and leaves. FastAPI's tutorial broadcasts with
/// `await connection.send_text(message)` in a loop, so one dead connection left in its list makes
/// every later sender's handler throw.
public final class Room: Sendable {
    private struct State {
        var nextID = 0
        var members: [Int: WebSocketOutboundWriter] = [:]
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    /// Adds a connection and returns its id, for ``leave(_:)``.
    public func join(_ outbound: WebSocketOutboundWriter) -> Int {
        state.withLockedValue { state in
            defer { state.nextID += 1 }
            state.members[state.nextID] = outbound
            return state.nextID
        }
    }

    /// Removes a connection; removing one that is gone changes nothing.
    public func leave(_ id: Int) {
        _ = state.withLockedValue { $0.members.removeValue(forKey: id) }
    }

    /// How many connections are in the room.
    public var count: Int { state.withLockedValue { $0.members.count } }

    /// Sends `event` to every connection in the room, one after another; a write that fails is
    /// passed over.
    public func broadcast(_ event: RoomEvent) async {
        let text = event.json
        for outbound in state.withLockedValue({ Array($0.members.values) }) {
            try? await outbound.write(.text(text))
        }
    }
}
