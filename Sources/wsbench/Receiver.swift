import Histogram
import NIOCore
import NIOWebSocket

/// What one receiving connection saw, as a value: recording a delivery is one access to it, where a
/// class with a property per count pays a dynamic exclusivity check per field on every delivery.
struct DeliveryTally {
    var latencies = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
    var delivered = 0
    var duplicates = 0
    var otherFrames = 0
    /// Which (sender, sequence) pairs arrived, one bit each, sender after sender.
    private var seen: [UInt64]
    private let senders: Int
    private let wordsPerSender: Int
    private let messagesPerSender: Int

    init(senders: Int, messagesPerSender: Int) {
        self.senders = max(senders, 1)
        self.messagesPerSender = messagesPerSender
        wordsPerSender = messagesPerSender / 64 + 1
        seen = Array(repeating: 0, count: self.senders * wordsPerSender)
    }

    /// Counts the frame that carried `stamp` (or none), arrived at `now` (monotonic nanoseconds).
    mutating func record(_ stamp: Stamp?, arrivedAt now: UInt64) {
        guard let stamp, stamp.sender >= 0, stamp.sender < senders, stamp.sequence >= 0, stamp.sequence < messagesPerSender else {
            otherFrames += 1
            return
        }
        let (word, bit) = (stamp.sender * wordsPerSender + stamp.sequence / 64, UInt64(1) << UInt64(stamp.sequence % 64))
        if seen[word] & bit != 0 {
            duplicates += 1
            return
        }
        seen[word] |= bit
        delivered += 1
        _ = latencies.record(now >= stamp.sentAt ? now - stamp.sentAt : 0)
    }
}

/// A ``DeliveryTally`` that a NIO receiver and the run share. Touched only on its channel's event loop
/// while the run goes on, and read there, so it needs no lock.
final class ReceiverStats: @unchecked Sendable {
    var tally: DeliveryTally

    init(senders: Int, messagesPerSender: Int) {
        tally = DeliveryTally(senders: senders, messagesPerSender: messagesPerSender)
    }
}

/// Reads a benchmark connection's frames on its event loop, stamping arrival where the bytes are read
/// (no task hop between the socket and the clock), and answers pings and closes as a client must.
final class Receiver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    let stats: ReceiverStats?
    private var fragments: ByteBuffer?

    init(stats: ReceiverStats?) {
        self.stats = stats
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text, .continuation:
            let now = monotonicNanoseconds()
            var data = frame.unmaskedData
            if !frame.fin || fragments != nil {
                fragments.setOrWriteBuffer(&data)
                guard frame.fin, let whole = fragments else { return }
                fragments = nil
                data = whole
            }
            guard let stats else { return }
            let stamp = data.readableBytesView.withContiguousStorageIfAvailable { Stamp.find(in: UnsafeRawBufferPointer($0)) }
            stats.tally.record(stamp ?? Stamp.find(in: Array(data.readableBytesView)), arrivedAt: now)
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .connectionClose:
            context.close(promise: nil)
        default:
            break
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

extension WebSocketMaskingKey {
    static func random() -> WebSocketMaskingKey {
        WebSocketMaskingKey((0..<4).map { _ in UInt8.random(in: .min ... .max) })!
    }
}
