import CourseKit
import Foundation
import TestSupport
import Testing

@Suite("course reset and the exercises' state", .onThreadsOfTheirOwn)
struct ExerciseResetTests {
    @Test("Resetting one exercise puts back its pristine file, even after the learner committed an answer, and backs up theirs")
    func oneExercise() throws {
        try withTemporaryCourse { root, lesson in
            try root.write("/// Exercise 1: the first\nlet answer = 42\n", to: "exercises/01-first/A.swift")
            try root.write("/// Exercise 2: the second\nlet other = 1\n", to: "exercises/01-first/B.swift")
            try TemporaryCourse.commit(root)

            let reset = try ExerciseReset(root: root)
            let plan = try reset.plan(lesson, exercise: 1)
            #expect(plan.replaced.map(root.relative) == ["exercises/01-first/A.swift"])
            let backup = try #require(try reset.perform(plan, at: Date(timeIntervalSince1970: 0)))

            #expect(try root.read("exercises/01-first/A.swift") == TemporaryCourse.pristineA)
            #expect(try root.read("exercises/01-first/B.swift") == "/// Exercise 2: the second\nlet other = 1\n")
            #expect(backup.hasPrefix(".course-backup/19"), "named after the reset's date and time: \(backup)")
            #expect(try root.read("\(backup)/exercises/01-first/A.swift") == "/// Exercise 1: the first\nlet answer = 42\n")
        }
    }

    @Test("Resetting the lesson puts back every file and moves the learner's own additions to the backup")
    func wholeLesson() throws {
        try withTemporaryCourse { root, lesson in
            try root.write("/// Exercise 2: the second\nlet other = 1\n", to: "exercises/01-first/B.swift")
            try root.write("let helper = 1\n", to: "exercises/01-first/Helper.swift")
            try FileManager.default.removeItem(atPath: root.path("exercises/01-first/A.swift"))

            let reset = try ExerciseReset(root: root)
            let plan = try reset.plan(lesson)
            #expect(plan.replaced.map(root.relative) == ["exercises/01-first/B.swift", "exercises/01-first/Helper.swift"])
            let backup = try #require(try reset.perform(plan))

            #expect(try root.read("exercises/01-first/A.swift") == TemporaryCourse.pristineA)
            #expect(try root.read("exercises/01-first/B.swift") == TemporaryCourse.pristineB)
            #expect(!root.exists("exercises/01-first/Helper.swift"))
            #expect(try root.read("\(backup)/exercises/01-first/Helper.swift") == "let helper = 1\n")
            #expect(try reset.plan(lesson).isEmpty)
            #expect(try PristineExercises(root: root).changedFiles(of: lesson, in: root).isEmpty)
        }
    }

    @Test("An exercise the lesson lacks is refused with the number it has")
    func noSuchExercise() throws {
        try withTemporaryCourse { root, lesson in
            #expect(throws: CourseError.noSuchExercise(lesson: 1, exercise: 3, available: 2)) {
                try ExerciseReset(root: root).plan(lesson, exercise: 3)
            }
        }
    }

    static let courseRoot = try! CourseRoot.find(from: URL(fileURLWithPath: #filePath).deletingLastPathComponent().path)

    // A course downloaded as an archive has no git history to read pristine files from.
    @Test(
        "The course's record names files of every lesson's exercise, and this clone holds each recorded blob",
        .enabled(if: courseRoot.exists(".git"))
    )
    func courseRecord() throws {
        let root = Self.courseRoot
        let pristine = try PristineExercises(root: root)
        for lesson in try LessonCatalog(root: root).lessons {
            let files = pristine.files(of: lesson)
            #expect(!files.isEmpty, "lesson \(lesson.number) has no recorded exercise files")
            let contents = try pristine.contents(of: files, in: root)
            for (path, data) in contents {
                #expect(PristineExercises.exerciseNumber(in: String(decoding: data, as: UTF8.self)) != nil, "\(path) names no exercise")
            }
        }
    }
}
