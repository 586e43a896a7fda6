import Hummingbird
import HummingbirdWSClient
import NIOCore
import NIOWebSocket
import TestSupport
import Testing

/// Exercise 3: the message loop and its limits, on a live server, over real sockets.
@Suite("Exercise 3: the echo.v1 server", .serialized)
struct MessageServerTests {
    let answers = Lesson02Answers.checked

    /// Runs the checked server on a free port and talks to it as a plain WebSocket client. Exercise 2
    /// is tried first, so that an unfinished one is reported by name rather than as a server error.
    func withServer(
        clientMaxFrameSize: Int = 1 << 20,
        _ body: @escaping @Sendable (ChatTestClient) async throws -> Void
    ) async throws -> WebSocketCloseFrame? {
        _ = try answers.reply("{}")
        let app = try answers.buildMessageServer(ApplicationConfiguration())
        return try await withLiveServer(app) { port in
            try await withChatClient(port: port, path: "/ws", headers: [:], maxFrameSize: clientMaxFrameSize, body).close
        }
    }

    @Test("A message gets its reply, and a bad one an error event, after which the connection carries on")
    func messages() async throws {
        _ = try await withServer { client in
            client.send(#"{"type":"upper","text":"hello","ref":"1"}"#)
            let upper = try await client.next()
            #expect(upper.type == "upper")
            #expect(upper.text == "HELLO")
            #expect(upper.ref == "1")
            client.send("not json")
            let error = try await client.next()
            #expect(error.code == "invalid_json")
            client.send(#"{"type":"echo","text":"still here"}"#)
            let echo = try await client.next()
            #expect(echo.text == "still here")
        }
    }

    @Test("A message in several frames is put back together and answered once")
    func fragments() async throws {
        _ = try await withServer { client in
            let parts = [#"{"type":"echo","#, #""text":"in three "#, #"pieces"}"#]
            for (index, part) in parts.enumerated() {
                let opcode: WebSocketOpcode = index == 0 ? .text : .continuation
                client.sendFrame(WebSocketFrame(fin: index == parts.count - 1, opcode: opcode, data: ByteBuffer(string: part)))
            }
            let echo = try await client.next()
            #expect(echo.text == "in three pieces")
        }
    }

    @Test("A binary message closes the connection with 1003")
    func binaryCloses() async throws {
        let close = try await withServer { client in
            client.sendBinary([1, 2, 3])
            try await client.waitUntilClosed()
        }
        #expect(close?.code == 1003)
    }

    @Test("A message over 4,096 bytes closes with 1009, whether it comes in one frame or in many")
    func oversizeCloses() async throws {
        let text = #"{"type":"echo","text":""# + String(repeating: "x", count: 5000) + #""}"#
        for clientMaxFrameSize in [1 << 20, 1024] {
            let close = try await withServer(clientMaxFrameSize: clientMaxFrameSize) { client in
                client.send(text)
                try await client.waitUntilClosed()
            }
            #expect(close?.code == 1009, "frames of at most \(clientMaxFrameSize) bytes")
        }
    }

    @Test("Text that is not UTF-8 closes the connection with 1007")
    func invalidUTF8Closes() async throws {
        let close = try await withServer { client in
            client.sendText(bytes: [0x7B, 0xFF, 0xFE, 0x7D])
            try await client.waitUntilClosed()
        }
        #expect(close?.code == 1007)
    }
}
