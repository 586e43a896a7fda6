import Foundation
import TestSupport
import Testing

@testable import ChatServer

@Suite(
    "Presence across chat-server processes on one PostgreSQL database",
    .serialized,
    .enabled(if: TemporaryPostgres.isAvailable, TemporaryPostgres.unavailable)
)
struct PresenceAcrossProcessesTests {
    @Test("joined lists the members of every process, each process's members hear who comes and goes on the others, and a disconnect is a leave")
    func joinedAndPresenceCrossProcesses() async throws {
        _ = try await TemporaryPostgres.withDatabase { _, url in
            try await withChatServer(.sharing(url)) { a in
                try await withChatServer(.sharing(url)) { b in
                    try await withChatClient(port: a.port, name: "alice") { alice in
                        try await withChatClient(port: b.port, name: "bob") { bob in
                            #expect(try await bob.join("general") == JoinSeen(members: ["bob"]))
                            let aliceJoined = try await alice.join("general")
                            #expect(try await bob.nextPresence() == "joined alice")
                            try await withChatClient(port: b.port, name: "carol") { carol async throws in
                                #expect(try await carol.join("general") == JoinSeen(members: ["alice", "bob", "carol"]))
                                #expect(try await bob.nextPresence() == "joined carol")
                                // Whether A had heard of bob when alice joined is a race; she learns of him either way.
                                let heardOfBob = aliceJoined.knows("bob") ? [] : ["joined bob"]
                                #expect(try await alice.presences(heardOfBob.count + 1) == heardOfBob + ["joined carol"])

                                carol.send(#"{"type":"leave","room":"general"}"#)
                                #expect(try await bob.nextPresence() == "left carol")
                                #expect(try await alice.nextPresence() == "left carol")
                            }
                            alice.send(#"{"type":"leave","room":"general"}"#)
                            #expect(try await bob.nextPresence() == "left alice", "alice is in the room on no process")
                            #expect(try await alice.join("general") == JoinSeen(members: ["alice", "bob"]))
                            #expect(try await bob.nextPresence() == "joined alice")
                        }
                        #expect(try await alice.nextPresence() == "left bob", "bob's connection closed")
                    }
                }
            }
        }
    }

    @Test("A user connected to two processes is announced once, and gone only once she is gone from both")
    func oneUserOnTwoProcesses() async throws {
        _ = try await TemporaryPostgres.withDatabase { _, url in
            try await withChatServer(.sharing(url)) { a in
                try await withChatServer(.sharing(url)) { b in
                    try await withChatClient(port: a.port, name: "alice") { alice in
                        try await withChatClient(port: b.port, name: "bob") { bob in
                            #expect(try await bob.join("general") == JoinSeen(members: ["bob"]))
                            let aliceJoined = try await alice.join("general")
                            #expect(try await bob.nextPresence() == "joined alice")
                            try await withChatClient(port: b.port, name: "dave") { dave in
                                try await withChatClient(port: b.port, name: "alice") { alicesPhone async throws in
                                    #expect(try await alicesPhone.join("general") == JoinSeen(members: ["alice", "bob"]))
                                    // What bob and alice hear next is dave: nothing of alice's second connection.
                                    #expect(try await dave.join("general") == JoinSeen(members: ["alice", "bob", "dave"]))
                                    #expect(try await bob.nextPresence() == "joined dave")
                                    let heardOfBob = aliceJoined.knows("bob") ? [] : ["joined bob"]
                                    #expect(try await alice.presences(heardOfBob.count + 1) == heardOfBob + ["joined dave"])
                                }
                                // Nor of her phone's going: she is still in the room on A.
                                dave.send(#"{"type":"leave","room":"general"}"#)
                                #expect(try await bob.nextPresence() == "left dave")
                                #expect(try await alice.nextPresence() == "left dave")
                            }
                            alice.send(#"{"type":"leave","room":"general"}"#)
                            #expect(try await bob.nextPresence() == "left alice")
                        }
                    }
                }
            }
        }
    }

    @Test("A user in a room on two other processes is announced once, and gone only when she has left it on both")
    func oneUserOnTwoOtherProcesses() async throws {
        _ = try await TemporaryPostgres.withDatabase { _, url in
            try await withChatServer(.sharing(url)) { a in
                try await withChatServer(.sharing(url)) { b in
                    try await withChatServer(.sharing(url)) { c in
                        try await withChatClient(port: b.port, name: "bob") { bob in
                            #expect(try await bob.join("general") == JoinSeen(members: ["bob"]))
                            try await withChatClient(port: a.port, name: "alice") { alice in
                                _ = try await alice.join("general")
                                #expect(try await bob.nextPresence() == "joined alice")
                                try await withChatClient(port: c.port, name: "alice") { alicesPhone in
                                    try await withChatClient(port: c.port, name: "dave") { dave in
                                        _ = try await alicesPhone.join("general")
                                        _ = try await dave.join("general")
                                        // C commits alice's presence before dave's: had B announced her again, bob would hear it first.
                                        #expect(try await bob.nextPresence() == "joined dave")

                                        alice.send(#"{"type":"leave","room":"general"}"#)
                                        let rowsOfA = "SELECT count(*) FROM chat_presence WHERE user_name = 'alice'"
                                        #expect(
                                            try await eventually(timeout: .seconds(10)) { try await TemporaryPostgres.psql(url, rowsOfA) == ["1"] }
                                        )
                                        dave.send(#"{"type":"leave","room":"general"}"#)
                                        #expect(try await bob.nextPresence() == "left dave", "alice is still in the room on C")
                                        alicesPhone.send(#"{"type":"leave","room":"general"}"#)
                                        #expect(try await bob.nextPresence() == "left alice")
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test("The users of a process that stops renewing its heartbeat are announced gone, though its connections stay open")
    func silentProcessIsSwept() async throws {
        _ = try await TemporaryPostgres.withDatabase { _, url in
            // A renews its heartbeat once, when it starts; its row is then made an hour old, as if it had hung since.
            try await withChatServer(.sharing(url, heartbeatInterval: .seconds(3600))) { a in
                try await withChatServer(.sharing(url)) { b in
                    try await withChatClient(port: a.port, name: "alice") { alice in
                        try await withChatClient(port: b.port, name: "bob") { bob in
                            #expect(try await bob.join("general") == JoinSeen(members: ["bob"]))
                            _ = try await alice.join("general")
                            #expect(try await bob.nextPresence() == "joined alice")

                            let process = try #require(a.service.presence?.process)
                            _ = try await TemporaryPostgres.psql(
                                url,
                                "UPDATE chat_process SET heartbeat_at = now() - interval '1 hour' WHERE id = '\(process)'"
                            )
                            #expect(try await bob.nextPresence() == "left alice", "B swept A away")
                            try await withChatClient(port: b.port, name: "carol") { carol async throws in
                                #expect(try await carol.join("general") == JoinSeen(members: ["bob", "carol"]))
                            }
                            #expect(try await TemporaryPostgres.psql(url, "SELECT count(*) FROM chat_presence WHERE process = '\(process)'") == ["0"])
                        }
                    }
                }
            }
        }
    }

    @Test("A process whose listening connection is cut hears what it missed once it listens again, and nothing twice")
    func listenerCut() async throws {
        _ = try await TemporaryPostgres.withDatabase { _, url in
            try await withChatServer(.sharing(url)) { a in
                try await withChatServer(.sharing(url)) { b in
                    try await withChatClient(port: b.port, name: "bob") { bob in
                        #expect(try await bob.join("general") == JoinSeen(members: ["bob"]))
                        try await withChatClient(port: a.port, name: "carol") { carol in
                            _ = try await carol.join("general")
                            #expect(try await bob.nextPresence() == "joined carol", "B listens")
                            let cut = try await TemporaryPostgres.psql(
                                url,
                                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'"
                            )
                            #expect(cut.contains("t"), "the listeners' connections are cut")
                            try await withChatClient(port: a.port, name: "alice") { alice in
                                _ = try await alice.join("general")
                                #expect(try await bob.nextPresence() == "joined alice")
                                alice.send(#"{"type":"leave","room":"general"}"#)
                                #expect(try await bob.nextPresence() == "left alice")
                            }
                        }
                    }
                }
            }
        }
    }

    @Test("A process that shuts down deletes its presence at once, without waiting to be swept")
    func shutdownDeletesPresence() async throws {
        _ = try await TemporaryPostgres.withDatabase { _, url in
            try await withChatServer(.sharing(url)) { b in
                try await withChatClient(port: b.port, name: "bob") { bob in
                    #expect(try await bob.join("general") == JoinSeen(members: ["bob"]))
                    let process = try await withChatServer(.sharing(url)) { a in
                        try await withChatClient(port: a.port, name: "alice") { alice in
                            _ = try await alice.join("general")
                            #expect(try await bob.nextPresence() == "joined alice")
                            await a.shutDown()
                            try await alice.waitUntilClosed(timeout: .seconds(10))
                        }
                        return try #require(a.service.presence?.process)
                    }
                    #expect(try await bob.nextPresence() == "left alice")
                    // B would sweep A only a minute after its last heartbeat.
                    #expect(try await TemporaryPostgres.psql(url, "SELECT count(*) FROM chat_process WHERE id = '\(process)'") == ["0"])
                    #expect(try await TemporaryPostgres.psql(url, "SELECT count(*) FROM chat_presence") == ["1"], "bob's row alone")
                }
            }
        }
    }
}

extension ChatServerConfiguration {
    /// The tests' defaults on a PostgreSQL database that other test servers share, with quick heartbeats
    /// and a timeout long enough that no test sees a live process swept.
    static func sharing(_ url: String, heartbeatInterval: Duration = .milliseconds(100), timeout: Duration = .seconds(60)) -> Self {
        .testing {
            $0.historyDatabaseURL = url
            $0.presenceHeartbeatInterval = heartbeatInterval
            $0.presenceTimeout = timeout
        }
    }
}

/// What a client learns from joining a room: the members `joined` lists, and any presence events of
/// the room that reached it before the reply.
struct JoinSeen: Equatable {
    var members: [String]
    var presenceBefore: [String] = []

    /// Whether the client knows the user is in the room.
    func knows(_ user: String) -> Bool {
        members.contains(user) || presenceBefore.contains("joined \(user)")
    }
}

extension ChatTestClient {
    /// Joins a room and reads up to the reply.
    func join(_ room: String) async throws -> JoinSeen {
        send(#"{"type":"join","room":"\#(room)"}"#)
        var seen = JoinSeen(members: [])
        while true {
            let message = try await next(timeout: .seconds(10))
            switch message.type {
            case "joined":
                seen.members = message.members ?? []
                return seen
            case "presence": seen.presenceBefore.append("\(message.event ?? "?") \(message.user ?? "?")")
            default: continue
            }
        }
    }

    /// The next presence event, as "joined alice" or "left alice"; other messages are passed over.
    func nextPresence() async throws -> String {
        let message = try await next("presence", timeout: .seconds(10))
        return "\(message.event ?? "?") \(message.user ?? "?")"
    }

    /// The next `count` presence events.
    func presences(_ count: Int) async throws -> [String] {
        var events: [String] = []
        for _ in 0..<count { events.append(try await nextPresence()) }
        return events
    }
}
