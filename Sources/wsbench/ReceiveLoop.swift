import CEpoll
import Foundation
import Synchronization

/// A thread of its own with an epoll set, reading the broadcast's connections: one `recv` per ready
/// socket, stamped when it returns, its frames handled on the spot.
///
/// How a generator reads is part of what the server is measured to cost. The loop reads each ready
/// socket once (a short read means it is drained, so no second `recv` only to hear `EAGAIN`), takes one
/// clock reading per `recv` rather than per frame, and allocates nothing per frame. While busy-polling
/// (``isBusy``) it never sleeps: `epoll_wait` with a zero timeout, so a server's `write` finds the
/// receiver awake and pays no wake-up (see `docs/wsbench.md` for what a sleeping receiver costs).
/// Use it pinned to cores of its own (`taskset`): it then reads as one whole core of CPU.
final class ReceiveLoop: @unchecked Sendable {
    // @unchecked: `receivers` is guarded by its mutex; `buffer`, `epoll` and each receiver's state are
    // used only by the loop's thread between `start()` and the end of `stop()`; the rest are atomics.
    private let epoll: Int32
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 << 10, alignment: 16)
    private let receivers = Mutex<[RawReceiver]>([])
    private let isStopping = Atomic<Bool>(false)
    private let hasStopped = Atomic<Bool>(false)
    /// Whether to poll without sleeping (the send phase of a `--busy-poll` run).
    let isBusy = Atomic<Bool>(false)
    /// Deliveries recorded so far, for progress and for knowing when a run is done.
    let delivered = Atomic<Int>(0)
    /// When the last delivery arrived (monotonic nanoseconds).
    let lastArrival = Atomic<UInt64>(0)

    init() {
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        precondition(epoll >= 0, "epoll_create1 failed: \(errno)")
    }

    deinit {
        Glibc.close(epoll)
        buffer.deallocate()
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "wsbench-receive"
        thread.start()
    }

    /// Hands a connection to the loop; from here on only the loop touches it, until ``stop()``.
    func add(_ receiver: RawReceiver) {
        receivers.withLock { $0.append(receiver) }
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | EPOLLRDHUP.rawValue
        event.data.u64 = UInt64(UInt(bitPattern: Unmanaged.passUnretained(receiver).toOpaque()))
        epoll_ctl(epoll, EPOLL_CTL_ADD, receiver.socket.fd, &event)
    }

    /// Stops the loop and waits for its thread to end.
    ///
    /// - Returns: every connection it read, to collect their stats and close them.
    func stop() async -> [RawReceiver] {
        isStopping.store(true, ordering: .releasing)
        while !hasStopped.load(ordering: .acquiring) { try? await Task.sleep(for: .milliseconds(1)) }
        return receivers.withLock { $0 }
    }

    private func run() {
        var events = [epoll_event](repeating: epoll_event(), count: 256)
        while !isStopping.load(ordering: .relaxed) {
            // Idle, it wakes every 20 ms only to see whether it should stop.
            let timeout: Int32 = isBusy.load(ordering: .relaxed) ? 0 : 20
            let ready = epoll_wait(epoll, &events, Int32(events.count), timeout)
            guard ready > 0 else { continue }
            for event in events[..<Int(ready)] {
                let pointer = UnsafeRawPointer(bitPattern: UInt(event.data.u64))!
                read(Unmanaged<RawReceiver>.fromOpaque(pointer).takeUnretainedValue())
            }
        }
        hasStopped.store(true, ordering: .releasing)
    }

    /// One `recv` for a ready socket; another only if that one filled the buffer.
    private func read(_ receiver: RawReceiver) {
        while true {
            let count = recv(receiver.socket.fd, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT))
            if count < 0, errno == EINTR { continue }
            if count < 0, errno == EAGAIN || errno == EWOULDBLOCK { return }
            guard count > 0 else {
                // The end of the stream or an error: level-triggered epoll would report it forever.
                epoll_ctl(epoll, EPOLL_CTL_DEL, receiver.socket.fd, nil)
                receiver.markClosed()
                return
            }
            let now = monotonicNanoseconds()
            let deliveries = receiver.consume(UnsafeRawBufferPointer(rebasing: buffer[..<count]), arrivedAt: now)
            if deliveries > 0 {
                delivered.add(deliveries, ordering: .relaxed)
                lastArrival.store(now, ordering: .relaxed)
            }
            if count < buffer.count { return }
        }
    }
}

/// How many cores this process may run on (its affinity, as `taskset` sets it), from the
/// `Cpus_allowed` mask in `/proc/self/status`.
func allowedCoreCount() -> Int {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") }) else {
        return ProcessInfo.processInfo.activeProcessorCount
    }
    let mask = line.dropFirst("Cpus_allowed:".count).filter(\.isHexDigit)
    return max(1, mask.reduce(0) { $0 + ($1.hexDigitValue ?? 0).nonzeroBitCount })
}
