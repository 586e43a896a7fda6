/// A token bucket per connection: `rate` messages a second on average, bursts of up to `burst`.
///
/// A pure value with no clock of its own, so tests drive time. A client that keeps sending into an
/// empty bucket is abusing the server, not merely eager: after `strikes` refusals in a row the
/// connection is closed.
struct RateLimiter: Sendable {
    /// What to do with one message.
    enum Verdict: Equatable {
        case allow
        case refuse
        case disconnect
    }

    let rate: Double
    let burst: Double
    let strikes: Int
    private var tokens: Double
    private var last: ContinuousClock.Instant?
    private var refusedInARow = 0

    init(rate: Double, burst: Int, strikes: Int) {
        self.rate = rate
        self.burst = Double(burst)
        self.strikes = strikes
        self.tokens = Double(burst)
    }

    /// Takes a token for a message arriving at `now`.
    mutating func admit(at now: ContinuousClock.Instant) -> Verdict {
        if let last {
            let elapsed = now - last
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            tokens = min(burst, tokens + seconds * rate)
        }
        last = now
        guard tokens >= 1 else {
            refusedInARow += 1
            return refusedInARow >= strikes ? .disconnect : .refuse
        }
        tokens -= 1
        refusedInARow = 0
        return .allow
    }
}
