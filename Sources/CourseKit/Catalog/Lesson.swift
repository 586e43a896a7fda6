/// One lesson: its text, hints, the learner's files and the reference, and the suite that checks them.
///
/// A lesson is a folder `lessons/NN-slug/`, with `exercises/NN-slug/` and `solutions/NN-slug/` beside it.
public struct Lesson: Sendable, Equatable {
    /// The lesson's number, from 1.
    public let number: Int
    /// The folder name, such as `01-handshake`.
    public let folder: String
    /// The title: the first `#` heading of the lesson text.
    public let title: String

    /// The lesson text, relative to the course root.
    public var textPath: String { "lessons/\(folder)/README.md" }
    /// The hints, relative to the course root.
    public var hintsPath: String { "lessons/\(folder)/hints.md" }
    /// The learner's files, relative to the course root.
    public var exercisePath: String { "exercises/\(folder)" }
    /// The reference answers, relative to the course root.
    public var solutionPath: String { "solutions/\(folder)" }
    /// The two-digit number used in target names.
    public var paddedNumber: String { number < 10 ? "0\(number)" : "\(number)" }
    /// The test target that checks this lesson.
    public var suite: String { "Lesson\(paddedNumber)Tests" }
    /// The executable that runs this lesson's server.
    public var executable: String { "lesson\(paddedNumber)" }
}
