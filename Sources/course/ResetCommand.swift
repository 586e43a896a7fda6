import ArgumentParser
import CourseKit
import Foundation

/// `course reset N [E]`: the pristine exercise back, the learner's files kept in `.course-backup/`.
struct ResetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset",
        abstract: "Put a lesson's exercise back as it was, keeping your files in .course-backup/.",
        discussion: """
            Without an exercise number, the whole lesson's folder goes back as the course ships it, and \
            files you added to it are moved to the backup too. The pristine files come from the course's \
            git history (see exercises/pristine-blobs.txt), so committing your answers doesn't matter.
            """
    )

    @Argument(help: "The lesson's number.")
    var lesson: Int

    @Argument(help: "The exercise's number (default: every exercise of the lesson).")
    var exercise: Int?

    @Flag(help: "Don't ask first.")
    var yes = false

    func run() throws {
        var context = try CourseContext()
        let lesson = try context.catalog.lesson(self.lesson)
        let reset = try ExerciseReset(root: context.root)
        let plan = try reset.plan(lesson, exercise: exercise)
        let what = exercise.map { "Exercise \($0) of lesson \(lesson.number)" } ?? "Lesson \(lesson.number)'s exercise"
        guard !plan.isEmpty else {
            print("\(what) is already as the course ships it: nothing to reset.")
            return
        }
        let replaced = plan.replaced.map(context.root.relative)
        if !yes, TerminalStyle.isTerminal(STDIN_FILENO) {
            print("\(what) goes back as the course ships it. Your files are copied to \(ExerciseReset.backupFolder)/ first:")
            for path in replaced {
                print("    \(path)")
            }
            print("Reset? [y/N] ", terminator: "")
            guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
                print("Nothing changed.")
                throw ExitCode.failure
            }
        }
        let backup = try reset.perform(plan)
        context.progress.update(lesson.number) { record in
            record.forgetChecks(of: exercise)
        }
        try context.save()
        print(context.style.green("✔ \(what) is as the course ships it again."))
        if let backup {
            print("Your files are in \(backup)/: \(replaced.joined(separator: ", ")).")
        }
        print("Check it: swift run course check \(lesson.number)")
    }
}
