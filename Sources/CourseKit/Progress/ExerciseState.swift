import Foundation

/// Where one exercise of a lesson stands, from the last check and from its files.
public enum ExerciseState: String, Sendable, Equatable {
    /// Its checks all passed in the last check.
    case passed
    /// Some of its checks failed in the last check.
    case failing
    /// Its files differ from the pristine ones, and no check has said anything of it since.
    case edited
    /// Its files are as the course ships them, and no check passed it.
    case untouched

    /// The state of each exercise: the last check's word where there is one (a reset forgets it),
    /// else whether its files were changed.
    ///
    /// - Parameters:
    ///   - exercises: the lesson's exercise numbers.
    ///   - record: the lesson's progress, with the last check's results.
    ///   - edited: the exercises whose files differ from the pristine ones.
    public static func of(_ exercises: [Int], record: CourseProgress.LessonRecord, edited: Set<Int>) -> [Int: ExerciseState] {
        Dictionary(
            uniqueKeysWithValues: exercises.map { number in
                let state: ExerciseState =
                    switch record.exerciseResults?[String(number)] {
                    case true?: .passed
                    case false?: edited.contains(number) ? .failing : .untouched
                    case nil: edited.contains(number) ? .edited : .untouched
                    }
                return (number, state)
            }
        )
    }
}

extension PristineExercises {
    /// The exercises of a lesson whose files differ from the pristine ones, by the `/// Exercise N`
    /// of each changed file (or of its pristine self, when the learner removed the file or the line).
    public func editedExercises(of lesson: Lesson, in root: CourseRoot) throws -> Set<Int> {
        var edited = Set<Int>()
        for path in try changedFiles(of: lesson, in: root) {
            if let text = try? root.read(path), let number = Self.exerciseNumber(in: text) {
                edited.insert(number)
            } else if blobs[path] != nil, let data = try contents(of: [path], in: root)[path],
                let number = Self.exerciseNumber(in: String(decoding: data, as: UTF8.self))
            {
                edited.insert(number)
            }
        }
        return edited
    }
}
