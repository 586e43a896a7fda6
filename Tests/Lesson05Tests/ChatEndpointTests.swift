import ChatServer
import Foundation
import Hummingbird
import LessonKit
import NIOConcurrencyHelpers
import TestSupport
import Testing

/// Exercise 3: the chat endpoint, live on a free port, with a history in a temporary SQLite file.
@Suite("Exercise 3: the chat endpoint", .serialized)
struct ChatEndpointTests {
    let answers = Lesson05Answers.checked

    /// Runs the checked server on a free port. Rooms and history are tried first, so that an unfinished
    /// exercise 1 or 2 is reported by name rather than as a connection that closes.
    func withServer(_ body: @Sendable (_ port: Int, _ rooms: any ChatRooms) async throws -> Void) async throws {
        try await withTemporaryFolder { folder in
            let rooms = answers.makeRooms()
            _ = try rooms.connectionCount()
            let history = try answers.openHistory(folder.appendingPathComponent("chat.sqlite").path)
            let app = try answers.buildChatServer(rooms, history, [], ApplicationConfiguration())
            try await withLiveServer(app) { port in try await body(port, rooms) }
        }
    }

    @Test("The web chat is served at /, and /config.json tells it to sign in by name")
    func webPage() async throws {
        try await withServer { port, _ in
            let page = try await RawHTTP.exchange("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", port: port)
            #expect(page.status == 200 && page.body.contains("chat.v1"))
            let config = try await RawHTTP.exchange("GET /config.json HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", port: port)
            #expect(config.status == 200 && config.body.contains(#""authentication":"anonymous""#))
        }
    }

