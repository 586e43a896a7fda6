import Foundation

/// Puts a lesson's exercise (or one exercise of it) back as the course ships it, after copying the
/// learner's files to `.course-backup/` so that no answer is ever lost.
public struct ExerciseReset: Sendable {
    /// The folder at the course root that keeps the learner's files (ignored by git).
    public static let backupFolder = ".course-backup"

    /// What a reset will change, worked out before anything is touched.
    public struct Plan: Sendable {
        public let lesson: Lesson
        /// The exercise reset, or `nil` for the whole lesson.
        public let exercise: Int?
        /// The pristine contents of each file that differs from them or is missing, by path.
        public let restored: [String: Data]
        /// Files the learner added to the lesson's folder; only a whole-lesson reset removes them.
        public let removed: [String]

        /// The learner's files the reset replaces or removes: what the backup holds.
        public var replaced: [String] {
            (restored.keys.filter { FileManager.default.fileExists(atPath: $0) } + removed).sorted()
        }

        /// Whether the exercise is already as shipped.
        public var isEmpty: Bool { restored.isEmpty && removed.isEmpty }
    }

    let root: CourseRoot
    let pristine: PristineExercises

    public init(root: CourseRoot) throws {
        self.root = root
        self.pristine = try PristineExercises(root: root)
    }

    /// Works out a reset of a lesson's exercise, or of one exercise of it: which files go back to
    /// their pristine contents, which the learner added.
    ///
    /// - Throws: ``CourseError/noSuchExercise(lesson:exercise:available:)`` for an exercise the lesson
    ///   does not have; ``CourseError/toolFailed(_:)`` when the pristine files can't be read from git.
    public func plan(_ lesson: Lesson, exercise: Int? = nil) throws -> Plan {
        let all = try pristine.contents(of: pristine.files(of: lesson), in: root)
        var chosen = all
        if let exercise {
            let numbers = all.mapValues { PristineExercises.exerciseNumber(in: String(decoding: $0, as: UTF8.self)) }
            chosen = all.filter { numbers[$0.key] == exercise }
            guard !chosen.isEmpty else {
                throw CourseError.noSuchExercise(lesson: lesson.number, exercise: exercise, available: Set(numbers.values.compactMap { $0 }).count)
            }
        }
        let restored = chosen.filter { path, data in FileManager.default.contents(atPath: root.path(path)) != data }
        let added =
            exercise == nil ? PristineExercises.files(under: lesson.exercisePath, in: root).filter { all[$0] == nil } : []
        return Plan(
            lesson: lesson,
            exercise: exercise,
            restored: Dictionary(uniqueKeysWithValues: restored.map { (root.path($0.key), $0.value) }),
            removed: added.map { root.path($0) }
        )
    }

    /// Copies the learner's files to a new folder in `.course-backup/`, then puts the pristine ones back.
    ///
    /// - Returns: the backup folder, relative to the course root; `nil` when nothing was replaced.
    @discardableResult
    public func perform(_ plan: Plan, at date: Date = Date()) throws -> String? {
        let files = FileManager.default
        var backup: String?
        if !plan.replaced.isEmpty {
            let folder = uniqueBackupFolder(at: date)
            for path in plan.replaced {
                let target = URL(fileURLWithPath: root.path(folder + "/" + root.relative(path)))
                try files.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try files.copyItem(atPath: path, toPath: target.path)
            }
            backup = folder
        }
        // Only once every file is safe in the backup is any of them replaced.
        for (path, data) in plan.restored {
            let url = URL(fileURLWithPath: path)
            try files.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url, options: .atomic)
        }
        for path in plan.removed {
            try files.removeItem(atPath: path)
        }
        return backup
    }

    /// `.course-backup/2026-11-30T17-05-12`, or with `-2`, `-3`… when a reset in the same second made one.
    private func uniqueBackupFolder(at date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd'T'HH-mm-ss"
        let base = "\(Self.backupFolder)/\(formatter.string(from: date))"
        var folder = base
        var attempt = 1
        while root.exists(folder) {
            attempt += 1
            folder = "\(base)-\(attempt)"
        }
        return folder
    }
}
