import Foundation

/// The sign-in throttle of one process, in memory: for a server on the SQLite file, which one process
/// serves.
public final class InMemoryLoginThrottle: LoginThrottle {
    private let byName: SlidingWindowLimit
    private let byAddress: SlidingWindowLimit

    public init(
        window: TimeInterval = InMemoryLoginThrottle.defaultWindow,
        perName: Int = InMemoryLoginThrottle.defaultPerName,
        perAddress: Int = InMemoryLoginThrottle.defaultPerAddress
    ) {
        byName = SlidingWindowLimit(window: window, limit: perName)
        byAddress = SlidingWindowLimit(window: window, limit: perAddress)
    }

    public func retryAfter(name: String, address: String, now: Date) -> Int? {
        [byName.retryAfter(name, now: now), byAddress.retryAfter(address, now: now)].compactMap { $0 }.max().map {
            Int($0.rounded(.up))
        }
    }

    public func recordFailure(name: String, address: String, now: Date) {
        byName.record(name, now: now)
        byAddress.record(address, now: now)
    }
}
