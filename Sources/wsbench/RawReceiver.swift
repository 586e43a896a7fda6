/// One broadcast connection as its ``ReceiveLoop`` sees it.
///
/// Touched only by its loop's thread from ``ReceiveLoop/add(_:)`` until the loop has stopped, and by
/// the thread that made it before and after; the loop's registration and its join order those accesses.
final class RawReceiver: @unchecked Sendable {
    let socket: RawSocket
    private var reader: FrameReader
    private(set) var isClosed = false

    /// - Parameters:
    ///   - tally: what to count deliveries in; `nil` for a sender's own connection, whose copies are dropped.
    ///   - leftover: bytes read with the handshake's response, the start of the first frames.
    init(socket: RawSocket, tally: DeliveryTally?, leftover: [UInt8] = []) {
        self.socket = socket
        reader = FrameReader(tally: tally, pending: leftover)
    }

    var tally: DeliveryTally? { reader.tally }

    /// Takes the bytes of one read, all stamped `now`: the moment the read returned.
    ///
    /// - Returns: how many deliveries they completed.
    func consume(_ bytes: UnsafeRawBufferPointer, arrivedAt now: UInt64) -> Int {
        reader.consume(bytes, arrivedAt: now, answeringOn: socket)
    }

    func markClosed() {
        isClosed = true
    }
}

/// The frames in a connection's reads, the stamp in each text frame, and the answers a client owes
/// (a pong for a ping, a close for a close). A value, so that a whole read is handled in one access.
struct FrameReader {
    private(set) var tally: DeliveryTally?
    /// The start of a frame that the last read ended in the middle of.
    private var pending: [UInt8]
    /// A text message that came in fragments, until its last one.
    private var fragments: [UInt8]?

    init(tally: DeliveryTally?, pending: [UInt8]) {
        self.tally = tally
        self.pending = pending
    }

    mutating func consume(_ bytes: UnsafeRawBufferPointer, arrivedAt now: UInt64, answeringOn socket: RawSocket) -> Int {
        let before = tally?.delivered ?? 0
        if pending.isEmpty {
            let used = consumeFrames(bytes, arrivedAt: now, answeringOn: socket)
            if used < bytes.count { pending.append(contentsOf: bytes[used...]) }
        } else {
            var joined = pending
            joined.append(contentsOf: bytes)
            let used = joined.withUnsafeBytes { consumeFrames($0, arrivedAt: now, answeringOn: socket) }
            pending = Array(joined[used...])
        }
        return (tally?.delivered ?? 0) - before
    }

    /// Handles every whole frame in `bytes`. Servers do not mask their frames (RFC 6455 §5.1).
    ///
    /// - Returns: the bytes used; the rest is the start of a frame.
    private mutating func consumeFrames(_ bytes: UnsafeRawBufferPointer, arrivedAt now: UInt64, answeringOn socket: RawSocket) -> Int {
        var offset = 0
        while bytes.count - offset >= 2 {
            let (first, second) = (bytes[offset], bytes[offset + 1])
            var (header, length) = (2, Int(second & 0x7F))
            if length == 126 {
                guard bytes.count - offset >= 4 else { break }
                (header, length) = (4, Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3]))
            } else if length == 127 {
                guard bytes.count - offset >= 10 else { break }
                header = 10
                length = (2..<10).reduce(0) { $0 << 8 | Int(bytes[offset + $1]) }
            }
            guard bytes.count - offset - header >= length else { break }
            let payload = UnsafeRawBufferPointer(rebasing: bytes[(offset + header)..<(offset + header + length)])
            handle(opcode: first & 0x0F, isFinal: first & 0x80 != 0, payload, arrivedAt: now, answeringOn: socket)
            offset += header + length
        }
        return offset
    }

    private mutating func handle(
        opcode: UInt8,
        isFinal: Bool,
        _ payload: UnsafeRawBufferPointer,
        arrivedAt now: UInt64,
        answeringOn socket: RawSocket
    ) {
        switch opcode {
        case 0x1, 0x0:  // text, continuation
            guard tally != nil else { return }
            if !isFinal || fragments != nil {
                fragments = (fragments ?? []) + payload
                guard isFinal, let whole = fragments else { return }
                fragments = nil
                tally!.record(Stamp.find(in: whole), arrivedAt: now)
            } else {
                tally!.record(Stamp.find(in: payload), arrivedAt: now)
            }
        case 0x9:  // ping
            socket.writeFrame(opcode: 0xA, payload)
        case 0x8:  // close: answer it; the server then closes, and the loop sees the end of the stream
            socket.writeFrame(opcode: 0x8, payload.prefix(2))
        default:
            break
        }
    }
}
