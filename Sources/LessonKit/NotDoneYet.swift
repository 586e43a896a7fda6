/// What an exercise throws until the learner writes it.
///
/// Throwing, never crashing: a `fatalError` in one exercise would end the whole test run, and every
/// other check with it. The message says what to write, so a failing check reads as the next step.
public struct NotDoneYet: Error, Equatable, CustomStringConvertible {
    /// What the learner has to write, in a sentence.
    public let task: String

    /// Creates the error for an unwritten exercise.
    ///
    /// - Parameter task: what to write, such as "compute Sec-WebSocket-Accept from the key".
    public init(_ task: String) {
        self.task = task
    }

    public var description: String { "not done yet: \(task)" }
}
