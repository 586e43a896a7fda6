import ArgumentParser
import CourseKit

/// `course list`: every lesson and where it stands.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the lessons: done, in progress or not started.")

    func run() throws {
        let context = try CourseContext()
        let style = context.style
        for lesson in context.catalog.lessons {
            let status = context.progress.record(lesson.number).status
            let mark =
                switch status {
                case .done: style.green("✔ done       ")
                case .inProgress: style.yellow("● in progress")
                case .notStarted: style.dim("○ not started")
                }
            print("\(mark)  \(lesson.number). \(lesson.title)")
        }
    }
}
