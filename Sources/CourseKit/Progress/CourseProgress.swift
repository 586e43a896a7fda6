import Foundation

/// What the learner has done, kept across sessions in a small file at the course root (gitignored).
public struct CourseProgress: Codable, Sendable, Equatable {
    /// Where a lesson stands.
    public enum Status: String, Codable, Sendable {
        case notStarted = "not started"
        case inProgress = "in progress"
        case done
    }

    /// One lesson's record.
    public struct LessonRecord: Codable, Sendable, Equatable {
        public var status: Status = .notStarted
        /// The first exercise whose checks failed in the last check, if any.
        public var failingExercise: Int?
        /// How many hints have been shown, by exercise number.
        public var hintsShown: [String: Int] = [:]
        /// Whether each exercise's checks all passed in the last check, by exercise number; optional
        /// so that a progress file written before it was kept still reads.
        public var exerciseResults: [String: Bool]?

        /// A lesson not started.
        public init() {}

        /// Forgets what checks said of an exercise (`nil`: of every exercise) that was just reset: it
        /// is to be done again, so the lesson is no longer done.
        public mutating func forgetChecks(of exercise: Int?) {
            if status == .done { status = .inProgress }
            guard let exercise else {
                exerciseResults = nil
                failingExercise = nil
                return
            }
            exerciseResults?[String(exercise)] = nil
            failingExercise = min(failingExercise ?? exercise, exercise)
        }
    }

    /// The file's name at the course root.
    public static let fileName = ".course-progress.json"

    /// Records by lesson number.
    public var lessons: [String: LessonRecord] = [:]

    public init() {}

    /// The record of a lesson, empty if it was never touched.
    public func record(_ lesson: Int) -> LessonRecord {
        lessons[String(lesson)] ?? LessonRecord()
    }

    /// Changes a lesson's record.
    public mutating func update(_ lesson: Int, _ change: (inout LessonRecord) -> Void) {
        var record = record(lesson)
        change(&record)
        lessons[String(lesson)] = record
    }

    /// Marks a lesson started unless it is already further on.
    public mutating func start(_ lesson: Int) {
        update(lesson) { if $0.status == .notStarted { $0.status = .inProgress } }
    }

    /// The first lesson not done, in catalog order.
    public func next(in catalog: LessonCatalog) -> Lesson? {
        catalog.lessons.first { record($0.number).status != .done }
    }

    /// Reads the progress file, or starts afresh when there is none.
    ///
    /// A file that can't be read as progress is set aside, as `.course-progress.json.unreadable`, rather
    /// than trusted or lost.
    public static func load(from root: CourseRoot) -> CourseProgress {
        let path = root.path(fileName)
        guard let data = FileManager.default.contents(atPath: path) else { return CourseProgress() }
        if let progress = try? JSONDecoder().decode(CourseProgress.self, from: data) {
            return progress
        }
        try? FileManager.default.removeItem(atPath: path + ".unreadable")
        try? FileManager.default.moveItem(atPath: path, toPath: path + ".unreadable")
        return CourseProgress()
    }

    /// Writes the progress file.
    public func save(to root: CourseRoot) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: root.path(Self.fileName)), options: .atomic)
    }
}
