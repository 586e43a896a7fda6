import NIOCore

/// How an ``Outbox`` wakes its connection's writer: `drain` runs on `eventLoop`.
struct OutboxWake: Sendable {
    let eventLoop: any EventLoop
    let drain: @Sendable () -> Void
}

/// Connection writers to wake after a fan-out, one task per event loop: waking each writer on its own
/// would bounce the fanning-out thread and the loops' threads once per recipient.
struct OutboxWakes {
    private var byLoop: [(eventLoop: any EventLoop, drains: [@Sendable () -> Void])] = []

    mutating func add(_ wake: OutboxWake) {
        if let index = byLoop.firstIndex(where: { $0.eventLoop === wake.eventLoop }) {
            byLoop[index].drains.append(wake.drain)
        } else {
            byLoop.append((wake.eventLoop, [wake.drain]))
        }
    }

    func wake() {
        for (eventLoop, drains) in byLoop {
            eventLoop.execute { for drain in drains { drain() } }
        }
    }

    /// Runs `body` with the wakes of the ``FanOutBatch`` gathering on this thread, or with wakes of
    /// its own, woken when it returns.
    static func gather(_ body: (inout OutboxWakes) -> Void) {
        if let batch = FanOutBatch.current {
            body(&batch.wakes)
        } else {
            var wakes = OutboxWakes()
            body(&wakes)
            wakes.wake()
        }
    }
}
