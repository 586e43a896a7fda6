import NIOCore

/// One outgoing text message: its payload, and the whole WebSocket frame that carries it.
///
/// A server's frames are never masked (RFC 6455 §5.1), so the frame is the same bytes for every
/// recipient: a fan-out builds it once, and each connection's write shares that buffer instead of
/// encoding a header of its own.
struct TextFrame: Sendable {
    let payload: ByteBuffer
    let frame: ByteBuffer

    /// The most a header takes: two bytes, and eight more for the longest length.
    private static let headerRoom = 10

    /// Builds the frame around a payload that `write` writes into it, so that the payload is written
    /// once, in place, behind room left for the header.
    init(writingPayload write: (inout ByteBuffer) -> Void) {
        var frame = ByteBufferAllocator().buffer(capacity: 256)
        frame.writeRepeatingByte(0, count: Self.headerRoom)
        frame.moveReaderIndex(forwardBy: Self.headerRoom)
        write(&frame)
        let length = frame.readableBytes
        // FIN and the text opcode (RFC 6455 §5.2), then the shortest length encoding, no mask.
        let headerLength = length < 126 ? 2 : length <= Int(UInt16.max) ? 4 : 10
        let start = Self.headerRoom - headerLength
        frame.setInteger(UInt8(0x81), at: start)
        switch headerLength {
        case 2:
            frame.setInteger(UInt8(length), at: start + 1)
        case 4:
            frame.setInteger(UInt8(126), at: start + 1)
            frame.setInteger(UInt16(length), at: start + 2)
        default:
            frame.setInteger(UInt8(127), at: start + 1)
            frame.setInteger(UInt64(length), at: start + 2)
        }
        frame.moveReaderIndex(to: start)
        self.payload = frame.getSlice(at: Self.headerRoom, length: length)!
        self.frame = frame
    }

    init(_ payload: ByteBuffer) {
        self.init { $0.writeImmutableBuffer(payload) }
    }
}

/// Whole text frames back to back in one buffer, as they go out: one message, or every message a
/// room got from one batch of commits, shared by all its members.
struct TextFrames: Sendable {
    let bytes: ByteBuffer
    /// How many messages (frames) the bytes hold.
    let count: Int

    init(_ text: TextFrame) {
        self.init(bytes: text.frame, count: 1)
    }

    init(bytes: ByteBuffer, count: Int) {
        self.bytes = bytes
        self.count = count
    }

    /// Each frame's payload, for tests: the frames are the server's own, so their headers are
    /// well-formed and unmasked.
    var payloads: [ByteBuffer] {
        var rest = bytes
        var payloads: [ByteBuffer] = []
        while let second = rest.getInteger(at: rest.readerIndex + 1, as: UInt8.self) {
            rest.moveReaderIndex(forwardBy: 2)
            let length =
                switch second {
                case 126: Int(rest.readInteger(as: UInt16.self)!)
                case 127: Int(rest.readInteger(as: UInt64.self)!)
                default: Int(second)
                }
            payloads.append(rest.readSlice(length: length)!)
        }
        return payloads
    }
}
