import DequeModule
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import TestSupport
import Testing

@testable import ChatServer

/// The hub's presence rules when other processes have members too: no sockets, no database.
@Suite("The hub's presence with members on other processes")
struct HubPresenceElsewhereTests {
    /// What the hub told its observer, in order.
    final class RecordingObserver: LocalPresenceObserver {
        let changes = NIOLockedValueBox<[String]>([])
        func presenceBegan(_ presence: Presence) { changes.withLockedValue { $0.append("began \(presence.user) in \(presence.room)") } }
        func presenceEnded(_ presence: Presence) { changes.withLockedValue { $0.append("ended \(presence.user) in \(presence.room)") } }
    }

    @Test("A user present on another process is listed by joined; the room hears of her when she comes and goes there")
    func presenceElsewhere() throws {
        let hub = Hub()
        let bob = presenceOutbox()
        hub.join(hub.connect(user: "bob", outbox: bob), room: "general")
        hub.userJoinedElsewhere("alice", room: "general")
        #expect(hub.join(hub.connect(user: "carol", outbox: presenceOutbox()), room: "general") == ["alice", "bob", "carol"])
        hub.userLeftElsewhere("alice", room: "general")
        #expect(try presenceHeard(bob) == ["joined alice", "joined carol", "left alice"])
    }

    @Test("A user present on another process is not announced again when she joins here, nor gone when she leaves here")
    func presentElsewhereFirst() throws {
        let hub = Hub()
        let bob = presenceOutbox()
        hub.join(hub.connect(user: "bob", outbox: bob), room: "general")
        hub.userJoinedElsewhere("alice", room: "general")
        let alice = hub.connect(user: "alice", outbox: presenceOutbox())
        hub.join(alice, room: "general")
        hub.disconnect(alice)
        hub.userLeftElsewhere("alice", room: "general")
        #expect(try presenceHeard(bob) == ["joined alice", "left alice"])
    }

    @Test("A user present here is not announced again when another process gains her, nor gone when it loses her")
    func presentHereFirst() throws {
        let hub = Hub()
        let bob = presenceOutbox()
        hub.join(hub.connect(user: "bob", outbox: bob), room: "general")
        let alice = hub.connect(user: "alice", outbox: presenceOutbox())
        hub.join(alice, room: "general")
        hub.userJoinedElsewhere("alice", room: "general")
        hub.userLeftElsewhere("alice", room: "general")
        hub.leave(alice, room: "general")
        #expect(try presenceHeard(bob) == ["joined alice", "left alice"])
    }

    @Test("Presence elsewhere belongs to its room: another room hears nothing of it")
    func presenceElsewhereByRoom() throws {
        let hub = Hub()
        let bob = presenceOutbox()
        hub.join(hub.connect(user: "bob", outbox: bob), room: "general")
        hub.userJoinedElsewhere("alice", room: "random")
        hub.userLeftElsewhere("alice", room: "random")
        hub.userLeftElsewhere("carol", room: "general")
        #expect(try presenceHeard(bob).isEmpty, "alice was never in general, and carol never present")
        #expect(hub.join(hub.connect(user: "dave", outbox: presenceOutbox()), room: "general") == ["bob", "dave"])
    }

    @Test("The observer hears of a user's first connection joining a room here and her last one leaving it, and of nothing else")
    func observerHearsLocalPresence() {
        let observer = RecordingObserver()
        let hub = Hub(presenceObserver: observer)
        let laptop = hub.connect(user: "alice", outbox: presenceOutbox())
        let phone = hub.connect(user: "alice", outbox: presenceOutbox())
        hub.join(laptop, room: "general")
        hub.join(phone, room: "general")
        hub.join(phone, room: "random")
        hub.userJoinedElsewhere("bob", room: "general")
        hub.leave(laptop, room: "general")
        hub.leave(laptop, room: "general")
        hub.disconnect(phone)
        let changes = observer.changes.withLockedValue { $0 }
        #expect(changes.prefix(2) == ["began alice in general", "began alice in random"])
        #expect(Set(changes.dropFirst(2)) == ["ended alice in general", "ended alice in random"], "a disconnect leaves her rooms in no order")
        #expect(changes.count == 4)
    }
}

/// An outbox for a connection that the test reads itself.
func presenceOutbox() -> Outbox { Outbox(bounds: .init(messages: 100, bytes: 1 << 20)) }

/// The presence events queued in an outbox, as "joined alice" or "left alice"; other messages are
/// passed over.
func presenceHeard(_ outbox: Outbox) throws -> [String] {
    var batch = Deque<TextFrames>()
    var heard: [String] = []
    while outbox.queuedCount > 0 {
        _ = outbox.takeTexts(into: &batch)
        for payload in batch.flatMap(\.payloads) {
            let message = try JSONDecoder().decode(Received.self, from: Data(String(buffer: payload).utf8))
            if message.type == "presence" { heard.append("\(message.event ?? "?") \(message.user ?? "?")") }
        }
        batch.removeAll()
    }
    return heard
}
