import NIOCore
import NIOWebSocket

/// What RFC 6455 asks of a server on one connection, as a value: frames in, actions out, and no I/O.
///
/// It checks every frame the client sends (masking, reserved bits and opcodes, control frames,
/// fragmentation, UTF-8 across fragments, the size limit, close codes), puts fragments together into
/// messages, answers pings, and runs the closing handshake: after it sends a Close frame it keeps
/// reading, and discards, until the client's Close or a deadline, so that a client still sending a
/// large message cannot wedge the connection. A channel handler feeds it frames and timer events and
/// carries out what it returns; its tests drive it with no socket at all.
struct WebSocketProtocol: Sendable {
    /// A whole message from the client.
    enum Message: Sendable, Equatable {
        case text(String)
        case binary(ByteBuffer)
    }

    /// What the connection must do next.
    enum Action: Sendable, Equatable {
        /// Nothing, yet: a fragment was kept, or a frame discarded.
        case none
        /// Hand a whole message to the session.
        case deliver(Message)
        /// Answer a ping with a pong carrying the same payload (§5.5.3).
        case sendPong(ByteBuffer)
        /// Send a Close frame with this code and reason, and start waiting for the client's (§7.1.2).
        case sendClose(WebSocketErrorCode, reason: String)
        /// Send a Close frame that answers the client's, then close the TCP connection (§5.5.1, §7.1.1:
        /// the server closes it first).
        case answerCloseAndDisconnect(WebSocketErrorCode?)
        /// Close the TCP connection: the closing handshake is over, or its deadline passed.
        case disconnect
    }

    private enum State: Sendable {
        /// Messages flow; `partial` is a fragmented message under way.
        case open(partial: Partial?)
        /// This side sent a Close frame; what the client sends until its Close is discarded.
        case closing
        case closed
    }

    /// A fragmented message as far as it has come.
    private struct Partial: Sendable {
        var isText: Bool
        var bytes: ByteBuffer
        var utf8 = UTF8Validator()
    }

    /// The largest message accepted, in bytes, fragments together (§10.4).
    let maxMessageSize: Int
    private var state = State.open(partial: nil)

    init(maxMessageSize: Int) {
        self.maxMessageSize = maxMessageSize
    }

    /// Whether this side has sent its Close frame, or the connection is over.
    var isClosing: Bool {
        if case .open = state { return false }
        return true
    }

    // MARK: Events

    /// A frame arrived from the client.
    mutating func received(_ frame: WebSocketFrame) -> Action {
        switch state {
        case .closed:
            return .none
        case .closing:
            // Only the client's Close matters now; it ends the handshake, valid or not.
            guard frame.opcode == .connectionClose else { return .none }
            state = .closed
            return .disconnect
        case .open(let partial):
            if let refusal = Self.refusal(of: frame) { return fail(refusal.code, refusal.reason) }
            switch frame.opcode {
            case .ping:
                return .sendPong(frame.unmaskedData)
            case .pong:
                return .none
            case .connectionClose:
                return receivedClose(frame.unmaskedData)
            case .continuation:
                guard var partial else { return fail(.protocolError, "a continuation frame without a message to continue") }
                return append(frame, to: &partial)
            default:
                guard partial == nil else { return fail(.protocolError, "a new message before the last one ended") }
                var started = Partial(isText: frame.opcode == .text, bytes: ByteBuffer())
                return append(frame, to: &started)
            }
        }
    }

    /// The server closes the connection: shutdown, a policy, the session's decision.
    mutating func close(_ code: WebSocketErrorCode, reason: String) -> Action {
        guard case .open = state else { return .none }
        state = .closing
        return .sendClose(code, reason: reason)
    }

    /// The time to wait for the client's Close has passed.
    mutating func closingDeadlinePassed() -> Action {
        guard case .closing = state else { return .none }
        state = .closed
        return .disconnect
    }

    // MARK: Rules

    /// Fails the connection (§7.1.7): a Close frame with `code`, then the closing handshake.
    private mutating func fail(_ code: WebSocketErrorCode, _ reason: String) -> Action {
        state = .closing
        return .sendClose(code, reason: reason)
    }

    /// What makes a frame unacceptable whatever the state of the message.
    private static func refusal(of frame: WebSocketFrame) -> (code: WebSocketErrorCode, reason: String)? {
        if frame.maskKey == nil { return (.protocolError, "frames from a client must be masked") }  // §5.1
        if frame.rsv1 || frame.rsv2 || frame.rsv3 { return (.protocolError, "reserved bits set without an extension") }  // §5.2
        switch frame.opcode {
        case .continuation, .text, .binary, .connectionClose, .ping, .pong: break
        default: return (.protocolError, "a reserved opcode")  // §5.2
        }
        if frame.opcode.isControlOpcode {
            // §5.5: control frames are whole and small.
            if !frame.fin { return (.protocolError, "a fragmented control frame") }
            if frame.length > 125 { return (.protocolError, "a control frame over 125 bytes") }
        }
        return nil
    }

    /// Adds a data frame to its message, and delivers the message once it is whole.
    private mutating func append(_ frame: WebSocketFrame, to partial: inout Partial) -> Action {
        guard partial.bytes.readableBytes + frame.length <= maxMessageSize else {
            return fail(.messageTooLarge, "a message is at most \(maxMessageSize) bytes")
        }
        var data = frame.unmaskedData
        if partial.isText, !partial.utf8.consume(data.readableBytesView) {
            return fail(.dataInconsistentWithMessage, "text that is not UTF-8")
        }
        partial.bytes.writeBuffer(&data)
        guard frame.fin else {
            state = .open(partial: partial)
            return .none
        }
        state = .open(partial: nil)
        guard partial.isText else { return .deliver(.binary(partial.bytes)) }
        guard partial.utf8.isComplete else { return fail(.dataInconsistentWithMessage, "text that is not UTF-8") }
        return .deliver(.text(String(decoding: partial.bytes.readableBytesView, as: UTF8.self)))
    }

    /// The client's Close, while open: answered with its own code, then the server disconnects.
    private mutating func receivedClose(_ payload: ByteBuffer) -> Action {
        var payload = payload
        guard payload.readableBytes > 0 else {
            state = .closed
            return .answerCloseAndDisconnect(nil)
        }
        guard let number = payload.readInteger(as: UInt16.self) else { return fail(.protocolError, "a close code is two bytes") }
        guard Self.mayBeReceived(closeCode: number) else { return fail(.protocolError, "close code \(number) may not be sent") }
        var reason = UTF8Validator()
        guard reason.consume(payload.readableBytesView), reason.isComplete else {
            return fail(.dataInconsistentWithMessage, "a close reason that is not UTF-8")
        }
        state = .closed
        return .answerCloseAndDisconnect(WebSocketErrorCode(codeNumber: Int(number)))
    }

    /// The codes a Close frame may carry (§7.4.1, §7.4.2, and the IANA registry): 1004, 1005, 1006 and
    /// 1015 never travel, and the rest below 3000 is unassigned.
    static func mayBeReceived(closeCode code: UInt16) -> Bool {
        switch code {
        case 1000...1003, 1007...1014, 3000...4999: true
        default: false
        }
    }
}
