import LessonKit

/// Exercise 2, the reference: a token bucket for one connection.
///
/// The bucket holds up to `burst` tokens and starts full; it fills at `rate` tokens a second; each
/// message accepted takes one. Time comes in from outside, as a duration since any fixed start, so
/// that tests drive it without sleeping.
public struct TokenBucket: Sendable {
    public let limit: RateLimit
    private var tokens: Double
    private var last: Duration?
    private var refusedInARow = 0

    public init(_ limit: RateLimit) {
        self.limit = limit
        self.tokens = Double(limit.burst)
    }

    /// Decides on a message arriving at `now`; times never go backwards.
    public mutating func admit(at now: Duration) throws -> Admission {
        if let last {
            tokens = min(Double(limit.burst), tokens + seconds(now - last) * limit.rate)
        }
        last = now
        // A hair of slack: a retry at the moment a refusal named must not lose to rounding.
        if tokens >= 1 - 1e-9 {
            tokens -= 1
            refusedInARow = 0
            return .accept
        }
        refusedInARow += 1
        if refusedInARow >= limit.strikes { return .close }
        // Rounded up to the millisecond: a retry at exactly that moment finds a whole token.
        let wait = (1 - tokens) / limit.rate
        return .refuse(retryAfter: .milliseconds(Int64((wait * 1000).rounded(.up))))
    }
}

private func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}
