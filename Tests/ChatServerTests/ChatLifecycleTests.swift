import ChatServer
import TestSupport
import Testing

@Suite("Connections end cleanly: close, vanish, shutdown", .serialized)
struct ChatLifecycleTests {
    @Test("After everyone leaves, the registry and the rooms are empty")
    func registryReturnsToZero() async throws {
        try await withChatServer { live in
            try await withChatClient(port: live.port, name: "alice") { alice in
                try await withChatClient(port: live.port, name: "bob") { bob in
                    alice.send(#"{"type":"join","room":"general"}"#)
                    bob.send(#"{"type":"join","room":"random"}"#)
                    _ = try await alice.next("joined")
                    _ = try await bob.next("joined")
                    #expect(live.service.hub.connectionCount == 2)
                    #expect(live.service.hub.roomCount == 2)
                }
            }
            #expect(await eventually { live.service.hub.connectionCount == 0 && live.service.hub.roomCount == 0 })
        }
    }

    @Test("A client that vanishes without a close frame is found by the ping timeout, and its room is told")
    func vanishedClient() async throws {
        try await withChatServer(.testing { $0.pingInterval = .seconds(3) }) { live in
            try await withChatClient(port: live.port, name: "bob") { bob in
                bob.send(#"{"type":"join","room":"general"}"#)
                _ = try await bob.next("joined")
                let handshake = HandshakeRequest().with { $0.path = "/ws?name=ghost" }
                async let vanish: Void = RawHTTP.openThenVanish(
                    handshake.text,
                    port: live.port,
                    sending: [#"{"type":"join","room":"general"}"#],
                    for: .seconds(12)
                )
                let joined = try await bob.next("presence")
                #expect(joined.user == "ghost" && joined.event == "joined")
                // Found at the second ping without an answer. The interval leaves bob, who answers,
                // three seconds to do so: with one, a busy machine running the whole suite once kept
                // bob from answering in time, and the server dropped him too.
                let left = try await bob.next("presence", timeout: .seconds(15))
                #expect(left.user == "ghost" && left.event == "left")
                // The room hears of the departure a moment before the registry lets go of it.
                #expect(await eventually { live.service.hub.connectionCount == 1 })
                try await vanish
            }
        }
    }

    @Test("A client whose TCP connection drops without a close frame is let go at once, and its room is told")
    func droppedClient() async throws {
        try await withChatServer { live in
            try await withChatClient(port: live.port, name: "bob") { bob in
                bob.send(#"{"type":"join","room":"general"}"#)
                _ = try await bob.next("joined")
                let handshake = HandshakeRequest().with { $0.path = "/ws?name=dropper" }.text
                // Connected long enough for its join to be served (dropped at once, the join could
                // lose the race with the drop on a busy machine), then gone without a close frame.
                let dropper = Task {
                    try await RawHTTP.openThenVanish(handshake, port: live.port, sending: [#"{"type":"join","room":"general"}"#], for: .seconds(3))
                }
                let joined = try await bob.next("presence", timeout: .seconds(10))
                #expect(joined.user == "dropper" && joined.event == "joined")
                let left = try await bob.next("presence", timeout: .seconds(10))
                #expect(left.user == "dropper" && left.event == "left")
                try await dropper.value
                #expect(await eventually { live.service.hub.connectionCount == 1 })
            }
        }
    }

    @Test("Shutdown closes every client with 1001 and empties the registry")
    func shutdownSays1001() async throws {
        try await withChatServer { live in
            let (_, close) = try await withChatClient(port: live.port, name: "alice") { alice in
                alice.send(#"{"type":"join","room":"general"}"#)
                _ = try await alice.next("joined")
                await live.shutDown()
                try await alice.waitUntilClosed()
            }
            #expect(close?.code == 1001)
            #expect(close?.reasonText == "server shutting down")
            #expect(await eventually { live.service.hub.connectionCount == 0 })
        }
    }

    @Test("Once shutdown begins, a new handshake gets 503 with Retry-After, so that a load balancer sends it to another process")
    func shutdownRefusesNewHandshakes() async throws {
        try await withChatServer(.testing { $0.shutdownTimeout = .seconds(5) }) { live in
            let (silentRequest, lateRequest) = (
                HandshakeRequest().with { $0.path = "/ws?name=silent" }.text, HandshakeRequest().with { $0.path = "/ws?name=late" }.text
            )
            // A client that never answers the close keeps the drain, and the window, open.
            let silent = Task { try await RawHTTP.openThenVanish(silentRequest, port: live.port, sending: [], for: .seconds(3)) }
            #expect(await eventually { live.service.hub.connectionCount == 1 })
            let shuttingDown = Task { await live.shutDown() }
            #expect(await eventually { live.service.hub.isShuttingDown })
            let late = try await RawHTTP.exchange(lateRequest, port: live.port)
            #expect(late.status == 503)
            #expect(late.value("Retry-After") == "1")
            await shuttingDown.value
            _ = await silent.result
        }
    }
}
