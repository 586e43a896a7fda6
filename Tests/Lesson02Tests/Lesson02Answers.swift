import CourseKit
import Exercise02
import Hummingbird
import LessonKit
import Solution02

/// The three answers of lesson 2, from the exercise or the solution as ``CheckTarget/current`` says.
struct Lesson02Answers: Sendable {
    let readFrame: @Sendable ([UInt8]) throws -> WireFrame?
    let reply: @Sendable (String) throws -> String
    let buildMessageServer: @Sendable (ApplicationConfiguration) throws -> any ApplicationProtocol

    static let exercise = Self(
        readFrame: Exercise02.readFrame,
        reply: Exercise02.reply,
        buildMessageServer: Exercise02.buildMessageServer
    )
    static let solution = Self(
        readFrame: Solution02.readFrame,
        reply: Solution02.reply,
        buildMessageServer: Solution02.buildMessageServer
    )

    /// The answers under check in this run.
    static var checked: Self {
        switch CheckTarget.current {
        case .exercise: .exercise
        case .solution: .solution
        }
    }
}
