import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

@testable import ChatServer

@Suite("A text frame is encoded once for every recipient")
struct TextFrameTests {
    @Test("Its bytes are what NIO's frame encoder writes, at every length encoding", arguments: [0, 125, 126, 65_535, 65_536])
    func matchesNIOEncoder(length: Int) throws {
        let payload = ByteBuffer(repeating: UInt8(ascii: "x"), count: length)
        let channel = EmbeddedChannel(handler: WebSocketFrameEncoder())
        try channel.writeOutbound(WebSocketFrame(fin: true, opcode: .text, data: payload))
        var expected = ByteBuffer()
        while var part = try channel.readOutbound(as: ByteBuffer.self) { expected.writeBuffer(&part) }
        #expect(TextFrame(payload).frame == expected)
        #expect(TextFrame(payload).payload == payload)
    }
}
