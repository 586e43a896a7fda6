import CourseKit
import Exercise05
import Hummingbird
import LessonKit
import Solution05

/// The three answers of lesson 5, from the exercise or the solution as ``CheckTarget/current`` says.
struct Lesson05Answers: Sendable {
    let makeRooms: @Sendable () -> any ChatRooms
    let openHistory: @Sendable (_ path: String) throws -> any ChatHistory
    let buildChatServer: @Sendable (any ChatRooms, any ChatHistory, [String], ApplicationConfiguration) throws -> any ApplicationProtocol

    static let exercise = Self(
        makeRooms: { Exercise05.Rooms() },
        openHistory: { try Exercise05.History(path: $0) },
        buildChatServer: Exercise05.buildChatServer
    )
    static let solution = Self(
        makeRooms: { Solution05.Rooms() },
        openHistory: { try Solution05.History(path: $0) },
        buildChatServer: Solution05.buildChatServer
    )

    /// The answers under check in this run.
    static var checked: Self {
        switch CheckTarget.current {
        case .exercise: .exercise
        case .solution: .solution
        }
    }
}
