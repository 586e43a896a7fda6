import ArgumentParser
import CourseKit

/// `course hint N [E]`: the next hint for an exercise, one at a time.
struct HintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hint",
        abstract: "Show the next hint for a lesson's exercise.",
        discussion: "Without an exercise number, hints are for the exercise your last check stopped at."
    )

    @Argument(help: "The lesson's number.")
    var lesson: Int

    @Argument(help: "The exercise's number (default: the one your last check stopped at).")
    var exercise: Int?

    @Flag(help: "Show every hint revealed so far again, not just the next one.")
    var all = false

    func run() throws {
        var context = try CourseContext()
        let lesson = try context.catalog.lesson(self.lesson)
        let hints = LessonHints(markdown: try context.root.read(lesson.hintsPath))
        let record = context.progress.record(lesson.number)
        let number = exercise ?? record.failingExercise ?? 1
        guard let exercise = hints.exercise(number) else {
            throw CourseError.noSuchExercise(lesson: lesson.number, exercise: number, available: hints.exercises.count)
        }

        let key = String(number)
        let shown = record.hintsShown[key] ?? 0
        let revealed = min(shown + (all && shown > 0 ? 0 : 1), exercise.hints.count)
        let style = context.style
        let renderer = context.renderer
        for index in (all ? 0 : revealed - 1)..<revealed {
            print(style.bold("Hint \(index + 1) of \(exercise.hints.count)") + style.dim(" — exercise \(number): \(exercise.title)"))
            print(renderer.render(exercise.hints[index]))
            print("")
        }
        if revealed == exercise.hints.count {
            print(style.dim("That is the last hint. The reference answer: swift run course solution \(lesson.number) --anyway"))
        } else {
            print(style.dim("Another: swift run course hint \(lesson.number) \(number)"))
        }
        context.progress.start(lesson.number)
        context.progress.update(lesson.number) { $0.hintsShown[key] = revealed }
        try context.save()
    }
}