    @Test("join answers with the members and the room's messages; send comes back to the sender with its ref and reaches the room")
    func joinAndSend() async throws {
        try await withServer { port, _ in
            try await withChatClient(port: port, name: "alice") { alice in
                alice.send(#"{"type":"join","room":"general","ref":"j1"}"#)
                let joined = try await alice.next("joined")
                #expect(joined.ref == "j1" && joined.members == ["alice"] && joined.messages == [])
                try await withChatClient(port: port, name: "bob") { bob in
                    bob.send(#"{"type":"join","room":"general"}"#)
                    #expect(try await bob.next("joined").members == ["alice", "bob"])
                    let presence = try await alice.next()
                    #expect(presence.type == "presence" && presence.user == "bob" && presence.event == "joined")
                    alice.send(#"{"type":"send","room":"general","text":"hi bob","client_id":"a-1","ref":"s1"}"#)
                    let acknowledged = try await alice.next()
                    #expect(acknowledged.type == "message" && acknowledged.ref == "s1" && acknowledged.text == "hi bob")
                    let received = try await bob.next()
                    #expect(received.type == "message" && received.ref == nil && received.from == "alice" && received.id == acknowledged.id)
                }
            }
            try await withChatClient(port: port, name: "carol") { carol in
                carol.send(#"{"type":"join","room":"general"}"#)
                let joined = try await carol.next("joined")
                #expect(joined.messages?.map(\.text) == ["hi bob"], "a newcomer gets the latest messages")
            }
        }
    }

    @Test("A client that drops, misses messages and rejoins with since gets exactly the missed ones, once")
    func recovery() async throws {
        try await withServer { port, _ in
            try await withChatClient(port: port, name: "alice") { alice in
                alice.send(#"{"type":"join","room":"general"}"#)
                _ = try await alice.next("joined")
                let lastSeen = try await withChatClient(port: port, name: "bob") { bob in
                    bob.send(#"{"type":"join","room":"general"}"#)
                    _ = try await bob.next("joined")
                    alice.send(#"{"type":"send","room":"general","text":"before"}"#)
                    return try await bob.next("message").id ?? -1
                }.value
                // Bob is gone; what alice says now, he misses.
                for number in 1...3 {
                    alice.send(#"{"type":"send","room":"general","text":"missed \#(number)"}"#)
                }
                var ids: [Int64] = []
                while ids.count < 4 {
                    let message = try await alice.next()
                    if message.type == "message", let id = message.id { ids.append(id) }
                }
                let missedIDs = ids.suffix(3).map(Optional.some)
                try await withChatClient(port: port, name: "bob") { bob in
                    bob.send(#"{"type":"join","room":"general","since":\#(lastSeen)}"#)
                    let joined = try await bob.next("joined")
                    #expect(joined.messages?.map(\.text) == ["missed 1", "missed 2", "missed 3"])
                    #expect(joined.messages?.map(\.id) == missedIDs)
                    alice.send(#"{"type":"send","room":"general","text":"after"}"#)
                    // Everything bob receives up to the answer to a later request: one message, the new one.
                    let live = try await bob.next()
                    #expect(live.type == "message" && live.text == "after")
                    bob.send(#"{"type":"history","room":"general","limit":10,"ref":"h1"}"#)
                    let answer = try await bob.next()
                    #expect(answer.type == "history" && answer.ref == "h1", "nothing came twice before it")
                    #expect(answer.messages?.map(\.text) == ["before", "missed 1", "missed 2", "missed 3", "after"])
                }
            }
        }
    }

    @Test("A resend after a reconnect answers with the first copy and tells nobody again")
    func resendAfterReconnect() async throws {
        try await withServer { port, rooms in
            try await withChatClient(port: port, name: "carol") { carol in
                carol.send(#"{"type":"join","room":"general"}"#)
                _ = try await carol.next("joined")
                let send = #"{"type":"send","room":"general","text":"only once","client_id":"alice-1"}"#
                let first = try await withChatClient(port: port, name: "alice") { alice in
                    alice.send(#"{"type":"join","room":"general"}"#)
                    _ = try await alice.next("joined")
                    alice.send(send)
                    return try await alice.next("message")
                }.value
                // The server lets the first connection go a moment after the client has closed it.
                #expect(try await eventually { try rooms.members(of: "general") == ["carol"] })
                try await withChatClient(port: port, name: "alice") { alice in
                    alice.send(#"{"type":"join","room":"general","since":\#(first.id ?? 0)}"#)
                    _ = try await alice.next("joined")
                    alice.send(send)
                    let again = try await alice.next("message")
                    #expect(again.id == first.id && again.text == first.text, "the first copy")
                    alice.send(#"{"type":"history","room":"general","limit":10}"#)
                    #expect(try await alice.next("history").messages?.map(\.text) == ["only once"])
                }
                // Carol saw alice come, the message, alice go, alice come, alice go: the message once.
                var seen: [String] = []
                while seen.count < 5 {
                    let message = try await carol.next()
                    seen.append(message.type == "message" ? "message" : "\(message.user ?? "") \(message.event ?? "")")
                }
                #expect(seen == ["alice joined", "message", "alice left", "alice joined", "alice left"])
            }
        }
    }

    @Test("Joining while others send: every message arrives once, in joined or live, none missed and none twice")
    func joinDuringSends() async throws {
        try await withServer { port, _ in
            let (senders, perSender, joiners) = (4, 100, 12)
            let acknowledged = NIOLockedValueBox(0)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for sender in 0..<senders {
                    group.addTask {
                        try await withChatClient(port: port, name: "sender\(sender)") { client in
                            client.send(#"{"type":"join","room":"general"}"#)
                            _ = try await client.next("joined")
                            for number in 1...perSender {
                                client.send(#"{"type":"send","room":"general","text":"s\#(sender)-\#(number)"}"#)
                            }
                            var mine = 0
                            while mine < perSender {
                                if try await client.next("message", timeout: .seconds(20)).from == "sender\(sender)" {
                                    mine += 1
                                    acknowledged.withLockedValue { $0 += 1 }
                                }
                            }
                        }
                    }
                }
                for joiner in 0..<joiners {
                    group.addTask {
                        // Each joins at its own point of the stream, while the rest are being stored.
                        let point = joiner * senders * perSender / joiners
                        #expect(try await eventually(timeout: .seconds(20)) { acknowledged.withLockedValue { $0 } >= point })
                        try await withChatClient(port: port, name: "joiner\(joiner)") { client in
                            client.send(#"{"type":"join","room":"general","since":0}"#)
                            var texts = try await client.next("joined").messages?.map { $0.text ?? "" } ?? []
                            // Every message was broadcast before its sender's copy came back: once all
                            // are back, the answer to a later request comes after the last of them.
                            #expect(try await eventually(timeout: .seconds(20)) { acknowledged.withLockedValue { $0 } == senders * perSender })
                            client.send(#"{"type":"history","room":"general","limit":1,"ref":"end"}"#)
                            while true {
                                let message = try await client.next(timeout: .seconds(20))
                                if message.type == "history" { break }
                                if message.type == "message" { texts.append(message.text ?? "") }
                            }
                            #expect(texts.count == senders * perSender && Set(texts).count == texts.count, "joiner \(joiner)")
                            for sender in 0..<senders {
                                let theirs = texts.filter { $0.hasPrefix("s\(sender)-") }
                                #expect(theirs == (1...perSender).map { "s\(sender)-\($0)" }, "joiner \(joiner), sender \(sender)")
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    @Test("A mistake is answered with an error event, and the connection carries on")
    func errors() async throws {
        try await withServer { port, _ in
            try await withChatClient(port: port, name: "alice") { alice in
                alice.send(#"{"type":"send","room":"general","text":"hi","ref":"s1"}"#)
                let notMember = try await alice.next()
                #expect(notMember.type == "error" && notMember.code == "not_member" && notMember.ref == "s1")
                alice.send(#"{"type":"shout"}"#)
                #expect(try await alice.next().code == "unknown_type")
                alice.send("not json")
                #expect(try await alice.next().code == "invalid_json")
                alice.send(#"{"type":"join","room":"general"}"#)
                #expect(try await alice.next().type == "joined")
            }
        }
    }

    @Test("A binary message closes the connection with 1003, and the connection is let go")
    func binaryMessage() async throws {
        try await withServer { port, rooms in
            let close = try await withChatClient(port: port, name: "alice") { alice in
                alice.send(#"{"type":"join","room":"general"}"#)
                _ = try await alice.next("joined")
                alice.sendBinary([0x7B, 0x7D])
                try await alice.waitUntilClosed()
            }.close
            #expect(close?.code == 1003)
            #expect(try await eventually { try rooms.connectionCount() == 0 })
        }
    }

    @Test("Every connection is let go however it ends: the rooms are empty after the clients leave")
    func lettingGo() async throws {
        try await withServer { port, rooms in
            for name in ["alice", "bob", "carol"] {
                try await withChatClient(port: port, name: name) { client in
                    client.send(#"{"type":"join","room":"general"}"#)
                    _ = try await client.next("joined")
                }
            }
            #expect(try await eventually { try rooms.connectionCount() == 0 })
            #expect(try rooms.members(of: "general").isEmpty)
        }
    }
}
