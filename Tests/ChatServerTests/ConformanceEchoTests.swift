import HummingbirdWSClient
import Logging
import NIOCore
import NIOWebSocket
import TestSupport
import Testing

@testable import ChatServer

/// The connection handler on real sockets, through its echo: what a client sends comes back, and
/// what RFC 6455 forbids closes the connection with the code it names.
@Suite("The connection handler, through the conformance echo", .serialized)
struct ConformanceEchoTests {
    func withEcho(_ body: (_ port: Int) async throws -> Void) async throws {
        let channel = try await ConformanceEcho.start(host: "127.0.0.1", port: 0, maxMessageSize: 1 << 20)
        do {
            try await body(try #require(channel.localAddress?.port))
        } catch {
            try? await channel.close()
            throw error
        }
        try await channel.close()
    }

    @Test("Text and binary messages, fragmented or not, come back whole; the client's close is answered with its code")
    func echoes() async throws {
        try await withEcho { port in
            let close = try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/", logger: Logger(label: "echo-test")) {
                inbound,
                outbound,
                _ in
                var replies = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                try await outbound.write(.text("hello"))
                #expect(try await replies.next() == .text("hello"))
                try await outbound.write(.binary(ByteBuffer(bytes: [0, 1, 255])))
                #expect(try await replies.next() == .binary(ByteBuffer(bytes: [0, 1, 255])))
                let pieces = ["κό", "σμε, in ", "three frames"]
                for (index, piece) in pieces.enumerated() {
                    let opcode: WebSocketOpcode = index == 0 ? .text : .continuation
                    try await outbound.write(.custom(WebSocketFrame(fin: index == pieces.count - 1, opcode: opcode, data: ByteBuffer(string: piece))))
                }
                #expect(try await replies.next() == .text("κόσμε, in three frames"))
                try await outbound.close(.init(codeNumber: 4000), reason: "done")
            }
            #expect(close?.code == 4000, "the server answers with the client's code")
        }
    }

    @Test("An unmasked frame closes with 1002, text that is not UTF-8 with 1007")
    func refusals() async throws {
        try await withEcho { port in
            let unmasked = try await RawHTTP.firstFrame(after: HandshakeRequest().text, thenSending: [0x81, 0x02, 0x68, 0x69], port: port)
            #expect(unmasked.opcode == 0x8)
            #expect(Self.code(of: unmasked.payload) == 1002)
            // A masked text frame (key 0) whose payload is a lone continuation byte.
            let invalid = try await RawHTTP.firstFrame(after: HandshakeRequest().text, thenSending: [0x81, 0x81, 0, 0, 0, 0, 0x80], port: port)
            #expect(invalid.opcode == 0x8)
            #expect(Self.code(of: invalid.payload) == 1007)
        }
    }

    @Test("A plain HTTP request is answered with 426, not left hanging")
    func plainRequest() async throws {
        try await withEcho { port in
            let response = try await RawHTTP.exchange("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", port: port)
            #expect(response.status == 426)
            #expect(response.body.contains("WebSocket echo"))
        }
    }

    static func code(of payload: [UInt8]) -> UInt16? {
        payload.count >= 2 ? UInt16(payload[0]) << 8 | UInt16(payload[1]) : nil
    }
}
