import CourseKit
import Exercise04
import Exercise04YourTests
import Hummingbird
import LessonKit
import Logging
import Solution04
import Solution04YourTests

/// The four answers of lesson 4, from the exercise or the solution as ``CheckTarget/current`` says.
struct Lesson04Answers: Sendable {
    typealias ServerTest = @Sendable (any ApplicationProtocol) async throws -> Void

    let answer: @Sendable (any Error, () -> String) throws -> ErrorAnswer
    /// A fresh bucket, as the function that admits each message.
    let makeBucket: @Sendable (RateLimit) -> (Duration) throws -> Admission
    let buildContainedServer: @Sendable (RateLimit, Logger, ApplicationConfiguration) throws -> any ApplicationProtocol
    /// The learner's two tests of a server.
    let yourTests: [(name: String, run: ServerTest)]

    static let exercise = Self(
        answer: Exercise04.answer,
        makeBucket: { limit in
            var bucket = Exercise04.TokenBucket(limit)
            return { try bucket.admit(at: $0) }
        },
        buildContainedServer: Exercise04.buildContainedServer,
        yourTests: [
            ("malformedMessageKeepsTheConnection", { try await Exercise04YourTests.malformedMessageKeepsTheConnection($0) }),
            ("handlerBugClosesOnlyItsConnection", { try await Exercise04YourTests.handlerBugClosesOnlyItsConnection($0) }),
        ]
    )
    static let solution = Self(
        answer: Solution04.answer,
        makeBucket: { limit in
            var bucket = Solution04.TokenBucket(limit)
            return { try bucket.admit(at: $0) }
        },
        buildContainedServer: Solution04.buildContainedServer,
        yourTests: [
            ("malformedMessageKeepsTheConnection", { try await Solution04YourTests.malformedMessageKeepsTheConnection($0) }),
            ("handlerBugClosesOnlyItsConnection", { try await Solution04YourTests.handlerBugClosesOnlyItsConnection($0) }),
        ]
    )

    /// The answers under check in this run.
    static var checked: Self {
        switch CheckTarget.current {
        case .exercise: .exercise
        case .solution: .solution
        }
    }
}
