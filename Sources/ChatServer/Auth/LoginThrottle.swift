import Foundation

/// Limits failed sign-ins, per user name and per client address, over a sliding window.
///
/// Guessing passwords needs many tries; a person who mistypes needs few. After `perName` failures for
/// one name, or `perAddress` from one address, within `window`, further tries are refused with 429
/// until the oldest failure leaves the window. A success does not clear the count: it would let a
/// guesser who knows one password reset the limit on another.
///
/// Two throttles keep this contract: ``InMemoryLoginThrottle`` (one process) and
/// ``PostgresLoginThrottle``, which counts the failures of every process on a database, so that a
/// guesser gains nothing by spreading tries over the processes behind a load balancer.
public protocol LoginThrottle: Sendable {
    /// Seconds to wait before trying again, or `nil` when a try is allowed now.
    func retryAfter(name: String, address: String, now: Date) async throws -> Int?

    /// Counts a failed try.
    func recordFailure(name: String, address: String, now: Date) async throws
}

extension LoginThrottle {
    /// Fifteen minutes: the window of the default throttle.
    public static var defaultWindow: TimeInterval { 15 * 60 }
    /// Failures for one name within the window.
    public static var defaultPerName: Int { 5 }
    /// Failures from one address within the window.
    public static var defaultPerAddress: Int { 20 }

    /// Seconds to wait before trying again, or `nil` when a try is allowed now.
    public func retryAfter(name: String, address: String) async throws -> Int? {
        try await retryAfter(name: name, address: address, now: Date())
    }

    /// Counts a failed try, now.
    public func recordFailure(name: String, address: String) async throws {
        try await recordFailure(name: name, address: address, now: Date())
    }
}
