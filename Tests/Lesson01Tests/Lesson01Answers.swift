import ChatServer
import CourseKit
import Exercise01
import HTTPTypes
import Hummingbird
import Solution01

/// The three answers of lesson 1, from the exercise or the solution as ``CheckTarget/current`` says.
struct Lesson01Answers: Sendable {
    let acceptValue: @Sendable (String) throws -> String
    let decideUpgrade: @Sendable (HTTPRequest, HandshakePolicy) throws -> UpgradeDecision
    let buildEchoServer: @Sendable (HandshakePolicy, ApplicationConfiguration) throws -> any ApplicationProtocol

    static let exercise = Self(
        acceptValue: Exercise01.acceptValue,
        decideUpgrade: Exercise01.decideUpgrade,
        buildEchoServer: Exercise01.buildEchoServer
    )
    static let solution = Self(
        acceptValue: Solution01.acceptValue,
        decideUpgrade: Solution01.decideUpgrade,
        buildEchoServer: Solution01.buildEchoServer
    )

    /// The answers under check in this run.
    static var checked: Self {
        switch CheckTarget.current {
        case .exercise: .exercise
        case .solution: .solution
        }
    }
}
