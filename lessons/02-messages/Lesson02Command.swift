import ArgumentParser
import Exercise02
import LessonKit
import Solution02

/// Lesson 2's server: `echo.v1` on `/ws`, JSON messages and their limits, with the learner's code (or,
/// with `--solution`, the reference).
@main
struct Lesson02Command: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lesson02",
        abstract: "Lesson 2's server: echo.v1 on /ws, JSON messages and their limits, run by your code."
    )

    @OptionGroup var options: LessonServerOptions

    func run() async throws {
        try await options.serve(lesson: 2, build: options.solution ? Solution02.buildMessageServer : Exercise02.buildMessageServer)
    }
}
