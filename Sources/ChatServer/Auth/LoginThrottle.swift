import Foundation
import NIOConcurrencyHelpers

/// At most `limit` events per key within a sliding `window`; past that, the wait until the oldest
/// leaves it.
public final class SlidingWindowLimit: Sendable {
    public let window: TimeInterval
    public let limit: Int
    private let events = NIOLockedValueBox<[String: [Date]]>([:])

    public init(window: TimeInterval, limit: Int) {
        self.window = window
        self.limit = limit
    }

    /// Seconds until another event for `key` is allowed, or `nil` when it is allowed now.
    public func retryAfter(_ key: String, now: Date = Date()) -> TimeInterval? {
        events.withLockedValue { events in
            let recent = events[key, default: []].filter { now.timeIntervalSince($0) < window }
            events[key] = recent.isEmpty ? nil : recent
            guard recent.count >= limit, let oldest = recent.first else { return nil }
            return window - now.timeIntervalSince(oldest)
        }
    }

    /// Counts an event for `key`.
    public func record(_ key: String, now: Date = Date()) {
        events.withLockedValue { $0[key, default: []].append(now) }
    }
}

/// Limits failed sign-ins, per user name and per client address, over a sliding window.
///
/// Guessing passwords needs many tries; a person who mistypes needs few. After `perName` failures for
/// one name, or `perAddress` from one address, within `window`, further tries are refused with 429
/// until the oldest failure leaves the window. A success does not clear the count: it would let a
/// guesser who knows one password reset the limit on another.
public final class LoginThrottle: Sendable {
    private let byName: SlidingWindowLimit
    private let byAddress: SlidingWindowLimit

    public init(window: TimeInterval = 15 * 60, perName: Int = 5, perAddress: Int = 20) {
        byName = SlidingWindowLimit(window: window, limit: perName)
        byAddress = SlidingWindowLimit(window: window, limit: perAddress)
    }

    /// Seconds to wait before trying again, or `nil` when a try is allowed now.
    public func retryAfter(name: String, address: String, now: Date = Date()) -> Int? {
        [byName.retryAfter(name, now: now), byAddress.retryAfter(address, now: now)].compactMap { $0 }.max().map {
            Int($0.rounded(.up))
        }
    }

    /// Counts a failed try.
    public func recordFailure(name: String, address: String, now: Date = Date()) {
        byName.record(name, now: now)
        byAddress.record(address, now: now)
    }
}
