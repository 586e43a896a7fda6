import LessonKit

/// Exercise 2: a token bucket for one connection, `limit.rate` messages a second on average and
/// bursts of up to `limit.burst`.
///
/// The contract (lesson 4, "Too much, too fast"):
/// - the bucket starts full, with `burst` tokens, and fills at `rate` tokens a second, never past
///   `burst`; each message accepted takes one token;
/// - a message that finds less than one token is refused, with how long until one would be there,
///   rounded up to the millisecond, so that a retry after exactly that long is accepted;
/// - the `strikes`-th refusal in a row is `.close` instead: the client is not slowing down. An
///   accepted message starts the count again.
/// Time comes in as `now`, a duration since any fixed start that never goes backwards, so that tests
/// drive it without sleeping.
public struct TokenBucket: Sendable {
    public let limit: RateLimit

    public init(_ limit: RateLimit) {
        self.limit = limit
        // TODO: set up whatever else the bucket keeps.
    }

    /// Decides on a message arriving at `now`.
    public mutating func admit(at now: Duration) throws -> Admission {
        // TODO: refill, then accept, refuse or close. Then delete the line below.
        throw NotDoneYet("accept, refuse with a retry time, or close after too many refusals, in TokenBucket.swift")
    }
}
