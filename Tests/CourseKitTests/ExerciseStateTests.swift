import CourseKit
import Foundation
import TestSupport
import Testing

@Suite("Each exercise's state, as course list shows it", .onThreadsOfTheirOwn)
struct ExerciseStateTests {
    @Test("Each exercise's state: passed by the last check, failing once edited, edited before any check, untouched")
    func states() throws {
        try withTemporaryCourse { root, lesson in
            try root.write("/// Exercise 2: the second\nlet other = 1\n", to: "exercises/01-first/B.swift")
            let edited = try PristineExercises(root: root).editedExercises(of: lesson, in: root)
            #expect(edited == [2])

            var record = CourseProgress.LessonRecord()
            #expect(ExerciseState.of([1, 2], record: record, edited: edited) == [1: .untouched, 2: .edited])
            record.exerciseResults = ["1": false, "2": false]
            #expect(ExerciseState.of([1, 2], record: record, edited: edited) == [1: .untouched, 2: .failing])
            record.exerciseResults = ["1": true, "2": false]
            #expect(ExerciseState.of([1, 2], record: record, edited: edited) == [1: .passed, 2: .failing])

            record.status = .done
            record.forgetChecks(of: 1)
            #expect(record.status == .inProgress)
            #expect(ExerciseState.of([1, 2], record: record, edited: edited) == [1: .untouched, 2: .failing])
        }
    }

}
