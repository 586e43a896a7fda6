import Foundation
import NIOConcurrencyHelpers

/// Limits failed sign-ins, per user name and per client address, over a sliding window.
///
/// Guessing passwords needs many tries; a person who mistypes needs few. After `perName` failures for
/// one name, or `perAddress` from one address, within `window`, further tries are refused with 429
/// until the oldest failure leaves the window. A success does not clear the count: it would let a
/// guesser who knows one password reset the limit on another.
public final class LoginThrottle: Sendable {
    public let window: TimeInterval
    public let perName: Int
    public let perAddress: Int
    private let failures = NIOLockedValueBox<[String: [Date]]>([:])

    public init(window: TimeInterval = 15 * 60, perName: Int = 5, perAddress: Int = 20) {
        self.window = window
        self.perName = perName
        self.perAddress = perAddress
    }

    /// Seconds to wait before trying again, or `nil` when a try is allowed now.
    public func retryAfter(name: String, address: String, now: Date = Date()) -> Int? {
        failures.withLockedValue { failures in
            let waits = [("name:" + name, perName), ("address:" + address, perAddress)].compactMap { key, limit -> TimeInterval? in
                let recent = failures[key, default: []].filter { now.timeIntervalSince($0) < window }
                failures[key] = recent.isEmpty ? nil : recent
                guard recent.count >= limit, let oldest = recent.first else { return nil }
                return window - now.timeIntervalSince(oldest)
            }
            return waits.max().map { Int($0.rounded(.up)) }
        }
    }

    /// Counts a failed try.
    public func recordFailure(name: String, address: String, now: Date = Date()) {
        failures.withLockedValue { failures in
            failures["name:" + name, default: []].append(now)
            failures["address:" + address, default: []].append(now)
        }
    }
}
