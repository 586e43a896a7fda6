import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The event loops a run uses: as many threads as asked, and, with busy-polling, loops that never sleep.
///
/// A receiving thread that sleeps between deliveries makes the server pay for waking it (on the
/// machine this tool was written on, about 40% more server CPU per delivery). Pinned to a core of its
/// own (`taskset`), a spinning loop reads each frame as it lands and the server's write wakes nobody.
final class LoadGroup: Sendable {
    let group: MultiThreadedEventLoopGroup
    private let spinning = NIOLockedValueBox(false)

    init(threads: Int, busyPoll: Bool) {
        group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        guard busyPoll else { return }
        spinning.withLockedValue { $0 = true }
        for loop in group.makeIterator() { spin(loop) }
    }

    /// Keeps a timer always due on `loop`, so that it polls its sockets without blocking, until stopped.
    ///
    /// An immediate task that queues itself again would starve the sockets: NIO runs tasks until none
    /// is ready before it polls. A timer a microsecond ahead is not ready when that loop looks, and is
    /// overdue when the loop picks its next wait, so the wait is a non-blocking poll.
    private func spin(_ loop: any EventLoop) {
        loop.scheduleTask(in: .microseconds(1)) { [self] in
            if spinning.withLockedValue({ $0 }) { spin(loop) }
        }
    }

    func shutdown() async throws {
        spinning.withLockedValue { $0 = false }
        try await group.shutdownGracefully()
    }
}

/// Sends one connection's stamps at a fixed rate from its own event loop: a timer per due time, no
/// task, each stamp taken just before its frame is written. Late timers catch up by sending every
/// stamp that is due, so the rate holds on average.
final class PacedSender {
    private let channel: any Channel
    private let sender: Int
    private let messages: Int
    private let rate: Double
    private let start: UInt64
    private let deadline: UInt64
    private let payload: (Stamp) -> String
    private let done: EventLoopPromise<Void>
    private var sequence = 0

    private init(
        channel: any Channel,
        sender: Int,
        messages: Int,
        rate: Double,
        start: UInt64,
        deadline: UInt64,
        payload: @escaping (Stamp) -> String
    ) {
        self.channel = channel
        self.sender = sender
        self.messages = messages
        self.rate = rate
        self.start = start
        self.deadline = deadline
        self.payload = payload
        done = channel.eventLoop.makePromise()
    }

    /// Sends `messages` stamps at `rate` a second from `start`, stopping at `deadline` (monotonic nanoseconds).
    static func send(
        on channel: any Channel,
        sender: Int,
        messages: Int,
        rate: Double,
        start: UInt64,
        deadline: UInt64,
        payload: @escaping @Sendable (Stamp) -> String
    ) async throws {
        try await channel.eventLoop.flatSubmit {
            let paced = PacedSender(
                channel: channel,
                sender: sender,
                messages: messages,
                rate: rate,
                start: start,
                deadline: deadline,
                payload: payload
            )
            paced.tick()
            return paced.done.futureResult
        }.get()
    }

    private func due(_ sequence: Int) -> UInt64 {
        start + UInt64(Double(sequence) / rate * 1e9)
    }

    private func tick() {
        var now = monotonicNanoseconds()
        var wrote = false
        while sequence < messages, due(sequence) <= now, now < deadline {
            let stamp = Stamp(sender: sender, sequence: sequence, sentAt: now)
            channel.write(WebSocketFrameFactory.text(payload(stamp), allocator: channel.allocator), promise: nil)
            wrote = true
            sequence += 1
            now = monotonicNanoseconds()
        }
        if wrote { channel.flush() }
        guard sequence < messages, now < deadline else {
            done.succeed()
            return
        }
        let next = NIOLoopBound(self, eventLoop: channel.eventLoop)
        channel.eventLoop.scheduleTask(deadline: .uptimeNanoseconds(due(sequence))) { next.value.tick() }
    }
}
