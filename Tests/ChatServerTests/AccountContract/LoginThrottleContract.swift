import Foundation
import Testing

@testable import ChatServer

/// What every ``LoginThrottle`` promises, on a clock the test sets; each throttle's suite checks every point.
enum LoginThrottleContract: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case perName = "past the limit for a name, its tries wait until the oldest failure leaves the window; other names don't"
    case perAddress = "past the limit for an address, every name tried from it waits; other addresses don't"
    case window = "failures older than the window count for nothing"

    var testDescription: String { rawValue }

    /// A whole second, so that every store keeps it exactly.
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    func check(on kind: StoreKind) async throws {
        try await kind.withAccounts { accounts in
            let throttle = accounts.throttle(600, 3, 5)
            switch self {
            case .perName: try await Self.checkPerName(throttle)
            case .perAddress: try await Self.checkPerAddress(throttle)
            case .window: try await Self.checkWindow(throttle)
            }
        }
    }

    private static func at(_ seconds: TimeInterval) -> Date { start.addingTimeInterval(seconds) }

    private static func checkPerName(_ throttle: any LoginThrottle) async throws {
        for second in 0..<3 {
            #expect(try await throttle.retryAfter(name: "alice", address: "10.0.0.\(second)", now: at(Double(second))) == nil)
            try await throttle.recordFailure(name: "alice", address: "10.0.0.\(second)", now: at(Double(second)))
        }
        #expect(try await throttle.retryAfter(name: "alice", address: "10.0.0.9", now: at(10)) == 590)
        #expect(try await throttle.retryAfter(name: "alice", address: "10.0.0.9", now: at(599.5)) == 1, "rounded up")
        #expect(try await throttle.retryAfter(name: "bob", address: "10.0.0.9", now: at(10)) == nil)
    }

    private static func checkPerAddress(_ throttle: any LoginThrottle) async throws {
        for index in 0..<5 {
            try await throttle.recordFailure(name: "user\(index)", address: "10.0.0.1", now: at(Double(index)))
        }
        #expect(try await throttle.retryAfter(name: "someone", address: "10.0.0.1", now: at(100)) == 500)
        #expect(try await throttle.retryAfter(name: "someone", address: "10.0.0.2", now: at(100)) == nil)
    }

    private static func checkWindow(_ throttle: any LoginThrottle) async throws {
        for second in [0, 300, 301] {
            try await throttle.recordFailure(name: "alice", address: "10.0.0.1", now: at(Double(second)))
        }
        #expect(try await throttle.retryAfter(name: "alice", address: "10.0.0.1", now: at(599)) == 1)
        #expect(try await throttle.retryAfter(name: "alice", address: "10.0.0.1", now: at(600)) == nil, "the first failure has left")
        for second in [850, 851] {
            try await throttle.recordFailure(name: "alice", address: "10.0.0.1", now: at(Double(second)))
        }
        #expect(try await throttle.retryAfter(name: "alice", address: "10.0.0.1", now: at(851)) == 49, "300 is now the oldest in the window")
        #expect(try await throttle.retryAfter(name: "alice", address: "10.0.0.1", now: at(1_500)) == nil)
    }
}
