import DequeModule
import Foundation
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
        var batch = Deque<TextFrames>()
        var received: [String] = []
        while true {
            let close = outbox.takeTexts(into: &batch)
            received += batch.flatMap(\.payloads).map { String(buffer: $0) }
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

    @Test("In a batch of commits each member gets the room's messages as one buffer, in id order; a sender gets its own copies in their places")
    func batchedRoomMessages() throws {
        let hub = Hub()
        let (alice, bob, carol, dave) = (outbox(), outbox(), outbox(), outbox())
        let (fromAlice, fromBob) = (hub.connect(user: "alice", outbox: alice), hub.connect(user: "bob", outbox: bob))
        let fromDave = hub.connect(user: "dave", outbox: dave)
        for id in [fromAlice, fromBob, hub.connect(user: "carol", outbox: carol)] { hub.join(id, room: "general") }
        for outbox in [alice, bob, carol] { _ = drained(outbox) }  // the presence events
        func said(_ id: Int64, by user: String) -> ChatMessage {
            ChatMessage(id: id, room: "general", from: user, text: "message \(id)", at: Date(timeIntervalSince1970: 0), clientID: nil)
        }
        let sent = [
            (said(1, by: "alice"), fromAlice), (said(2, by: "bob"), fromBob), (said(3, by: "alice"), fromAlice), (said(4, by: "dave"), fromDave),
        ]
        FanOutBatch.gathering {
            for (message, sender) in sent {
                let (recipients, own) = ServerMessage.frames(of: message, ref: "own \(message.id)")
                hub.broadcast(recipients, to: "general", from: sender, ownCopy: own)
            }
            #expect(carol.queuedCount == 0, "nothing goes out before the batch ends")
        }
        func text(_ message: ChatMessage, own: Bool = false) -> String {
            String(buffer: ServerMessage.message(message, ref: own ? "own \(message.id)" : nil).buffer)
        }
        let (first, second, third, fourth) = (sent[0].0, sent[1].0, sent[2].0, sent[3].0)
        var queued = Deque<TextFrames>()
        _ = carol.takeTexts(into: &queued)
        #expect(queued.count == 1, "one buffer for the whole batch")
        #expect(queued.flatMap(\.payloads).map { String(buffer: $0) } == [first, second, third, fourth].map { text($0) })
        #expect(drained(alice) == [text(first, own: true), text(second), text(third, own: true), text(fourth)])
        #expect(drained(bob) == [text(first), text(second, own: true), text(third), text(fourth)])
        #expect(drained(dave) == [text(fourth, own: true)], "a sender outside the room gets its own copy alone")
    }
}
