import NIOCore
import NIOWebSocket
import Testing

@testable import ChatServer

/// The hub alone, with outboxes and no sockets: who gets what, by connection and by user.
@Suite("The hub's fan-out, by room and by user")
struct HubTests {
    func outbox() -> Outbox { Outbox(bounds: .init(messages: 100, bytes: 1 << 20)) }

    /// Everything queued in an outbox, as text; the outbox is finished.
    func drained(_ outbox: Outbox) async -> [String] {
        outbox.finish()
        var received: [String] = []
        while let event = await outbox.next() {
            switch event {
            case .text(let buffer): received.append(String(buffer: buffer))
            case .close(let code, _): received.append("close \(UInt16(webSocketErrorCode: code))")
            }
        }
        return received
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
        #expect(await drained(laptop).count == 1, "only the delivery after the phone left")
        #expect(await drained(phone).count == 1)
        #expect(await drained(bob).isEmpty)
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
        let heard = await drained(bob)
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
        #expect(await drained(laptop) == ["close 1008"])
        #expect(await drained(phone) == ["close 1008"])
        #expect(await drained(bob).isEmpty)
    }
}
