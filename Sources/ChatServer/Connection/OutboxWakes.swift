import NIOCore
import NIOPosix

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

    /// Runs `body` so that the writers woken by every fan-out it makes on this thread are
    /// woken once, when it returns: a batch of commits then reaches each event loop as one task, and
    /// each connection writes the whole batch at once.
    static func gathering(_ body: () -> Void) {
        guard current.currentValue == nil else { return body() }
        let gathered = Gathered()
        current.currentValue = gathered
        body()
        current.currentValue = nil
        gathered.wakes.wake()
    }

    /// Runs `body` with the wakes ``gathering(_:)`` gathers on this thread, or with wakes of its own,
    /// woken when it returns.
    static func gather(_ body: (inout OutboxWakes) -> Void) {
        if let gathered = current.currentValue {
            body(&gathered.wakes)
        } else {
            var wakes = OutboxWakes()
            body(&wakes)
            wakes.wake()
        }
    }

    /// Touched only by the thread it belongs to.
    private final class Gathered: @unchecked Sendable {
        var wakes = OutboxWakes()
    }

    private static let current = ThreadSpecificVariable<Gathered>()
}
