import LessonKit
import NIOConcurrencyHelpers
import NIOCore

/// Exercise 2, the reference: the fast path's members, and a broadcast that encodes once.
///
/// The members are copied out under the lock; the message is encoded once, outside it, and the same
/// buffer goes into every outbox. A `ByteBuffer` is a reference to its bytes, copied on write, so a
/// hundred recipients hold one copy of the bytes between them.
public final class Room: BroadcastRoom {
    private struct State {
        var members: [Int: any FrameOutbox] = [:]
        var nextID = 0
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    public func join(_ outbox: any FrameOutbox) throws -> Int {
        state.withLockedValue { state in
            defer { state.nextID += 1 }
            state.members[state.nextID] = outbox
            return state.nextID
        }
    }

    public func leave(_ member: Int) throws {
        _ = state.withLockedValue { $0.members.removeValue(forKey: member) }
    }

    public func broadcast(_ message: RelayedMessage, encode: (RelayedMessage) throws -> ByteBuffer) throws {
        let outboxes = state.withLockedValue { Array($0.members.values) }
        guard !outboxes.isEmpty else { return }
        let payload = try encode(message)
        for outbox in outboxes {
            try outbox.enqueue(payload)
        }
    }

    public func memberCount() throws -> Int {
        state.withLockedValue { $0.members.count }
    }
}
