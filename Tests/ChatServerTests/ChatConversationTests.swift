import TestSupport
import Testing

@testable import ChatServer

@Suite("Chatting: rooms, history, recovery, direct messages", .serialized)
struct ChatConversationTests {
    @Test("Two clients chat in a room: each sees the other's messages and the sender gets its copy")
    func twoClientsChat() async throws {
        try await withChatServer { live in
            try await withChatClient(port: live.port, name: "alice") { alice in
                alice.send(#"{"type":"join","room":"general"}"#)
                let received = try await alice.next("joined")
                #expect(received.members == ["alice"])
                try await withChatClient(port: live.port, name: "bob") { bob in
                    bob.send(#"{"type":"join","room":"general","ref":"j1"}"#)
                    let joined = try await bob.next("joined")
                    #expect(joined.members == ["alice", "bob"])
                    #expect(joined.ref == "j1")
                    let presence = try await alice.next("presence")
                    #expect(presence.user == "bob" && presence.event == "joined")

                    bob.send(#"{"type":"send","room":"general","text":"hi alice","client_id":"b-1","ref":"s1"}"#)
                    let acknowledgement = try await bob.next("message")
                    #expect(acknowledgement.ref == "s1")
                    let received = try await alice.next("message")
                    #expect(received.text == "hi alice" && received.from == "bob" && received.room == "general")
                    #expect(received.id == acknowledgement.id)
                    #expect(received.ref == nil, "a ref goes back to its sender only")
                    #expect(received.at?.hasSuffix("Z") == true)
                }
                let left = try await alice.next("presence")
                #expect(left.user == "bob" && left.event == "left")
            }
        }
    }

    @Test("Joining with since recovers exactly the messages missed, in order")
    func recoveryWithSince() async throws {
        try await withChatServer { live in
            let ids = try await withChatClient(port: live.port, name: "alice") { alice in
                alice.send(#"{"type":"join","room":"general"}"#)
                _ = try await alice.next("joined")
                var ids: [Int64] = []
                for index in 1...5 {
                    alice.send(#"{"type":"send","room":"general","text":"message \#(index)"}"#)
                    ids.append(try #require(try await alice.next("message").id))
                }
                return ids
            }.value
            try await withChatClient(port: live.port, name: "bob") { bob in
                bob.send(#"{"type":"join","room":"general","since":\#(ids[1])}"#)
                let joined = try await bob.next("joined")
                #expect(joined.messages?.map(\.id) == Array(ids[2...]))
                #expect(joined.messages?.map(\.text) == ["message 3", "message 4", "message 5"])
            }
        }
    }

    @Test("A resend with the same client_id is stored once and answered with the stored message")
    func idempotentResend() async throws {
        try await withChatServer { live in
            try await withChatClient(port: live.port, name: "alice") { alice in
                alice.send(#"{"type":"join","room":"general"}"#)
                _ = try await alice.next("joined")
                let send = #"{"type":"send","room":"general","text":"once","client_id":"7f1c"}"#
                alice.send(send)
                let first = try await alice.next("message")
                alice.send(send)
                let second = try await alice.next("message")
                #expect(first.id == second.id)
                alice.send(#"{"type":"history","room":"general"}"#)
                let received = try await alice.next("history")
                #expect(received.messages?.count == 1)
            }
        }
    }

    @Test("Sends are answered in order, and whatever follows them is answered after them")
    func answersKeepTheOrderOfRequests() async throws {
        let configuration = ChatServerConfiguration.testing {
            $0.rateLimit = 10_000
            $0.rateBurst = 10_000
        }
        try await withChatServer(configuration) { live in
            try await withChatClient(port: live.port, name: "alice") { alice in
                alice.send(#"{"type":"join","room":"general"}"#)
                _ = try await alice.next("joined")
                // Sent without waiting: the commits overlap, the answers must not.
                for index in 0..<100 {
                    alice.send(#"{"type":"send","room":"general","text":"\#(index)","ref":"s\#(index)"}"#)
                }
                alice.send(#"{"type":"send","room":"nowhere","text":"x","ref":"refused"}"#)
                alice.send(#"{"type":"history","room":"general","limit":500,"ref":"h"}"#)
                for index in 0..<100 {
                    let answer = try await alice.next()
                    #expect(answer.type == "message" && answer.ref == "s\(index)" && answer.text == "\(index)")
                }
                let refused = try await alice.next()
                #expect(refused.type == "error" && refused.code == "not_member" && refused.ref == "refused")
                let history = try await alice.next()
                #expect(history.type == "history" && history.messages?.count == 100, "history sees every send before it")
            }
        }
    }

    @Test("history pages backwards from before, oldest first")
    func historyPages() async throws {
        try await withChatServer { live in
            try await withChatClient(port: live.port, name: "alice") { alice in
                alice.send(#"{"type":"join","room":"general"}"#)
                _ = try await alice.next("joined")
                for index in 1...4 {
                    alice.send(#"{"type":"send","room":"general","text":"\#(index)"}"#)
                    _ = try await alice.next("message")
                }
                alice.send(#"{"type":"history","room":"general","limit":2,"ref":"h"}"#)
                let latest = try await alice.next("history")
                #expect(latest.messages?.map(\.text) == ["3", "4"])
                #expect(latest.ref == "h")
                let before = try #require(latest.messages?.first?.id)
                alice.send(#"{"type":"history","room":"general","limit":2,"before":\#(before)}"#)
                let received = try await alice.next("history")
                #expect(received.messages?.map(\.text) == ["1", "2"])
            }
        }
    }

    @Test("A direct message reaches its recipient, and the sender gets its copy")
    func directMessages() async throws {
        try await withChatServer { live in
            try await withChatClient(port: live.port, name: "bob") { bob in
                try await withChatClient(port: live.port, name: "alice") { alice in
                    alice.send(#"{"type":"direct","to":"bob","text":"psst","client_id":"d1","ref":"r"}"#)
                    let copy = try await alice.next("direct")
                    #expect(copy.ref == "r" && copy.to == "bob")
                    let received = try await bob.next("direct")
                    #expect(received.text == "psst" && received.from == "alice" && received.to == "bob")
                }
            }
        }
    }

    @Test("Direct messages sent while the recipient was offline are read with directs, and since skips those seen")
    func offlineDirectMessages() async throws {
        try await withChatServer { live in
            let ids = try await withChatClient(port: live.port, name: "alice") { alice in
                var ids: [Int64] = []
                for (to, text) in [("bob", "are you there?"), ("carol", "not for bob"), ("bob", "call me")] {
                    alice.send(#"{"type":"direct","to":"\#(to)","text":"\#(text)"}"#)
                    ids.append(try #require(try await alice.next("direct").id))
                }
                return ids
            }.value
            try await withChatClient(port: live.port, name: "bob") { bob in
                bob.send(#"{"type":"directs","ref":"d"}"#)
                let all = try await bob.next("directs")
                #expect(all.ref == "d")
                #expect(all.messages?.map(\.text) == ["are you there?", "call me"], "only bob's own conversation, oldest first")
                #expect(all.messages?.map(\.id) == [ids[0], ids[2]])

                bob.send(#"{"type":"direct","to":"alice","text":"here now"}"#)
                let reply = try #require(try await bob.next("direct").id)
                bob.send(#"{"type":"directs","since":\#(ids[0])}"#)
                let since = try await bob.next("directs")
                #expect(since.messages?.map(\.id) == [ids[2], reply], "after since: received and sent alike")
            }
        }
    }

    @Test("History survives a restart on the same database file")
    func historySurvivesRestart() async throws {
        try await withTemporaryDatabase { path in
            try await withChatServer(.testing { $0.databasePath = path }) { live in
                try await withChatClient(port: live.port, name: "alice") { alice in
                    alice.send(#"{"type":"join","room":"general"}"#)
                    _ = try await alice.next("joined")
                    alice.send(#"{"type":"send","room":"general","text":"remember me"}"#)
                    _ = try await alice.next("message")
                }
            }
            try await withChatServer(.testing { $0.databasePath = path }) { live in
                try await withChatClient(port: live.port, name: "bob") { bob in
                    bob.send(#"{"type":"join","room":"general"}"#)
                    let received = try await bob.next("joined")
                    #expect(received.messages?.map(\.text) == ["remember me"])
                }
            }
        }
    }

    @Test("A backup taken while the server runs holds what was said before it, and serves it from a new server")
    func onlineBackup() async throws {
        try await withTemporaryDatabase { path in
            let copy = path + ".backup"
            try await withChatServer(.testing { $0.databasePath = path }) { live in
                try await withChatClient(port: live.port, name: "alice") { alice in
                    alice.send(#"{"type":"join","room":"general"}"#)
                    _ = try await alice.next("joined")
                    alice.send(#"{"type":"send","room":"general","text":"before the backup"}"#)
                    _ = try await alice.next("message")
                    try #require(live.service.database).backup(to: copy)
                    #expect(throws: ChatDatabaseError.backupExists(copy)) { try #require(live.service.database).backup(to: copy) }
                    alice.send(#"{"type":"send","room":"general","text":"after the backup"}"#)
                    _ = try await alice.next("message")
                }
            }
            try await withChatServer(.testing { $0.databasePath = copy }) { live in
                try await withChatClient(port: live.port, name: "bob") { bob in
                    bob.send(#"{"type":"join","room":"general"}"#)
                    let joined = try await bob.next("joined")
                    #expect(joined.messages?.map(\.text) == ["before the backup"])
                }
            }
        }
    }

    @Test("Without history, messages still fan out in order, and a join recovers nothing")
    func withoutHistory() async throws {
        try await withChatServer(.testing { $0.keepsHistory = false }) { live in
            try await withChatClient(port: live.port, name: "alice") { alice in
                alice.send(#"{"type":"join","room":"general"}"#)
                _ = try await alice.next("joined")
                try await withChatClient(port: live.port, name: "bob") { bob in
                    bob.send(#"{"type":"join","room":"general"}"#)
                    let joined = try await bob.next("joined")
                    #expect(joined.messages?.isEmpty == true)
                    for index in 1...3 { alice.send(#"{"type":"send","room":"general","text":"\#(index)"}"#) }
                    var ids: [Int64] = []
                    for _ in 1...3 { ids.append(try #require(try await bob.next("message").id)) }
                    #expect(ids == ids.sorted() && Set(ids).count == 3)
                }
            }
        }
    }
}
