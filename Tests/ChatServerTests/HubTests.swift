import DequeModule
import NIOCore
import NIOWebSocket
import Testing

@testable import ChatServer

/// The hub alone, with outboxes and no sockets: who gets what, by connection and by user.
@Suite("The hub's fan-out, by room and by user")
struct HubTests {
    func outbox() -> Outbox { Outbox(bounds: .init(messages: 100, bytes: 1 << 20)) }

    /// Everything queued in an outbox, as text, and its close.
    func drained(_ outbox: Outbox) -> [String] {
        var batch = Deque<TextFrame>()
        var received: [String] = []
        while true {
            let close = outbox.takeTexts(into: &batch)
            received += batch.map { String(buffer: $0.payload) }
            batch.removeAll()
            if let close { return received + ["close \(UInt16(webSocketErrorCode: close.code))"] }
            if outbox.queuedCount == 0 { return received }
        }
    }

    let note = ServerMessage.presence(room: "general", user: "carol", event: .joined)

    @Test("A message for a user reaches each of that user's connections but the one excluded, and no one else's")
    func deliveryByUser() async {
        let hub = Hub()
        let (laptop, phone, bob) = (outbox(), outbox(), outbox())
        let fromLaptop = hub.connect(user: "alice", outbox: laptop)
        let fromPhone = hub.connect(user: "alice", outbox: phone)
        _ = hub.connect(user: "bob", outbox: bob)
        hub.deliver(note, toUsers: ["alice"], except: fromLaptop)
        hub.disconnect(fromPhone)
        hub.deliver(note, toUsers: ["alice", "nobody"])
        #expect(hub.connectedUsers == ["alice", "bob"])
        hub.disconnect(fromLaptop)
        #expect(hub.connectedUsers == ["bob"], "alice left with her last connection")
        hub.deliver(note, toUsers: ["alice"])
        #expect(drained(laptop).count == 1, "only the delivery after the phone left")
        #expect(drained(phone).count == 1)
        #expect(drained(bob).isEmpty)
    }

    @Test("Presence belongs to the user: the room hears of her first connection joining and her last one leaving")
    func presencePerUser() async {
        let hub = Hub()
        let bob = outbox()
        hub.join(hub.connect(user: "bob", outbox: bob), room: "general")
        let laptop = hub.connect(user: "alice", outbox: outbox())
        let phone = hub.connect(user: "alice", outbox: outbox())
        #expect(hub.join(laptop, room: "general") == ["alice", "bob"])
        hub.join(phone, room: "general")
        hub.leave(laptop, room: "general")
        hub.disconnect(phone)
        let heard = drained(bob)
        #expect(heard.count == 2)
        #expect(heard.first?.contains(#""event":"joined""#) == true)
        #expect(heard.last?.contains(#""event":"left""#) == true)
    }

    @Test("Closing a user's connections closes each of them and no one else's")
    func closeByUser() async {
        let hub = Hub()
        let (laptop, phone, bob) = (outbox(), outbox(), outbox())
        _ = hub.connect(user: "alice", outbox: laptop)
        _ = hub.connect(user: "alice", outbox: phone)
        _ = hub.connect(user: "bob", outbox: bob)
        hub.close(users: ["alice"], .policyViolation, reason: "account disabled")
        #expect(drained(laptop) == ["close 1008"])
        #expect(drained(phone) == ["close 1008"])
        #expect(drained(bob).isEmpty)
    }
}
