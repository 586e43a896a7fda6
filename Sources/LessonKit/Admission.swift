/// What a rate limiter says of one message (lesson 4).
public enum Admission: Sendable, Equatable {
    /// Handle it.
    case accept
    /// Refuse it with a `rate_limited` error event; a retry after `retryAfter` would be accepted.
    case refuse(retryAfter: Duration)
    /// Too many refusals in a row: the client is not slowing down. Close with 1008.
    case close
}

/// How fast a client may send: `rate` messages a second on average, bursts of up to `burst`, and
/// `strikes` refusals in a row before the connection is closed.
public struct RateLimit: Sendable, Equatable {
    public var rate: Double
    public var burst: Int
    public var strikes: Int

    public init(rate: Double, burst: Int, strikes: Int) {
        self.rate = rate
        self.burst = burst
        self.strikes = strikes
    }

    /// What lesson 4's server allows by default: 5 a second, bursts of 10, closed after 5 refusals.
    public static let standard = RateLimit(rate: 5, burst: 10, strikes: 5)
}
