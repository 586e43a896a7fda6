import Foundation

/// Sends one connection's stamps from a thread of its own: at `rate` a second, sleeping until each is
/// due (late ones are sent at once, so the rate holds on average), or as fast as the socket takes them
/// when `rate` is 0 (blocking writes are the back-pressure). Each stamp is taken just before its frame
/// is built and written.
struct StampSender: Sendable {
    let socket: RawSocket
    let sender: Int
    let messages: Int
    let rate: Double
    /// Monotonic nanoseconds: when the first stamp is due, and when to stop, done or not.
    let start: UInt64
    let deadline: UInt64
    let payload: @Sendable (Stamp) -> String

    /// Sends every stamp on a thread of its own and returns once done.
    func run() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let thread = Thread {
                send()
                done.resume()
            }
            thread.name = "wsbench-send"
            thread.start()
        }
    }

    private func send() {
        var masks = MaskKeys()
        for sequence in 0..<messages {
            if rate > 0 {
                let due = start + UInt64(Double(sequence) / rate * 1e9)
                var time = timespec(tv_sec: Int(due / 1_000_000_000), tv_nsec: Int(due % 1_000_000_000))
                while monotonicNanoseconds() < due, clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &time, nil) == EINTR {}
            }
            let now = monotonicNanoseconds()
            guard now < deadline else { return }
            let stamp = Stamp(sender: sender, sequence: sequence, sentAt: now)
            guard socket.writeFrame(opcode: 0x1, payload(stamp).utf8, mask: masks.next()) else { return }
        }
    }
}

/// Masking keys from xorshift64*, seeded once: a key per frame from the system's generator cost a
/// `getrandom` call each. Masking is there to stop cache poisoning through proxies (RFC 6455 §10.3),
/// not to keep a secret, and these frames go to a server on this machine.
private struct MaskKeys {
    private var state = UInt64.random(in: 1 ... .max)

    mutating func next() -> UInt32 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return UInt32(truncatingIfNeeded: (state &* 0x2545_F491_4F6C_DD1D) >> 32)
    }
}
