import LessonKit
import TestSupport
import Testing

/// Exercise 2: the token bucket, driven by a clock the tests hold.
@Suite("Exercise 2: the token bucket", .onThreadsOfTheirOwn)
struct TokenBucketTests {
    let answers = Lesson04Answers.checked

    @Test("A full bucket accepts a burst at once, then refuses and says when to retry")
    func burst() throws {
        let admit = answers.makeBucket(RateLimit(rate: 2, burst: 5, strikes: 100))
        for _ in 0..<5 {
            #expect(try admit(.zero) == .accept)
        }
        #expect(try admit(.zero) == .refuse(retryAfter: .milliseconds(500)), "one token comes back every half second")
    }

    @Test("A retry after the time a refusal names is accepted; a millisecond sooner is not")
    func retryAfter() throws {
        let limit = RateLimit(rate: 3, burst: 1, strikes: 100)
        let admit = answers.makeBucket(limit)
        #expect(try admit(.zero) == .accept)
        guard case .refuse(let wait) = try admit(.milliseconds(100)) else {
            Issue.record("an empty bucket must refuse")
            return
        }
        #expect(wait == .milliseconds(234), "a third of a second less the 100 ms gone, rounded up to the millisecond")
        let early = answers.makeBucket(limit)
        _ = try early(.zero)
        _ = try early(.milliseconds(100))
        #expect(try early(.milliseconds(100) + wait - .milliseconds(1)) != .accept)
        #expect(try admit(.milliseconds(100) + wait) == .accept)
    }

    @Test("It refills at the rate, never past the burst")
    func refill() throws {
        let admit = answers.makeBucket(RateLimit(rate: 10, burst: 3, strikes: 100))
        for _ in 0..<3 { _ = try admit(.zero) }
        #expect(try admit(.milliseconds(100)) == .accept, "a tenth of a second brings one token back")
        let later = try (0..<10).map { _ in try admit(.seconds(100)) }
        let accepted = later.filter { $0 == .accept }.count
        #expect(accepted == 3, "however long the pause, at most a burst at once")
    }

    @Test("The strikes-th refusal in a row closes; an accepted message starts the count again")
    func strikes() throws {
        let admit = answers.makeBucket(RateLimit(rate: 1, burst: 1, strikes: 3))
        #expect(try admit(.zero) == .accept)
        #expect(try admit(.zero) != .accept)
        #expect(try admit(.zero) != .accept)
        #expect(try admit(.seconds(1)) == .accept, "a token came back")
        #expect(try admit(.seconds(1)) != .close, "the count started again")
        #expect(try admit(.seconds(1)) != .close)
        #expect(try admit(.seconds(1)) == .close, "the third refusal in a row")
    }

    @Test("A client that sends a little below the rate is never refused")
    func steadyClient() throws {
        let admit = answers.makeBucket(RateLimit(rate: 5, burst: 1, strikes: 1))
        for tick in 0..<500 {
            let now = Duration.milliseconds(tick * 210)
            #expect(try admit(now) == .accept, "at \(now)")
        }
    }

    @Test("Property: in any window of length t, at most burst + rate × t messages are accepted (200 seeded schedules)")
    func neverMoreThanTheLimit() throws {
        var random = SplitMix64(seed: 0x4C_65_73_73_6F_6E_34)
        for _ in 0..<200 {
            let limit = RateLimit(rate: Double.random(in: 0.125...50, using: &random), burst: Int.random(in: 1...20, using: &random), strikes: .max)
            let admit = answers.makeBucket(limit)
            var now = Duration.zero
            var accepted: [Duration] = []
            for _ in 0..<300 {
                // Bursts of sends at once, then pauses of up to two seconds.
                if Int.random(in: 0...3, using: &random) == 0 { now += .microseconds(Int64.random(in: 0...2_000_000, using: &random)) }
                if try admit(now) == .accept { accepted.append(now) }
            }
            for first in accepted.indices {
                for last in first..<accepted.count {
                    let window = accepted[last] - accepted[first]
                    let seconds = Double(window.components.seconds) + Double(window.components.attoseconds) / 1e18
                    let allowed = Double(limit.burst) + limit.rate * seconds
                    guard Double(last - first + 1) <= allowed + 1e-6 else {
                        Issue.record("\(last - first + 1) accepted within \(window) with rate \(limit.rate) and burst \(limit.burst)")
                        return
                    }
                }
            }
        }
    }
}
