import CourseKit
import TestSupport
import Testing

@Suite("Hints", .onThreadsOfTheirOwn)
struct LessonHintsTests {
    @Test("Hints are read per exercise, separated by ---")
    func parsesHints() {
        let hints = LessonHints(
            markdown: """
                # Hints for lesson 1

                ## Exercise 1: the accept value
                First nudge.
                ---
                Second, with `code`.

                ## Exercise 2: the decision
                Only one.
                """
        )
        #expect(hints.exercises.map(\.number) == [1, 2])
        #expect(hints.exercise(1)?.title == "the accept value")
        #expect(hints.exercise(1)?.hints == ["First nudge.", "Second, with `code`."])
        #expect(hints.exercise(2)?.hints == ["Only one."])
        #expect(hints.exercise(3) == nil)
    }
}
