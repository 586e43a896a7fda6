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
