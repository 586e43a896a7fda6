import CourseKit
import Exercise03
import Hummingbird
import LessonKit
import Solution03

/// The three answers of lesson 3, from the exercise or the solution as ``CheckTarget/current`` says.
struct Lesson03Answers: Sendable {
    let mayBeSent: @Sendable (UInt16) throws -> Bool
    let makeRegistry: @Sendable () -> any ConnectionRegistry
    let buildPresenceServer: @Sendable (any ConnectionRegistry, Duration, ApplicationConfiguration) throws -> any ApplicationProtocol

    static let exercise = Self(
        mayBeSent: Exercise03.mayBeSent,
        makeRegistry: { Exercise03.Registry() },
        buildPresenceServer: Exercise03.buildPresenceServer
    )
    static let solution = Self(
        mayBeSent: Solution03.mayBeSent,
        makeRegistry: { Solution03.Registry() },
        buildPresenceServer: Solution03.buildPresenceServer
    )

    /// The answers under check in this run.
    static var checked: Self {
        switch CheckTarget.current {
        case .exercise: .exercise
        case .solution: .solution
        }
    }
}
