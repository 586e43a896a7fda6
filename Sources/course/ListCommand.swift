import ArgumentParser
import CourseKit

/// `course list`: every lesson and where it stands, and under each lesson begun, its exercises.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the lessons and their exercises: done, in progress or not started."
    )

    func run() throws {
        let context = try CourseContext()
        let style = context.style
        // Without the record (a download without git), exercises are told by the last check alone.
        let pristine = try? PristineExercises(root: context.root)
        for lesson in context.catalog.lessons {
            let record = context.progress.record(lesson.number)
            let mark =
                switch record.status {
                case .done: style.green("✔ done       ")
                case .inProgress: style.yellow("● in progress")
                case .notStarted: style.dim("○ not started")
                }
            print("\(mark)  \(lesson.number). \(lesson.title)")

            let exercises = LessonHints(markdown: (try? context.root.read(lesson.hintsPath)) ?? "").exercises
            let edited = (try? pristine?.editedExercises(of: lesson, in: context.root)) ?? []
            let states = ExerciseState.of(exercises.map(\.number), record: record, edited: edited)
            // A lesson nobody has touched would only repeat "not started" for each exercise.
            guard record.status != .notStarted || states.values.contains(where: { $0 != .untouched }) else { continue }
            for exercise in exercises {
                let state =
                    switch states[exercise.number] ?? .untouched {
                    case .passed: style.green("✔ passes    ")
                    case .failing: style.yellow("✘ failing   ")
                    case .edited: style.yellow("● edited    ")
                    case .untouched: style.dim("○ untouched ")
                    }
                print("                   \(state) exercise \(exercise.number): \(exercise.title)")
            }
        }
    }
}
