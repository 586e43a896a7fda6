/// What stops a `course` command, in words a learner can act on.
public enum CourseError: Error, Equatable, CustomStringConvertible {
    case notInCourse(String)
    case noSuchLesson(Int, available: [Int])
    case noSuchExercise(lesson: Int, exercise: Int, available: Int)
    case unreadable(String)
    case toolFailed(String)
    case folderNotEmpty(String)
    case invalidProductName(String)

    public var description: String {
        switch self {
        case .notInCourse(let folder):
            "\(folder) is not inside the course. Run `swift run course` from the folder that holds Package.swift and lessons/."
        case .noSuchLesson(let number, let available):
            "There is no lesson \(number). Lessons here: \(available.map(String.init).joined(separator: ", "))."
        case .noSuchExercise(let lesson, let exercise, let available):
            "Lesson \(lesson) has no exercise \(exercise); it has \(available)."
        case .unreadable(let file):
            "Could not read \(file)."
        case .toolFailed(let what):
            what
        case .folderNotEmpty(let folder):
            "\(folder) is not empty. Give a new folder, or an empty one: nothing is overwritten."
        case .invalidProductName(let name):
            "\"\(name)\" can't be the product's name: use lower-case letters and digits in words joined by hyphens, "
                + "starting with a letter (such as acme-chat), at most 40 characters, and not wsclient."
        }
    }
}
