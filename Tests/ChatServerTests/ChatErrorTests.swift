import NIOCore
import NIOWebSocket
import TestSupport
import Testing

@testable import ChatServer

@Suite("Bad input, limits and closes", .serialized)
struct ChatErrorTests {
    @Test(
        "A bad message gets an error event with its code, and the connection stays open",
        arguments: [
            ("not json", "invalid_json"),
            (#"["an array"]"#, "invalid_json"),
            (#"{"room":"general"}"#, "unknown_type"),
            (#"{"type":"shout","ref":"x"}"#, "unknown_type"),
            (#"{"type":"join","room":"Not Valid"}"#, "invalid_field"),
            (#"{"type":"join","room":5}"#, "invalid_field"),
            (#"{"type":"send","room":"general","text":""}"#, "invalid_field"),
            (#"{"type":"history","room":"general","limit":0}"#, "invalid_field"),
            (#"{"type":"direct","to":"no one","text":"hi"}"#, "invalid_field"),
            (#"{"type":"send","room":"elsewhere","text":"hi"}"#, "not_member"),
            (#"{"type":"leave","room":"elsewhere"}"#, "not_member"),
        ]
    )
    func badMessages(message: String, code: String) async throws {
        try await withChatServer { live in
            try await withChatClient(port: live.port, name: "alice") { alice in
                alice.send(message)
                let error = try await alice.next()
                #expect(error.type == "error")
                #expect(error.code == code, "\(error.detail ?? "")")
                alice.send(#"{"type":"join","room":"general"}"#)
                let received = try await alice.next()
                #expect(received.type == "joined", "the connection stays open")
            }
        }
    }

    @Test("An error carries the ref of the message that caused it")
    func errorEchoesRef() async throws {
        try await withChatServer { live in
            try await withChatClient(port: live.port, name: "alice") { alice in
                alice.send(#"{"type":"send","room":"nowhere","text":"hi","ref":"abc"}"#)
                let received = try await alice.next("error")
                #expect(received.ref == "abc")
            }
        }
    }

    @Test("A binary frame closes the connection with 1003")
    func binaryCloses() async throws {
        let code = try await closeCode { client in client.sendBinary([1, 2, 3]) }
        #expect(code == 1003)
    }

    @Test("Text that is not UTF-8 closes the connection with 1007")
    func invalidUTF8Closes() async throws {
        let code = try await closeCode { client in
            client.sendText(bytes: [0x7B, 0xFF, 0xFE, 0x7D])
        }
        #expect(code == 1007)
    }

    @Test("A frame RFC 6455 forbids from a client closes a chat connection with 1002: unmasked, reserved bits, a reserved opcode")
    func protocolErrorsClose() async throws {
        try await withChatServer { live in
            let handshake = HandshakeRequest().with { $0.path = "/ws?name=mallory" }.text
            // Unmasked text (§5.1); masked text with RSV1 set and no extension (§5.2); masked opcode 0x3 (§5.2).
            for frame: [UInt8] in [[0x81, 0x02, 0x68, 0x69], [0xC1, 0x80, 0, 0, 0, 0], [0x83, 0x80, 0, 0, 0, 0]] {
                let close = try await RawHTTP.firstFrame(after: handshake, thenSending: frame, port: live.port)
                #expect(close.opcode == 0x8)
                #expect(close.payload.count >= 2 && UInt16(close.payload[0]) << 8 | UInt16(close.payload[1]) == 1002)
            }
            #expect(await eventually { live.service.hub.connectionCount == 0 })
        }
    }

    @Test("A message over the limit closes the connection with 1009, in one frame or in many")
    func oversizeCloses() async throws {
        let text = String(repeating: "x", count: 70 * 1024)
        #expect(try await closeCode(maxFrameSize: 1 << 20) { $0.send(text) } == 1009)
        #expect(try await closeCode(maxFrameSize: 16 * 1024) { $0.send(text) } == 1009)
    }

    @Test("Past the rate, messages get rate_limited; sustained abuse closes with 1008")
    func rateLimit() async throws {
        try await withChatServer(
            .testing {
                $0.rateLimit = 1
                $0.rateBurst = 2
                $0.rateStrikes = 3
            }
        ) { live in
            let (_, close) = try await withChatClient(port: live.port, name: "alice") { alice in
                for _ in 0..<5 { alice.send(#"{"type":"leave","room":"general"}"#) }
                var codes: [String?] = []
                while let error = try? await alice.next("error") { codes.append(error.code) }
                // A burst of two goes through (and is answered on its merits), the next two are refused
                // for the rate, and the third refusal in a row ends the connection.
                #expect(codes == ["not_member", "not_member", "rate_limited", "rate_limited"])
                try await alice.waitUntilClosed()
            }
            #expect(close?.code == 1008)
        }
    }

    @Test("A server error inside one connection closes it with 1011 and a reference that the log carries, and the others carry on")
    func serverErrorClosesOnlyThatConnection() async throws {
        let logs = CapturedLogs()
        try await withChatServer(logger: logs.logger) { live in
            try await withChatClient(port: live.port, name: "bob") { bob in
                bob.send(#"{"type":"join","room":"general"}"#)
                _ = try await bob.next("joined")
                let (_, close) = try await withChatClient(port: live.port, name: "alice") { alice in
                    alice.send(#"{"type":"join","room":"general"}"#)
                    _ = try await alice.next("joined")
                    _ = try await bob.next("presence")
                    try #require(live.service.database).close()
                    alice.send(#"{"type":"send","room":"general","text":"this write fails"}"#)
                    try await alice.waitUntilClosed()
                }
                #expect(close?.code == 1011)
                let reason = close?.reasonText ?? ""
                let ref = try #require(reason.firstMatch(of: /ref ([0-9A-F]{8})/)?.output.1, "the reason carries a reference: \(reason)")
                #expect(logs.all.contains { $0.contains("server error") && $0.contains(String(ref)) }, "the log line carries it too")
                let left = try await bob.next("presence")
                #expect(left.user == "alice" && left.event == "left")
                bob.send(#"{"type":"leave","room":"general"}"#)
                let received = try await bob.next()
                #expect(received.type == "left", "bob's connection carries on")
            }
        }
    }

    /// The code the server closes with after `provoke`.
    private func closeCode(maxFrameSize: Int = 1 << 20, _ provoke: @escaping @Sendable (ChatTestClient) -> Void) async throws -> UInt16? {
        try await withChatServer { live in
            let (_, close) = try await withChatClient(port: live.port, name: "alice", maxFrameSize: maxFrameSize) { client in
                provoke(client)
                try await client.waitUntilClosed()
            }
            return close?.code
        }
    }
}
