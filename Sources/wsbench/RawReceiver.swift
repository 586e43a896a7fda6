/// One broadcast connection as its ``ReceiveLoop`` sees it: the frames in each read, the stamp in each
/// text frame, and the answers a client owes (a pong for a ping, a close for a close).
///
/// Touched only by its loop's thread from ``ReceiveLoop/add(_:)`` until the loop has stopped, and by
/// the thread that made it before and after; the loop's registration and its join order those accesses.
final class RawReceiver: @unchecked Sendable {
    let socket: RawSocket
    /// `nil` for a sender's own connection: what it receives is read and dropped.
    let stats: ReceiverStats?
    /// The start of a frame that the last read ended in the middle of.
    private var pending: [UInt8]
    /// A text message that came in fragments, until its last one.
    private var fragments: [UInt8]?
    private(set) var isClosed = false

    init(socket: RawSocket, stats: ReceiverStats?, leftover: [UInt8] = []) {
        self.socket = socket
        self.stats = stats
        pending = leftover
    }

    /// Takes the bytes of one read, all stamped `now`: the moment the read returned.
    ///
    /// - Returns: how many deliveries they completed.
    func consume(_ bytes: UnsafeRawBufferPointer, arrivedAt now: UInt64) -> Int {
        let before = stats?.delivered ?? 0
        if pending.isEmpty {
            let used = consumeFrames(bytes, arrivedAt: now)
            if used < bytes.count { pending.append(contentsOf: bytes[used...]) }
        } else {
            pending.append(contentsOf: bytes)
            let used = pending.withUnsafeBytes { consumeFrames($0, arrivedAt: now) }
            pending.removeFirst(used)
        }
        return (stats?.delivered ?? 0) - before
    }

    func markClosed() {
        isClosed = true
    }

    /// Handles every whole frame in `bytes`. Servers do not mask their frames (RFC 6455 §5.1).
    ///
    /// - Returns: the bytes used; the rest is the start of a frame.
    private func consumeFrames(_ bytes: UnsafeRawBufferPointer, arrivedAt now: UInt64) -> Int {
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
            handle(opcode: first & 0x0F, isFinal: first & 0x80 != 0, payload, arrivedAt: now)
            offset += header + length
        }
        return offset
    }

    private func handle(opcode: UInt8, isFinal: Bool, _ payload: UnsafeRawBufferPointer, arrivedAt now: UInt64) {
        switch opcode {
        case 0x1, 0x0:  // text, continuation
            guard let stats else { return }
            if !isFinal || fragments != nil {
                fragments = (fragments ?? []) + payload
                guard isFinal, let whole = fragments else { return }
                fragments = nil
                record(Stamp.find(in: whole), in: stats, arrivedAt: now)
            } else {
                record(Stamp.find(in: payload), in: stats, arrivedAt: now)
            }
        case 0x9:  // ping
            socket.writeFrame(opcode: 0xA, payload)
        case 0x8:  // close: answer it; the server then closes, and the loop sees the end of the stream
            socket.writeFrame(opcode: 0x8, payload.prefix(2))
        default:
            break
        }
    }

    private func record(_ stamp: Stamp?, in stats: ReceiverStats, arrivedAt now: UInt64) {
        if let stamp {
            stats.record(stamp, arrivedAt: now)
        } else {
            stats.otherFrames += 1
        }
    }
}
