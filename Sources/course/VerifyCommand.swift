import ArgumentParser
import CourseKit

/// `course verify`: the course's invariants, for authors and CI.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "For course authors: check that every untouched exercise fails its checks cleanly.",
        discussion: """
            Each exercise must compile, carry a // TODO, and fail every check of its lesson with a \
            "not done yet" message, and be what exercises/pristine-blobs.txt records, which \
            `course reset` restores. That every solution passes is checked by the plain test command.
            """
    )

    @Flag(help: "Record the exercises as they are now in exercises/pristine-blobs.txt, after changing one, and stop.")
    var record = false

    func run() throws {
        let context = try CourseContext()
        if record {
            try context.root.write(try PristineExercises.recording(context.root).text, to: PristineExercises.path)
            print(context.style.green("✔") + " recorded the pristine exercises in \(PristineExercises.path)")
            return
        }
        var failed = false
        let pristine = try PristineExercises(root: context.root)
        for lesson in context.catalog.lessons {
            var problems = try InvariantCheck(root: context.root).problems(in: lesson)
            problems += try pristine.changedFiles(of: lesson, in: context.root).map { path in
                "\(path) is not what \(PristineExercises.path) records; after changing an exercise: swift run course verify --record"
            }
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
