import NIOCore

/// One outgoing text message: its payload, and the whole WebSocket frame that carries it.
///
/// A server's frames are never masked (RFC 6455 §5.1), so the frame is the same bytes for every
/// recipient: a fan-out builds it once, and each connection's write shares that buffer instead of
/// encoding a header of its own.
struct TextFrame: Sendable {
    let payload: ByteBuffer
    let frame: ByteBuffer

    init(_ payload: ByteBuffer) {
        self.payload = payload
        let length = payload.readableBytes
        var frame = ByteBufferAllocator().buffer(capacity: length + 10)
        // FIN and the text opcode (RFC 6455 §5.2), then the shortest length encoding, no mask.
        frame.writeInteger(UInt8(0x81))
        switch length {
        case ..<126:
            frame.writeInteger(UInt8(length))
        case ...Int(UInt16.max):
            frame.writeInteger(UInt8(126))
            frame.writeInteger(UInt16(length))
        default:
            frame.writeInteger(UInt8(127))
            frame.writeInteger(UInt64(length))
        }
        frame.writeImmutableBuffer(payload)
        self.frame = frame
    }
}
