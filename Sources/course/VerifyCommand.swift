import ArgumentParser
import CourseKit

/// `course verify`: the course's invariants, for authors and CI.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "For course authors: check that every untouched exercise fails its checks cleanly.",
        discussion: """
            Each exercise must compile, carry a // TODO, and fail every check of its lesson with a \
            "not done yet" message. That every solution passes is checked by the plain test command.
            """
    )

    func run() throws {
        let context = try CourseContext()
        var failed = false
        for lesson in context.catalog.lessons {
            let problems = try InvariantCheck(root: context.root).problems(in: lesson)
            if problems.isEmpty {
                print(context.style.green("✔") + " lesson \(lesson.number): the untouched exercise fails every check with \"not done yet\"")
            } else {
                failed = true
                print(context.style.red("✘") + " lesson \(lesson.number):")
                for problem in problems {
                    print("    \(problem)")
                }
            }
        }
        if failed { throw ExitCode.failure }
    }
}
