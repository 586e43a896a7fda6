import TestSupport
import Testing

@testable import CourseKit

@Suite("The exercise invariants", .onThreadsOfTheirOwn)
struct InvariantCheckTests {
    let root = CourseRoot(path: "/course")

    @Test("An untouched exercise that fails every check with not done yet keeps the invariants")
    func cleanFailureIsFine() {
        let output = """
            ✘ Test "a" recorded an issue at A.swift:1:1: Caught error: not done yet: write a
            ✘ Test "a" failed after 0.1 seconds with 1 issue.
            """
        #expect(InvariantCheck.problems(inUntouchedRun: TestReport(output: output, root: root)).isEmpty)
    }

    @Test("A check that passes, or fails for another reason, breaks them")
    func otherOutcomesAreProblems() {
        let output = """
            ✔ Test "a" passed after 0.1 seconds.
            ✘ Test "b" recorded an issue at B.swift:1:1: Expectation failed: 1 == 2
            ✘ Test "b" failed after 0.1 seconds with 1 issue.
            """
        let problems = InvariantCheck.problems(inUntouchedRun: TestReport(output: output, root: root))
        #expect(problems.count == 2)
    }

    @Test("A run with no test, as after a crash, breaks them")
    func crashIsAProblem() {
        #expect(InvariantCheck.problems(inUntouchedRun: TestReport(output: "Fatal error", root: root)).count == 1)
    }
}
