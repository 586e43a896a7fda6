import Foundation
import PostgresNIO
import TestSupport
import Testing

@testable import ChatServer

/// `chat-server` processes, the built executable, sharing one PostgreSQL database, with real clients:
/// what a team running several behind a load balancer relies on.
@Suite(
    "chat-server processes on one PostgreSQL database serve one room together",
    .serialized,
    .enabled(if: TemporaryPostgres.isAvailable, TemporaryPostgres.unavailable),
    .timeLimit(.minutes(2))
)
struct ProcessesOnOneDatabaseTests {
    static func arguments(_ url: String) -> [String] {
        ["--dev", "--allow-anonymous", "--database", url, "--rate-limit", "1000", "--rate-burst", "1000", "--log-level", "info"]
    }

    @Test("Clients on three processes chat in one room: each gets every message once, in id order, and knows who is there")
    func threeProcessesOneRoom() async throws {
        try await TemporaryPostgres.withDatabase { _, url in
            try await ChatServerProcess.with(3, arguments: Self.arguments(url)) { servers in
                for server in servers {
                    // A process listens a moment after it serves HTTP; until then it says so, with 503.
                    var health = try await RawHTTP.exchange("GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", port: server.port)
                    for _ in 0..<600 where health.status != 200 {
                        #expect(health.status == 503, "\(health.body)")
                        try await Task.sleep(for: .milliseconds(50))
                        health = try await RawHTTP.exchange("GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", port: server.port)
                    }
                    #expect(health.status == 200)
                    #expect(health.body == "chat-server: ok\npostgresql: answering\nlistener: listening\n")
                }
                let perClient = 30
                let views = try await withThrowingTaskGroup(of: RoomView.self) { group in
                    for (index, server) in servers.enumerated() {
                        group.addTask {
                            try await withChatClient(port: server.port, name: "u\(index)") { client in
                                var view = RoomView(name: "u\(index)")
                                // `since` 0: the answer lists everything said before the join, however
                                // much of it the others sent first (a plain join lists the latest 50).
                                client.send(#"{"type":"join","room":"general","since":0,"ref":"j"}"#)
                                view.record(try await client.next("joined", timeout: .seconds(10)))
                                for message in 0..<perClient {
                                    let id = "u\(index)-\(message)"
                                    client.send(#"{"type":"send","room":"general","text":"\#(id)","client_id":"\#(id)"}"#)
                                }
                                // Every message of all three, and everyone's arrival, however they interleave.
                                while view.messages.count < 3 * perClient || view.present.count < 3 {
                                    do {
                                        view.record(try await client.next(timeout: .seconds(20)))
                                    } catch {
                                        Issue.record("\(view.name) saw \(view.messages.count) messages and knows \(view.present.sorted())")
                                        throw error
                                    }
                                }
                                return view
                            }.value
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                for view in views {
                    let ids = view.messages.compactMap(\.id)
                    #expect(ids == ids.sorted() && Set(ids).count == ids.count, "\(view.name) got each message once, in id order")
                    #expect(Set(view.messages.compactMap(\.clientID)).count == 3 * perClient, "\(view.name) got every message")
                    #expect(view.present == ["u0", "u1", "u2"], "\(view.name) knows who is in the room, wherever they are connected")
                }
                #expect(Set(views.map { $0.messages.map(\.id) }).count == 1, "everyone got the same messages in the same order")
            }
        }
    }

    @Test(
        "kill -9 one process while its client's messages are being committed: the client resends on another; each message is stored once and reaches everyone"
    )
    func processKilledWhileItsClientSends() async throws {
        try await TemporaryPostgres.withDatabase { database, url in
            try await ChatServerProcess.with(2, arguments: Self.arguments(url)) { servers in
                let (doomed, survivor) = (servers[0], servers[1])
                let (acknowledgedFirst, count) = (20, 60)
                let sends = (0..<count).map { #"{"type":"send","room":"general","text":"x \#($0)","client_id":"x-\#($0)","ref":"s\#($0)"}"# }
                try await withChatClient(port: survivor.port, name: "watcher") { watcher in
                    watcher.send(#"{"type":"join","room":"general"}"#)
                    _ = try await watcher.next("joined", timeout: .seconds(10))

                    // On the doomed process: some messages acknowledged; the rest held inside its writer's
                    // transaction (the test holds the writers' lock) when the process is killed.
                    let first = try await database.client.withConnection { lock in
                        try await withChatClient(port: doomed.port, name: "x") { client in
                            var seen = SenderView()
                            client.send(#"{"type":"join","room":"general"}"#)
                            seen.record(try await client.next("joined", timeout: .seconds(10)))
                            for send in sends.prefix(acknowledgedFirst) { client.send(send) }
                            while seen.acknowledged.count < acknowledgedFirst { seen.record(try await client.next(timeout: .seconds(10))) }
                            try await lock.query("SELECT pg_advisory_lock(\(AdvisoryLock.messageWriter))", logger: database.logger)
                            for send in sends.dropFirst(acknowledgedFirst) { client.send(send) }
                            let waiting = try await eventually(timeout: .seconds(30)) {
                                try await TemporaryPostgres.lockIsAwaited(url)
                            }
                            #expect(waiting, "the doomed process's writer waits for the lock, its messages inside its transaction")
                            try await doomed.kill9()
                            try await lock.query("SELECT pg_advisory_unlock(\(AdvisoryLock.messageWriter))", logger: database.logger)
                            while let message = try? await client.next(timeout: .seconds(10)) { seen.record(message) }
                            return seen
                        }.value
                    }
                    #expect(first.acknowledged.count == acknowledgedFirst, "nothing held in the killed process's transaction was stored")

                    // On the survivor: rejoin with `since`, then resend whatever was not acknowledged.
                    let second = try await withChatClient(port: survivor.port, name: "x") { client in
                        var seen = first
                        client.send(#"{"type":"join","room":"general","since":\#(first.lastID)}"#)
                        seen.record(try await client.next("joined", timeout: .seconds(10)))
                        for (index, send) in sends.enumerated() where !seen.acknowledged.contains("x-\(index)") { client.send(send) }
                        while seen.acknowledged.count < count { seen.record(try await client.next(timeout: .seconds(10))) }
                        return seen
                    }.value
                    #expect(second.acknowledged.count == count)

                    var watched = RoomView(name: "watcher")
                    while watched.messages.count < count { watched.record(try await watcher.next(timeout: .seconds(10))) }
                    let ids = watched.messages.compactMap(\.id)
                    #expect(ids == ids.sorted() && Set(ids).count == count, "the watcher got each message once, in id order")
                    #expect(Set(watched.messages.compactMap(\.clientID)) == Set((0..<count).map { "x-\($0)" }))
                }
                let stored = try await TemporaryPostgres.psql(url, "SELECT client_id FROM message WHERE sender = 'x' ORDER BY id")
                #expect(stored == (0..<count).map { "x-\($0)" }, "every message is stored once, in the order it was sent")
            }
        }
    }
}

/// What one client saw of a room: its messages, in order, and who it knows to be there.
private struct RoomView: Sendable {
    let name: String
    var messages: [Received] = []
    var present: Set<String> = []

    mutating func record(_ received: Received) {
        switch received.type {
        // What was said before the join comes in its answer; what follows, live.
        case "joined":
            present.formUnion(received.members ?? [])
            messages += received.messages ?? []
        case "message": messages.append(received)
        case "presence" where received.event == "joined": present.insert(received.user ?? "")
        default: break
        }
    }
}

/// What a sender knows: which of its messages were acknowledged (its own copy, or a resend's answer,
/// or the recovered list), and the last id it saw.
private struct SenderView: Sendable {
    var acknowledged: Set<String> = []
    var lastID: Int64 = 0

    mutating func record(_ received: Received) {
        let messages = received.type == "joined" ? received.messages ?? [] : [received]
        for message in messages where message.type == "message" || received.type == "joined" {
            lastID = max(lastID, message.id ?? 0)
            if message.from == "x", let clientID = message.clientID { acknowledged.insert(clientID) }
        }
    }
}
