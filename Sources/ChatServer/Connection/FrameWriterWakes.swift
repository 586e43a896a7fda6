import NIOCore
import NIOPosix

/// How to wake a connection's ``FrameWriter``: `drain` runs on `eventLoop`.
struct FrameWriterWake: Sendable {
    let eventLoop: any EventLoop
    let drain: @Sendable () -> Void
}

/// Frame writers to wake after a fan-out, one task per event loop: waking each writer on its own
/// would bounce the fanning-out thread and the loops' threads once per recipient.
struct FrameWriterWakes {
    private var byLoop: [(eventLoop: any EventLoop, drains: [@Sendable () -> Void])] = []

    mutating func add(_ wake: FrameWriterWake) {
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

    /// Runs `body` so that the frame writers woken by every fan-out it makes on this thread are
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
    static func gather(_ body: (inout FrameWriterWakes) -> Void) {
        if let gathered = current.currentValue {
            body(&gathered.wakes)
        } else {
            var wakes = FrameWriterWakes()
            body(&wakes)
            wakes.wake()
        }
    }

    /// Touched only by the thread it belongs to.
    private final class Gathered: @unchecked Sendable {
        var wakes = FrameWriterWakes()
    }

    private static let current = ThreadSpecificVariable<Gathered>()
}
