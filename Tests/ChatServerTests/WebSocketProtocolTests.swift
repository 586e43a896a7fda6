import NIOCore
import NIOWebSocket
import Testing

@testable import ChatServer

/// RFC 6455 on one connection, driven frame by frame with no socket: what the server does with each
/// frame a client may send, including the ones Autobahn|Testsuite sends to break servers.
@Suite("The WebSocket protocol, frame by frame")
struct WebSocketProtocolTests {
    /// A frame as a client sends it: masked, unless a test says otherwise.
    func frame(
        _ opcode: WebSocketOpcode,
        _ bytes: [UInt8],
        fin: Bool = true,
        masked: Bool = true,
        rsv1: Bool = false
    ) -> WebSocketFrame {
        var data = ByteBuffer(bytes: bytes)
        let key: WebSocketMaskingKey? = masked ? [0x37, 0xFA, 0x21, 0x3D] : nil
        if let key { data.webSocketMask(key) }
        return WebSocketFrame(fin: fin, rsv1: rsv1, opcode: opcode, maskKey: key, data: data)
    }

    func text(_ string: String, fin: Bool = true) -> WebSocketFrame { frame(.text, Array(string.utf8), fin: fin) }

    func closePayload(_ code: UInt16, _ reason: [UInt8] = []) -> [UInt8] { [UInt8(code >> 8), UInt8(code & 0xFF)] + reason }

    /// The code of a `sendClose` action, or nil for any other action.
    func closeCode(_ action: WebSocketProtocol.Action) -> UInt16? {
        guard case .sendClose(let code, _) = action else { return nil }
        return UInt16(webSocketErrorCode: code)
    }

    @Test("A text message in one frame is delivered; one in fragments is put together, a ping between them answered")
    func messages() {
        let connection = Connection(maxMessageSize: 1024)
        #expect(connection.received(text("hello")) == .deliver(.text("hello")))
        #expect(connection.received(text("hel", fin: false)) == .none)
        #expect(connection.received(frame(.ping, [1, 2])) == .sendPong(ByteBuffer(bytes: [1, 2])))
        #expect(connection.received(frame(.continuation, Array("lo".utf8))) == .deliver(.text("hello")))
        #expect(connection.received(frame(.binary, [0, 255])) == .deliver(.binary(ByteBuffer(bytes: [0, 255]))))
        #expect(connection.received(frame(.pong, [])) == .none, "an unsolicited pong is ignored (§5.5.3)")
    }

    @Test("An unmasked frame, reserved bits or a reserved opcode fail the connection with 1002")
    func protocolErrors() throws {
        let reserved = try #require(WebSocketOpcode(encodedWebSocketOpcode: 0x3))
        let reservedControl = try #require(WebSocketOpcode(encodedWebSocketOpcode: 0xB))
        for bad in [frame(.text, [0x61], masked: false), frame(.text, [0x61], rsv1: true), frame(reserved, []), frame(reservedControl, [])] {
            let connection = Connection(maxMessageSize: 1024)
            #expect(closeCode(connection.received(bad)) == 1002)
        }
    }

    @Test("A control frame over 125 bytes or in fragments fails with 1002")
    func controlFrames() {
        let tooLong = Connection(maxMessageSize: 1024)
        #expect(closeCode(tooLong.received(frame(.ping, Array(repeating: 0, count: 126)))) == 1002)
        let fragmented = Connection(maxMessageSize: 1024)
        #expect(closeCode(fragmented.received(frame(.ping, [], fin: false))) == 1002)
        let atTheLimit = Connection(maxMessageSize: 1024)
        #expect(atTheLimit.received(frame(.ping, Array(repeating: 7, count: 125))) == .sendPong(ByteBuffer(bytes: Array(repeating: 7, count: 125))))
    }

    @Test("A continuation with nothing to continue, or a new message inside a fragmented one, fails with 1002")
    func fragmentationErrors() {
        let orphan = Connection(maxMessageSize: 1024)
        #expect(closeCode(orphan.received(frame(.continuation, [0x61]))) == 1002)
        let interleaved = Connection(maxMessageSize: 1024)
        #expect(interleaved.received(text("a", fin: false)) == .none)
        #expect(closeCode(interleaved.received(text("b"))) == 1002)
    }

    @Test("UTF-8 split across fragments is accepted; invalid UTF-8 fails with 1007 at the fragment that breaks it")
    func utf8() {
        // "κόσμε", split inside its second character.
        let bytes = Array("κόσμε".utf8)
        let split = Connection(maxMessageSize: 1024)
        #expect(split.received(frame(.text, Array(bytes[..<3]), fin: false)) == .none)
        #expect(split.received(frame(.continuation, Array(bytes[3...]))) == .deliver(.text("κόσμε")))

        let failFast = Connection(maxMessageSize: 1024)
        #expect(closeCode(failFast.received(frame(.text, [0xCE, 0xBA, 0xED, 0xA0, 0x80], fin: false))) == 1007, "a surrogate, before the end")

        let truncated = Connection(maxMessageSize: 1024)
        #expect(closeCode(truncated.received(frame(.text, [0x61, 0xE2, 0x82]))) == 1007, "a character cut off at the end")

        for invalid: [UInt8] in [[0xC0, 0xAF], [0xF4, 0x90, 0x80, 0x80], [0xFF], [0x80]] {
            let connection = Connection(maxMessageSize: 1024)
            #expect(closeCode(connection.received(frame(.text, invalid))) == 1007, "\(invalid)")
        }
    }

