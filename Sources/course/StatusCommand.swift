import ArgumentParser
import CourseKit

/// `course`: where the learner is and the one thing to do next.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show your progress and the next step (the default).")

    func run() throws {
        let context = try CourseContext()
        let style = context.style
        let done = context.catalog.lessons.filter { context.progress.record($0.number).status == .done }.count
        print(style.bold("WebSockets in server-side Swift") + style.dim(" — \(done) of \(context.catalog.lessons.count) lessons done"))
        print("")
        guard let next = context.progress.next(in: context.catalog) else {
            print("Every lesson written so far is done. The finished server: swift run chat-server")
            print("Build your own product on it: swift run course template ../my-chat --name my-chat")
            return
        }
        let record = context.progress.record(next.number)
        print("Next: lesson \(next.number), \(style.bold(next.title)) (\(record.status.rawValue))")
        for step in NextSteps(lesson: next, record: record).lines {
            print("  " + step)
        }
    }
}

/// The commands that move a lesson on, for where the learner stands in it.
struct NextSteps {
    let lesson: Lesson
    let record: CourseProgress.LessonRecord

    var lines: [String] {
        switch record.status {
        case .notStarted:
            return [
                "Read it:        swift run course show \(lesson.number)",
                "Then edit:      \(lesson.exercisePath)/",
                "Check your work: swift run course check \(lesson.number)",
            ]
        case .inProgress:
            let exercise = record.failingExercise.map { "exercise \($0) in " } ?? ""
            return [
                "Work on:        \(exercise)\(lesson.exercisePath)/",
                "Check your work: swift run course check \(lesson.number)",
                "Or on each save: swift run course watch \(lesson.number)",
                "Stuck?          swift run course hint \(lesson.number)",
            ]
        case .done:
            return [
                "Run it:         swift run \(lesson.executable)",
                "Compare:        swift run course solution \(lesson.number)",
            ]
        }
    }
}
