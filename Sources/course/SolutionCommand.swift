import ArgumentParser
import CourseKit
import Foundation

/// `course solution N`: the reference answers of a lesson, once the learner's own pass, or on
/// explicit request; reading them first spoils the lesson.
struct SolutionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solution",
        abstract: "Show the reference solution of a lesson you have finished."
    )

    @Argument(help: "The lesson's number.")
    var lesson: Int

    @Flag(help: "Show it even though your own exercise does not pass yet.")
    var anyway = false

    @Flag(help: "Print without a pager, even on a terminal.")
    var noPager = false

    func run() throws {
        let context = try CourseContext()
        let lesson = try context.catalog.lesson(self.lesson)
        guard anyway || context.progress.record(lesson.number).status == .done else {
            print(
                """
                Lesson \(lesson.number)'s reference is shown once your own exercise passes (swift run course check \(lesson.number)).
                Stuck? swift run course hint \(lesson.number). To see it now anyway: swift run course solution \(lesson.number) --anyway
                """
            )
            throw ExitCode.failure
        }
        let files = context.root.list(lesson.solutionPath).filter { $0.hasSuffix(".swift") }
        let markdown = try files.map { file in
            let path = "\(lesson.solutionPath)/\(file)"
            return "## \(path)\n\n```swift\n\(try context.root.read(path))```\n"
        }
        let text = context.renderer.render(
            "# Lesson \(lesson.number): the reference solution\n\n" + markdown.joined(separator: "\n")
        )
        Pager.show(text, paging: !noPager)
    }
}