    @Test("A message past the limit, in one frame or many, fails with 1009")
    func sizeLimit() {
        let one = Connection(maxMessageSize: 8)
        #expect(closeCode(one.received(frame(.binary, Array(repeating: 0, count: 9)))) == 1009)
        let many = Connection(maxMessageSize: 8)
        #expect(many.received(frame(.binary, Array(repeating: 0, count: 5), fin: false)) == .none)
        #expect(closeCode(many.received(frame(.continuation, Array(repeating: 0, count: 4)))) == 1009)
    }

    @Test("The client's Close is answered with its code and the server disconnects; an empty Close with an empty one")
    func clientCloses() {
        let normal = Connection(maxMessageSize: 1024)
        #expect(normal.received(frame(.connectionClose, closePayload(1000, Array("bye".utf8)))) == .answerCloseAndDisconnect(.normalClosure))
        #expect(normal.received(text("late")) == .none, "nothing after the close is acted on")
        let empty = Connection(maxMessageSize: 1024)
        #expect(empty.received(frame(.connectionClose, [])) == .answerCloseAndDisconnect(nil))
        let privateUse = Connection(maxMessageSize: 1024)
        #expect(privateUse.received(frame(.connectionClose, closePayload(4000))) == .answerCloseAndDisconnect(.init(codeNumber: 4000)))
    }

    @Test(
        "A Close with a code that may not be sent, or a one-byte payload, fails with 1002; a reason that is not UTF-8, with 1007",
        arguments: [0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535] as [UInt16]
    )
    func invalidCloses(code: UInt16) {
        let connection = Connection(maxMessageSize: 1024)
        #expect(closeCode(connection.received(frame(.connectionClose, closePayload(code)))) == 1002)
        let oneByte = Connection(maxMessageSize: 1024)
        #expect(closeCode(oneByte.received(frame(.connectionClose, [0x03]))) == 1002)
        let badReason = Connection(maxMessageSize: 1024)
        #expect(closeCode(badReason.received(frame(.connectionClose, closePayload(1000, [0xCE, 0xBA, 0xFF])))) == 1007)
    }

    @Test("After the server's Close, what the client sends is discarded until its Close, or until the deadline")
    func closingHandshake() {
        let connection = Connection(maxMessageSize: 8)
        #expect(connection.close(.goingAway, reason: "shutting down") == .sendClose(.goingAway, reason: "shutting down"))
        #expect(connection.isClosing)
        #expect(connection.received(frame(.binary, Array(repeating: 0, count: 100))) == .none, "even past the size limit")
        #expect(connection.received(frame(.ping, [1])) == .none)
        #expect(connection.close(.normalClosure, reason: "again") == .none, "one Close frame only")
        #expect(connection.received(frame(.connectionClose, closePayload(1001))) == .disconnect)

        let silent = Connection(maxMessageSize: 8)
        _ = silent.received(frame(.text, [0xFF]))
        #expect(silent.closingDeadlinePassed() == .disconnect, "a client that never answers is cut off")
        #expect(silent.received(frame(.connectionClose, [])) == .none)
    }
}

/// The protocol behind a reference, so that `#expect` can call its mutating methods.
final class Connection {
    private var state: WebSocketProtocol

    init(maxMessageSize: Int) {
        state = WebSocketProtocol(maxMessageSize: maxMessageSize)
    }

    var isClosing: Bool { state.isClosing }
    func received(_ frame: WebSocketFrame) -> WebSocketProtocol.Action { state.received(frame) }
    func close(_ code: WebSocketErrorCode, reason: String) -> WebSocketProtocol.Action { state.close(code, reason: reason) }
    func closingDeadlinePassed() -> WebSocketProtocol.Action { state.closingDeadlinePassed() }
}

/// The validator behind a reference, for the same reason.
final class Validator {
    private var state = UTF8Validator()
    var isComplete: Bool { state.isComplete }
    func consume(_ bytes: some Sequence<UInt8>) -> Bool { state.consume(bytes) }
}

@Suite("UTF-8, a piece at a time")
struct UTF8ValidatorTests {
    @Test("Every string Swift can make is valid, split at any byte")
    func validEverywhere() {
        let samples = ["", "plain ASCII", "κόσμε", "日本語のテキスト", "emoji 🧪🚀", "\u{10FFFF}\u{0}\u{7F}\u{80}\u{7FF}\u{800}\u{FFFF}\u{10000}"]
        for sample in samples {
            let bytes = Array(sample.utf8)
            for cut in 0...bytes.count {
                let validator = Validator()
                #expect(validator.consume(bytes[..<cut]) && validator.consume(bytes[cut...]) && validator.isComplete, "\(sample) cut at \(cut)")
            }
        }
    }

    @Test(
        "Overlong forms, surrogates, code points past U+10FFFF and stray bytes are refused",
        arguments: [
            [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xF0, 0x80, 0x80, 0x80],
            [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFE], [0xFF], [0x80], [0xE2, 0x28, 0xA1],
        ] as [[UInt8]]
    )
    func invalid(bytes: [UInt8]) {
        let validator = Validator()
        #expect(!validator.consume(bytes))
        #expect(String(validating: bytes, as: UTF8.self) == nil, "Swift agrees")
    }
}
